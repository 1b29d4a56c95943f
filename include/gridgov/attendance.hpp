#pragma once
// Attendance (考勤, docs/design.md §12): per worker and month, the working days served and present,
// the days on patrol, the grids covered and the records outside the worker's scope. The rules are
// here, pure; `attendance` reads the records and patrol reports from a Session.

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/calendar.hpp"
#include "gridgov/model.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/stats.hpp"
#include "gridgov/unit_tree.hpp"
#include "gridgov/workers.hpp"

namespace gridgov {

/// The local date (at `offset`) of `t`.
[[nodiscard]] inline Date local_date(Timestamp t, std::chrono::minutes offset) {
  return std::chrono::floor<std::chrono::days>(t + offset);
}

/// A period's local dates: [first, end).
struct Dates {
  Date first;
  Date end;
};
[[nodiscard]] inline Dates local_dates(const Period& period, std::chrono::minutes offset) {
  return {local_date(period.from, offset), local_date(period.to, offset)};
}

/// Whether `w` serves on local day `d`: active, or retired on a later day (the day of the
/// retirement itself is not served). A worker retired before gridgov kept the time serves no day.
[[nodiscard]] inline bool serving_on(const StoredWorker& w, Date d, std::chrono::minutes offset) {
  if (!w.retired) return true;
  return w.retired_at && d < local_date(*w.retired_at, offset);
}

/// The working days of `dates` on which `w` serves: a month's `workdays` for attendance, and the
/// days a resident or cluster worker's subsidy is paid for.
[[nodiscard]] inline long long served_workdays(const StoredWorker& w, const Dates& dates,
                                               const Calendar& calendar,
                                               std::chrono::minutes offset) {
  long long n = 0;
  for (Date d = dates.first; d < dates.end; d += std::chrono::days(1))
    if (calendar.is_working_day(d) && serving_on(w, d, offset)) ++n;
  return n;
}

/// Whether `w` serves on any day of `dates`.
[[nodiscard]] inline bool serves_during(const StoredWorker& w, const Dates& dates,
                                        std::chrono::minutes offset) {
  return dates.first < dates.end && serving_on(w, dates.first, offset);
}

/// Whether `grid` lies in `w`'s scope: a grid worker's grid, a town worker's unit, a resident or
/// cluster worker's zones; a whistle worker is on call anywhere.
[[nodiscard]] inline bool in_scope(const Worker& w, std::string_view grid, const UnitTree& tree) {
  if (w.tier == Tier::county && w.deployment == Deployment::whistle) return true;
  return std::any_of(w.units.begin(), w.units.end(),
                     [&](const std::string& u) { return tree.within(grid, u); });
}

/// A month's attendance figures (of one worker, or summed over several).
struct AttendanceFigures {
  long long workdays = 0;      ///< working days of the month the worker served
  long long days_present = 0;  ///< of those, the days with a record or a patrol report
  long long patrol_days = 0;   ///< days (any day) with a patrol record or report
  long long grids_covered = 0;
  long long out_of_scope = 0;  ///< records and reports in a grid outside the worker's scope

