// gridctl workers list [filters] | show CODE | retire CODE…

#include <memory>

#include "commands.hpp"
#include "gridgov/service.hpp"
#include "gridgov/unit_lookup.hpp"
#include "gridgov/unit_tree.hpp"
#include "gridgov/workers.hpp"

namespace gridctl {

namespace {

struct WorkersFlags {
  std::string code;
  std::string tier;
  std::string unit;
  std::string deployment;
  std::string department;
  bool retired = false;
  bool party_member = false;
  std::string party_role;
  std::vector<std::string> codes;
  bool dry_run = false;
};

void run_list(Context& ctx, const WorkersFlags& f) {
  std::optional<gridgov::Tier> tier;
  if (!f.tier.empty() && !(tier = gridgov::parse_tier(f.tier)))
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         "--tier: unknown tier " + f.tier + " (expected grid, town or county)");
  std::optional<gridgov::Deployment> deployment;
  if (!f.deployment.empty() && !(deployment = gridgov::parse_deployment(f.deployment)))
    throw gridgov::Error(gridgov::ErrorCode::usage, "--deployment: unknown deployment " +
                                                        f.deployment +
                                                        " (expected resident, cluster or whistle)");
  auto session = ctx.session();
  gridgov::Store& store = session.store();
  const gridgov::UnitTree tree(store.units());
  // A unit and a department by code or by name.
  const std::string unit = f.unit.empty() ? "" : gridgov::find_unit(tree, f.unit).code;
  const std::string department = session.policy().department_code(f.department);
  std::vector<gridgov::StoredWorker> shown;
  for (const auto& s : store.workers()) {
    const gridgov::Worker& w = s.worker;
    if (s.retired && !f.retired) continue;
    if (tier && w.tier != *tier) continue;
    if (deployment && w.deployment != deployment) continue;
    if (!department.empty() && w.department != department) continue;
    if (!unit.empty() && !gridgov::serves_within(w, tree, unit)) continue;
    if (f.party_member && w.party_member != true) continue;
    if (!f.party_role.empty() && w.party_role != f.party_role) continue;
    shown.push_back(s);
  }
  ctx.print(gridgov::worker_table(shown, f.retired));
}

void run_show(Context& ctx, const WorkersFlags& f) {
  auto session = ctx.session();
  gridgov::Store& store = session.store();
  const auto s = store.find_worker(f.code);
  if (!s) throw gridgov::Error(gridgov::ErrorCode::not_found, "unknown worker " + f.code);
  const gridgov::UnitTree tree(store.units());
  ctx.print(gridgov::worker_record(*s, tree, session.utc_offset()));
}

void run_retire(Context& ctx, const WorkersFlags& f) {
  auto session = ctx.session();
  const auto report = gridgov::retire_workers(session.store(), f.codes, session.now(), f.dry_run);
  ctx.print(gridgov::change_table(report.changes));
  long long retired = 0;
  long long already = 0;
  for (const auto& c : report.by_tier) {
    retired += c.retired;
    already += c.unchanged;
  }
  const std::string counts =
      std::to_string(retired) + " retired, " + std::to_string(already) + " retired already";
  if (f.dry_run)
    ctx.say("dry run: would have " + counts + "; nothing written");
  else
    ctx.say((retired > 0 ? "workers in " + ctx.db_name() + ": " : "nothing to change: ") + counts);
}

}  // namespace

void setup_workers(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<WorkersFlags>();
  auto* cmd = app.add_subcommand("workers", "Grid workers (网格员) of all three tiers");
  cmd->require_subcommand(1);

  auto* list = cmd->add_subcommand("list", "List workers");
  list->add_option("--tier", f->tier, "Only this tier (grid, town, county)");
  list->add_option("--unit", f->unit,
                   "Only workers serving within this unit's subtree (code or unique name)")
      ->type_name("UNIT");
  list->add_option("--deployment", f->deployment,
                   "Only this deployment (resident, cluster, whistle)");
  list->add_option("--department", f->department,
                   "Only workers from this department (code or name)")
      ->type_name("CODE");
  list->add_flag("--retired", f->retired, "Include retired workers (adds a `retired` column)");
  list->add_flag("--party-member", f->party_member, "Only party members (党员)");
  list->add_option("--party-role", f->party_role, "Only workers with this party role (党小组长, …)")
      ->type_name("ROLE");
  list->callback([f, &ctx] { run_list(ctx, *f); });

  auto* show = cmd->add_subcommand("show", "One worker");
  show->add_option("code", f->code, "The worker's code")->required()->type_name("CODE");
  show->callback([f, &ctx] { run_show(ctx, *f); });

  auto* retire = cmd->add_subcommand(
      "retire", "Retire workers (they stay in the history but serve no unit), in one transaction");
  retire->add_option("codes", f->codes, "The workers' codes")->required()->type_name("CODE");
  retire->add_flag("--dry-run", f->dry_run, "Check and show what would change; write nothing");
  retire->callback([f, &ctx] { run_retire(ctx, *f); });
}

}  // namespace gridctl
