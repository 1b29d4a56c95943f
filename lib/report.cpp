// The monthly report (docs/design.md §13): gathering its figures from the library's use cases.
// The page itself is drawn by report_render.cpp.

#include <algorithm>
#include <set>

#include "gridgov/assessment.hpp"
#include "gridgov/boundaries.hpp"
#include "gridgov/error.hpp"
#include "gridgov/report.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

namespace {

std::chrono::year_month local_month(Timestamp t, std::chrono::minutes offset) {
  const std::chrono::year_month_day d{std::chrono::floor<std::chrono::days>(t + offset)};
  return {d.year(), d.month()};
}

Period period_of(std::chrono::year_month ym, std::chrono::minutes offset) {
  using namespace std::chrono;
  return Period{Timestamp(sys_days(ym / 1).time_since_epoch() - offset),
                Timestamp(sys_days((ym + months{1}) / 1).time_since_epoch() - offset)};
}

/// The grouping one level below `level` (a grid's rows are its own).
Grouping rows_below(Level level) {
  switch (level) {
    case Level::county:
      return Grouping::town;
    case Level::town:
      return Grouping::zone;
    case Level::zone:
      return Grouping::village;
    case Level::village:
    case Level::grid:
      break;
  }
  return Grouping::grid;
}

/// The total row of a statistics report, and the rows before it.
StatsRow pop_total(std::vector<StatsRow>& rows) {
  StatsRow total = std::move(rows.back());
  rows.pop_back();
  return total;
}

/// The supervision list's order: the case that was due (or ordered) longest ago first.
Timestamp pressing_since(const Case& c) {
  Timestamp t = Timestamp::max();
  if (c.due) t = *c.due;
  if (c.supervision) t = std::min(t, c.supervision->by);
  return t;
}

}  // namespace

MonthFigures month_figures(Session& session, const Period& period, std::string_view unit) {
  Reporting& reporting = session.reporting();
  std::optional<UnitTree> tree;
  std::map<std::string, bool, std::less<>> inside;  // grid → within `unit`, remembered
  auto counts = [&](std::string_view grid) {
    if (unit.empty()) return true;
    auto it = inside.find(grid);
    if (it == inside.end()) it = inside.emplace(std::string(grid), tree->within(grid, unit)).first;
    return it->second;
  };
  if (!unit.empty()) {
    tree.emplace(session.store().units());
    if (!tree->find(unit)) throw Error(ErrorCode::not_found, "unknown unit " + std::string(unit));
  }
  Tally total;
  // As `statistics` counts them: the settled cases off the stored projection, the rest replayed.
  // Without events, quota or grouping (but the grid, to keep a unit's own), this is a fraction
  // of a full report's work.
  std::vector<StatsKey> keys;
  if (!unit.empty()) keys.push_back(StatsKey::grid);
  // The settled tallies beside the unsettled cases where the store can, as `statistics` does.
  reporting.expect_settled_tallies(period.from, period.to, period.to, keys);
  reporting.for_each_unsettled_case(period.from, period.to, period.to,
                                    [&](const Case& c, const std::vector<Event>& events) {
                                      if (counts(c.grid)) total.add(outcome(c, events, period.to));
                                    });
  reporting.settled_tallies(period.from, period.to, period.to, keys,
                            [&](const std::vector<std::string>& key, const Tally& t) {
                              if (unit.empty() || counts(key.back())) total += t;
                            });
  MonthFigures f;
  f.month = local_month(period.from, session.utc_offset());
  f.reported = total.reported;
  f.problems = total.problems;
  f.closed = total.closed;
  f.closed_on_time = total.closed_on_time;
  return f;
}

ProblemRates problem_rates(const std::vector<GridRate>& grids) {
  ProblemRates out;
  out.per_household =
      !grids.empty() && std::all_of(grids.begin(), grids.end(), [](const GridRate& g) {
        return g.households && *g.households > 0;
      });
  for (const auto& g : grids)
    out.rates.push_back(out.per_household ? static_cast<double>(g.problems) * 100.0 /
                                                static_cast<double>(*g.households)
                                          : static_cast<double>(g.problems));
  return out;
}

