// Use cases over a Store: each plans with the pure rules, then writes in one transaction.

#include "gridgov/service.hpp"

#include "gridgov/rules.hpp"

#include <map>
#include <set>

namespace gridgov {

bool init_county(Store& store, const Unit& county, Timestamp now) {
  auto tx = store.begin_write();
  if (auto existing = store.county()) {
    if (existing->code != county.code)
      throw Error(ErrorCode::refused, "the database already belongs to county " + existing->code +
                                          " " + existing->name);
    return false;
  }
  Unit root = county;
  root.level = Level::county;
  root.parent.clear();
  store.add_unit(root);
  if (!store.policy())
    store.add_policy(StoredPolicy{0, now, "built-in", std::string(default_policy_text())});
  tx->commit();
  return true;
}

LayoutReport import_layout(Store& store, const LayoutInput& input, const ImportOptions& options,
                           Timestamp now) {
  auto tx = store.begin_write();
  Diagnostics diagnostics(options.max_errors);
  std::optional<Unit> county = store.county();
  std::vector<LayoutEntry> incoming = input.entries;
  LayoutReport report;

  if (!county) {
    if (!input.county)
      throw Error(ErrorCode::not_found,
                  "the database has no county yet: initialise it with its county first, or "
                  "import a TOML/JSON layout that names it",
                  "", "county");
  } else if (input.county && input.county->unit.code != county->code) {
    diagnostics.add(input.county->code_at.error("county " + input.county->unit.code +
                                                " is not this database's county " + county->code));
    diagnostics.throw_if_any();
  }
  const std::string county_code = county ? county->code : input.county->unit.code;
  if (input.county) incoming.insert(incoming.begin(), *input.county);
  for (auto& e : incoming)
    if (e.unit.level == Level::town) e.unit.parent = county_code;

  std::vector<StoredUnit> existing = store.units();
  if (!county) existing.clear();
  // A new county is added, not planned against an empty database's "not this county" rule.
  std::vector<LayoutEntry> planned = incoming;
  if (!county) planned.erase(planned.begin());
  LayoutPlan plan =
      plan_layout(existing, planned, options.prune, store.units_in_use(), diagnostics);
  if (!county) plan.by_level[index(Level::county)].added = 1;
  diagnostics.throw_if_any();
  {
    // Any refusal stops the whole import, so a unit kept for its workers never loses its parent.
    if (!plan.refused_retirements.empty()) {
      std::string list;
      for (std::size_t i = 0; i < plan.refused_retirements.size() && i < 10; ++i)
        list += (i ? ", " : "") + plan.refused_retirements[i];
      if (plan.refused_retirements.size() > 10)
        list += " and " + std::to_string(plan.refused_retirements.size() - 10) + " more";
      throw Error(ErrorCode::refused,
                  "pruning would retire units that still have workers or cases: " + list +
                      " (move or retire their workers first)",
                  "", "prune");
    }
  }
  report.by_level = plan.by_level;
  if (county && !plan.changes()) return report;

  if (!county) {
    Unit root = input.county->unit;
    root.parent.clear();
    store.add_unit(root);
    if (!store.policy())
      store.add_policy(StoredPolicy{0, now, "built-in", std::string(default_policy_text())});
  }
  for (const auto& u : plan.to_add) store.add_unit(u);
  for (const auto& u : plan.to_update) store.update_unit(u);
  for (const auto& code : plan.to_retire) store.retire_unit(code);
  // A dry run writes inside the transaction (so what follows in the same command sees it) and
  // then rolls it all back.
  if (!options.dry_run) {
    tx->commit();
    report.written = true;
  }
  return report;
}

std::vector<std::string> policy_warnings(const Policy& policy, Timestamp now) {
  const int year = static_cast<int>(
      std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(now + policy.utc_offset))
          .year());
  const std::set<int> years = policy.calendar.years();
  if (years.count(year)) return {};
  std::string covered;
  for (int y : years) covered += (covered.empty() ? "" : ", ") + std::to_string(y);
  return {"the calendar " +
          (covered.empty() ? std::string("covers no year") : "covers " + covered) +
          ": working days in " + std::to_string(year) +
          " count Monday to Friday, without holidays (add them under [calendar])"};
}

