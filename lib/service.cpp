// Use cases over a Store: each plans with the pure rules, then writes in one transaction.

#include "gridgov/service.hpp"

#include "gridgov/rules.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "gridgov/calendar.hpp"
#include "gridgov/subsidies.hpp"
#include "gridgov/time.hpp"
#include "gridgov/views.hpp"

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

namespace {

/// Worker codes by the unit they serve once an import is applied: the active workers that the
/// workers file (with `prune`) does not retire, at the units the file gives them, else at theirs.
using WorkersByUnit = std::map<std::string, std::vector<std::string>, std::less<>>;

WorkersByUnit workers_after(Store& store, const std::vector<WorkerEntry>* incoming, bool prune) {
  std::map<std::string, std::vector<std::string>> units_of;  // worker code -> units
  if (!(incoming && prune))
    for (const auto& s : store.workers())
      if (!s.retired) units_of[s.worker.code] = s.worker.units;
  if (incoming)
    for (const auto& e : *incoming) units_of[e.worker.code] = e.worker.units;
  WorkersByUnit out;
  for (const auto& [code, units] : units_of)
    for (const auto& u : units) out[u].push_back(code);
  return out;
}

/// The units --prune may not retire: "G1 (worker W1, W2)", "G2 (cases)".
[[noreturn]] void refuse_retirements(const std::vector<std::string>& refused,
                                     const WorkersByUnit& workers) {
  std::string list;
  for (std::size_t i = 0; i < refused.size() && i < 10; ++i) {
    const auto it = workers.find(refused[i]);
    std::string why = "cases";
    if (it != workers.end()) {
      why = it->second.size() == 1 ? "worker " : "workers ";
      for (std::size_t k = 0; k < it->second.size(); ++k) why += (k ? ", " : "") + it->second[k];
    }
    list += (i ? "; " : "") + refused[i] + " (" + why + ")";
  }
  if (refused.size() > 10) list += "; and " + std::to_string(refused.size() - 10) + " more";
  throw Error(ErrorCode::refused,
              "pruning would retire units still in use: " + list +
                  " (retire or move their workers first: give the workers file in the same "
                  "import, or run `gridctl workers retire CODE…`; a unit with cases stays)",
              "", "prune");
}

struct LayoutStep {
  LayoutPlan plan;
  bool new_county = false;
  std::string county_code;
};

/// Plans a layout import: conflicts throw ErrorCode::input, units --prune may not retire
/// (cases, or workers in `workers`) ErrorCode::refused.
LayoutStep plan_layout_step(Store& store, const LayoutInput& input, const ImportOptions& options,
                            const WorkersByUnit& workers) {
  Diagnostics diagnostics(options.max_errors);
  std::optional<Unit> county = store.county();
  std::vector<LayoutEntry> incoming = input.entries;

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
  LayoutStep step;
  step.new_county = !county;
  step.county_code = county ? county->code : input.county->unit.code;
  if (input.county && county) incoming.insert(incoming.begin(), *input.county);
  for (auto& e : incoming)
    if (e.unit.level == Level::town) e.unit.parent = step.county_code;

  std::vector<StoredUnit> existing;
  std::set<std::string, std::less<>> in_use;
  if (county) {
    existing = store.units();
    if (options.prune) {
      in_use = store.units_with_cases();
      for (const auto& [unit, codes] : workers) in_use.insert(unit);
    }
  }
  step.plan = plan_layout(existing, incoming, options.prune, in_use, diagnostics);
  if (!county) {
    // A new county is added, not planned against an empty database's "not this county" rule.
    step.plan.by_level[index(Level::county)].added = 1;
    const Unit& root = input.county->unit;
    step.plan.change_list.insert(step.plan.change_list.begin(),
                                 Change{"unit", "added", std::string(to_string(Level::county)),
                                        root.code, root.name, "", "", ""});
  }
  diagnostics.throw_if_any();
  // Any refusal stops the whole import, so a unit kept for its workers never loses its parent.
  if (!step.plan.refused_retirements.empty())
    refuse_retirements(step.plan.refused_retirements, workers);
  return step;
}

/// Writes a planned layout's new county, additions and updates (not its retirements).
void add_units(Store& store, const LayoutStep& step, const LayoutInput& input, Timestamp now) {
  if (step.new_county) {
    Unit root = input.county->unit;
    root.parent.clear();
    store.add_unit(root);
    if (!store.policy())
      store.add_policy(StoredPolicy{0, now, "built-in", std::string(default_policy_text())});
  }
  for (const auto& u : step.plan.to_add) store.add_unit(u);
  for (const auto& u : step.plan.to_update) store.update_unit(u);
}

/// Plans a workers import against the active units but `retiring` (this import retires them).
WorkerPlan plan_workers_step(Store& store, const std::vector<WorkerEntry>& entries,
                             const ImportOptions& options,
                             const std::set<std::string, std::less<>>& retiring) {
  const auto county = store.county();
  if (!county)
    throw Error(ErrorCode::not_found, "the database has no county yet: import a layout first");
  const Policy policy = current_policy(store);
  std::map<std::string, Level, std::less<>> levels;
  std::set<std::string, std::less<>> retired;
  for (const auto& s : store.units()) {
    if (s.retired || retiring.count(s.unit.code))
      retired.insert(s.unit.code);
    else
      levels.emplace(s.unit.code, s.unit.level);
  }
  const UnitLevelLookup lookup = [&](std::string_view code) -> std::optional<Level> {
    auto it = levels.find(code);
    if (it == levels.end()) return std::nullopt;
    return it->second;
  };
  // The store keeps no date of retirement; a unit this import retires is said so.
  const RetiredUnitLookup why_retired = [&](std::string_view code) -> std::optional<std::string> {
    if (retiring.count(code)) return std::string(" (the layout of this import leaves it out)");
    if (retired.count(code)) return std::string();
    return std::nullopt;
  };

  Diagnostics diagnostics(options.max_errors);
  std::vector<WorkerEntry> incoming = entries;
  check_workers(incoming, lookup, policy, diagnostics, why_retired);
  for (auto& e : incoming)
    if (e.worker.deployment == Deployment::whistle) drop_county_unit(e.worker, county->code);
  WorkerPlan plan = plan_workers(store.workers(), incoming, options.prune, diagnostics);
  diagnostics.throw_if_any();
  return plan;
}

}  // namespace