ReportData report_data(Session& session, const ReportOptions& options) {
  using namespace std::chrono;
  const auto snapshot = session.begin_read();  // every figure of the page from one moment
  Store& store = session.store();
  const Policy& policy = session.policy();
  const auto offset = session.utc_offset();
  const UnitTree tree(store.units());
  const auto county = store.county();
  const Unit* top = options.unit.empty() ? nullptr : tree.find(options.unit);
  if (!options.unit.empty() && !top)
    throw Error(ErrorCode::not_found, "unknown unit " + options.unit);
  const std::string unit = top ? top->code : std::string();

  ReportData d;
  d.county = county ? county->name : std::string();
  d.county_wide = top == nullptr;
  d.scope = top ? top->code : county ? county->code : std::string();
  d.scope_name = top ? top->name : d.county;
  d.month = local_month(options.month.from, offset);
  d.utc_offset = offset;
  d.generated_at = session.now();
  d.policy_version = store.policy_version();
  d.daily_reports_per_grid = policy.daily_reports_per_grid;
  for (const auto& dep : policy.departments) d.names.departments[dep.code] = dep.name;
  for (const auto& cat : policy.categories) d.names.categories[cat.code] = cat.name;

  // 1 and 3: the month by unit (its total row is the headline), last month, a year before.
  d.unit_level = top ? rows_below(top->level) : Grouping::town;
  d.units = statistics(session, options.month, {d.unit_level}, unit);
  d.current = pop_total(d.units);
  {
    auto rows = statistics(session, period_of(d.month - months{1}, offset), {}, unit);
    d.previous = pop_total(rows);
  }
  {
    auto rows = statistics(session, period_of(d.month - years{1}, offset), {}, unit);
    d.last_year = pop_total(rows);
  }
  if (!policy.indicators.empty()) {
    d.ranking = assess(session, options.month, AssessmentGrouping::town);
    d.assessed_groups = d.ranking.size();
    const Unit* town = top ? tree.town_of(top->code) : nullptr;
    for (const auto& row : d.ranking)
      if (town && row.group == town->code) d.assessment = row;
  }

  // 2: the trend, the cheap way (totals only); the two months already counted are reused, and
  // months before the first case or after the last need no query.
  const auto range = session.reporting().reported_range();
  for (int back = 11; back >= 0; --back) {
    const year_month ym = d.month - months{back};
    MonthFigures f;
    const StatsRow* known = back == 0 ? &d.current : back == 1 ? &d.previous : nullptr;
    if (known) {
      f.month = ym;
      f.reported = known->reported;
      f.problems = known->problems;
      f.closed = known->closed;
      f.closed_on_time = known->closed_on_time;
    } else if (const Period p = period_of(ym, offset);
               range && p.to > range->first && p.from <= range->second) {
      f = month_figures(session, p, unit);
    } else {
      f.month = ym;
    }
    d.trend.push_back(f);
  }

  // 4: sources and categories (most reported first; categories without cases left out).
  d.sources = statistics(session, options.month, {Grouping::source}, unit);
  d.sources.pop_back();
  d.categories = statistics(session, options.month, {Grouping::category}, unit);
  d.categories.pop_back();
  std::erase_if(d.categories, [](const StatsRow& r) { return r.reported == 0; });
  auto most_reported = [](const StatsRow& a, const StatsRow& b) {
    return a.reported != b.reported ? a.reported > b.reported : a.group < b.group;
  };
  std::stable_sort(d.sources.begin(), d.sources.end(), most_reported);
  std::stable_sort(d.categories.begin(), d.categories.end(), most_reported);

  // 5: the supervision list (rule 15) as `gridctl supervise` gives it, within the unit.
  CaseFilter filter;
  filter.supervised_at = options.now;
  filter.unit = unit;
  d.supervision = store.cases(filter);
  d.supervision_at = options.now;
  d.supervision_total = d.supervision.size();
  std::stable_sort(d.supervision.begin(), d.supervision.end(), [](const Case& a, const Case& b) {
    return pressing_since(a) < pressing_since(b);
  });
  if (d.supervision.size() > options.supervision_rows)
    d.supervision.resize(options.supervision_rows);
  for (const Case& c : d.supervision)
    for (const std::string* code : {&c.grid, &c.unit})
      if (const Unit* u = tree.find(*code)) d.unit_names.emplace(u->code, u->name);

  // 6: the valid patrol reports per grid and local day.
  const auto days = session.reporting().quota_by_day(options.month.from, options.month.to, offset);
  const auto length = static_cast<std::size_t>(
      duration_cast<std::chrono::days>(options.month.to - options.month.from).count());
  const Level band_level = d.unit_level == Grouping::town      ? Level::town
                           : d.unit_level == Grouping::zone    ? Level::zone
                           : d.unit_level == Grouping::village ? Level::village
                                                               : Level::grid;
  for (const Unit& u : tree.units()) {
    if (u.level != Level::grid || (top && !tree.within(u.code, unit))) continue;
    const Unit* group = tree.ancestor_at(u.code, band_level);
    GridDays g{u.code, u.name, group ? group->code : std::string(),
               group ? group->name : std::string(), std::vector<long long>(length, 0)};
    if (auto it = days.find(u.code); it != days.end())
      for (std::size_t i = 0; i < length && i < it->second.size(); ++i)
        g.reports[i] = it->second[i];
    d.quota.push_back(std::move(g));
  }
  std::stable_sort(d.quota.begin(), d.quota.end(), [](const GridDays& a, const GridDays& b) {
    return a.group != b.group ? a.group < b.group : a.grid < b.grid;
  });

  // 7: the map, when boundaries are stored: the grids of the scope and their problems.
  for (auto& shape : grid_shapes(session))
    if (!top || tree.within(shape.grid, unit)) d.shapes.push_back(std::move(shape));
  if (!d.shapes.empty()) {
    std::set<std::string, std::less<>> drawn;
    for (const auto& s : d.shapes) drawn.insert(s.grid);
    auto rows = statistics(session, options.month, {Grouping::grid}, unit);
    rows.pop_back();
    for (const auto& r : rows) {
      if (!drawn.count(r.group)) continue;
      const Unit* u = tree.find(r.group);
      d.grid_rates.push_back(
          GridRate{r.group, r.name, r.problems, u ? u->households : std::nullopt});
    }
  }
  return d;
}

}  // namespace gridgov
