#pragma once
// Statistics (docs/design.md §7): what each case amounts to at the end of a period (a pure function
// of its events), and the rows of a report grouped by unit level, department, category or source.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "gridgov/case.hpp"
#include "gridgov/session.hpp"

namespace gridgov {

/// The field names of a statistics row, in order (after `group` and `name`).
inline const std::vector<std::string> k_stat_fields = {"reported",
                                                       "problems",
                                                       "closed",
                                                       "closed_on_time",
                                                       "resolution_rate",
                                                       "on_time_rate",
                                                       "escalated",
                                                       "referred",
                                                       "whistles",
                                                       "rework",
                                                       "overdue_open",
                                                       "stage_late",
                                                       "extended",
                                                       "suspended_open",
                                                       "supervised",
                                                       "supervision_overdue",
                                                       "verified_by_admin",
                                                       "median_hours_to_close",
                                                       "quota_days_met",
                                                       "quota_rate"};

/// What one case amounts to as of `end` (events at or after `end` have not happened yet). A late
/// record (rule 16) counts at its `recorded_at`: it never makes a case look faster.
struct Outcome {
  bool problem = false;              ///< kind problem, not void
  bool closed = false;               ///< a problem closed at `end`
  bool closed_on_time = false;       ///< closed by its `due` (as extended and resumed)
  bool escalated = false;            ///< escalated or referred at least once
  bool referred = false;             ///< referred to a county department (乡呼县应)
  bool overdue_open = false;         ///< open, not suspended, past its `due` at `end`
  bool stage_late = false;           ///< open past a stage `deadline` at some moment before `end`
  bool extended = false;             ///< extended at least once
  bool suspended_open = false;       ///< open and suspended at `end`
  bool supervision_overdue = false;  ///< under an order, not yet closed past its time at `end`
  std::optional<double> hours_to_close;
  std::string department;  ///< the department that handled it last, if any
};

[[nodiscard]] inline Outcome outcome(const Case& header, const std::vector<Event>& events,
                                     Timestamp end) {
  Outcome o;
  Case c = replay(header, {});
  std::optional<Timestamp> closed_at;
  // Whether the stage that `c` stands in ran past its deadline before `until`.
  auto stage_ran_late = [&](Timestamp until) {
    return c.status == Status::open && !c.suspended() && c.deadline && until > *c.deadline;
  };
  for (std::size_t i = 0; i < events.size() && events[i].at < end; ++i) {
    const Event& e = events[i];
    if (i > 0 && stage_ran_late(std::min(counted_at(e), end))) o.stage_late = true;
    c = apply(std::move(c), e);
    if (e.type == EventType::escalate || e.type == EventType::refer) o.escalated = true;
    if (e.type == EventType::refer) o.referred = true;
    if (e.type == EventType::extend) o.extended = true;
    if (e.type == EventType::close) closed_at = counted_at(e);
    if (!c.department.empty()) o.department = c.department;
  }
  if (stage_ran_late(end)) o.stage_late = true;
  o.problem = header.kind == Kind::problem && c.status != Status::voided;
  if (!o.problem) return o;
  o.closed = c.status == Status::closed;
  o.closed_on_time = o.closed && closed_at && (!c.due || *closed_at <= *c.due);
  o.overdue_open = is_overdue(c, end);
  o.suspended_open = c.status == Status::open && c.suspended();
  o.supervision_overdue = is_supervision_overdue(c, end);
  if (o.closed && closed_at)
    o.hours_to_close =
        std::chrono::duration<double>(*closed_at - header.reported_at).count() / 3600.0;
  return o;
}

/// One row of a statistics report.
struct StatsRow {
  std::string group;  ///< the code (unit, department, category, source); "a/b" for two-way
  std::string name;
  long long reported = 0;
  long long problems = 0;
  long long closed = 0;
  long long closed_on_time = 0;
  long long escalated = 0;
  long long referred = 0;
  long long whistles = 0;
  long long rework = 0;
  long long overdue_open = 0;
  long long stage_late = 0;
  long long extended = 0;
  long long suspended_open = 0;
  long long supervised = 0;  ///< supervision orders issued in the period (rule 15)
  long long supervision_overdue = 0;
  long long verified_by_admin = 0;          ///< closes recorded by `admin` in the period (rule 7)
  std::vector<double> hours;                ///< hours to close of each closed problem
  std::optional<long long> quota_days_met;  ///< unit groupings only
  std::optional<long long> grid_days;