LayoutReport import_layout(Store& store, const LayoutInput& input, const ImportOptions& options,
                           Timestamp now) {
  return *import_files(store, &input, nullptr, options, now).layout;
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
                            const ImportOptions& options, Timestamp now) {
  return *import_files(store, nullptr, &entries, options, now).workers;
}

WorkerReport retire_workers(Store& store, const std::vector<std::string>& codes, Timestamp now,
                            bool dry_run) {
  auto tx = store.begin_write();
  WorkerReport report;
  std::vector<std::string> unknown;
  std::set<std::string, std::less<>> done;
  for (const auto& code : codes) {
    if (!done.insert(code).second) continue;
    const auto s = store.find_worker(code);
    if (!s) {
      unknown.push_back(code);
      continue;
    }
    auto& counts = report.by_tier[static_cast<std::size_t>(s->worker.tier)];
    if (s->retired) {
      ++counts.unchanged;
      continue;
    }
    ++counts.retired;
    report.changes.push_back(worker_change(s->worker, "retired"));
    store.retire_worker(code, now);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& c : unknown) list += (list.empty() ? "" : ", ") + c;
    throw Error(ErrorCode::not_found,
                (unknown.size() == 1 ? "unknown worker " : "unknown workers ") + list);
  }
  if (!dry_run && !report.changes.empty()) {
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
  // Departments that active workers come from must survive the new policy: one error per
  // department, however many workers come from it.
  std::vector<std::pair<std::string, std::vector<std::string>>> orphans;  // first seen first
  for (const auto& s : store.workers()) {
    if (s.retired || s.worker.department.empty()) continue;
    if (policy.find_department(s.worker.department)) continue;
    auto it = std::find_if(orphans.begin(), orphans.end(),
                           [&](const auto& o) { return o.first == s.worker.department; });
    if (it == orphans.end()) it = orphans.insert(orphans.end(), {s.worker.department, {}});
    it->second.push_back(s.worker.code);
  }
  for (const auto& [department, workers] : orphans) {
    std::string named;
    for (std::size_t i = 0; i < workers.size() && i < 3; ++i) named += (i ? ", " : "") + workers[i];
    if (workers.size() > 3) named += " and " + std::to_string(workers.size() - 3) + " more";
    diagnostics.add(Diagnostic{source, 0, 0, "departments",
                               "department " + department + " is missing, but " +
                                   (workers.size() == 1 ? "worker " + named + " comes"
                                                        : std::to_string(workers.size()) +
                                                              " workers (" + named + ") come") +
                                   " from it"});
  }
  diagnostics.throw_if_any();

  // Categories that cases have must survive too: a case whose category is gone can no longer
  // move. Only a policy that drops one pays for counting the cases.
  const Policy before = current_policy(store);
  std::vector<const Category*> dropped;
  for (const auto& c : before.categories)
    if (!policy.find_category(c.code)) dropped.push_back(&c);
  if (!dropped.empty()) {
    const auto use = store.category_use();
    std::string list;
    for (const Category* c : dropped) {
      const auto it = use.find(c->code);
      if (it == use.end() || it->second.cases == 0) continue;
      list += (list.empty() ? "" : "; ") + c->code + " " + c->name + " (" +
              std::to_string(it->second.cases) + (it->second.cases == 1 ? " case" : " cases") +
              ", " + std::to_string(it->second.unsettled) + " open or resolved)";
    }
    if (!list.empty())
      throw Error(ErrorCode::refused,
                  source + ": the policy drops categories that cases still use: " + list +
                      "; keep them in [[categories]]",
                  "", "categories");
  }

  // Rule 16: local days and months of recorded cases must not shift under them.
  if (store.reporting().reported_range())
    if (auto r = check_timezone(before.utc_offset, policy.utc_offset, true)) throw r->error();

  PolicyReport report;
  report.warnings = policy_warnings(policy, now);
  const auto current = store.policy();
  report.version = current ? current->version : 0;
  report.unchanged = current && current->text == text;
  if (report.unchanged) return report;
  report.changes = policy_changes(before, policy);
  if (dry_run) {
    report.version += 1;
    return report;
  }
  report.version = store.add_policy(StoredPolicy{0, now, source, text});
  tx->commit();
  report.written = true;
  return report;
}

