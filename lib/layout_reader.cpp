// Layout files: CSV (one row per grid), TOML and JSON (the tree nested). docs/design.md §5.

#include <charconv>
#include <fstream>
#include <sstream>

#include "csv.hpp"
#include "encoding.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"
#include "tree.hpp"

namespace gridgov {

namespace {

using detail::ColumnSpec;
using detail::CsvField;
using detail::TreeNode;

std::string trim_ascii(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

/// A code as typed: surrounding blanks dropped, then checked.
bool take_code(std::string_view raw, const Location& at, std::string& out,
               Diagnostics& diagnostics) {
  out = trim_ascii(raw);
  if (auto problem = code_problem(out); !problem.empty()) {
    diagnostics.add(at.error(problem));
    return false;
  }
  return true;
}

bool take_name(std::string_view raw, const Location& at, std::string& out,
               Diagnostics& diagnostics) {
  // The CSV reader checks these limits as it reads; TOML and JSON strings are checked here.
  if (auto problem = text_problem(raw); !problem.empty()) {
    diagnostics.add(at.error(problem));
    return false;
  }
  out = normalize_name(raw);
  if (out.empty()) {
    diagnostics.add(at.error("empty name"));
    return false;
  }
  return true;
}

bool take_count(std::string_view raw, const Location& at, std::optional<long long>& out,
                Diagnostics& diagnostics) {
  const std::string s = trim_ascii(raw);
  if (s.empty()) return true;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) {
    diagnostics.add(at.error("\"" + s + "\" is not a whole number ≥ 0"));
    return false;
  }
  out = v;
  return true;
}

// ---- CSV -------------------------------------------------------------------------------------

enum LayoutColumn : std::size_t {
  town_code,
  town_name,
  zone_code,
  zone_name,
  village_code,
  village_name,
  grid_code,
  grid_name,
  households,
  population
};

const std::vector<ColumnSpec>& layout_columns() {
  static const std::vector<ColumnSpec> specs = {
      {"town_code", {"镇街编码", "镇编码", "街道编码"}, true},
      {"town_name", {"镇街名称", "镇街", "镇名称", "街道名称"}, true},
      {"zone_code", {"片区编码"}, true},
      {"zone_name", {"片区名称", "片区"}, true},
      {"village_code", {"村居编码", "村编码", "社区编码"}, true},
      {"village_name", {"村居名称", "村居", "村名称", "社区名称"}, true},
      {"grid_code", {"网格编码"}, true},
      {"grid_name", {"网格名称", "网格"}, true},
      {"households", {"户数"}, false},
      {"population", {"人口", "人口数"}, false},
  };
  return specs;
}

void read_layout_csv(std::istream& in, const std::string& file, LayoutCollector& collector,
                     Diagnostics& diagnostics, bool strict) {
  detail::CsvReader reader(in, file, diagnostics);
  std::vector<CsvField> record;
  if (!reader.next(record)) {
    if (!reader.stopped())
      diagnostics.add(Diagnostic{file, 1, 0, "", "empty file: expected a header row"});
    return;
  }
  const std::size_t before = diagnostics.count();
  const auto header = detail::HeaderMap::match(record, layout_columns(), file, diagnostics, strict);
  if (diagnostics.count() != before) return;  // this file's header is unusable
  reader.set_field_names(header.names(record));

  struct LevelColumns {
    Level level;
    std::size_t code;
    std::size_t name;
  };
  static constexpr LevelColumns levels[] = {{Level::town, town_code, town_name},
                                            {Level::zone, zone_code, zone_name},
                                            {Level::village, village_code, village_name},
                                            {Level::grid, grid_code, grid_name}};
  while (reader.next(record)) {
    const int line = reader.record_line();
    if (!detail::check_width(record, header, file, line, diagnostics)) continue;
    bool ok = true;
    LayoutEntry entries[4];
    for (std::size_t i = 0; i < 4; ++i) {
      const auto& lc = levels[i];
      LayoutEntry& e = entries[i];
      e.unit.level = lc.level;
      e.code_at = header.at(record, lc.code, file, line);
      e.name_at = header.at(record, lc.name, file, line);
      ok &= take_code(header.field(record, lc.code).text, e.code_at, e.unit.code, diagnostics);
      ok &= take_name(header.field(record, lc.name).text, e.name_at, e.unit.name, diagnostics);
      if (i > 0) {
        e.unit.parent = entries[i - 1].unit.code;
        e.parent_at = entries[i - 1].code_at;
      } else {
        e.parent_at = e.code_at;
      }
    }
    Unit& grid = entries[3].unit;
    ok &= take_count(header.field(record, households).text,
                     header.at(record, households, file, line), grid.households, diagnostics);
    ok &= take_count(header.field(record, population).text,
                     header.at(record, population, file, line), grid.population, diagnostics);
    if (!ok) continue;
    for (const auto& e : entries) collector.add(e);
  }
}

// ---- TOML and JSON ---------------------------------------------------------------------------

struct TreeWalker {
  const std::string& file;
  LayoutCollector& collector;
  Diagnostics& diagnostics;

