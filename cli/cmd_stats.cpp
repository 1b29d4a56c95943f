// gridctl stats monthly --month M [--by G[,G2]] | summary [--from D --to D] | quota --month M;
// each with --unit CODE|NAME (one unit's subtree). M is YYYY-MM, `this` or `last`.

#include <memory>

#include "commands.hpp"
#include "gridgov/stats.hpp"
#include "gridgov/unit_lookup.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct StatsFlags {
  std::string month;
  std::string by;
  std::string from;
  std::string to;
  std::string unit;
  bool all_counties = false;
  double below = -1;
  std::string sort;
  bool desc = false;
  long long limit = -1;
};

/// --unit's code: the unit it names by code or unique name (gridgov::find_unit).
std::string unit_code(gridgov::Session& session, const std::string& text) {
  if (text.empty()) return {};
  const gridgov::UnitTree tree(session.store().units());
  return gridgov::find_unit(tree, text).code;
}

void add_unit_flag(CLI::App* cmd, StatsFlags& f) {
  cmd->add_option("--unit", f.unit, "Only this unit's subtree (a code or a unique name)")
      ->type_name("UNIT");
}

}  // namespace

void setup_stats(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<StatsFlags>();
  auto* cmd = app.add_subcommand("stats", "Statistics for analysts (local months)");
  cmd->require_subcommand(1);

  auto* monthly = cmd->add_subcommand("monthly", "One row per group, then the county total");
  add_month_flag(monthly, f->month);
  monthly
      ->add_option("--by", f->by,
                   "town|镇街, zone|片区, village|村居, grid|网格, department|部门, "
                   "category|事项类别, source|来源 or service|服务事项; two comma-separated for a "
                   "two-way table "
                   "(default: town)")
      ->type_name("G[,G2]");
  add_unit_flag(monthly, *f);
  monthly->callback([f, &ctx] {
    auto session = ctx.session();
    std::vector<gridgov::Grouping> by;
    const std::string spec = f->by.empty() ? "town" : f->by;
    std::size_t start = 0;
    while (start <= spec.size()) {
      auto end = spec.find(',', start);
      if (end == std::string::npos) end = spec.size();
      const std::string part = spec.substr(start, end - start);
      auto g = gridgov::parse_grouping(part);
      if (!g)
        throw gridgov::Error(gridgov::ErrorCode::usage,
                             "--by: unknown grouping " + part +
                                 " (expected town, zone, village, grid, department, category or "
                                 "source, or 镇街, 片区, 村居, 网格, 部门, 事项类别, 来源)");
      by.push_back(*g);
      start = end + 1;
    }
    if (by.size() > 2)
      throw gridgov::Error(gridgov::ErrorCode::usage, "--by takes at most two groupings");
    const gridgov::Period p = Context::month(session, f->month);
    ctx.print(gridgov::stats_table(gridgov::statistics(session, p, by, unit_code(session, f->unit)),
                                   ctx.format()));
  });

  auto* summary = cmd->add_subcommand("summary", "The county totals over a period");
  summary->add_option("--from", f->from, "First day (default: the first case's)")->type_name("D");
  summary->add_option("--to", f->to, "Last day, inclusive (default: today)")->type_name("D");
  summary->add_option("--month", f->month, "Instead of --from/--to: YYYY-MM, this or last")
      ->type_name("MONTH")
      ->excludes(summary->get_option("--from"), summary->get_option("--to"));
  add_unit_flag(summary, *f);
  summary
      ->add_flag("--all-counties", f->all_counties,
                 "One row per county of the database (PostgreSQL), then their sum")
      ->excludes(summary->get_option("--unit"));
  summary->callback([f, &ctx] {
    // The period, read in the session's timezone (with --all-counties, each county's).
    const auto period_of = [f](gridgov::Session& session) {
      std::optional<gridgov::Timestamp> from;
      std::optional<gridgov::Timestamp> to;
      if (!f->from.empty()) from = Context::bound(session, "--from", f->from, false);
      if (!f->to.empty()) to = Context::bound(session, "--to", f->to, true);
      const gridgov::Period p = f->month.empty() ? gridgov::summary_period(session, from, to)
                                                 : Context::month(session, f->month);
      if (p.to <= p.from) throw gridgov::Error(gridgov::ErrorCode::usage, "--to is before --from");
      return p;
    };
    if (f->all_counties) {
      auto rows = gridgov::county_totals(ctx.db_path(), period_of);
      // The one name of this table not read from a database: --lang zh's, but in JSON and NDJSON,
      // which keep their words whatever the language (render.cpp's `shaped`).
      const auto format = ctx.format();
      if (ctx.render_options().lang == gridgov::Lang::zh && format != gridgov::Format::json &&
          format != gridgov::Format::ndjson)
        rows.back().name = "全部县区";
      ctx.print(gridgov::stats_table(rows, ctx.format()));
      return;
    }
    auto session = ctx.session();
    ctx.print(gridgov::stats_table(
        gridgov::statistics(session, period_of(session), {}, unit_code(session, f->unit)),
        ctx.format()));
  });

  auto* quota = cmd->add_subcommand("quota", "Per grid: local days meeting the daily quota");
  add_month_flag(quota, f->month);
  quota->add_option("--below", f->below, "Only grids whose rate is below this (0 to 1)")
      ->check(CLI::Range(0.0, 1.0))
      ->type_name("RATE");
  add_unit_flag(quota, *f);
  add_order_flags(quota, f->sort, f->desc, f->limit);
  quota->callback([f, &ctx] {
    auto session = ctx.session();
    std::vector<gridgov::QuotaRow> rows;
    for (const auto& q :
         gridgov::quota(session, Context::month(session, f->month), unit_code(session, f->unit)))
      if (f->below < 0 || q.rate() < f->below) rows.push_back(q);
    gridgov::Table t = gridgov::quota_table(rows);
    order(t, f->sort, f->desc, f->limit);
    ctx.print(t);
  });
}

}  // namespace gridctl