  /// days_present / workdays; nullopt without workdays.
  [[nodiscard]] std::optional<double> attendance_rate() const {
    if (workdays <= 0) return std::nullopt;
    return static_cast<double>(days_present) / static_cast<double>(workdays);
  }
  AttendanceFigures& operator+=(const AttendanceFigures& o) {
    workdays += o.workdays;
    days_present += o.days_present;
    patrol_days += o.patrol_days;
    grids_covered += o.grids_covered;
    out_of_scope += o.out_of_scope;
    return *this;
  }
  friend bool operator==(const AttendanceFigures&, const AttendanceFigures&) = default;
};

/// One worker's figures over `dates` from the evidence of presence: their attendance records and
/// the patrol reports they logged (kind patrol) in the period. A day counts present when it is a
/// working day the worker served; every record counts for patrol days, grids and scope.
[[nodiscard]] inline AttendanceFigures attendance_figures(
    const StoredWorker& w, const std::vector<AttendanceRecord>& evidence, const Dates& dates,
    const Calendar& calendar, std::chrono::minutes offset, const UnitTree& tree) {
  AttendanceFigures f;
  f.workdays = served_workdays(w, dates, calendar, offset);
  std::set<Date> present;
  std::set<Date> patrol;
  std::set<std::string_view> grids;
  for (const auto& r : evidence) {
    const Date d = local_date(r.at, offset);
    if (d < dates.first || d >= dates.end) continue;
    if (calendar.is_working_day(d) && serving_on(w, d, offset)) present.insert(d);
    if (r.kind == AttendanceKind::patrol) patrol.insert(d);
    grids.insert(r.grid);
    if (!in_scope(w.worker, r.grid, tree)) ++f.out_of_scope;
  }
  f.days_present = static_cast<long long>(present.size());
  f.patrol_days = static_cast<long long>(patrol.size());
  f.grids_covered = static_cast<long long>(grids.size());
  return f;
}

/// The town a worker belongs to for reports: the town of the first unit they serve; none (empty)
/// for a whistle worker.
[[nodiscard]] inline std::string worker_town(const Worker& w, const UnitTree& tree) {
  if (w.units.empty()) return {};
  const Unit* town = tree.town_of(w.units.front());
  return town ? town->code : std::string();
}

/// Checks one attendance row against the database: the worker is known (a retired worker's
/// records are history, and accepted) and the grid is a grid of the layout. A record outside the
/// worker's scope is accepted: attendance counts it as out of scope.
inline void check_attendance(const AttendanceEntry& e,
                             const std::function<bool(std::string_view)>& worker_known,
                             const UnitLevelLookup& unit_level, Diagnostics& diagnostics) {
  if (!worker_known(e.record.worker))
    diagnostics.add(e.worker_at.error("unknown worker " + e.record.worker));
  const auto level = unit_level(e.record.grid);
  if (!level)
    diagnostics.add(e.grid_at.error("unknown grid " + e.record.grid));
  else if (*level != Level::grid)
    diagnostics.add(e.grid_at.error(e.record.grid + " is a " + std::string(to_string(*level)) +
                                    ", not a grid"));
}

/// What importing an attendance file did.
struct AttendanceImportReport {
  long long rows = 0;
  long long added = 0;
  long long present = 0;  ///< the worker already had a record at that instant
  bool written = false;   ///< false for a dry run, or when nothing was added
};

/// Imports an attendance file in one transaction, streaming it: every row is checked
/// (check_attendance), and any diagnostic means nothing is written (ErrorCode::input). A row
/// whose worker already has a record at that instant is skipped, so importing a file twice adds
/// nothing. `recorded_at` of each record is the session's clock.
AttendanceImportReport import_attendance(Session& session, const std::string& path,
                                         const ReadOptions& options, bool dry_run,
                                         Diagnostics& diagnostics);

/// What `attendance` groups by.
enum class AttendanceGrouping { worker, town };

/// One row of `attendance`: a worker (code, name, units), or a town or the county total (code,
/// name).
struct AttendanceRow : AttendanceFigures {
  std::string code;
  std::string name;
  std::string unit;        ///< worker rows: the units served, `;`-separated
  std::string town;        ///< worker rows: worker_town
  std::string department;  ///< worker rows: a county worker's department
  Tier tier = Tier::grid;  ///< worker rows
};

/// The month's attendance: per worker serving in it (by code), or per town (every town, by code)
/// then the county total. Evidence is the workers' attendance records and the patrol reports
/// they logged that are not void and not late records (rule 16).
[[nodiscard]] std::vector<AttendanceRow> attendance(Session& session, const Period& period,
                                                    AttendanceGrouping by);

}  // namespace gridgov
