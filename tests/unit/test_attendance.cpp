// Attendance (gridgov/attendance.hpp): who serves which days, scope, a month's figures, and the
// import of an attendance file.

#include "gridgov/attendance.hpp"

#include <doctest/doctest.h>

#include "county.hpp"
#include "gridgov/cases.hpp"
#include "helpers.hpp"

using namespace gridgov;
using namespace gridgov::testing;
using namespace std::chrono;

namespace {

const minutes k_offset{8 * 60};

/// Local time (+08:00) of 2026-09-DD HH:00.
Timestamp sept(unsigned day, int hour) {
  return Timestamp(sys_days(year{2026} / September / day).time_since_epoch()) + hours(hour) -
         k_offset;
}

Date date(unsigned month, unsigned day) { return sys_days(year{2026} / month / day); }

/// September 2026 as a period and its local dates.
const Period k_september{sept(1, 0), sept(30, 24)};
const Dates k_sept_dates{date(9, 1), date(10, 1)};

StoredWorker worker(std::string code, Tier tier, std::vector<std::string> units,
                    std::optional<Deployment> deployment = std::nullopt) {
  StoredWorker s;
  s.worker.code = std::move(code);
  s.worker.name = "李四";
  s.worker.tier = tier;
  s.worker.units = std::move(units);
  s.worker.deployment = deployment;
  return s;
}

/// C ─ T1 ─ Z1 ─ V1 ─ G1, G2; T2 ─ Z3 ─ V3 ─ G4
UnitTree tree() {
  auto u = [](std::string code, Level level, std::string parent) {
    StoredUnit s;
    s.unit.code = std::move(code);
    s.unit.name = "单元";
    s.unit.level = level;
    s.unit.parent = std::move(parent);
    return s;
  };
  return UnitTree({u("C", Level::county, ""), u("T1", Level::town, "C"), u("Z1", Level::zone, "T1"),
                   u("V1", Level::village, "Z1"), u("G1", Level::grid, "V1"),
                   u("G2", Level::grid, "V1"), u("T2", Level::town, "C"),
                   u("Z3", Level::zone, "T2"), u("V3", Level::village, "Z3"),
                   u("G4", Level::grid, "V3")});
}

/// The September 2026 calendar of the built-in policy (09-25 a holiday, 09-20 a make-up day).
const Calendar& calendar() { return default_policy().calendar; }

AttendanceRecord rec(std::string worker, Timestamp at, std::string grid,
                     AttendanceKind kind = AttendanceKind::checkin) {
  return AttendanceRecord{std::move(worker), at, std::move(grid), kind};
}

}  // namespace

TEST_CASE("a worker serves until the day of their retirement, not on it") {
  StoredWorker w = worker("g1", Tier::grid, {"G1"});
  CHECK(serving_on(w, date(9, 30), k_offset));
  w.retired = true;
  w.retired_at = sept(16, 10);  // Wednesday 09-16, 10:00 local
  CHECK(serving_on(w, date(9, 15), k_offset));
  CHECK_FALSE(serving_on(w, date(9, 16), k_offset));
  // Working days served: 09-01 (Tue) to 09-15 (Tue): 11.
  CHECK(served_workdays(w, k_sept_dates, calendar(), k_offset) == 11);
  CHECK(serves_during(w, k_sept_dates, k_offset));
  // Retired before the month: serves none of it; retired with no known time: never.
  w.retired_at = sept(1, 0);
  CHECK_FALSE(serves_during(w, k_sept_dates, k_offset));
  w.retired_at.reset();
  CHECK_FALSE(serving_on(w, date(9, 1), k_offset));
}

TEST_CASE("September 2026 has 22 working days on the built-in calendar") {
  // 22 weekdays, minus the 中秋 holiday on Friday 09-25, plus the make-up Sunday 09-20.
  CHECK(served_workdays(worker("g1", Tier::grid, {"G1"}), k_sept_dates, calendar(), k_offset) ==
        22);
}

TEST_CASE("scope: a grid worker's grid, a town worker's unit, a resident's zones, whistle all") {
  const UnitTree t = tree();
  CHECK(in_scope(worker("g1", Tier::grid, {"G1"}).worker, "G1", t));
  CHECK_FALSE(in_scope(worker("g1", Tier::grid, {"G1"}).worker, "G2", t));
  CHECK(in_scope(worker("t1", Tier::town, {"T1"}).worker, "G2", t));
  CHECK_FALSE(in_scope(worker("t1", Tier::town, {"T1"}).worker, "G4", t));
  const auto cluster = worker("cc", Tier::county, {"Z1", "Z3"}, Deployment::cluster).worker;
  CHECK(in_scope(cluster, "G4", t));
  CHECK(in_scope(worker("cw", Tier::county, {}, Deployment::whistle).worker, "G4", t));
  CHECK(worker_town(cluster, t) == "T1");
  CHECK(worker_town(worker("cw", Tier::county, {}, Deployment::whistle).worker, t).empty());
}

