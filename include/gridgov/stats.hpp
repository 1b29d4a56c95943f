#pragma once
// Statistics (docs/design.md §7): the rows of a report grouped by unit level, department, category
// or source, each the tally of what its cases amount to at the period's end (outcome.hpp).

#include <optional>
#include <string>
#include <vector>

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
                                                       "quota_rate"};

/// One row of a statistics report: the group, and its tally of the period.
struct StatsRow : Tally {
  std::string group;  ///< the code (unit, department, category, source); "a/b" for two-way
  std::string name;
  std::optional<long long> quota_days_met;  ///< unit groupings only
  std::optional<long long> grid_days;

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