namespace {

/// A policy as (setting, value) pairs in `policy show`'s order, for policy_changes.
using Settings = std::vector<std::pair<std::string, std::string>>;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

std::string optional_duration(const std::optional<Duration>& d) {
  return d ? format_duration(*d) : std::string();
}

Settings scalar_settings(const Policy& p) {
  std::vector<std::string> holidays;
  for (const auto& [from, to] : p.calendar.holidays)
    holidays.push_back(from == to ? format_date(from) : format_date(from) + "/" + format_date(to));
  std::vector<std::string> workdays;
  for (Date d : p.calendar.workdays) workdays.push_back(format_date(d));
  Settings out = {
      {"timezone", format_utc_offset(p.utc_offset)},
      {"auto_escalate", p.auto_escalate ? "true" : "false"},
      {"daily_reports_per_grid", std::to_string(p.daily_reports_per_grid)},
      {"backfill", format_duration(p.backfill)},
      {"deadline.case", format_duration(p.deadlines.case_limit)},
      {"deadline.max_extension", format_duration(p.deadlines.max_extension)},
  };
  for (auto level : k_levels)
    out.emplace_back("deadline." + std::string(to_string(level)),
                     format_duration(p.deadlines.level[index(level)]));
  out.emplace_back("deadline.verification", format_duration(p.deadlines.verification));
  out.emplace_back("calendar.holidays", join(holidays));
  out.emplace_back("calendar.workdays", join(workdays));
  return out;
}

Settings category_fields(const Category& c) {
  return {{"authority", std::string(to_string(c.authority))},
          {"department", c.department},
          {"limit", optional_duration(c.limit)},
          {"deadline", optional_duration(c.deadline)},
          {"urgent", c.urgent ? "true" : "false"}};
}

/// Rows for named items (departments, categories) kept by code: added, removed, renamed.
template <class Item, class Find>
void named_changes(const std::string& prefix, const std::vector<Item>& from,
                   const std::vector<Item>& to, Find find_in_to, std::vector<SettingChange>& out) {
  for (const auto& old : from) {
    const Item* now = find_in_to(old.code);
    if (!now)
      out.push_back({prefix + old.code, "removed", old.name, ""});
    else if (now->name != old.name)
      out.push_back({prefix + old.code, "renamed", old.name, now->name});
  }
  for (const auto& now : to)
    if (std::none_of(from.begin(), from.end(), [&](const Item& i) { return i.code == now.code; }))
      out.push_back({prefix + now.code, "added", "", now.name});
}

/// Indicators kept by field: added, removed, changed (weight, target or ceiling), and a new order
/// of the same fields (the order of `assess`'s columns).
void indicator_changes(const Policy& from, const Policy& to, std::vector<SettingChange>& out) {
  auto find = [](const Policy& p, const std::string& field) -> const Indicator* {
    for (const auto& i : p.indicators)
      if (i.field == field) return &i;
    return nullptr;
  };
  std::vector<std::string> kept_from;
  for (const auto& old : from.indicators) {
    const Indicator* now = find(to, old.field);
    if (!now)
      out.push_back({"indicator." + old.field, "removed", indicator_text(old), ""});
    else {
      kept_from.push_back(old.field);
      if (indicator_text(*now) != indicator_text(old))
        out.push_back(
            {"indicator." + old.field, "changed", indicator_text(old), indicator_text(*now)});
    }
  }
  std::vector<std::string> kept_to;
  for (const auto& now : to.indicators) {
    if (!find(from, now.field))
      out.push_back({"indicator." + now.field, "added", "", indicator_text(now)});
    else
      kept_to.push_back(now.field);
  }
  if (kept_from != kept_to)
    out.push_back({"indicators", "reordered", join(kept_from), join(kept_to)});
}

/// `[subsidies]` as three settings in yuan; no `[subsidies]`: empty.
Settings subsidy_settings(const Policy& p) {
  auto yuan = [&](long long SubsidyRates::*rate) {
    return p.subsidies ? format_yuan((*p.subsidies).*rate) : std::string();
  };
  return {{"subsidies.resident_monthly", yuan(&SubsidyRates::resident_monthly)},
          {"subsidies.cluster_monthly", yuan(&SubsidyRates::cluster_monthly)},
          {"subsidies.whistle_daily", yuan(&SubsidyRates::whistle_daily)}};
}

}  // namespace

