#pragma once
// Finding a unit by what a person types: its code, or its name when no unit has that code and
// the name is unique (`units show 石莲子镇`, `stats … --unit 石莲子镇`).

#include <string>
#include <string_view>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/text.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

/// The units `text` names: the one with that code, else every unit with that (NFC) name.
[[nodiscard]] inline std::vector<const Unit*> units_named(const UnitTree& tree,
                                                          std::string_view text) {
  if (const Unit* u = tree.find(text)) return {u};
  std::vector<const Unit*> out;
  if (invalid_utf8_at(text)) return out;
  const std::string name = normalize_name(text);
  for (const Unit& u : tree.units())
    if (u.name == name) out.push_back(&u);
  return out;
}

/// The unit `text` names (a code, or a unique name). None: ErrorCode::not_found. A name several
/// units share: ErrorCode::usage listing their codes, since the fix is to type one of them.
[[nodiscard]] inline const Unit& find_unit(const UnitTree& tree, std::string_view text) {
  const auto found = units_named(tree, text);
  if (found.empty())
    throw Error(ErrorCode::not_found,
                "unknown unit " + std::string(text) + " (no such code or name)");
  if (found.size() > 1) {
    std::string codes;
    for (const Unit* u : found)
      codes +=
          (codes.empty() ? "" : ", ") + u->code + " (" + std::string(to_string(u->level)) + ")";
    throw Error(ErrorCode::usage, "unit name " + std::string(text) +
                                      " is ambiguous: " + std::to_string(found.size()) +
                                      " units have it: " + codes + "; give a code");
  }
  return *found.front();
}

}  // namespace gridgov
