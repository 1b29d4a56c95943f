// gridctl stats monthly --month YYYY-MM [--by G[,G2]] | summary [--from D --to D] | quota

#include <fmt/format.h>

#include <memory>

#include "commands.hpp"
#include "gridgov/service.hpp"
#include "gridgov/stats.hpp"

namespace gridctl {

namespace {

struct StatsFlags {
  std::string month;
  std::string by;
  std::string from;
  std::string to;
  double below = -1;
};

/// Rates are numbers in machine formats and percentages for people.
Cell rate(double r, Format f) {
  if (f == Format::table || f == Format::md) return fmt::format("{:.1f}%", r * 100.0);
  return r;
}

Cell hours(const std::optional<double>& h, Format f) {
  if (!h) return {};
  if (f == Format::table || f == Format::md) return fmt::format("{:.1f}", *h);
  return *h;
}

Table stats_table(const std::vector<gridgov::StatsRow>& rows, Format f) {
  Table t{{"group", "name"}, {}};
  for (const auto& field : gridgov::k_stat_fields) t.columns.push_back(field);
  for (const auto& r : rows) {
    Cell quota_met = r.quota_days_met ? Cell{*r.quota_days_met} : Cell{};
    Cell quota_rate = r.quota_rate() ? rate(*r.quota_rate(), f) : Cell{};
    t.rows.push_back({r.group, r.name, r.reported, r.problems, r.closed, r.closed_on_time,
                      rate(r.resolution_rate(), f), rate(r.on_time_rate(), f), r.escalated,
                      r.referred, r.whistles, r.rework, r.overdue_open,
                      hours(r.median_hours_to_close(), f), quota_met, quota_rate});
  }
  return t;
}

gridgov::Period month(const std::string& text, std::chrono::minutes offset) {
  auto p = gridgov::month_period(text, offset);
  if (!p) throw gridgov::Error(gridgov::ErrorCode::usage, "--month " + text + ": expected YYYY-MM");
  return *p;
}

/// The local day that contains `t`, as a period's bound.
gridgov::Timestamp local_midnight(gridgov::Timestamp t, std::chrono::minutes offset) {
  const auto local = t + offset;
  return std::chrono::floor<std::chrono::days>(local) - offset;
}

}  // namespace

void setup_stats(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<StatsFlags>();
  auto* cmd = app.add_subcommand("stats", "Statistics for analysts (local months)");
  cmd->require_subcommand(1);

  auto* monthly = cmd->add_subcommand("monthly", "One row per group, then the county total");
  monthly->add_option("--month", f->month, "The local month")->required()->type_name("YYYY-MM");
  monthly
      ->add_option("--by", f->by,
                   "town, zone, village, grid, department, category or source; two "
                   "comma-separated for a two-way table (default: town)")
      ->type_name("G[,G2]");
  monthly->callback([f, &ctx] {
    auto store = ctx.open();
    const auto offset = gridgov::current_policy(*store).utc_offset;
    std::vector<gridgov::Grouping> by;
    const std::string spec = f->by.empty() ? "town" : f->by;
    std::size_t start = 0;
    while (start <= spec.size()) {
      auto end = spec.find(',', start);
      if (end == std::string::npos) end = spec.size();
      const std::string part = spec.substr(start, end - start);
      auto g = gridgov::parse_grouping(part);
      if (!g) throw gridgov::Error(gridgov::ErrorCode::usage, "--by: unknown grouping " + part);
      by.push_back(*g);
      start = end + 1;
    }
    if (by.size() > 2)
      throw gridgov::Error(gridgov::ErrorCode::usage, "--by takes at most two groupings");
    const auto rows = gridgov::statistics(*store, month(f->month, offset), by);
    ctx.printer().table(stats_table(rows, ctx.format()));
  });

  auto* summary = cmd->add_subcommand("summary", "The county totals over a period");
  summary->add_option("--from", f->from, "First day (default: the first case's)")->type_name("D");
  summary->add_option("--to", f->to, "Last day, inclusive (default: today)")->type_name("D");
  summary->callback([f, &ctx] {
    auto store = ctx.open();
    const auto offset = gridgov::current_policy(*store).utc_offset;
    const auto range = store->reported_range();
    const auto now = gridgov::now();
    gridgov::Period p;
    p.from = !f->from.empty() ? Context::bound("--from", f->from, offset, false)
                              : local_midnight(range ? range->first : now, offset);
    p.to = !f->to.empty() ? Context::bound("--to", f->to, offset, true)
                          : local_midnight(std::max(range ? range->second : now, now), offset) +
                                std::chrono::hours(24);
    if (p.to <= p.from) throw gridgov::Error(gridgov::ErrorCode::usage, "--to is before --from");
    const auto rows = gridgov::statistics(*store, p, {});
    ctx.printer().table(stats_table(rows, ctx.format()));
  });

  auto* quota = cmd->add_subcommand("quota", "Per grid: local days meeting the daily quota");
  quota->add_option("--month", f->month, "The local month")->required()->type_name("YYYY-MM");
  quota->add_option("--below", f->below, "Only grids whose rate is below this (0 to 1)")
      ->check(CLI::Range(0.0, 1.0))
      ->type_name("RATE");
  quota->callback([f, &ctx] {
    auto store = ctx.open();
    const auto offset = gridgov::current_policy(*store).utc_offset;
    const auto fmt = ctx.format();
    Table t{{"group", "name", "days", "quota_days_met", "quota_rate"}, {}};
    for (const auto& q : gridgov::quota(*store, month(f->month, offset))) {
      if (f->below >= 0 && q.rate() >= f->below) continue;
      t.rows.push_back({q.grid, q.name, q.days, q.days_met, rate(q.rate(), fmt)});
    }
    ctx.printer().table(t);
  });
}

}  // namespace gridctl
