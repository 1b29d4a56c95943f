#pragma once
// Party organisation along the grid (党建引领, docs/design.md §12.4): a chain 镇街党(工)委 —
// 网格片区党委 — 村(社区)党支部 — 网格党组织 that follows the unit tree, one organisation per unit.
// The rules of a party file and of its upsert over the database are here, pure.

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/layout.hpp"
#include "gridgov/level.hpp"
#include "gridgov/location.hpp"

namespace gridgov {

/// The kinds of organisation, one per level below the county.
enum class PartyKind : int {
  town_committee = 0,
  zone_committee = 1,
  village_branch = 2,
  grid_group = 3
};

[[nodiscard]] constexpr std::string_view to_string(PartyKind k) noexcept {
  switch (k) {
    case PartyKind::town_committee:
      return "town_committee";
    case PartyKind::zone_committee:
      return "zone_committee";
    case PartyKind::village_branch:
      return "village_branch";
    case PartyKind::grid_group:
      return "grid_group";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_zh(PartyKind k) noexcept {
  switch (k) {
    case PartyKind::town_committee:
      return "镇街党(工)委";
    case PartyKind::zone_committee:
      return "网格片区党委";
    case PartyKind::village_branch:
      return "村(社区)党支部";
    case PartyKind::grid_group:
      return "网格党组织";
  }
  return "?";
}
/// Parses a kind by its code name or a Chinese name (`镇街党(工)委`, `党工委`, `网格片区党委`,
/// `村(社区)党支部`, `党总支`, `网格党组织`, `党小组`; full-width brackets too).
[[nodiscard]] constexpr std::optional<PartyKind> parse_party_kind(std::string_view s) noexcept {
  for (std::string_view w : {"town_committee", "镇街党(工)委", "镇街党（工）委", "镇街党委",
                             "镇街党工委", "党工委", "镇党委", "街道党工委"})
    if (s == w) return PartyKind::town_committee;
  for (std::string_view w : {"zone_committee", "网格片区党委", "片区党委", "片区党总支"})
    if (s == w) return PartyKind::zone_committee;
  for (std::string_view w :
       {"village_branch", "村(社区)党支部", "村（社区）党支部", "村党支部", "社区党支部", "党支部",
        "村(社区)党总支", "村（社区）党总支", "党总支"})
    if (s == w) return PartyKind::village_branch;
  for (std::string_view w : {"grid_group", "网格党组织", "网格党小组", "网格党支部", "党小组"})
    if (s == w) return PartyKind::grid_group;
  return std::nullopt;
}

/// The level of the unit an organisation of `kind` leads.
[[nodiscard]] constexpr Level party_level(PartyKind k) noexcept {
  switch (k) {
    case PartyKind::town_committee:
      return Level::town;
    case PartyKind::zone_committee:
      return Level::zone;
    case PartyKind::village_branch:
      return Level::village;
    case PartyKind::grid_group:
      break;
  }
  return Level::grid;
}

/// A party organisation: it leads one unit; its parent leads the unit's parent.
struct PartyOrg {
  std::string code;
  std::string name;
  PartyKind kind = PartyKind::town_committee;
  std::string unit;       ///< the unit it leads
  std::string parent;     ///< the parent organisation's code; empty for a town committee
  std::string secretary;  ///< a worker's code (书记), optional

  friend bool operator==(const PartyOrg&, const PartyOrg&) = default;
};

struct StoredPartyOrg {
  PartyOrg org;
  bool retired = false;
};

/// An organisation as read from a file, with where its fields were.
struct PartyEntry {
  PartyOrg org;
  Location code_at;
  Location kind_at;
  Location unit_at;
  Location parent_at;
  Location secretary_at;
};

/// A unit of the layout as party checks see it: its level and parent.
struct PartyUnit {
  Level level = Level::grid;
  std::string parent;
};

/// What importing a party file will do.
struct PartyPlan {
  std::array<ChangeCounts, 4> by_kind{};  ///< indexed by PartyKind
  std::vector<PartyOrg> to_put;           ///< added or changed, parents before children
  std::vector<std::string> to_retire;
  std::vector<Change> changes;  ///< one row per change, kind "party"

  [[nodiscard]] bool any() const noexcept { return !to_put.empty() || !to_retire.empty(); }
};

/// Plans the upsert of a party file over the organisations in the database, checking the chain:
/// - a code given twice is an error naming both lines;
/// - the unit exists, is active and is of the kind's level (a zone committee leads a zone);
/// - one organisation per unit (among the file and the active ones it keeps);
/// - a town committee has no parent; any other's parent is an organisation (of the file or the
///   database) that leads the parent of its unit: a broken chain names the line and both codes;
/// - a secretary is a known worker.
/// With `prune`, the active organisations the file leaves out are retired (refused when one the
/// file keeps names it as parent).
[[nodiscard]] inline PartyPlan plan_party(
    const std::vector<StoredPartyOrg>& existing, const std::vector<PartyEntry>& incoming,
    const std::map<std::string, PartyUnit, std::less<>>& units,
    const std::set<std::string, std::less<>>& workers, bool prune, Diagnostics& diagnostics) {
  PartyPlan plan;
  std::map<std::string_view, const PartyEntry*> in_file;
  std::map<std::string_view, const PartyEntry*> unit_in_file;
  for (const auto& e : incoming) {
    auto [it, added] = in_file.emplace(e.org.code, &e);
    if (!added)
      diagnostics.add(e.code_at.error("organisation " + e.org.code + " is given twice; first at " +
                                      it->second->code_at.where()));
  }
  std::map<std::string_view, const StoredPartyOrg*> stored;
  for (const auto& s : existing) stored.emplace(s.org.code, &s);
  // Which organisation leads each unit after the import: the file's, else an active one kept.
  std::map<std::string_view, std::string_view> leader;
  for (const auto& s : existing)
    if (!s.retired && !in_file.count(s.org.code) && !prune) leader.emplace(s.org.unit, s.org.code);
  auto org_of = [&](std::string_view code) -> const PartyOrg* {
    if (auto it = in_file.find(code); it != in_file.end()) return &it->second->org;
    if (prune) return nullptr;
    if (auto it = stored.find(code); it != stored.end() && !it->second->retired)
      return &it->second->org;
    return nullptr;
  };

  for (const auto& e : incoming) {
    const PartyOrg& o = e.org;
    auto u = units.find(o.unit);
    if (u == units.end()) {
      diagnostics.add(e.unit_at.error("unknown unit " + o.unit));
    } else if (u->second.level != party_level(o.kind)) {
      diagnostics.add(e.unit_at.error("a " + std::string(to_string(o.kind)) + " (" +
                                      std::string(to_zh(o.kind)) + ") leads a " +
                                      std::string(to_string(party_level(o.kind))) + ", but " +
                                      o.unit + " is a " + std::string(to_string(u->second.level))));
    } else {
      if (auto first = unit_in_file.find(o.unit); first != unit_in_file.end()) {
        diagnostics.add(e.unit_at.error("unit " + o.unit + " already has organisation " +
                                        first->second->org.code + " (at " +
                                        first->second->code_at.where() + ")"));
      } else if (auto other = leader.find(o.unit); other != leader.end()) {
        diagnostics.add(e.unit_at.error("unit " + o.unit + " already has organisation " +
                                        std::string(other->second) +
                                        " (in the database; retire it with --prune)"));
      }
      unit_in_file.emplace(o.unit, &e);
      // The chain: the parent leads the unit's parent.
      if (o.kind == PartyKind::town_committee) {
        if (!o.parent.empty())
          diagnostics.add(e.parent_at.error("a town committee heads its chain: it has no parent (" +
                                            o.parent + " given)"));
      } else if (o.parent.empty()) {
        diagnostics.add(e.parent_at.error("missing parent: a " + std::string(to_string(o.kind)) +
                                          " belongs to the organisation of unit " +
                                          u->second.parent));
      } else if (const PartyOrg* p = org_of(o.parent); !p) {
        diagnostics.add(e.parent_at.error("unknown parent organisation " + o.parent));
      } else if (p->unit != u->second.parent) {
        diagnostics.add(e.parent_at.error("broken chain: " + o.code + " leads " + o.unit +
                                          ", whose parent unit is " + u->second.parent +
                                          ", but its parent " + p->code + " leads " + p->unit));
      }
    }
    if (!o.secretary.empty() && !workers.count(o.secretary))
      diagnostics.add(e.secretary_at.error("unknown worker " + o.secretary));
  }

  auto change = [](const PartyOrg& o, const char* what) {
    return Change{"party", what, std::string(to_string(o.kind)), o.code, o.name, "", "", ""};
  };
  for (const auto& e : incoming) {
    const PartyOrg& o = e.org;
    auto it = stored.find(o.code);
    if (it == stored.end()) {
      ++plan.by_kind[static_cast<std::size_t>(o.kind)].added;
      plan.changes.push_back(change(o, "added"));
      plan.to_put.push_back(o);
      continue;
    }
    const StoredPartyOrg& s = *it->second;
    if (!s.retired && s.org == o) {
      ++plan.by_kind[static_cast<std::size_t>(o.kind)].unchanged;
      continue;
    }
    ++plan.by_kind[static_cast<std::size_t>(o.kind)].updated;
    if (s.retired) plan.changes.push_back(change(o, "restored"));
    const std::pair<const char*, std::pair<std::string, std::string>> fields[] = {
        {"name", {s.org.name, o.name}},
        {"kind", {std::string(to_string(s.org.kind)), std::string(to_string(o.kind))}},
        {"unit", {s.org.unit, o.unit}},
        {"parent", {s.org.parent, o.parent}},
        {"secretary", {s.org.secretary, o.secretary}}};
    for (const auto& [field, values] : fields)
      if (values.first != values.second)
        plan.changes.push_back(Change{"party", "changed", std::string(to_string(o.kind)), o.code,
                                      o.name, field, values.first, values.second});
    plan.to_put.push_back(o);
  }
  if (prune)
    for (const auto& s : existing)
      if (!s.retired && !in_file.count(s.org.code)) {
        ++plan.by_kind[static_cast<std::size_t>(s.org.kind)].retired;
        plan.changes.push_back(change(s.org, "retired"));
        plan.to_retire.push_back(s.org.code);
      }
  // Parents before children, so that each one's parent is stored first.
  std::stable_sort(plan.to_put.begin(), plan.to_put.end(),
                   [](const PartyOrg& a, const PartyOrg& b) { return a.kind < b.kind; });
  return plan;
}

/// The active organisations by the code of the unit each leads.
using PartyByUnit = std::map<std::string, PartyOrg, std::less<>>;
[[nodiscard]] inline PartyByUnit party_by_unit(const std::vector<StoredPartyOrg>& orgs) {
  PartyByUnit out;
  for (const auto& s : orgs)
    if (!s.retired) out.emplace(s.org.unit, s.org);
  return out;
}

}  // namespace gridgov
