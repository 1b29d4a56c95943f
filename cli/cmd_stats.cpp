// gridctl stats monthly --month YYYY-MM [--by G[,G2]] | summary [--from D --to D] | quota

#include <memory>

#include "commands.hpp"
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

gridgov::Period month(gridgov::Session& session, const std::string& text) {
  auto p = gridgov::month_period(text, session.utc_offset());
  if (!p) throw gridgov::Error(gridgov::ErrorCode::usage, "--month " + text + ": expected YYYY-MM");
  return *p;
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
    auto session = ctx.session();
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
    ctx.print(gridgov::stats_table(gridgov::statistics(session, month(session, f->month), by)));
  });

  auto* summary = cmd->add_subcommand("summary", "The county totals over a period");
  summary->add_option("--from", f->from, "First day (default: the first case's)")->type_name("D");
  summary->add_option("--to", f->to, "Last day, inclusive (default: today)")->type_name("D");
  summary->callback([f, &ctx] {
    auto session = ctx.session();
    std::optional<gridgov::Timestamp> from;
    std::optional<gridgov::Timestamp> to;
    if (!f->from.empty()) from = Context::bound(session, "--from", f->from, false);
    if (!f->to.empty()) to = Context::bound(session, "--to", f->to, true);
    const gridgov::Period p = gridgov::summary_period(session, from, to);
    if (p.to <= p.from) throw gridgov::Error(gridgov::ErrorCode::usage, "--to is before --from");
    ctx.print(gridgov::stats_table(gridgov::statistics(session, p, {})));
  });

  auto* quota = cmd->add_subcommand("quota", "Per grid: local days meeting the daily quota");
  quota->add_option("--month", f->month, "The local month")->required()->type_name("YYYY-MM");
  quota->add_option("--below", f->below, "Only grids whose rate is below this (0 to 1)")
      ->check(CLI::Range(0.0, 1.0))
      ->type_name("RATE");
  quota->callback([f, &ctx] {
    auto session = ctx.session();
    std::vector<gridgov::QuotaRow> rows;
    for (const auto& q : gridgov::quota(session, month(session, f->month)))
      if (f->below < 0 || q.rate() < f->below) rows.push_back(q);
    ctx.print(gridgov::quota_table(rows));
  });
}

}  // namespace gridctl
