// Workers CSV: `code, name, tier, unit, deployment, department, phone` (docs/design.md §5).

#include <map>

#include "csv.hpp"
#include "encoding.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"
#include "nearest.hpp"

namespace gridgov {

namespace {

using detail::ColumnSpec;
using detail::CsvField;

enum WorkerColumn : std::size_t {
  code,
  name,
  tier,
  unit,
  deployment,
  department,
  phone,
  party_member,
  party_role
};

const std::vector<ColumnSpec>& worker_columns() {
  static const std::vector<ColumnSpec> specs = {
      {"code", {"编码", "工号", "人员编码", "网格员编码"}, true},
      {"name", {"姓名", "名称"}, true},
      {"tier", {"层级", "人员层级", "类型"}, true},
      {"unit", {"单元", "所属单元", "单元编码", "服务单元"}, true},
      {"deployment", {"下沉方式"}, false},
      {"department", {"部门", "县直部门", "所属部门"}, false},
      {"phone", {"电话", "手机", "联系电话"}, false},
      {"party_member", {"党员", "是否党员", "政治面貌"}, false},
      {"party_role", {"党内职务", "党组织职务", "党内身份"}, false},
  };
  return specs;
}

std::string trim(std::string_view s) { return normalize_name(s); }

/// Splits a cluster worker's zones: `Z01;Z02` (a full-width ； works too).
std::vector<std::string> split_units(const std::string& s) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    std::string t = trim(current);
    if (!t.empty()) out.push_back(std::move(t));
    current.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ';') {
      flush();
    } else if (s.compare(i, 3, "\xEF\xBC\x9B") == 0) {  // ；
      flush();
      i += 2;
    } else {
      current.push_back(s[i]);
    }
  }
  flush();
  return out;
}

}  // namespace

std::vector<WorkerEntry> read_workers(const std::string& path, Diagnostics& diagnostics,
                                      const ReadOptions& options) {
  detail::TextInput input(path, options.encoding);
  const std::string& file = path;
  detail::CsvReader reader(input.stream(), file, diagnostics);
  std::vector<CsvField> record;
  std::vector<WorkerEntry> out;
  if (!reader.next(record)) {
    if (!reader.stopped())
      diagnostics.add(Diagnostic{file, 1, 0, "", "empty file: expected a header row"});
    return out;
  }
  const std::size_t before = diagnostics.count();
  const auto header =
      detail::HeaderMap::match(record, worker_columns(), file, diagnostics, options.strict);
  if (diagnostics.count() != before) return out;  // this file's header is unusable
  reader.set_field_names(header.names(record));

  // Every row is checked in full, and what the file tells alone is checked across rows, so that
  // one bad field does not hide the next problem until the next run.
  std::map<std::string, Location, std::less<>> first_seen;  // code -> where
  while (reader.next(record)) {
    const int line = reader.record_line();
    if (!detail::check_width(record, header, file, line, diagnostics)) continue;
    WorkerEntry e;
    Worker& w = e.worker;
    auto text = [&](std::size_t c) { return trim(header.field(record, c).text); };
    e.code_at = header.at(record, code, file, line);
    e.tier_at = header.at(record, tier, file, line);
    e.unit_at = header.at(record, unit, file, line);
    e.deployment_at = header.at(record, deployment, file, line);
    e.department_at = header.at(record, department, file, line);
    bool ok = true;

    w.code = text(code);
    if (auto problem = worker_code_problem(w.code); !problem.empty()) {
      diagnostics.add(e.code_at.error(problem));
      ok = false;
    } else if (auto [it, added] = first_seen.emplace(w.code, e.code_at); !added) {
      diagnostics.add(
          e.code_at.error("worker " + w.code + " is given twice; first at " + it->second.where()));
      ok = false;
    }
    w.name = text(name);
    if (w.name.empty()) {
      diagnostics.add(header.at(record, name, file, line).error("empty name"));
      ok = false;
    }
    const std::string tier_text = text(tier);
    bool tier_ok = true;
    if (auto t = parse_tier(tier_text)) {
      w.tier = *t;
    } else {
      static const std::vector<std::string> words = {
          "grid",   "town", "county",     "基础", "基础网格员",
          "网格员", "镇级", "镇级网格员", "县级", "县级网格员"};
      diagnostics.add(
          e.tier_at.error("unknown " + e.tier_at.field + " \"" + tier_text + "\"" +
                          detail::did_you_mean(tier_text, words) +
                          " (expected grid/基础网格员, town/镇级网格员 or county/县级网格员)"));
      ok = tier_ok = false;
    }
    const std::string deployment_text = text(deployment);
    bool deployment_ok = true;
    if (!deployment_text.empty()) {
      if (auto d = parse_deployment(deployment_text)) {
        w.deployment = *d;
      } else {
        static const std::vector<std::string> words = {"resident", "cluster",  "whistle",
                                                       "片区常驻", "常驻",     "连片派驻",
                                                       "派驻",     "吹哨进驻", "吹哨"};
        diagnostics.add(e.deployment_at.error(
            "unknown " + e.deployment_at.field + " \"" + deployment_text + "\"" +
            detail::did_you_mean(deployment_text, words) +
            " (expected resident/片区常驻, cluster/连片派驻 or whistle/吹哨进驻)"));
        ok = deployment_ok = false;
      }
    }
    w.units = split_units(header.field(record, unit).text);
    w.department = text(department);
    w.phone = text(phone);
    w.party_role = text(party_role);
    if (const std::string member = text(party_member); !member.empty()) {
      // 政治面貌 (political status) says 中共党员 or 中共预备党员 for a member, 群众 and others
      // not.
      if (auto yes = parse_yes_no(member)) {
        w.party_member = *yes;
      } else if (member == "中共党员" || member == "中共预备党员" || member == "党员" ||
                 member == "预备党员") {
        w.party_member = true;
      } else if (member == "群众" || member == "共青团员" || member == "无党派人士") {
        w.party_member = false;
      } else {
        const Location where = header.at(record, party_member, file, line);
        diagnostics.add(where.error("unknown " + where.field + " \"" + member +
                                    "\" (expected yes/是 or no/否, or 中共党员/群众)"));
        ok = false;
      }
    }
    // The tier's rules (units, deployment), once the tier and deployment are known.
    if (tier_ok && deployment_ok) {
      const std::size_t found = diagnostics.count();
      check_worker_shape(e, diagnostics);
      ok &= diagnostics.count() == found;
    }
    if (ok) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace gridgov