  void add(const Outcome& o) {
    ++reported;
    if (!o.problem) return;
    ++problems;
    closed += o.closed;
    closed_on_time += o.closed_on_time;
    escalated += o.escalated;
    referred += o.referred;
    overdue_open += o.overdue_open;
    stage_late += o.stage_late;
    extended += o.extended;
    suspended_open += o.suspended_open;
    supervision_overdue += o.supervision_overdue;
    if (o.hours_to_close) hours.push_back(*o.hours_to_close);
  }
  [[nodiscard]] double resolution_rate() const {
    return problems ? static_cast<double>(closed) / static_cast<double>(problems) : 0.0;
  }
  [[nodiscard]] double on_time_rate() const {
    return problems ? static_cast<double>(closed_on_time) / static_cast<double>(problems) : 0.0;
  }
  /// The median hours to close (the mean of the middle two for an even count).
  [[nodiscard]] std::optional<double> median_hours_to_close() const {
    if (hours.empty()) return std::nullopt;
    std::vector<double> h = hours;
    const auto mid = h.begin() + static_cast<std::ptrdiff_t>(h.size() / 2);
    std::nth_element(h.begin(), mid, h.end());
    if (h.size() % 2) return *mid;
    const double upper = *mid;
    const double lower = *std::max_element(h.begin(), mid);
    return (lower + upper) / 2.0;
  }
  [[nodiscard]] std::optional<double> quota_rate() const {
    if (!quota_days_met || !grid_days) return std::nullopt;
    return *grid_days ? static_cast<double>(*quota_days_met) / static_cast<double>(*grid_days)
                      : 0.0;
  }
};

/// What a report groups by.
enum class Grouping { town, zone, village, grid, department, category, source };

[[nodiscard]] constexpr std::optional<Grouping> parse_grouping(std::string_view s) noexcept {
  if (s == "town") return Grouping::town;
  if (s == "zone") return Grouping::zone;
  if (s == "village") return Grouping::village;
  if (s == "grid") return Grouping::grid;
  if (s == "department") return Grouping::department;
  if (s == "category") return Grouping::category;
  if (s == "source") return Grouping::source;
  return std::nullopt;
}

/// A period of time, [from, to).
struct Period {
  Timestamp from{};
  Timestamp to{};
};

/// The local month `YYYY-MM` at `offset` as a period; nullopt when the text is not a month.
[[nodiscard]] std::optional<Period> month_period(std::string_view text,
                                                 std::chrono::minutes offset);

/// The period of `stats summary`: from `from` (else the local day of the first case) to `to`
/// (else the end of today, or of the last case's day when later).
[[nodiscard]] Period summary_period(Session& session, std::optional<Timestamp> from,
                                    std::optional<Timestamp> to);

/// A statistics report over `period`: one row per group (every unit of a level, department,
/// category or source; for two groupings, each pair that has cases), then the county total
/// (group = the county's code).
[[nodiscard]] std::vector<StatsRow> statistics(Session& session, const Period& period,
                                               const std::vector<Grouping>& by);

/// Per grid: the local days of `period` with at least the policy's daily patrol reports.
/// Rule 12: a report counts when made on patrol by a grid-tier worker serving the grid, and not
/// void; `reports` says how many did and why the others did not.
struct QuotaRow {
  std::string grid;
  std::string name;
  long long days = 0;
  GridQuota reports;
  [[nodiscard]] long long days_met() const noexcept { return reports.days_met; }
  [[nodiscard]] double rate() const {
    return days ? static_cast<double>(reports.days_met) / static_cast<double>(days) : 0.0;
  }
};
[[nodiscard]] std::vector<QuotaRow> quota(Session& session, const Period& period);

}  // namespace gridgov