std::vector<SettingChange> policy_changes(const Policy& from, const Policy& to) {
  std::vector<SettingChange> out;
  const Settings a = scalar_settings(from);
  const Settings b = scalar_settings(to);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].second != b[i].second)
      out.push_back({a[i].first, "changed", a[i].second, b[i].second});
  indicator_changes(from, to, out);
  const Settings sa = subsidy_settings(from);
  const Settings sb = subsidy_settings(to);
  for (std::size_t i = 0; i < sa.size(); ++i)
    if (sa[i].second != sb[i].second)
      out.push_back({sa[i].first,
                     sa[i].second.empty()   ? "added"
                     : sb[i].second.empty() ? "removed"
                                            : "changed",
                     sa[i].second, sb[i].second});
  named_changes(
      "department.", from.departments, to.departments,
      [&](std::string_view code) { return to.find_department(code); }, out);
  named_changes(
      "category.", from.categories, to.categories,
      [&](std::string_view code) { return to.find_category(code); }, out);
  for (const auto& old : from.categories) {
    const Category* now = to.find_category(old.code);
    if (!now) continue;
    const Settings fa = category_fields(old);
    const Settings fb = category_fields(*now);
    for (std::size_t i = 0; i < fa.size(); ++i)
      if (fa[i].second != fb[i].second)
        out.push_back(
            {"category." + old.code + "." + fa[i].first, "changed", fa[i].second, fb[i].second});
  }
  named_changes(
      "service.", from.services, to.services,
      [&](std::string_view code) { return to.find_service(code); }, out);
  for (const auto& old : from.services) {
    const Service* now = to.find_service(old.code);
    if (!now) continue;
    if (now->level != old.level)
      out.push_back({"service." + old.code + ".level", "changed", std::string(to_string(old.level)),
                     std::string(to_string(now->level))});
    if (now->department != old.department)
      out.push_back(
          {"service." + old.code + ".department", "changed", old.department, now->department});
  }
  return out;
}

ImportReport import_files(Store& store, const LayoutInput* layout,
                          const std::vector<WorkerEntry>* workers, const ImportOptions& options,
                          Timestamp now) {
  auto tx = store.begin_write();
  ImportReport report;
  // Plan and add units first (workers may serve new ones), then put and retire workers, and
  // only then retire units, so no active worker is ever left serving a retired unit. A dry run
  // writes inside the transaction too (so each step sees the one before) and rolls it back.
  std::optional<LayoutStep> step;
  std::set<std::string, std::less<>> retiring;
  if (layout) {
    const WorkersByUnit serving =
        options.prune ? workers_after(store, workers, true) : WorkersByUnit{};
    step = plan_layout_step(store, *layout, options, serving);
    add_units(store, *step, *layout, now);
    retiring.insert(step->plan.to_retire.begin(), step->plan.to_retire.end());
    report.layout = LayoutReport{step->plan.by_level, step->plan.change_list, false};
  }
  std::optional<WorkerPlan> plan;
  if (workers) {
    plan = plan_workers_step(store, *workers, options, retiring);
    for (const auto& w : plan->to_put) store.put_worker(w);
    for (const auto& code : plan->to_retire) store.retire_worker(code, now);
    report.workers = WorkerReport{plan->by_tier, plan->change_list, false};
  }
  if (step)
    for (const auto& code : step->plan.to_retire) store.retire_unit(code);
  if (!options.dry_run) {
    tx->commit();
    if (report.layout) report.layout->written = step->new_county || step->plan.changes();
    if (report.workers) report.workers->written = plan->changes();
  }
  return report;
}

}  // namespace gridgov
