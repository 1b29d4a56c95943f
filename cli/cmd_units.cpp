// gridctl units tree [UNIT] [--party] | list [--level L] [--under UNIT] | show UNIT (a code or
// unique name)

#include <algorithm>
#include <memory>

#include "commands.hpp"
#include "gridgov/text.hpp"
#include "gridgov/unit_lookup.hpp"
#include "gridgov/unit_tree.hpp"
#include "gridgov/workers.hpp"

namespace gridctl {

namespace {

struct UnitsFlags {
  std::string code;
  std::string level;
  std::string under;
  int depth = -1;
  bool party = false;
};

/// "12 zones, 60 villages, 186 grids"
std::string below_text(const std::array<long long, 5>& below) {
  std::string s;
  for (auto level : gridgov::k_levels) {
    const long long n = below[index(level)];
    if (n == 0) continue;
    if (!s.empty()) s += ", ";
    s += std::to_string(n) + " " + std::string(n == 1 ? to_string(level) : plural(level));
  }
  return s;
}

/// The unit a code or unique name names (gridgov::find_unit: an ambiguous name is a usage error
/// listing the codes).
const gridgov::Unit& require_unit(const gridgov::UnitTree& tree, const std::string& text) {
  return gridgov::find_unit(tree, text);
}

/// One drawn line of the tree: the branch and label, then what lies below (aligned later).
struct TreeLine {
  std::string label;
  std::string below;
};

void tree_lines(const gridgov::UnitTree& tree, const gridgov::Unit& u, const std::string& prefix,
                bool last, int depth, int max_depth, bool root, const gridgov::PartyByUnit* party,
                std::vector<TreeLine>& out) {
  std::string label = root ? "" : prefix + (last ? "└── " : "├── ");
  label += gridgov::printable(u.name) + " (" + gridgov::printable(u.code) + ")";
  if (party)
    if (auto it = party->find(u.code); it != party->end())
      label += " · " + gridgov::printable(it->second.name);
  out.push_back({label, below_text(tree.below(u.code))});
  if (max_depth >= 0 && depth >= max_depth) return;
  const auto kids = tree.children(u.code);
  const std::string next = root ? "" : prefix + (last ? "    " : "│   ");
  for (std::size_t i = 0; i < kids.size(); ++i)
    tree_lines(tree, *kids[i], next, i + 1 == kids.size(), depth + 1, max_depth, false, party, out);
}

void run_tree(Context& ctx, const UnitsFlags& f) {
  auto session = ctx.session();
  gridgov::Store& store = session.store();
  const gridgov::UnitTree tree(store.units());
  const auto county = store.county();
  if (!county)
    throw gridgov::Error(gridgov::ErrorCode::not_found, "the database has no county yet");
  const gridgov::Unit& root = require_unit(tree, f.code.empty() ? county->code : f.code);
  const gridgov::PartyByUnit orgs =
      f.party ? gridgov::party_by_unit(store.party_orgs()) : gridgov::PartyByUnit{};
  const gridgov::PartyByUnit* party = f.party ? &orgs : nullptr;
  switch (ctx.format()) {
    case gridgov::Format::table: {
      std::vector<TreeLine> lines;
      tree_lines(tree, root, "", true, 0, f.depth, true, party, lines);
      std::size_t width = 0;
      for (const auto& l : lines) width = std::max(width, gridgov::display_width(l.label));
      for (const auto& l : lines) {
        std::cout << l.label;
        if (!l.below.empty())
          std::cout << std::string(width + 2 - gridgov::display_width(l.label), ' ') << l.below;
        std::cout << '\n';
      }
      return;
    }
    case gridgov::Format::json:
    case gridgov::Format::ndjson: {
      // One object, its children nested.
      const gridgov::Table nested = gridgov::unit_tree_table(tree, root, f.depth, true, party);
      ctx.print(gridgov::Record{nested.columns, nested.rows.front()});
      return;
    }
    default:
      ctx.print(gridgov::unit_tree_table(tree, root, f.depth, false, party));
  }
}

void run_list(Context& ctx, const UnitsFlags& f) {
  std::optional<gridgov::Level> level;
  if (!f.level.empty()) {
    level = gridgov::parse_level(f.level);
    if (!level)
      throw gridgov::Error(gridgov::ErrorCode::usage,
                           "--level: unknown level " + f.level + " (expected " +
                               std::string(gridgov::k_level_words) + ")");
  }
  auto session = ctx.session();
  gridgov::Store& store = session.store();
  const gridgov::UnitTree tree(store.units());
  const std::string under = f.under.empty() ? f.under : require_unit(tree, f.under).code;
  std::vector<const gridgov::Unit*> units;
  for (const auto& u : tree.units()) {
    if (level && u.level != *level) continue;
    if (!under.empty() && !tree.within(u.code, under)) continue;
    units.push_back(&u);
  }
  ctx.print(gridgov::unit_table(units, tree));
}

void run_show(Context& ctx, const UnitsFlags& f) {
  auto session = ctx.session();
  gridgov::Store& store = session.store();
  const gridgov::UnitTree tree(store.units());
  const gridgov::Unit& u = require_unit(tree, f.code);
  long long workers = 0;
  const auto staff = store.workers();
  for (const auto& s : staff)
    if (!s.retired && gridgov::serves_within(s.worker, tree, u.code)) ++workers;
  const gridgov::PartyByUnit party = gridgov::party_by_unit(store.party_orgs());
  ctx.print(gridgov::unit_record(u, tree, workers, &party, &staff));
}

}  // namespace

void setup_units(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<UnitsFlags>();
  auto* cmd = app.add_subcommand("units", "The unit tree: county, towns, zones, villages, grids");
  cmd->require_subcommand(1);

  auto* tree = cmd->add_subcommand("tree", "Draw the tree (from the county, or from CODE)");
  tree->add_option("code", f->code, "Start from this unit (a code or unique name)")
      ->type_name("UNIT");
  tree->add_option("--depth", f->depth, "Levels to show below the start (default: all)")
      ->type_name("N")
      ->check(whole_number(0, std::numeric_limits<int>::max()));
  tree->add_flag("--party", f->party,
                 "Also name each unit's party organisation (党建引领: the chain along the tree)");
  tree->callback([f, &ctx] { run_tree(ctx, *f); });

  auto* list = cmd->add_subcommand("list", "List units, with grids, households and population");
  list->add_option("--level", f->level, "Only this level (county, town, zone, village, grid)");
  list->add_option("--under", f->under, "Only units within this unit's subtree (code or name)")
      ->type_name("UNIT");
  list->callback([f, &ctx] { run_list(ctx, *f); });

  auto* show = cmd->add_subcommand(
      "show", "One unit: its place in the tree, size, workers and party organisation");
  show->add_option("unit", f->code, "The unit's code, or its name when no other unit has it")
      ->required()
      ->type_name("UNIT");
  show->callback([f, &ctx] { run_show(ctx, *f); });
}

}  // namespace gridctl
