#pragma once
// The policy: the rules that change from county to county (docs/design.md §4).

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/level.hpp"
#include "gridgov/model.hpp"

namespace gridgov {

/// The default time limit for a case at each level, and for verification of a resolved case.
struct Deadlines {
  std::array<std::chrono::minutes, 5> level{};  ///< indexed by `index(Level)`
  std::chrono::minutes verification{};

  friend bool operator==(const Deadlines&, const Deadlines&) = default;
};

struct Policy {
  std::chrono::minutes utc_offset{8 * 60};  ///< local days and months for quotas and statistics
  bool auto_escalate = false;
  int daily_reports_per_grid = 2;
  Deadlines deadlines;
  std::vector<Department> departments;
  std::vector<Category> categories;

  [[nodiscard]] const Department* find_department(std::string_view code) const {
    auto it = std::find_if(departments.begin(), departments.end(),
                           [&](const Department& d) { return d.code == code; });
    return it == departments.end() ? nullptr : &*it;
  }
  [[nodiscard]] const Category* find_category(std::string_view code) const {
    auto it = std::find_if(categories.begin(), categories.end(),
                           [&](const Category& c) { return c.code == code; });
    return it == categories.end() ? nullptr : &*it;
  }
  /// The limit for a case of `category` entering `level`: the category's own, else the level's.
  [[nodiscard]] std::chrono::minutes deadline_for(const Category& category, Level level) const {
    return category.deadline ? *category.deadline : deadlines.level[index(level)];
  }

  friend bool operator==(const Policy&, const Policy&) = default;
};

/// Parses a duration made of whole numbers with units `d`, `h` and `m`: `"36h"`, `"3d"`,
/// `"90m"`, `"1d12h"`. Zero and negative durations are refused (nullopt).
[[nodiscard]] constexpr std::optional<std::chrono::minutes> parse_duration(
    std::string_view s) noexcept {
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
  return std::chrono::minutes(total);
}

/// The shortest spelling of a duration: 7200 minutes is `"5d"`, 2160 is `"36h"`, 90 is `"90m"`.
[[nodiscard]] inline std::string format_duration(std::chrono::minutes d) {
  const long long m = d.count();
  if (m % (24 * 60) == 0) return std::to_string(m / (24 * 60)) + "d";
  if (m % 60 == 0) return std::to_string(m / 60) + "h";
  return std::to_string(m) + "m";
}

/// The built-in policy of the model county (the text of examples/policy.toml).
[[nodiscard]] const Policy& default_policy();

/// The TOML text the built-in policy is read from.
[[nodiscard]] std::string_view default_policy_text() noexcept;

}  // namespace gridgov