  static const char* children_key(Level level) {
    switch (level) {
      case Level::county:
        return "towns";
      case Level::town:
        return "zones";
      case Level::zone:
        return "villages";
      case Level::village:
        return "grids";
      case Level::grid:
        return "";
    }
    return "";
  }

  /// Reads one unit node and, recursively, its children. Returns the unit's code location.
  void unit(const TreeNode& node, Level level, const std::string& path, const LayoutEntry* parent,
            std::optional<LayoutEntry>* county_out, bool collect = true) {
    const bool leaf = level == Level::grid;
    const bool ok_keys =
        leaf ? detail::check_object(node, file, path, {"code", "name", "households", "population"},
                                    diagnostics)
             : detail::check_object(node, file, path, {"code", "name", children_key(level)},
                                    diagnostics);
    if (node.kind != TreeNode::Kind::object) return;
    LayoutEntry e;
    e.unit.level = level;
    bool ok = ok_keys;
    ok &=
        string_field(node, path, "code", e.code_at, [&](const std::string& s, const Location& at) {
          return take_code(s, at, e.unit.code, diagnostics);
        });
    ok &=
        string_field(node, path, "name", e.name_at, [&](const std::string& s, const Location& at) {
          return take_name(s, at, e.unit.name, diagnostics);
        });
    if (leaf) {
      ok &= count_field(node, path, "households", e.unit.households);
      ok &= count_field(node, path, "population", e.unit.population);
    }
    if (parent) {
      e.unit.parent = parent->unit.code;
      e.parent_at = parent->code_at;
    } else {
      e.parent_at = e.code_at;
    }
    // Below a faulty unit, children are still checked, but not collected: their parent is
    // in doubt and would only add confusing conflicts.
    collect = collect && ok;
    if (collect && county_out) *county_out = e;
    if (collect && !county_out) collector.add(e);
    if (leaf || level == Level::county) return;
    children(node, level, path, &e, collect);
  }

  void children(const TreeNode& node, Level level, const std::string& path,
                const LayoutEntry* parent, bool collect = true) {
    const char* key = children_key(level);
    const TreeNode* list = node.get(key);
    const std::string list_path = path.empty() ? key : path + "." + key;
    if (!list) return;  // a unit without children is allowed (it may get them later)
    if (list->kind != TreeNode::Kind::array) {
      diagnostics.add(
          list->at(file, list_path)
              .error("expected an array, got " + std::string(detail::kind_name(list->kind))));
      return;
    }
    const Level child = static_cast<Level>(static_cast<int>(level) + 1);
    for (std::size_t i = 0; i < list->items.size(); ++i)
      unit(list->items[i], child, list_path + "[" + std::to_string(i) + "]", parent, nullptr,
           collect);
  }

