#pragma once
// The rules for grid workers: which units a worker of each tier and deployment may serve, and the
// upsert of a workers file over the database.

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/layout.hpp"
#include "gridgov/location.hpp"
#include "gridgov/model.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

/// Field positions of a worker as read from a file.
struct WorkerEntry {
  Worker worker;
  Location code_at;
  Location tier_at;
  Location unit_at;
  Location deployment_at;
  Location department_at;
};

struct StoredWorker {
  Worker worker;
  bool retired = false;
  /// When the worker was retired (what a month's attendance and subsidies count up to);
  /// nullopt for an active worker, or one retired before gridgov kept the time (schema 5).
  std::optional<Timestamp> retired_at;
};

/// The level of an active unit by code, or nullopt when there is no such unit.
using UnitLevelLookup = std::function<std::optional<Level>(std::string_view code)>;

/// For a code that is no active unit: nullopt when no unit has it; else the unit is retired, and
/// the text says more after "unit X is retired" (e.g. " (the layout of this import leaves it
/// out)"), or is empty.
using RetiredUnitLookup = std::function<std::optional<std::string>(std::string_view code)>;

/// Checks what one worker's row says of itself, without the layout or the policy:
/// - grid tier serves one grid; town tier one unit; neither has a deployment;
/// - county tier needs a deployment: `resident` serves one zone, `cluster` one or more zones.
inline void check_worker_shape(const WorkerEntry& entry, Diagnostics& diagnostics) {
  const Worker& w = entry.worker;
  auto need_units = [&](std::size_t min, std::size_t max, const char* what) {
    if (w.units.size() < min || w.units.size() > max)
      diagnostics.add(entry.unit_at.error(std::string(what)));
  };
  if (w.tier != Tier::county) {
    if (w.deployment)
      diagnostics.add(entry.deployment_at.error("only county workers have a deployment"));
    if (w.tier == Tier::grid)
      need_units(1, 1, "a grid worker serves exactly one grid");
    else
      need_units(1, 1, "a town worker serves exactly one unit");
  } else if (!w.deployment) {
    diagnostics.add(entry.deployment_at.error(
        "a county worker needs a deployment (resident, cluster or whistle)"));
  } else if (*w.deployment == Deployment::resident) {
    need_units(1, 1, "a resident worker serves exactly one zone");
  } else if (*w.deployment == Deployment::cluster) {
    need_units(1, 64, "a cluster worker serves one or more zones");
  }
}

/// Checks one worker against the layout (check_worker_shape first):
/// - a grid worker's unit is a grid; a town worker's a unit at town level or below;
/// - a resident or cluster worker's units are zones; a whistle worker serves none (on call; the
///   county's own code is accepted as "none");
/// - every unit exists and is active (`retired` says why a retired one is not).
inline void check_worker_units(const WorkerEntry& entry, const UnitLevelLookup& unit_level,
                               Diagnostics& diagnostics, const RetiredUnitLookup& retired = {}) {
  const std::size_t before = diagnostics.count();
  check_worker_shape(entry, diagnostics);
  if (diagnostics.count() != before) return;
  const Worker& w = entry.worker;
  auto levels_ok = [&](Level highest, Level lowest, const char* what) {
    for (const auto& code : w.units) {
      auto level = unit_level(code);
      if (!level) {
        const auto why = retired ? retired(code) : std::nullopt;
        diagnostics.add(entry.unit_at.error(why ? "unit " + code + " is retired" + *why
                                                : "unknown unit " + code));
        continue;
      }
      if (*level < highest || *level > lowest)
        diagnostics.add(entry.unit_at.error(code + " is a " + std::string(to_string(*level)) +
                                            ", not " + what));
    }
  };
  if (w.tier == Tier::grid) {
    levels_ok(Level::grid, Level::grid, "a grid");
  } else if (w.tier == Tier::town) {
    levels_ok(Level::town, Level::grid, "a unit at town level or below");
  } else if (*w.deployment != Deployment::whistle) {
    levels_ok(Level::zone, Level::zone, "a zone");
  } else {
    for (const auto& code : w.units) {
      if (unit_level(code) != Level::county) {
        diagnostics.add(
            entry.unit_at.error("a whistle worker is on call and serves no unit; got " + code));
        break;
      }
    }
  }
}

/// Turns each worker's department, given by code or by name (`县住房和城乡建设局`), into its
/// code, and reports each department the policy does not know once, however many workers name
/// it: at its first row, saying how many rows name it, with the nearest known name if any.
inline void check_departments(std::vector<WorkerEntry>& entries, const Policy& policy,
                              Diagnostics& diagnostics) {
  struct Unknown {
    const WorkerEntry* first = nullptr;
    std::size_t rows = 0;
  };
  std::vector<std::pair<std::string, Unknown>> unknown;  // in the order first seen
  for (auto& e : entries) {
    std::string& dep = e.worker.department;
    if (dep.empty()) continue;
    if (const Department* d = policy.department_named(dep)) {
      dep = d->code;
      continue;
    }
    auto it =
        std::find_if(unknown.begin(), unknown.end(), [&](const auto& u) { return u.first == dep; });
    if (it == unknown.end()) it = unknown.insert(unknown.end(), {dep, Unknown{&e, 0}});
    ++it->second.rows;
  }
  for (const auto& [dep, u] : unknown) {
    const Department* near = policy.nearest_department(dep);
    diagnostics.add(u.first->department_at.error(
        "unknown department \"" + dep + "\"" +
        (u.rows > 1 ? " (named by " + std::to_string(u.rows) + " rows, this is the first)" : "") +
        (near ? ": did you mean " + near->name + " (" + near->code + ")?"
              : ": not one of the policy's " + std::to_string(policy.departments.size()) +
                    " departments (`gridctl policy show` lists them)")));
  }
}

