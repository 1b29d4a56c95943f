#pragma once
// The monthly report (月度报告, docs/design.md §13): one self-contained HTML page for the county's
// monthly meeting (or, for one town, its weekly meeting). `report_data` gathers the figures from
// the library's own use cases (statistics, assess, quota, the supervision list); `render_report`
// lays them out through the page's template, with SVG charts and no script; `save_report` writes
// the file so that a failure leaves none half-written.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/assessment.hpp"
#include "gridgov/case.hpp"
#include "gridgov/geo.hpp"
#include "gridgov/render.hpp"
#include "gridgov/session.hpp"
#include "gridgov/stats.hpp"

namespace gridgov {

/// What to report on.
struct ReportOptions {
  Period month;      ///< a local month (month_period)
  std::string unit;  ///< a unit's code: its own report (a town's zones); empty: the county's
  Timestamp now{};   ///< the supervision list is judged then (as `gridctl supervise`)
  std::size_t supervision_rows = 50;  ///< the most pressing cases listed; the rest are counted
};

/// The headline figures of one month, with the cases counted as `statistics` counts them.
struct MonthFigures {
  std::chrono::year_month month{};
  long long reported = 0;
  long long problems = 0;
  long long closed = 0;
  long long closed_on_time = 0;
  /// The rates as `Tally` defines them; none without problems (people see a blank).
  [[nodiscard]] std::optional<double> resolution_rate() const {
    return problems ? std::optional(tally().resolution_rate()) : std::nullopt;
  }
  [[nodiscard]] std::optional<double> on_time_rate() const {
    return problems ? std::optional(tally().on_time_rate()) : std::nullopt;
  }

 private:
  [[nodiscard]] Tally tally() const {
    Tally t;
    t.reported = reported;
    t.problems = problems;
    t.closed = closed;
    t.closed_on_time = closed_on_time;
    return t;
  }
};

/// A grid's valid patrol reports on each local day of the month (rule 12).
struct GridDays {
  std::string grid;
  std::string name;
  /// The unit of the report's unit rows it lies in (a town county-wide, a zone in a town's
  /// report): its code and name. The heat map bands the grids by it.
  std::string group;
  std::string group_name;
  std::vector<long long> reports;  ///< one per local day of the month
};

/// A grid's problems and households, for the map.
struct GridRate {
  std::string grid;
  std::string name;
  long long problems = 0;
  std::optional<long long> households;
};

/// Everything the page shows, gathered once.
struct ReportData {
  std::string county;       ///< the county's name
  std::string scope;        ///< the unit reported on: its code (the county's for the county)
  std::string scope_name;   ///< and its name
  bool county_wide = true;  ///< no --unit
  std::chrono::year_month month{};
  std::chrono::minutes utc_offset{8 * 60};
  Timestamp generated_at{};
  int policy_version = 0;
  int daily_reports_per_grid = 2;

  StatsRow current;    ///< the month's total row (statistics)
  StatsRow previous;   ///< last month's
  StatsRow last_year;  ///< the same month a year before
  /// The scope's own assessment (a town's, with --unit), when the policy has indicators.
  std::optional<AssessmentRow> assessment;
  std::size_t assessed_groups = 0;  ///< how many towns were ranked

  std::vector<MonthFigures> trend;  ///< the 12 months ending with `month`, oldest first

  Grouping unit_level = Grouping::town;  ///< what the unit table's rows are
  std::vector<StatsRow> units;           ///< the unit table (without the total row)
  std::vector<AssessmentRow> ranking;    ///< the towns' assessment (empty without indicators)

  std::vector<StatsRow> sources;     ///< by source (without the total row)
  std::vector<StatsRow> categories;  ///< by category, most reported first (without the total)
  Names names;                       ///< departments' and categories' names

  std::vector<Case> supervision;      ///< the most pressing cases of the list, at `now`
  std::size_t supervision_total = 0;  ///< how many the list holds
  Timestamp supervision_at{};
  /// The names of the units the listed cases lie in or are held by, by code.
  std::map<std::string, std::string, std::less<>> unit_names;  ///< when it was judged

  std::vector<GridDays> quota;  ///< every grid of the scope, by group then code

  std::vector<GridShape> shapes;     ///< the grids' boundaries (empty: none stored)
  std::vector<GridRate> grid_rates;  ///< per grid of the scope (only when shapes exist)
};

/// Gathers the report of `options.month`. Throws ErrorCode::not_found for an unknown unit.
///
/// **Example**: `auto data = report_data(session, {.month = *month_period("2026-09", offset)});`
[[nodiscard]] ReportData report_data(Session& session, const ReportOptions& options);

/// The figures of one month cheaply: only the totals of the cases reported in it, as
/// `statistics` counts them at the month's end (no events, no quota), within `unit` if given.
[[nodiscard]] MonthFigures month_figures(Session& session, const Period& period,
                                         std::string_view unit = {});

/// The problem rate the map colours a grid by: problems per 100 households when every grid drawn
/// has a household count, else problems per grid. `per_household` says which.
struct ProblemRates {
  bool per_household = false;
  std::vector<std::optional<double>> rates;  ///< one per grid of the input, in its order
};
[[nodiscard]] ProblemRates problem_rates(const std::vector<GridRate>& grids);

/// The page: one self-contained HTML document (inline styles and SVG, no script, no external
/// file), in Chinese or English.
[[nodiscard]] std::string render_report(const ReportData& data, Lang lang = Lang::zh);

/// The map section's SVG for `shapes` coloured by `grids`' problem rates (empty when there are
/// no shapes): one `<path data-grid="CODE">` per grid drawn. Exposed for tests.
[[nodiscard]] std::string render_map(const std::vector<GridShape>& shapes,
                                     const std::vector<GridRate>& grids, Lang lang = Lang::zh);

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so that
/// the file appears whole or not at all; "-" writes standard output. A directory, or a place
/// that cannot be written, is ErrorCode::usage naming the path.
void save_report(const std::string& path, std::string_view text);

}  // namespace gridgov
