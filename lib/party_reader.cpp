// Party CSV: `code, name, kind, unit, parent[, secretary]` (docs/design.md §12.4).

#include <map>

#include "csv.hpp"
#include "encoding.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "nearest.hpp"

namespace gridgov {

namespace {

using detail::ColumnSpec;
using detail::CsvField;

enum PartyColumn : std::size_t { code, name, kind, unit, parent, secretary };

const std::vector<ColumnSpec>& party_columns() {
  static const std::vector<ColumnSpec> specs = {
      {"code", {"组织编码", "编码", "党组织编码"}, true},
      {"name", {"组织名称", "名称", "党组织名称"}, true},
      {"kind", {"组织类别", "类别", "党组织类别"}, true},
      {"unit", {"单元", "单元编码", "所在单元"}, true},
      {"parent", {"上级组织", "上级党组织", "上级组织编码"}, true},
      {"secretary", {"书记", "书记编码"}, false},
  };
  return specs;
}

}  // namespace

std::vector<PartyEntry> read_party(const std::string& path, Diagnostics& diagnostics,
                                   const ReadOptions& options) {
  detail::TextInput input(path, options.encoding);
  detail::CsvReader reader(input.stream(), path, diagnostics);
  std::vector<CsvField> record;
  std::vector<PartyEntry> out;
  if (!reader.next(record)) {
    if (!reader.stopped())
      diagnostics.add(Diagnostic{path, 1, 0, "", "empty file: expected a header row"});
    return out;
  }
  const std::size_t before = diagnostics.count();
  const auto header =
      detail::HeaderMap::match(record, party_columns(), path, diagnostics, options.strict);
  if (diagnostics.count() != before) return out;  // this file's header is unusable
  reader.set_field_names(header.names(record));

  while (reader.next(record)) {
    const int line = reader.record_line();
    if (!detail::check_width(record, header, path, line, diagnostics)) continue;
    auto text = [&](std::size_t c) { return normalize_name(header.field(record, c).text); };
    PartyEntry e;
    PartyOrg& o = e.org;
    e.code_at = header.at(record, code, path, line);
    e.kind_at = header.at(record, kind, path, line);
    e.unit_at = header.at(record, unit, path, line);
    e.parent_at = header.at(record, parent, path, line);
    e.secretary_at = header.at(record, secretary, path, line);
    bool ok = true;
    o.code = text(code);
    if (o.code.empty()) {
      diagnostics.add(e.code_at.error("empty code"));
      ok = false;
    }
    o.name = text(name);
    if (o.name.empty()) {
      diagnostics.add(header.at(record, name, path, line).error("empty name"));
      ok = false;
    }
    const std::string kind_text = text(kind);
    if (auto k = parse_party_kind(kind_text)) {
      o.kind = *k;
    } else {
      static const std::vector<std::string> words = {
          "town_committee", "zone_committee", "village_branch", "grid_group",
          "镇街党(工)委",   "网格片区党委",   "村(社区)党支部", "网格党组织"};
      diagnostics.add(
          e.kind_at.error("unknown " + e.kind_at.field + " \"" + kind_text + "\"" +
                          detail::did_you_mean(kind_text, words) +
                          " (expected town_committee/镇街党(工)委, zone_committee/网格片区党委, "
                          "village_branch/村(社区)党支部 or grid_group/网格党组织)"));
      ok = false;
    }
    o.unit = text(unit);
    if (o.unit.empty()) {
      diagnostics.add(e.unit_at.error("empty unit"));
      ok = false;
    }
    o.parent = text(parent);
    o.secretary = text(secretary);
    if (ok) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace gridgov
