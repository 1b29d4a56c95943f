#pragma once
// Statistics (docs/design.md §7): the rows of a report grouped by unit level, department, category
// or source, each the tally of what its cases amount to at the period's end (outcome.hpp).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gridgov/level.hpp"
#include "gridgov/outcome.hpp"
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
                                                       "quota_rate",
                                                       "reported_by_party_members",
                                                       "handled_by_party_members"};

/// One row of a statistics report: the group, and its tally of the period.
struct StatsRow : Tally {
  std::string group;  ///< the code (unit, department, category, source, service); "a/b" for two-way
  std::string name;
  std::optional<long long> quota_days_met;  ///< unit groupings only
  std::optional<long long> grid_days;

  [[nodiscard]] std::optional<double> quota_rate() const {
    if (!quota_days_met || !grid_days) return std::nullopt;
    return *grid_days ? static_cast<double>(*quota_days_met) / static_cast<double>(*grid_days)
                      : 0.0;
  }
};

/// What a report groups by. `party`: the party organisation leading the zone of the case's grid
/// (网格片区党委, docs/design.md §12.4); `service`: the service a case delivered (§12.5).
enum class Grouping { town, zone, village, grid, department, category, source, party, service };

/// Parses a grouping by its code name or Chinese word: a level below the county as parse_level
/// reads it (`镇街`, `片区`, `村居`, `网格`, …), `department`/`部门`, `category`/`事项类别`,
/// `source`/`来源`, `party`/`党组织`, `service`/`服务事项`.
[[nodiscard]] constexpr std::optional<Grouping> parse_grouping(std::string_view s) noexcept {
  if (auto level = parse_level(s)) {
    switch (*level) {
      case Level::town:
        return Grouping::town;
      case Level::zone:
        return Grouping::zone;
      case Level::village:
        return Grouping::village;
      case Level::grid:
        return Grouping::grid;
      case Level::county:
        return std::nullopt;  // the total row is the county's
    }
  }
  if (s == "department" || s == "部门" || s == "县直部门") return Grouping::department;
  if (s == "category" || s == "事项类别" || s == "类别") return Grouping::category;
  if (s == "source" || s == "来源") return Grouping::source;
  if (s == "party" || s == "党组织") return Grouping::party;
  if (s == "service" || s == "服务事项" || s == "服务") return Grouping::service;
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
/// As above, and also `this` (the local month containing `now`) and `last` (the one before).
[[nodiscard]] std::optional<Period> month_period(std::string_view text, std::chrono::minutes offset,
                                                 Timestamp now);

/// The period of `stats summary`: from `from` (else the local day of the first case) to `to`
/// (else the end of today, or of the last case's day when later).
[[nodiscard]] Period summary_period(Session& session, std::optional<Timestamp> from,
                                    std::optional<Timestamp> to);

/// A statistics report over `period`: one row per group (every unit of a level, department,
/// category or source; for two groupings, each pair that has cases), then the county total
/// (group = the county's code). With `unit` (a unit's code), only the cases, events and grids
/// within that unit's subtree count, its unit rows are the units of that subtree, and the total
/// is that unit's (group = its code).
[[nodiscard]] std::vector<StatsRow> statistics(Session& session, const Period& period,
                                               const std::vector<Grouping>& by,
                                               std::string_view unit = {});

/// The counties of one database side by side (`stats summary --all-counties`, docs/design.md
/// §14): each county's total row over `period_of` its session (each county reads its period in
/// its own policy's timezone), by county code, then the sum of them all (group `all`, name
/// `all counties`), whose rates come from the summed counts.
[[nodiscard]] std::vector<StatsRow> county_totals(const std::string& url,
                                                  const std::function<Period(Session&)>& period_of);

/// Per grid: the local days of `period` with at least the policy's daily patrol reports.
/// Rule 12: a report counts when made on patrol by a grid-tier worker serving the grid, and not
/// void; `reports` says how many did and why the others did not.
struct QuotaRow {
  std::string grid;
  std::string name;
  std::string town;  ///< the town (镇街) the grid lies in: its code and name
  std::string town_name;
  long long days = 0;
  GridQuota reports;
  [[nodiscard]] long long days_met() const noexcept { return reports.days_met; }
  [[nodiscard]] double rate() const {
    return days ? static_cast<double>(reports.days_met) / static_cast<double>(days) : 0.0;
  }
};
/// Every grid (within `unit`, a unit's code, when given), by code.
[[nodiscard]] std::vector<QuotaRow> quota(Session& session, const Period& period,
                                          std::string_view unit = {});

}  // namespace gridgov