Policy current_policy(Store& store) {
  auto stored = store.policy();
  if (!stored) return default_policy();
  Diagnostics diagnostics;
  Policy p =
      parse_policy(stored->text, "policy version " + std::to_string(stored->version), diagnostics);
  if (!diagnostics.empty())
    throw Error(ErrorCode::unusable,
                "the stored policy does not parse: " + diagnostics.list().front().to_string());
  return p;
}

WorkerReport import_workers(Store& store, const std::vector<WorkerEntry>& entries,
                            const ImportOptions& options) {
  auto tx = store.begin_write();
  const auto county = store.county();
  if (!county)
    throw Error(ErrorCode::not_found, "the database has no county yet: import a layout first");
  const Policy policy = current_policy(store);
  std::map<std::string, Level, std::less<>> levels;
  for (const auto& s : store.units())
    if (!s.retired) levels.emplace(s.unit.code, s.unit.level);
  const UnitLevelLookup lookup = [&](std::string_view code) -> std::optional<Level> {
    auto it = levels.find(code);
    if (it == levels.end()) return std::nullopt;
    return it->second;
  };

  Diagnostics diagnostics(options.max_errors);
  std::vector<WorkerEntry> incoming = entries;
  check_workers(incoming, lookup, policy, diagnostics);
  for (auto& e : incoming)
    if (e.worker.deployment == Deployment::whistle) drop_county_unit(e.worker, county->code);
  WorkerPlan plan = plan_workers(store.workers(), incoming, options.prune, diagnostics);
  diagnostics.throw_if_any();

  WorkerReport report;
  report.by_tier = plan.by_tier;
  if (!plan.changes()) return report;
  for (const auto& w : plan.to_put) store.put_worker(w);
  for (const auto& code : plan.to_retire) store.retire_worker(code);
  if (!options.dry_run) {
    tx->commit();
    report.written = true;
  }
  return report;
}

PolicyReport load_policy(Store& store, const std::string& text, const std::string& source,
                         Timestamp now, bool dry_run) {
  Diagnostics diagnostics;
  const Policy policy = parse_policy(text, source, diagnostics);
  diagnostics.throw_if_any();

  auto tx = store.begin_write();
  // Departments that active workers come from must survive the new policy.
  for (const auto& s : store.workers()) {
    if (s.retired || s.worker.department.empty()) continue;
    if (!policy.find_department(s.worker.department))
      diagnostics.add(Diagnostic{source, 0, 0, "departments",
                                 "department " + s.worker.department + " is missing, but worker " +
                                     s.worker.code + " comes from it"});
  }
  diagnostics.throw_if_any();

  // Rule 16: local days and months of recorded cases must not shift under them.
  if (store.reporting().reported_range())
    if (auto r = check_timezone(current_policy(store).utc_offset, policy.utc_offset, true))
      throw r->error();

  PolicyReport report;
  report.warnings = policy_warnings(policy, now);
  const auto current = store.policy();
  report.version = current ? current->version : 0;
  if (current && current->text == text) return report;
  if (dry_run) {
    report.version += 1;
    return report;
  }
  report.version = store.add_policy(StoredPolicy{0, now, source, text});
  tx->commit();
  report.written = true;
  return report;
}

ImportReport import_files(Store& store, const LayoutInput* layout,
                          const std::vector<WorkerEntry>* workers, const ImportOptions& options,
                          Timestamp now) {
  auto tx = store.begin_write();
  ImportReport report;
  if (layout) report.layout = import_layout(store, *layout, options, now);
  if (workers) report.workers = import_workers(store, *workers, options);
  if (!options.dry_run) tx->commit();
  return report;
}

}  // namespace gridgov