/// Checks one worker against the layout and the policy: check_worker_units, and a named
/// department (by code or name) must be one of the policy's.
inline void check_worker(const WorkerEntry& entry, const UnitLevelLookup& unit_level,
                         const Policy& policy, Diagnostics& diagnostics,
                         const RetiredUnitLookup& retired = {}) {
  check_worker_units(entry, unit_level, diagnostics, retired);
  const Worker& w = entry.worker;
  if (!w.department.empty() && !policy.department_named(w.department))
    diagnostics.add(entry.department_at.error("unknown department " + w.department));
}

/// Checks the workers of an import against the layout and the policy, as check_worker does, but
/// each unknown department once (check_departments), and with departments named by their names
/// turned into codes.
inline void check_workers(std::vector<WorkerEntry>& entries, const UnitLevelLookup& unit_level,
                          const Policy& policy, Diagnostics& diagnostics,
                          const RetiredUnitLookup& retired = {}) {
  for (const auto& e : entries) check_worker_units(e, unit_level, diagnostics, retired);
  check_departments(entries, policy, diagnostics);
}

/// Whistle workers named with the county's code serve no unit: drop it.
inline void drop_county_unit(Worker& w, std::string_view county_code) {
  std::erase_if(w.units, [&](const std::string& c) { return c == county_code; });
}

/// What importing workers will do, counted by tier.
struct WorkerPlan {
  std::array<ChangeCounts, 3> by_tier{};  ///< indexed by Tier
  std::vector<Worker> to_put;             ///< added or updated
  std::vector<std::string> to_retire;
  std::vector<Change> change_list;  ///< one row per change (see `Change`), in the file's order

  [[nodiscard]] bool changes() const noexcept { return !to_put.empty() || !to_retire.empty(); }
};

/// The fields of a worker as `Change` shows them, in the workers file's order.
[[nodiscard]] inline std::vector<std::pair<const char*, std::string>> worker_fields(
    const Worker& w) {
  std::string units;
  for (const auto& u : w.units) units += (units.empty() ? "" : ";") + u;
  return {{"name", w.name},
          {"tier", std::string(to_string(w.tier))},
          {"unit", units},
          {"deployment", w.deployment ? std::string(to_string(*w.deployment)) : std::string()},
          {"department", w.department},
          {"phone", w.phone},
          {"party_member", w.party_member ? (*w.party_member ? "yes" : "no") : ""},
          {"party_role", w.party_role}};
}

/// A worker's `Change` row of `change` (added, restored, retired) with no field.
[[nodiscard]] inline Change worker_change(const Worker& w, const char* change) {
  return Change{"worker", change, std::string(to_string(w.tier)), w.code, w.name, "", "", ""};
}

/// The change rows that updating `before` into `after` (same code) makes.
inline void worker_changes(const StoredWorker& before, const Worker& after,
                           std::vector<Change>& out) {
  if (before.retired) out.push_back(worker_change(after, "restored"));
  const auto old_fields = worker_fields(before.worker);
  const auto new_fields = worker_fields(after);
  for (std::size_t i = 0; i < new_fields.size(); ++i)
    if (old_fields[i].second != new_fields[i].second)
      out.push_back(Change{"worker", "changed", std::string(to_string(after.tier)), after.code,
                           after.name, new_fields[i].first, old_fields[i].second,
                           new_fields[i].second});
}

/// Plans the upsert of `incoming` workers by code; `prune` retires active workers not in it.
/// A code given twice is an error naming both lines.
[[nodiscard]] inline WorkerPlan plan_workers(const std::vector<StoredWorker>& existing,
                                             const std::vector<WorkerEntry>& incoming, bool prune,
                                             Diagnostics& diagnostics) {
  WorkerPlan plan;
  std::map<std::string_view, const WorkerEntry*> first_seen;
  for (const auto& entry : incoming) {
    auto [it, inserted] = first_seen.emplace(entry.worker.code, &entry);
    if (!inserted)
      diagnostics.add(entry.code_at.error("worker " + entry.worker.code +
                                          " is given twice; first at " +
                                          it->second->code_at.where()));
  }
  std::map<std::string_view, const StoredWorker*> by_code;
  for (const auto& s : existing) by_code.emplace(s.worker.code, &s);
  std::set<std::string_view> seen;
  for (const auto& entry : incoming) {
    const Worker& w = entry.worker;
    seen.insert(w.code);
    auto& counts = plan.by_tier[static_cast<std::size_t>(w.tier)];
    auto it = by_code.find(w.code);
    if (it == by_code.end()) {
      ++counts.added;
      plan.change_list.push_back(worker_change(w, "added"));
      plan.to_put.push_back(w);
    } else if (it->second->retired || !(it->second->worker == w)) {
      ++counts.updated;
      worker_changes(*it->second, w, plan.change_list);
      plan.to_put.push_back(w);
    } else {
      ++counts.unchanged;
    }
  }
  if (prune) {
    for (const auto& s : existing) {
      if (s.retired || seen.count(s.worker.code)) continue;
      plan.to_retire.push_back(s.worker.code);
      plan.change_list.push_back(worker_change(s.worker, "retired"));
      ++plan.by_tier[static_cast<std::size_t>(s.worker.tier)].retired;
    }
  }
  return plan;
}

/// Whether `worker` is sent to `unit` or to a unit below it (what `units show` counts and
/// `workers list --unit` filters on).
[[nodiscard]] inline bool serves_within(const Worker& worker, const UnitTree& tree,
                                        std::string_view unit) {
  return std::any_of(worker.units.begin(), worker.units.end(),
                     [&](const std::string& u) { return tree.within(u, unit); });
}

}  // namespace gridgov
