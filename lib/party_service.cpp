// `gridctl import party`: the party chain checked against the layout and stored in one
// transaction (docs/design.md §12.4).

#include <map>
#include <set>

#include "gridgov/service.hpp"

namespace gridgov {

PartyReport import_party(Store& store, const std::vector<PartyEntry>& entries,
                         const ImportOptions& options) {
  auto tx = store.begin_write();
  std::map<std::string, PartyUnit, std::less<>> units;
  for (const auto& u : store.units())
    if (!u.retired) units.emplace(u.unit.code, PartyUnit{u.unit.level, u.unit.parent});
  std::set<std::string, std::less<>> workers;
  for (const auto& w : store.workers()) workers.insert(w.worker.code);
  Diagnostics diagnostics(options.max_errors);
  const PartyPlan plan =
      plan_party(store.party_orgs(), entries, units, workers, options.prune, diagnostics);
  diagnostics.throw_if_any();
  // Retire first, so that a unit's new organisation takes the place of its old one; then
  // parents before children (plan_party's order).
  for (const auto& code : plan.to_retire) store.retire_party_org(code);
  for (const auto& org : plan.to_put) store.put_party_org(org);
  PartyReport report{plan.by_kind, plan.changes, false};
  if (!options.dry_run && plan.any()) {
    tx->commit();
    report.written = true;
  }
  return report;
}

}  // namespace gridgov
