#pragma once
// Time limits (docs/design.md §3 rule 9, §4): natural durations ("90m", "36h", "3d", "1d12h") or
// working days ("5wd"), which count on the policy's calendar (calendar.hpp).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gridgov {

/// A time limit: natural time, or a number of working days.
struct Duration {
  std::chrono::minutes natural{0};
  int working_days = 0;  ///< > 0: a working-day limit ("5wd"); `natural` is then zero

  constexpr Duration() = default;
  /// Any std::chrono duration is a natural one: `Duration d = std::chrono::hours(36);`.
  template <class Rep, class Period>
  constexpr Duration(std::chrono::duration<Rep, Period> d)  // NOLINT(google-explicit-constructor)
      : natural(std::chrono::duration_cast<std::chrono::minutes>(d)) {}
  [[nodiscard]] static constexpr Duration days_of_work(int n) {
    Duration d;
    d.working_days = n;
    return d;
  }
  [[nodiscard]] constexpr bool in_working_days() const noexcept { return working_days > 0; }

  friend constexpr bool operator==(const Duration&, const Duration&) = default;
};

/// Parses a duration: whole numbers with units `d`, `h` and `m` (`"36h"`, `"1d12h"`), or a
/// number of working days (`"5wd"`, at most 1000). Zero and negative durations are refused.
[[nodiscard]] constexpr std::optional<Duration> parse_duration(std::string_view s) noexcept {
  if (s.size() > 2 && s.substr(s.size() - 2) == "wd") {
    int n = 0;
    for (char c : s.substr(0, s.size() - 2)) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
      if (n > 1000) return std::nullopt;
    }
    if (n == 0) return std::nullopt;
    return Duration::days_of_work(n);
  }
  if (s.empty()) return std::nullopt;
  long long total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    long long n = 0;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > 1'000'000'000) return std::nullopt;
      ++i;
      ++digits;
    }
    if (digits == 0 || i == s.size()) return std::nullopt;
    const char unit = s[i++];
    if (unit == 'd')
      total += n * 24 * 60;
    else if (unit == 'h')
      total += n * 60;
    else if (unit == 'm')
      total += n;
    else
      return std::nullopt;
    if (total > 1'000'000'000) return std::nullopt;
  }
  if (total <= 0) return std::nullopt;
  return Duration(std::chrono::minutes(total));
}

/// The shortest spelling: 7200 minutes is `"5d"`, 2160 is `"36h"`, 90 is `"90m"`; five working
/// days are `"5wd"`.
[[nodiscard]] inline std::string format_duration(const Duration& d) {
  if (d.in_working_days()) return std::to_string(d.working_days) + "wd";
  const long long m = d.natural.count();
  if (m % (24 * 60) == 0) return std::to_string(m / (24 * 60)) + "d";
  if (m % 60 == 0) return std::to_string(m / 60) + "h";
  return std::to_string(m) + "m";
}

}  // namespace gridgov
