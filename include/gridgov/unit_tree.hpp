#pragma once
// A read-only view of the active unit tree, for listing, showing and drawing it.

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/layout.hpp"

namespace gridgov {

/// Why `units` do not make a tree of the model's levels, or nullopt when they do: each unit's
/// parent, when it is among them, must be of a level above the unit's own. That makes every
/// walk up or down the tree end within five steps; a cycle of parents (which only a database
/// changed outside gridgov holds) always breaks it somewhere.
///
/// **Example**: with town T under grid G, `unit_tree_fault(units)` is
/// `"unit T (town) has parent G (grid), which is not above it (do the units' parents form a
/// cycle?)"`.
[[nodiscard]] inline std::optional<std::string> unit_tree_fault(
    const std::vector<StoredUnit>& units) {
  std::map<std::string_view, Level, std::less<>> levels;
  for (const auto& s : units) levels.emplace(s.unit.code, s.unit.level);
  for (const auto& s : units) {
    const Unit& u = s.unit;
    if (u.parent.empty()) continue;
    auto p = levels.find(u.parent);
    if (p == levels.end() || index(p->second) < index(u.level)) continue;
    return "unit " + u.code + " (" + std::string(to_string(u.level)) + ") has parent " + u.parent +
           " (" + std::string(to_string(p->second)) +
           "), which is not above it (do the units' parents form a cycle?)";
  }
  return std::nullopt;
}

class UnitTree {
 public:
  /// Builds the tree from stored units; retired units are left out. Throws ErrorCode::unusable
  /// when they do not make a tree (see unit_tree_fault), so that no walk of it can be endless.
  explicit UnitTree(const std::vector<StoredUnit>& units) {
    if (auto fault = unit_tree_fault(units))
      throw Error(ErrorCode::unusable, "the unit tree is broken: " + *fault);
    for (const auto& s : units) {
      if (s.retired) continue;
      m_index.emplace(s.unit.code, m_units.size());
      m_units.push_back(s.unit);
      m_children.emplace_back();
      m_below.emplace_back();
    }
    for (std::size_t i = 0; i < m_units.size(); ++i) {
      auto p = m_index.find(m_units[i].parent);
      if (p != m_index.end()) m_children[p->second].push_back(i);
    }
    // Lowest level first, so that each unit's children are counted before it.
    std::vector<std::size_t> order(m_units.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return index(m_units[a].level) > index(m_units[b].level);
    });
    for (std::size_t i : order) {
      for (std::size_t c : m_children[i]) {
        ++m_below[i][index(m_units[c].level)];
        for (std::size_t l = 0; l < 5; ++l) m_below[i][l] += m_below[c][l];
      }
    }
  }

  [[nodiscard]] const std::vector<Unit>& units() const noexcept { return m_units; }
  [[nodiscard]] const Unit* find(std::string_view code) const {
    auto it = m_index.find(code);
    return it == m_index.end() ? nullptr : &m_units[it->second];
  }
  [[nodiscard]] std::vector<const Unit*> children(std::string_view code) const {
    std::vector<const Unit*> out;
    auto it = m_index.find(code);
    if (it != m_index.end())
      for (std::size_t c : m_children[it->second]) out.push_back(&m_units[c]);
    return out;
  }
  /// How many units of each level lie below `code` (indexed by `index(Level)`).
  [[nodiscard]] std::array<long long, 5> below(std::string_view code) const {
    auto it = m_index.find(code);
    return it == m_index.end() ? std::array<long long, 5>{} : m_below[it->second];
  }
  /// Households and population of `code`: its own for a grid, else the sum over its grids
  /// (nullopt when no grid below gives the figure).
  [[nodiscard]] std::pair<std::optional<long long>, std::optional<long long>> size(
      std::string_view code) const {
    std::pair<std::optional<long long>, std::optional<long long>> out;
    auto add = [](std::optional<long long>& sum, const std::optional<long long>& v) {
      if (v) sum = sum.value_or(0) + *v;
    };
    std::vector<const Unit*> stack;
    if (const Unit* u = find(code)) stack.push_back(u);
    while (!stack.empty()) {
      const Unit* u = stack.back();
      stack.pop_back();
      if (u->level == Level::grid) {
        add(out.first, u->households);
        add(out.second, u->population);
      }
      for (const Unit* c : children(u->code)) stack.push_back(c);
    }
    return out;
  }

  /// The units from the county down to `code`, both included.
  [[nodiscard]] std::vector<const Unit*> path(std::string_view code) const {
    std::vector<const Unit*> out;
    for (const Unit* u = find(code); u; u = u->parent.empty() ? nullptr : find(u->parent))
      out.insert(out.begin(), u);
    return out;
  }
  /// The unit of `level` that contains `code` (`code`'s own unit when it is of that level), or
  /// nullptr when `code` lies above that level (a town has no zone), is unknown or retired.
  /// **Example**: `tree.ancestor_at("371327001001001", Level::town)` is its town.
  [[nodiscard]] const Unit* ancestor_at(std::string_view code, Level level) const {
    for (const Unit* u = find(code); u; u = u->parent.empty() ? nullptr : find(u->parent))
      if (u->level == level) return u;
    return nullptr;
  }
  /// The town (镇街) of `code`, itself when it is a town; nullptr for the county or an unknown
  /// code. **Example**: `tree.town_of("37132700100101")->name` is `"十字路街道"`.
  [[nodiscard]] const Unit* town_of(std::string_view code) const {
    return ancestor_at(code, Level::town);
  }
  /// The zone (片区) of `code`, itself when it is a zone; nullptr above the zones.
  /// **Example**: `tree.zone_of("37132700100101")->code` is `"371327001Z01"`.
  [[nodiscard]] const Unit* zone_of(std::string_view code) const {
    return ancestor_at(code, Level::zone);
  }
  /// The village or community (村居) of `code`, itself when it is one; nullptr above them.
  /// **Example**: `tree.village_of("37132700100101")->name` is `"东湖社区"`.
  [[nodiscard]] const Unit* village_of(std::string_view code) const {
    return ancestor_at(code, Level::village);
  }
  /// Whether `code` is `ancestor` or lies below it.
  [[nodiscard]] bool within(std::string_view code, std::string_view ancestor) const {
    for (const Unit* u = find(code); u; u = u->parent.empty() ? nullptr : find(u->parent))
      if (u->code == ancestor) return true;
    return false;
  }

 private:
  std::vector<Unit> m_units;
  std::vector<std::vector<std::size_t>> m_children;
  std::vector<std::array<long long, 5>> m_below;
  std::map<std::string, std::size_t, std::less<>> m_index;
};

}  // namespace gridgov
