// Attendance CSV: `worker, at, grid[, kind]` (docs/design.md §12), streamed row by row.

#include "csv.hpp"
#include "encoding.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "nearest.hpp"

namespace gridgov {

namespace {

using detail::ColumnSpec;
using detail::CsvField;

// Scoped: a unity build puts this file next to others with columns of the same names.
struct AttendanceColumn {
  enum : std::size_t { worker, at, grid, kind };
};

const std::vector<ColumnSpec>& attendance_columns() {
  static const std::vector<ColumnSpec> specs = {
      {"worker", {"网格员", "网格员编码", "人员编码", "工号"}, true},
      {"at", {"时间", "打卡时间", "签到时间"}, true},
      {"grid", {"网格", "所在网格"}, true},
      {"kind", {"类型", "考勤类型"}, false},
  };
  return specs;
}

}  // namespace

void read_attendance(const std::string& path, std::chrono::minutes local_offset,
                     Diagnostics& diagnostics, const ReadOptions& options,
                     const std::function<void(const AttendanceEntry&)>& visit) {
  detail::TextInput input(path, options.encoding);
  detail::CsvReader reader(input.stream(), path, diagnostics);
  std::vector<CsvField> record;
  if (!reader.next(record)) {
    if (!reader.stopped())
      diagnostics.add(Diagnostic{path, 1, 0, "", "empty file: expected a header row"});
    return;
  }
  const std::size_t before = diagnostics.count();
  const auto header =
      detail::HeaderMap::match(record, attendance_columns(), path, diagnostics, options.strict);
  if (diagnostics.count() != before) return;  // this file's header is unusable
  reader.set_field_names(header.names(record));

  AttendanceEntry e;
  while (reader.next(record)) {
    const int line = reader.record_line();
    if (!detail::check_width(record, header, path, line, diagnostics)) continue;
    auto text = [&](std::size_t c) { return normalize_name(header.field(record, c).text); };
    bool ok = true;
    e.worker_at = header.at(record, AttendanceColumn::worker, path, line);
    e.grid_at = header.at(record, AttendanceColumn::grid, path, line);
    AttendanceRecord& r = e.record;
    r.worker = text(AttendanceColumn::worker);
    if (r.worker.empty()) {
      diagnostics.add(e.worker_at.error("empty worker code"));
      ok = false;
    }
    r.grid = text(AttendanceColumn::grid);
    if (r.grid.empty()) {
      diagnostics.add(e.grid_at.error("empty grid code"));
      ok = false;
    }
    const std::string time = text(AttendanceColumn::at);
    if (auto t = parse_time(time, local_offset)) {
      r.at = *t;
    } else {
      diagnostics.add(header.at(record, AttendanceColumn::at, path, line)
                          .error("bad time \"" + time +
                                 "\" (expected 2026-10-03T09:15:00+08:00, 2026-10-03 09:15 or "
                                 "2026/10/3 9:15)"));
      ok = false;
    }
    const std::string kind_text = text(AttendanceColumn::kind);
    r.kind = AttendanceKind::checkin;
    if (!kind_text.empty()) {
      if (auto k = parse_attendance_kind(kind_text)) {
        r.kind = *k;
      } else {
        static const std::vector<std::string> words = {"checkin", "patrol", "签到",
                                                       "巡查",    "打卡",   "巡逻"};
        const Location where = header.at(record, AttendanceColumn::kind, path, line);
        diagnostics.add(where.error("unknown " + where.field + " \"" + kind_text + "\"" +
                                    detail::did_you_mean(kind_text, words) +
                                    " (expected checkin/签到 or patrol/巡查)"));
        ok = false;
      }
    }
    if (ok) visit(e);
  }
}

}  // namespace gridgov
