#pragma once
// Times are instants; they are read and shown in ISO 8601 with the offset of the policy's timezone.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gridgov {

using Timestamp = std::chrono::sys_seconds;

/// Parses ISO 8601 (`2026-10-03T09:15:00+08:00`, `2026-10-03 09:15`, `2026-10-03`), and the
/// local time Excel shows in a Chinese locale (`2026/10/3 9:15`, `2026/10/03 09:15:00`,
/// `2026/10/3`). A time without an offset is local time at `local_offset`. In ISO 8601 every
/// field has its two (or four) digits; in Excel's form month, day and hour may have one. The
/// year is 2000–2099 (docs/design.md §3 rule 16): anything else is nullopt.
[[nodiscard]] std::optional<Timestamp> parse_time(std::string_view text,
                                                  std::chrono::minutes local_offset);

/// Parses one end of a range. A date alone stands for its whole local day: as a lower bound its
/// start, as an upper bound (`upper`) its end, so `--to 2026-08-31` includes that day.
[[nodiscard]] inline std::optional<Timestamp> parse_bound(std::string_view text,
                                                          std::chrono::minutes local_offset,
                                                          bool upper) {
  auto t = parse_time(text, local_offset);
  const bool date_only =
      text.size() == 10 || (text.find('/') != text.npos && text.find(':') == text.npos);
  if (t && upper && date_only) *t += std::chrono::hours(24);
  return t;
}

/// Formats `t` as local time at `offset`, e.g. `2026-10-03T09:15:00+08:00`.
[[nodiscard]] std::string format_time(Timestamp t, std::chrono::minutes offset);

/// Parses a UTC offset: `+08:00`, `+0800`, `-05:30`, `Z` or `UTC`.
[[nodiscard]] std::optional<std::chrono::minutes> parse_utc_offset(std::string_view text) noexcept;

/// Formats an offset as `+08:00`.
[[nodiscard]] std::string format_utc_offset(std::chrono::minutes offset);

/// The system clock, to the second.
[[nodiscard]] inline Timestamp now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace gridgov
