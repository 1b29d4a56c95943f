// Workers CSV: `code, name, tier, unit, deployment, department, phone` (docs/design.md §5).

#include <fstream>
#include <sstream>

#include "csv.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"

namespace gridgov {

namespace {

using detail::ColumnSpec;
using detail::CsvField;

enum WorkerColumn : std::size_t { code, name, tier, unit, deployment, department, phone };

const std::vector<ColumnSpec>& worker_columns() {
  static const std::vector<ColumnSpec> specs = {
      {"code", {"编码", "工号", "人员编码", "网格员编码"}, true},
      {"name", {"姓名", "名称"}, true},
      {"tier", {"层级", "人员层级", "类型"}, true},
      {"unit", {"单元", "所属单元", "单元编码", "服务单元"}, true},
      {"deployment", {"下沉方式"}, false},
      {"department", {"部门", "县直部门", "所属部门"}, false},
      {"phone", {"电话", "手机", "联系电话"}, false},
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

std::vector<WorkerEntry> read_workers(const std::string& path, Diagnostics& diagnostics) {
  std::ifstream file_in;
  std::istringstream stdin_in;
  std::istream* in = &stdin_in;
  if (path == "-") {
    stdin_in.str(detail::stdin_text());
  } else {
    detail::open_input(path, file_in);
    in = &file_in;
  }
  const std::string& file = path;  // standard input is `-` in messages too
  detail::CsvReader reader(*in, file, diagnostics);
  std::vector<CsvField> record;
  std::vector<WorkerEntry> out;
  if (!reader.next(record)) {
    if (!reader.stopped())
      diagnostics.add(Diagnostic{file, 1, 0, "", "empty file: expected a header row"});
    return out;
  }
  const std::size_t before = diagnostics.count();
  const auto header = detail::HeaderMap::match(record, worker_columns(), file, diagnostics);
  if (diagnostics.count() != before) return out;  // this file's header is unusable
  reader.set_field_names(header.names(record));

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
    }
    w.name = text(name);
    if (w.name.empty()) {
      diagnostics.add(header.at(record, name, file, line).error("empty name"));
      ok = false;
    }
    const std::string tier_text = text(tier);
    if (auto t = parse_tier(tier_text)) {
      w.tier = *t;
    } else {
      diagnostics.add(
          e.tier_at.error("unknown tier \"" + tier_text + "\" (expected grid, town or county)"));
      ok = false;
    }
    const std::string deployment_text = text(deployment);
    if (!deployment_text.empty()) {
      if (auto d = parse_deployment(deployment_text)) {
        w.deployment = *d;
      } else {
        diagnostics.add(e.deployment_at.error("unknown deployment \"" + deployment_text +
                                              "\" (expected resident, cluster or whistle)"));
        ok = false;
      }
    }
    w.units = split_units(header.field(record, unit).text);
    w.department = text(department);
    w.phone = text(phone);
    if (ok) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace gridgov
