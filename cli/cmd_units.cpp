// gridctl units tree [CODE] | list [--level L] [--under CODE] | show CODE

#include <algorithm>
#include <memory>

#include "commands.hpp"
#include "gridgov/text.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridctl {

namespace {

struct UnitsFlags {
  std::string code;
  std::string level;
  std::string under;
  int depth = -1;
};

Cell opt(const std::optional<long long>& v) {
  if (v) return *v;
  return {};
}

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

const gridgov::Unit& require_unit(const gridgov::UnitTree& tree, const std::string& code) {
  const gridgov::Unit* u = tree.find(code);
  if (!u) throw gridgov::Error(gridgov::ErrorCode::not_found, "unknown unit " + code);
  return *u;
}

/// One drawn line of the tree: the branch and label, then what lies below (aligned later).
struct TreeLine {
  std::string label;
  std::string below;
};

void tree_lines(const gridgov::UnitTree& tree, const gridgov::Unit& u, const std::string& prefix,
                bool last, int depth, int max_depth, bool root, std::vector<TreeLine>& out) {
  std::string label = root ? "" : prefix + (last ? "└── " : "├── ");
  out.push_back({label + u.name + " (" + u.code + ")", below_text(tree.below(u.code))});
  if (max_depth >= 0 && depth >= max_depth) return;
  const auto kids = tree.children(u.code);
  const std::string next = root ? "" : prefix + (last ? "    " : "│   ");
  for (std::size_t i = 0; i < kids.size(); ++i)
    tree_lines(tree, *kids[i], next, i + 1 == kids.size(), depth + 1, max_depth, false, out);
}

nlohmann::ordered_json tree_json(const gridgov::UnitTree& tree, const gridgov::Unit& u, int depth,
                                 int max_depth) {
  nlohmann::ordered_json j = {{"code", u.code}, {"name", u.name}, {"level", to_string(u.level)}};
  if (max_depth < 0 || depth < max_depth) {
    nlohmann::ordered_json kids = nlohmann::ordered_json::array();
    for (const auto* c : tree.children(u.code))
      kids.push_back(tree_json(tree, *c, depth + 1, max_depth));
    if (!kids.empty()) j["children"] = kids;
  }
  return j;
}

void tree_rows(const gridgov::UnitTree& tree, const gridgov::Unit& u, int depth, int max_depth,
               Table& t) {
  const auto below = tree.below(u.code);
  t.rows.push_back({static_cast<long long>(depth), u.code, u.name, std::string(to_string(u.level)),
                    u.parent.empty() ? Cell{} : Cell{u.parent},
                    below[index(gridgov::Level::grid)]});
  if (max_depth >= 0 && depth >= max_depth) return;
  for (const auto* c : tree.children(u.code)) tree_rows(tree, *c, depth + 1, max_depth, t);
}

void run_tree(Context& ctx, const UnitsFlags& f) {
  auto store = ctx.open();
  const gridgov::UnitTree tree(store->units());
  const auto county = store->county();
  if (!county)
    throw gridgov::Error(gridgov::ErrorCode::not_found, "the database has no county yet");
  const gridgov::Unit& root = require_unit(tree, f.code.empty() ? county->code : f.code);
  const Printer out = ctx.printer();
  switch (out.format) {
    case Format::table: {
      std::vector<TreeLine> lines;
      tree_lines(tree, root, "", true, 0, f.depth, true, lines);
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
    case Format::json:
    case Format::ndjson:
      out.json(tree_json(tree, root, 0, f.depth));
      return;
    default: {
      Table t{{"depth", "code", "name", "level", "parent", "grids"}, {}};
      tree_rows(tree, root, 0, f.depth, t);
      out.table(t);
    }
  }
}

void run_list(Context& ctx, const UnitsFlags& f) {
  std::optional<gridgov::Level> level;
  if (!f.level.empty()) {
    level = gridgov::parse_level(f.level);
    if (!level)
      throw gridgov::Error(
          gridgov::ErrorCode::usage,
          "--level: unknown level " + f.level + " (expected county, town, zone, village or grid)");
  }
  auto store = ctx.open();
  const gridgov::UnitTree tree(store->units());
  if (!f.under.empty()) (void)require_unit(tree, f.under);
  Table t{{"code", "name", "level", "parent", "grids", "households", "population"}, {}};
  for (const auto& u : tree.units()) {
    if (level && u.level != *level) continue;
    if (!f.under.empty() && !tree.within(u.code, f.under)) continue;
    const auto [households, population] = tree.size(u.code);
    t.rows.push_back({u.code, u.name, std::string(to_string(u.level)),
                      u.parent.empty() ? Cell{} : Cell{u.parent},
                      u.level == gridgov::Level::grid
                          ? Cell{}
                          : Cell{tree.below(u.code)[index(gridgov::Level::grid)]},
                      opt(households), opt(population)});
  }
  ctx.printer().table(t);
}

void run_show(Context& ctx, const UnitsFlags& f) {
  auto store = ctx.open();
  const gridgov::UnitTree tree(store->units());
  const gridgov::Unit& u = require_unit(tree, f.code);
  const auto below = tree.below(u.code);
  const auto [households, population] = tree.size(u.code);
  std::string path;
  for (const auto* p : tree.path(u.code)) path += (path.empty() ? "" : " / ") + p->name;
  long long workers = 0;
  for (const auto& s : store->workers()) {
    if (s.retired) continue;
    for (const auto& code : s.worker.units)
      if (tree.within(code, u.code)) {
        ++workers;
        break;
      }
  }
  const gridgov::Unit* parent = u.parent.empty() ? nullptr : tree.find(u.parent);
  Record r = {{"code", u.code},
              {"name", u.name},
              {"level", std::string(to_string(u.level))},
              {"parent", parent ? Cell{parent->code} : Cell{}},
              {"parent_name", parent ? Cell{parent->name} : Cell{}},
              {"path", path}};
  for (auto level : gridgov::k_levels)
    if (level > u.level) r.emplace_back(std::string(plural(level)), below[index(level)]);
  r.emplace_back("households", opt(households));
  r.emplace_back("population", opt(population));
  r.emplace_back("workers", workers);
  ctx.printer().record(r);
}

}  // namespace

void setup_units(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<UnitsFlags>();
  auto* cmd = app.add_subcommand("units", "The unit tree: county, towns, zones, villages, grids");
  cmd->require_subcommand(1);

  auto* tree = cmd->add_subcommand("tree", "Draw the tree (from the county, or from CODE)");
  tree->add_option("code", f->code, "Start from this unit")->type_name("CODE");
  tree->add_option("--depth", f->depth, "Levels to show below the start (default: all)")
      ->check(CLI::NonNegativeNumber);
  tree->callback([f, &ctx] { run_tree(ctx, *f); });

  auto* list = cmd->add_subcommand("list", "List units, with grids, households and population");
  list->add_option("--level", f->level, "Only this level (county, town, zone, village, grid)");
  list->add_option("--under", f->under, "Only units within this unit's subtree")->type_name("CODE");
  list->callback([f, &ctx] { run_list(ctx, *f); });

  auto* show = cmd->add_subcommand("show", "One unit: its place in the tree, size and workers");
  show->add_option("code", f->code, "The unit's code")->required()->type_name("CODE");
  show->callback([f, &ctx] { run_show(ctx, *f); });
}

}  // namespace gridctl