  template <class Take>
  bool string_field(const TreeNode& node, const std::string& path, const char* key, Location& at,
                    Take take) {
    const TreeNode* v = node.get(key);
    const std::string field = path.empty() ? key : path + "." + key;
    if (!v) {
      at = node.at(file, field);
      diagnostics.add(at.error(std::string("missing ") + key));
      return false;
    }
    at = v->at(file, field);
    if (v->kind == TreeNode::Kind::integer && std::string_view(key) == "code")
      return take(std::to_string(v->integer), at);  // 371327 written as a number
    if (v->kind != TreeNode::Kind::string) {
      diagnostics.add(
          at.error("expected a string, got " + std::string(detail::kind_name(v->kind))));
      return false;
    }
    return take(v->text, at);
  }

  bool count_field(const TreeNode& node, const std::string& path, const char* key,
                   std::optional<long long>& out) {
    const TreeNode* v = node.get(key);
    if (!v) return true;
    const Location at = v->at(file, path + "." + key);
    if (v->kind != TreeNode::Kind::integer || v->integer < 0) {
      diagnostics.add(at.error("expected a whole number ≥ 0"));
      return false;
    }
    out = v->integer;
    return true;
  }
};

void read_layout_tree(const TreeNode& root, const std::string& file, LayoutInput& input,
                      LayoutCollector& collector, Diagnostics& diagnostics) {
  if (!detail::check_object(root, file, "", {"county", "towns"}, diagnostics)) return;
  const TreeNode* county = root.get("county");
  if (!county) {
    diagnostics.add(root.at(file, "county").error("missing county"));
    return;
  }
  TreeWalker walker{file, collector, diagnostics};
  std::optional<LayoutEntry> county_entry;
  // The towns may sit inside the county table or beside it.
  walker.unit(*county, Level::county, "county", nullptr, &county_entry);
  if (!county_entry) return;
  if (input.county && input.county->unit.code != county_entry->unit.code) {
    diagnostics.add(county_entry->code_at.error("county " + county_entry->unit.code +
                                                " differs from county " + input.county->unit.code +
                                                " at " + input.county->code_at.where()));
    return;
  }
  if (!input.county) input.county = county_entry;
  if (county->get("towns") && root.get("towns")) {
    diagnostics.add(root.get("towns")
                        ->at(file, "towns")
                        .error("towns given both inside and beside the county table"));
    return;
  }
  walker.children(*county, Level::county, "county", &*county_entry);
  walker.children(root, Level::county, "", &*county_entry);
}

}  // namespace

void read_layout(const std::vector<std::string>& paths, LayoutInput& input,
                 Diagnostics& diagnostics, const ReadOptions& options) {
  LayoutCollector collector(diagnostics);
  for (const auto& path : paths) {
    const std::string& name = path;  // standard input is `-` in messages too
    // A CSV file streams; TOML and JSON (and standard input, to tell them apart) are read whole.
    if (path != "-" && file_kind(path, "") == FileKind::csv) {
      detail::TextInput in(path, options.encoding);
      read_layout_csv(in.stream(), name, collector, diagnostics, options.strict);
      continue;
    }
    const std::string text = read_text_file(path, k_max_document_bytes, options.encoding);
    switch (file_kind(path, std::string_view(text).substr(0, 4096))) {
      case FileKind::csv: {
        std::istringstream in(text);
        read_layout_csv(in, name, collector, diagnostics, options.strict);
        break;
      }
      case FileKind::toml: {
        TreeNode root;
        if (detail::parse_toml(text, name, root, diagnostics))
          read_layout_tree(root, name, input, collector, diagnostics);
        break;
      }
      case FileKind::json: {
        TreeNode root;
        if (detail::parse_json(text, name, root, diagnostics))
          read_layout_tree(root, name, input, collector, diagnostics);
        break;
      }
    }
  }
  input.entries = std::move(collector.entries());
}

}  // namespace gridgov
