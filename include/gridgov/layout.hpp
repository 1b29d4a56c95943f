#pragma once
// The rules for a county layout: every code names one unit with one name, one level and one
// parent; an import is an upsert by code that can be planned (and shown) before it is applied.

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/level.hpp"
#include "gridgov/location.hpp"
#include "gridgov/model.hpp"

namespace gridgov {

/// A unit as read from a file, with where its code, name and parent were given.
struct LayoutEntry {
  Unit unit;
  Location code_at;
  Location name_at;
  Location parent_at;
};

/// A unit as stored: retired units stay (old cases point at them) but no longer count.
struct StoredUnit {
  Unit unit;
  bool retired = false;
};

/// Gathers the units named by the rows of one or more layout files. A code seen again must agree
/// with its first sighting in level, name and parent; a disagreement names both places.
///
/// **Example**: two CSV rows give village `371327001201` two different zones → one diagnostic
/// at the second row's `zone_code`, naming the first row's line.
class LayoutCollector {
 public:
  explicit LayoutCollector(Diagnostics& diagnostics) : m_diagnostics(&diagnostics) {}

  void add(const LayoutEntry& entry) {
    auto [it, inserted] = m_index.try_emplace(entry.unit.code, m_entries.size());
    if (inserted) {
      m_entries.push_back(entry);
      return;
    }
    LayoutEntry& first = m_entries[it->second];
    const Unit& u = entry.unit;
    const Unit& f = first.unit;
    if (u.level != f.level) {
      m_diagnostics->add(entry.code_at.error(
          "code " + u.code + " is a " + std::string(to_string(u.level)) + " here but a " +
          std::string(to_string(f.level)) + " at " + first.code_at.where()));
      return;
    }
    if (u.name != f.name)
      m_diagnostics->add(entry.name_at.error(std::string(to_string(u.level)) + " " + u.code +
                                             " is named \"" + u.name + "\" here but \"" + f.name +
                                             "\" at " + first.name_at.where()));
    // A town from a CSV layout has no parent of its own: it agrees with any county.
    const bool unnamed_county = u.level == Level::town && (u.parent.empty() || f.parent.empty());
    if (unnamed_county && f.parent.empty()) first.unit.parent = u.parent;
    if (u.parent != f.parent && !unnamed_county)
      m_diagnostics->add(entry.parent_at.error(
          std::string(to_string(u.level)) + " " + u.code + " is in " + parent_word(u) + " " +
          u.parent + " here but in " + f.parent + " at " + first.parent_at.where()));
    if (u.households && !f.households) first.unit.households = u.households;
    if (u.population && !f.population) first.unit.population = u.population;
  }

  /// The units in first-seen order, which puts every parent before its children.
  [[nodiscard]] const std::vector<LayoutEntry>& entries() const noexcept { return m_entries; }
  [[nodiscard]] std::vector<LayoutEntry>& entries() noexcept { return m_entries; }

 private:
  static std::string parent_word(const Unit& u) {
    auto p = parent_level(u.level);
    return p ? std::string(to_string(*p)) : "nothing";
  }

  Diagnostics* m_diagnostics;
  std::vector<LayoutEntry> m_entries;
  std::map<std::string, std::size_t, std::less<>> m_index;
};

/// How many units of one level an import adds, updates, leaves alone and retires.
struct ChangeCounts {
  long long added = 0;
  long long updated = 0;
  long long unchanged = 0;
  long long retired = 0;

  [[nodiscard]] bool changes() const noexcept { return added + updated + retired > 0; }
};

/// One change an import makes, for review (`import --dry-run`, `--changes`): a unit or worker
/// added, restored (active again), retired, or one field of it changed. A unit's new name is
/// `renamed`, its new parent `moved`; any other field, and every field of a worker, `changed`.
struct Change {
  std::string kind;    ///< "unit" or "worker"
  std::string change;  ///< added, renamed, moved, changed, restored, retired
  std::string level;   ///< the unit's level, or the worker's tier
  std::string code;
  std::string name;   ///< the name after the import (before it, for a retirement)
  std::string field;  ///< renamed, moved, changed: the field (name, parent, households, …)
  std::string old_value;
  std::string new_value;