TEST_CASE("a month's figures: working days present, patrol days, grids and scope") {
  const UnitTree t = tree();
  const StoredWorker w = worker("g1", Tier::grid, {"G1"});
  const std::vector<AttendanceRecord> evidence = {
      rec("g1", sept(1, 8), "G1"),                           // Tuesday
      rec("g1", sept(1, 15), "G1", AttendanceKind::patrol),  // same day
      rec("g1", sept(5, 9), "G1", AttendanceKind::patrol),   // Saturday: patrol, not present
      rec("g1", sept(20, 9), "G1"),                          // Sunday worked (调休): present
      rec("g1", sept(25, 9), "G2", AttendanceKind::patrol),  // holiday, outside scope
      rec("g1", sept(1, 0) - hours(1), "G1"),                // August: not this month
  };
  const AttendanceFigures f =
      attendance_figures(w, evidence, k_sept_dates, calendar(), k_offset, t);
  CHECK(f.workdays == 22);
  CHECK(f.days_present == 2);
  CHECK(f.patrol_days == 3);
  CHECK(f.grids_covered == 2);
  CHECK(f.out_of_scope == 1);
  REQUIRE(f.attendance_rate());
  CHECK(*f.attendance_rate() == doctest::Approx(2.0 / 22.0));
}

TEST_CASE("a worker with no records: every working day absent, and no working days: no rate") {
  const AttendanceFigures f = attendance_figures(worker("g1", Tier::grid, {"G1"}), {}, k_sept_dates,
                                                 calendar(), k_offset, tree());
  CHECK(f == AttendanceFigures{22, 0, 0, 0, 0});
  CHECK(f.attendance_rate() == 0.0);
  const Dates golden_week{date(10, 1), date(10, 8)};  // 国庆: no working day
  const AttendanceFigures holiday = attendance_figures(worker("g1", Tier::grid, {"G1"}), {},
                                                       golden_week, calendar(), k_offset, tree());
  CHECK(holiday.workdays == 0);
  CHECK_FALSE(holiday.attendance_rate());
}

TEST_CASE("attendance over a session: records, patrol reports, retirement and the town rows") {
  Session s = ready_store();
  Store& store = s.store();
  {
    auto tx = store.begin_write();
    CHECK(store.add_attendance(rec("t1", sept(1, 8), "G1"), k_t0));
    CHECK_FALSE(store.add_attendance(rec("t1", sept(1, 8), "G2"), k_t0));  // same instant
    CHECK(store.add_attendance(rec("t1", sept(2, 8), "G4", AttendanceKind::patrol), k_t0));
    tx->commit();
  }
  ReportRequest r;
  r.category = "environment_sanitation";
  r.title = "垃圾";
  r.grid = "G1";
  (void)log_case(s, r, "g1", sept(3, 10));  // a patrol report counts as presence
  (void)retire_workers(store, {"cz1"}, sept(16, 10), false);

  const auto rows = attendance(s, k_september, AttendanceGrouping::worker);
  auto find = [&](const std::string& code) -> const AttendanceRow* {
    for (const auto& row : rows)
      if (row.code == code) return &row;
    return nullptr;
  };
  const AttendanceRow* t1 = find("t1");
  REQUIRE(t1);
  CHECK(t1->days_present == 2);
  CHECK(t1->patrol_days == 1);
  CHECK(t1->out_of_scope == 1);  // G4 lies outside Z1
  CHECK(t1->town == "T1");
  const AttendanceRow* g1 = find("g1");
  REQUIRE(g1);
  CHECK(g1->days_present == 1);
  CHECK(g1->patrol_days == 1);
  const AttendanceRow* cz1 = find("cz1");
  REQUIRE(cz1);
  CHECK(cz1->workdays == 11);
  CHECK(cz1->department == "housing");

  const auto towns = attendance(s, k_september, AttendanceGrouping::town);
  REQUIRE(towns.size() == 3);  // T1, T2, the county
  CHECK(towns[0].code == "T1");
  CHECK(towns[2].code == "C");
  long long present = 0;
  for (const auto& row : rows) present += row.days_present;
  CHECK(towns[2].days_present == present);
  // The whistle worker has no town: in the total only.
  CHECK(towns[0].workdays + towns[1].workdays + 22 == towns[2].workdays);
}

TEST_CASE("import attendance: all rows checked, nothing written on an error, idempotent") {
  Session s = ready_store();
  TempDir dir;
  const std::string good = dir.write("a.csv",
                                     "网格员,时间,网格,类型\n"
                                     "g1,2026-09-01 08:30,G1,签到\n"
                                     "g1,2026-09-01 08:30,G1,签到\n"
                                     "g2,2026-09-01T09:00:00+08:00,G2,patrol\n");
  Diagnostics d;
  auto report = import_attendance(s, good, {}, false, d);
  CHECK(report.rows == 3);
  CHECK(report.added == 2);
  CHECK(report.present == 1);
  CHECK(report.written);
  Diagnostics again;
  report = import_attendance(s, good, {}, false, again);
  CHECK(report.added == 0);
  CHECK(report.present == 3);

  const std::string bad = dir.write("b.csv",
                                    "worker,at,grid\n"
                                    "g1,2026-09-02 08:30,G1\n"
                                    "nobody,2026-09-02 08:30,G1\n"
                                    "g1,2026-09-03 08:30,V1\n");
  Diagnostics problems;
  const auto e = error_of([&] { (void)import_attendance(s, bad, {}, false, problems); });
  REQUIRE(e);
  CHECK(e->code() == ErrorCode::input);
  REQUIRE(e->diagnostics().size() == 2);
  CHECK(e->diagnostics()[0].to_string() == bad + ":3:1: worker: unknown worker nobody");
  CHECK(e->diagnostics()[1].to_string() == bad + ":4:21: grid: V1 is a village, not a grid");
  long long records = 0;
  s.reporting().for_each_attendance(k_september.from, k_september.to,
                                    [&](const AttendanceRecord&) { ++records; });
  CHECK(records == 2);  // the good row of b.csv was not kept
}
