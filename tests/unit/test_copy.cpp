#include "gridgov/copy.hpp"

#include <doctest/doctest.h>

#include "county.hpp"
#include "gridgov/cases.hpp"

using namespace gridgov;
using namespace gridgov::testing;

namespace {

Timestamp sept(unsigned day, int hour) {
  using namespace std::chrono;
  return sys_days(year{2026} / September / std::chrono::day{day}) + hours(hour);
}

long long report(Session& s, const std::string& grid, const std::string& reporter, Timestamp at) {
  ReportRequest r;
  r.kind = Kind::problem;
  r.source = Source::patrol;
  r.category = "environment_sanitation";
  r.title = "垃圾堆放";
  r.grid = grid;
  return log_case(s, r, reporter, at).id;
}

}  // namespace

TEST_CASE("copy_county copies every row, and the copy's cases and events equal the source's") {
  Session s = ready_store();
  Store& from = s.store();
  const long long a = report(s, "G1", "g1", sept(2, 9));
  const long long b = report(s, "G2", "g2", sept(3, 9));
  Move escalate;
  escalate.type = EventType::escalate;
  escalate.note = "需要乡镇协调";
  (void)act(s, b, escalate, "g2", sept(3, 10));
  {
    auto tx = from.begin_write();
    AttendanceRecord r{"t1", sept(1, 8), "G1", AttendanceKind::checkin};
    CHECK(from.add_attendance(r, sept(1, 9)));
    from.retire_worker("g4", sept(4, 0));
    tx->commit();
  }

  auto to = open_store(":memory:", {.create = true});
  long long heard = -1;
  const CopyReport report = copy_county(from, *to, [&](long long n) { heard = n; });
  CHECK(report.cases == 2);
  CHECK(report.events == 3);
  CHECK(report.attendance == 1);
  CHECK(report.units == static_cast<long long>(from.units().size()));
  CHECK(report.workers == static_cast<long long>(from.workers().size()));
  CHECK(heard == -1);  // heard every 100,000 cases only

  CHECK(to->county()->code == from.county()->code);
  const auto units = from.units();
  const auto copied_units = to->units();
  REQUIRE(copied_units.size() == units.size());
  for (std::size_t i = 0; i < units.size(); ++i) {
    CHECK(copied_units[i].unit == units[i].unit);
    CHECK(copied_units[i].retired == units[i].retired);
  }
  const auto workers = from.workers();
  const auto copied_workers = to->workers();
  REQUIRE(copied_workers.size() == workers.size());
  for (std::size_t i = 0; i < workers.size(); ++i) {
    CHECK(copied_workers[i].worker == workers[i].worker);
    CHECK(copied_workers[i].retired_at == workers[i].retired_at);
  }
  CHECK(to->policies().size() == from.policies().size());
  CHECK(to->policy()->text == from.policy()->text);
  for (const long long id : {a, b}) {
    CAPTURE(id);
    REQUIRE(to->find_case(id).has_value());
    CHECK(*to->find_case(id) == *from.find_case(id));
    auto copied = to->events(id);
    auto original = from.events(id);
    REQUIRE(copied.size() == original.size());
    for (std::size_t i = 0; i < copied.size(); ++i) {
      copied[i].id = original[i].id;  // renumbered in case order
      CHECK(copied[i] == original[i]);
    }
  }
  std::vector<std::pair<AttendanceRecord, Timestamp>> records;
  to->for_each_stored_attendance(
      [&](const AttendanceRecord& r, Timestamp at) { records.emplace_back(r, at); });
  REQUIRE(records.size() == 1);
  CHECK(records[0].second == sept(1, 9));
}

TEST_CASE("copy_county refuses a destination holding the county, and writes nothing") {
  Session s = ready_store();
  auto to = open_store(":memory:", {.create = true});
  (void)copy_county(s.store(), *to);
  const auto units = to->units().size();
  bool refused = false;
  try {
    (void)copy_county(s.store(), *to);
  } catch (const Error& e) {
    refused = e.code() == ErrorCode::refused;
  }
  CHECK(refused);
  CHECK(to->units().size() == units);
}

TEST_CASE("copy_county from a database without a county is not found") {
  auto from = open_store(":memory:", {.create = true});
  auto to = open_store(":memory:", {.create = true});
  bool not_found = false;
  try {
    (void)copy_county(*from, *to);
  } catch (const Error& e) {
    not_found = e.code() == ErrorCode::not_found;
  }
  CHECK(not_found);
  CHECK_FALSE(to->county().has_value());
}

TEST_CASE("copy_county refuses a source case whose row is not what its events give") {
  Session s = ready_store();
  const long long id = report(s, "G1", "g1", sept(2, 9));
  {
    auto tx = s.store().begin_write();
    Case c = *s.store().find_case(id);
    c.status = Status::closed;  // no close event: a row changed outside gridgov
    s.store().update_case(c);
    tx->commit();
  }
  auto to = open_store(":memory:", {.create = true});
  bool unusable = false;
  try {
    (void)copy_county(s.store(), *to);
  } catch (const Error& e) {
    unusable = e.code() == ErrorCode::unusable &&
               std::string(e.what()).find("case " + std::to_string(id)) != std::string::npos;
  }
  CHECK(unusable);
  CHECK_FALSE(to->county().has_value());
}
