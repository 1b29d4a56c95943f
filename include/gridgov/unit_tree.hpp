#pragma once
// A read-only view of the active unit tree, for listing, showing and drawing it.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gridgov/layout.hpp"

namespace gridgov {

class UnitTree {
 public:
  /// Builds the tree from stored units (parents before children); retired units are left out.
  explicit UnitTree(const std::vector<StoredUnit>& units) {
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
    for (std::size_t i = m_units.size(); i-- > 0;) {
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
  /// nullptr. **Example**: `tree.ancestor_at("371327001001001", Level::town)` is its town.
  [[nodiscard]] const Unit* ancestor_at(std::string_view code, Level level) const {
    for (const Unit* u = find(code); u; u = u->parent.empty() ? nullptr : find(u->parent))
      if (u->level == level) return u;
    return nullptr;
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