  friend bool operator==(const Change&, const Change&) = default;
};

namespace detail {
inline std::string optional_text(const std::optional<long long>& n) {
  return n ? std::to_string(*n) : std::string();
}
}  // namespace detail

/// The change rows that updating `before` into `after` (same code) makes.
inline void unit_changes(const StoredUnit& before, const Unit& after, std::vector<Change>& out) {
  const std::string level(to_string(after.level));
  auto row = [&](const char* change, const char* field, std::string from, std::string to) {
    out.push_back(Change{"unit", change, level, after.code, after.name, field, std::move(from),
                         std::move(to)});
  };
  if (before.retired) row("restored", "", "", "");
  if (before.unit.name != after.name) row("renamed", "name", before.unit.name, after.name);
  if (before.unit.parent != after.parent) row("moved", "parent", before.unit.parent, after.parent);
  if (before.unit.households != after.households)
    row("changed", "households", detail::optional_text(before.unit.households),
        detail::optional_text(after.households));
  if (before.unit.population != after.population)
    row("changed", "population", detail::optional_text(before.unit.population),
        detail::optional_text(after.population));
}

/// What importing a layout will do. Units to add come parents first; units to retire, children
/// first; so applying them in order never breaks the tree.
struct LayoutPlan {
  std::array<ChangeCounts, 5> by_level{};  ///< indexed by `index(Level)`
  std::vector<Unit> to_add;
  std::vector<Unit> to_update;
  std::vector<std::string> to_retire;
  std::vector<std::string> refused_retirements;  ///< units --prune may not retire (in use)
  std::vector<Change> change_list;  ///< one row per change, in the file's order, then retirements

  [[nodiscard]] bool changes() const noexcept {
    return !to_add.empty() || !to_update.empty() || !to_retire.empty();
  }
};

/// Plans the upsert of `incoming` (already collected, conflict-free) over `existing`.
/// Checks against the database: a code already used at another level, a county other than the
/// database's. With `prune`, active units absent from `incoming` are retired, except those in
/// `in_use` (they have workers or cases), which land in `refused_retirements`.
[[nodiscard]] inline LayoutPlan plan_layout(const std::vector<StoredUnit>& existing,
                                            const std::vector<LayoutEntry>& incoming, bool prune,
                                            const std::set<std::string, std::less<>>& in_use,
                                            Diagnostics& diagnostics) {
  LayoutPlan plan;
  std::map<std::string_view, const StoredUnit*> by_code;
  for (const auto& s : existing) by_code.emplace(s.unit.code, &s);

  std::set<std::string_view> seen;
  for (const auto& entry : incoming) {
    Unit u = entry.unit;
    seen.insert(entry.unit.code);
    auto it = by_code.find(u.code);
    auto& counts = plan.by_level[index(u.level)];
    if (it == by_code.end()) {
      if (u.level == Level::county) {
        diagnostics.add(entry.code_at.error("county " + u.code + " is not this database's county"));
        continue;
      }
      plan.change_list.push_back(
          Change{"unit", "added", std::string(to_string(u.level)), u.code, u.name, "", "", ""});
      plan.to_add.push_back(std::move(u));
      ++counts.added;
      continue;
    }
    const StoredUnit& s = *it->second;
    if (s.unit.level != u.level) {
      diagnostics.add(
          entry.code_at.error("code " + u.code + " is a " + std::string(to_string(s.unit.level)) +
                              " in the database; here it is a " + std::string(to_string(u.level))));
      continue;
    }
    // Optional columns left out of a file keep what the database has.
    if (!u.households) u.households = s.unit.households;
    if (!u.population) u.population = s.unit.population;
    if (u == s.unit && !s.retired) {
      ++counts.unchanged;
    } else {
      unit_changes(s, u, plan.change_list);
      plan.to_update.push_back(std::move(u));
      ++counts.updated;
    }
  }

  if (prune) {
    for (auto it = existing.rbegin(); it != existing.rend(); ++it) {
      const Unit& u = it->unit;
      if (it->retired || u.level == Level::county || seen.count(u.code)) continue;
      if (in_use.count(u.code)) {
        plan.refused_retirements.push_back(u.code);
        continue;
      }
      plan.to_retire.push_back(u.code);
      plan.change_list.push_back(
          Change{"unit", "retired", std::string(to_string(u.level)), u.code, u.name, "", "", ""});
      ++plan.by_level[index(u.level)].retired;
    }
  }
  return plan;
}

}  // namespace gridgov
