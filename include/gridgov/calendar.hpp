#pragma once
// The working-day calendar (工作日, docs/design.md §3 rule 9 and §4): Monday to Friday, minus the
// holidays, plus the make-up workdays (调休上班). A limit of N working days from an event ends at
// 24:00 local time of the N-th working day after the event's local day (the event's own day never
// counts: 期间开始之日不计入).

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gridgov/duration.hpp"
#include "gridgov/time.hpp"

namespace gridgov {

using Date = std::chrono::sys_days;

/// Parses `YYYY-MM-DD` (a real date of the years 2000–2099); nullopt otherwise.
[[nodiscard]] std::optional<Date> parse_date(std::string_view text);
/// `YYYY-MM-DD`.
[[nodiscard]] std::string format_date(Date d);

struct Calendar {
  std::vector<std::pair<Date, Date>> holidays;  ///< inclusive ranges, sorted, not overlapping
  std::vector<Date> workdays;                   ///< weekend days worked, sorted

  /// Whether `d` is a working day: a make-up workday, or a weekday that is not a holiday.
  [[nodiscard]] bool is_working_day(Date d) const;
  /// The years the calendar's dates fall in (a year not covered counts Monday to Friday).
  [[nodiscard]] std::set<int> years() const;

  friend bool operator==(const Calendar&, const Calendar&) = default;
};

/// When a limit of `limit` from `at` ends: `at + limit` for natural time; for N working days,
/// 24:00 local (at `offset`) of the N-th working day after `at`'s local day.
///
/// **Example**: 2026-09-30T09:00+08:00 plus `5wd` on the 2026 calendar ends
/// 2026-10-14T00:00+08:00 (10-08, 10-09, 10-10 worked, 10-12, 10-13).
[[nodiscard]] Timestamp limit_end(const Calendar& calendar, std::chrono::minutes offset,
                                  Timestamp at, const Duration& limit);

/// `t` moved out by `limit` (rule 13 extensions, rule 14 resumes): `t + limit` for natural time;
/// for N working days, 24:00 local of the N-th working day after the day `t` ends. A time at local
/// midnight ends the day before it, so a due of 10-14T00:00 moved by `2wd` is 10-16T00:00.
[[nodiscard]] Timestamp move_out(const Calendar& calendar, std::chrono::minutes offset, Timestamp t,
                                 const Duration& limit);

/// The working days that pass from `from` to `to`: those after `from`'s local day, up to and
/// including `to`'s (rule 14: a suspension's working days). Zero when `to` is not later.
[[nodiscard]] int working_days_between(const Calendar& calendar, std::chrono::minutes offset,
                                       Timestamp from, Timestamp to);

}  // namespace gridgov
