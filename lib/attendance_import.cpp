// `gridctl import attendance`: an attendance file checked and stored row by row in one
// transaction (docs/design.md §12).

#include <map>
#include <set>

#include "gridgov/attendance.hpp"
#include "gridgov/session.hpp"

namespace gridgov {

AttendanceImportReport import_attendance(Session& session, const std::string& path,
                                         const ReadOptions& options, bool dry_run,
                                         Diagnostics& diagnostics) {
  auto tx = session.begin_write();
  Store& store = session.store();
  std::set<std::string, std::less<>> workers;
  for (const auto& s : store.workers()) workers.insert(s.worker.code);
  std::map<std::string, Level, std::less<>> levels;  // every unit, retired ones too: history
  for (const auto& u : store.units()) levels.emplace(u.unit.code, u.unit.level);
  const auto worker_known = [&](std::string_view code) { return workers.count(code) > 0; };
  const UnitLevelLookup unit_level = [&](std::string_view code) -> std::optional<Level> {
    auto it = levels.find(code);
    if (it == levels.end()) return std::nullopt;
    return it->second;
  };

  AttendanceImportReport report;
  const Timestamp now = session.now();
  read_attendance(path, session.utc_offset(), diagnostics, options, [&](const AttendanceEntry& e) {
    ++report.rows;
    const std::size_t before = diagnostics.count();
    check_attendance(e, worker_known, unit_level, diagnostics);
    // After the first error nothing will be written: only check the rest.
    if (diagnostics.count() != before || !diagnostics.empty()) return;
    if (store.add_attendance(e.record, now))
      ++report.added;
    else
      ++report.present;
  });
  diagnostics.throw_if_any();
  if (!dry_run && report.added > 0) {
    tx->commit();
    report.written = true;
  }
  return report;
}

}  // namespace gridgov
