// A month's attendance over a Session (docs/design.md §12): the evidence of each worker's presence
// read once, then each worker's figures by attendance_figures.

#include "gridgov/attendance.hpp"

#include <algorithm>
#include <map>

#include "gridgov/session.hpp"

namespace gridgov {

std::vector<AttendanceRow> attendance(Session& session, const Period& period,
                                      AttendanceGrouping by) {
  const auto snapshot = session.begin_read();
  Store& store = session.store();
  Reporting& reporting = session.reporting();
  const Policy& policy = session.policy();
  const auto offset = policy.utc_offset;
  const UnitTree tree(store.units());
  const Dates dates = local_dates(period, offset);

  // The evidence by worker: attendance records, then the patrol reports they logged.
  std::map<std::string, std::vector<AttendanceRecord>, std::less<>> evidence;
  auto keep = [&](const AttendanceRecord& r) { evidence[r.worker].push_back(r); };
  reporting.for_each_attendance(period.from, period.to, keep);
  reporting.for_each_patrol_report(period.from, period.to, keep);

  std::vector<AttendanceRow> workers;
  static const std::vector<AttendanceRecord> k_none;
  for (const auto& s : store.workers()) {
    if (!serves_during(s, dates, offset)) continue;
    const Worker& w = s.worker;
    auto it = evidence.find(w.code);
    AttendanceRow row;
    static_cast<AttendanceFigures&>(row) = attendance_figures(
        s, it == evidence.end() ? k_none : it->second, dates, policy.calendar, offset, tree);
    row.code = w.code;
    row.name = w.name;
    for (const auto& u : w.units) row.unit += (row.unit.empty() ? "" : ";") + u;
    row.town = worker_town(w, tree);
    row.department = w.department;
    row.tier = w.tier;
    workers.push_back(std::move(row));
  }
  if (by == AttendanceGrouping::worker) return workers;

  // Every town, by code, then the county's total.
  std::vector<AttendanceRow> out;
  for (const Unit& u : tree.units()) {
    if (u.level != Level::town) continue;
    AttendanceRow row;
    row.code = u.code;
    row.name = u.name;
    out.push_back(std::move(row));
  }
  std::sort(out.begin(), out.end(),
            [](const AttendanceRow& a, const AttendanceRow& b) { return a.code < b.code; });
  std::map<std::string, std::size_t, std::less<>> town_row;
  for (std::size_t i = 0; i < out.size(); ++i) town_row[out[i].code] = i;
  AttendanceRow total;
  if (const auto county = store.county()) {
    total.code = county->code;
    total.name = county->name;
  }
  for (const auto& w : workers) {
    total += w;
    if (auto it = town_row.find(w.town); it != town_row.end()) out[it->second] += w;
  }
  out.push_back(std::move(total));
  return out;
}

}  // namespace gridgov
