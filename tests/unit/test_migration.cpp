#include "gridgov/migration.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <chrono>

using namespace gridgov;
using namespace gridgov::testing;
using std::chrono::hours;

namespace {

UnitTree tree() {
  std::vector<StoredUnit> units;
  auto add = [&](std::string code, Level level, std::string parent) {
    units.push_back(StoredUnit{Unit{code, "单元" + code, level, parent, {}, {}}, false});
  };
  add("C", Level::county, "");
  add("T", Level::town, "C");
  add("Z", Level::zone, "T");
  add("V", Level::village, "Z");
  add("G", Level::grid, "V");
  return UnitTree(units);
}

CaseRow row(Source source, std::string category) {
  CaseRow r;
  r.header.ext_id = "X1";
  r.header.source = source;
  r.header.grid = "G";
  r.header.category = std::move(category);
  r.header.title = "t";
  r.header.reporter = "W1";
  r.header.reported_at = k_t0;
  r.row_at = Location{"cases.csv", 2, 0, ""};
  return r;
}

/// Knows the reporter W1 (a grid worker of G) and nobody else.
const WorkerLookup k_reporter_only = [](const std::string& code) {
  if (code != "W1") return std::optional<Worker>();
  Worker w;
  w.code = "W1";
  w.tier = Tier::grid;
  w.units = {"G"};
  return std::optional<Worker>(w);
};

std::vector<EventType> types(const Migration& m) {
  std::vector<EventType> out;
  for (const auto& e : m.events) out.push_back(e.type);
  return out;
}

}  // namespace

TEST_CASE("migrate: a patrol case referred to a department climbs level by level first") {
  const UnitTree t = tree();
  CaseRow r = row(Source::patrol, "illegal_construction");
  r.level = Level::county;
  r.department = "housing";
  r.resolved_at = k_t0 + hours(30);
  r.closed_at = k_t0 + hours(40);
  Diagnostics d;
  auto m = migrate(r, t, default_policy(), k_reporter_only, d);
  REQUIRE(d.empty());
  REQUIRE(m);
  CHECK(types(*m) == std::vector<EventType>{EventType::report, EventType::escalate,
                                            EventType::escalate, EventType::escalate,
                                            EventType::refer, EventType::resolve,
                                            EventType::close});
  CHECK(m->c.status == Status::closed);
  CHECK(m->c.department == "housing");
  CHECK(m->events.front().actor == "W1");
  CHECK(m->events.back().at == k_t0 + hours(40));
}

TEST_CASE("migrate: a hotline case is dispatched down to its level") {
  const UnitTree t = tree();
  CaseRow r = row(Source::hotline, "environment_sanitation");
  r.level = Level::zone;
  r.resolved_at = k_t0 + hours(3);
  r.closed_at = k_t0 + hours(5);
  Diagnostics d;
  auto m = migrate(r, t, default_policy(), k_reporter_only, d);
  REQUIRE(m);
  CHECK(types(*m) == std::vector<EventType>{EventType::report, EventType::dispatch,
                                            EventType::resolve, EventType::close});
  CHECK(m->c.unit == "Z");
}

TEST_CASE("migrate: a history that breaks a rule is a diagnostic on the row") {
  const UnitTree t = tree();
  CaseRow r = row(Source::patrol, "illegal_construction");  // authority town
  r.level = Level::grid;
  r.resolved_at = k_t0 + hours(3);
  r.resolved_at_at = Location{"cases.csv", 2, 40, "resolved_at"};
  Diagnostics d;
  CHECK_FALSE(migrate(r, t, default_policy(), k_reporter_only, d));
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].field == "resolved_at");
  CHECK(d.list()[0].reason.find("authority") != std::string::npos);
}

TEST_CASE("migrate: times out of order and statuses without their times are refused") {
  const UnitTree t = tree();
  CaseRow early = row(Source::patrol, "environment_sanitation");
  early.closed_at = k_t0 - hours(1);
  Diagnostics d1;
  CHECK_FALSE(migrate(early, t, default_policy(), k_reporter_only, d1));
  CHECK(d1.list().at(0).reason == "closed before it was reported");

  CaseRow no_time = row(Source::patrol, "environment_sanitation");
  no_time.status = Status::closed;
  Diagnostics d2;
  CHECK_FALSE(migrate(no_time, t, default_policy(), k_reporter_only, d2));
  CHECK(d2.list().at(0).reason == "status closed needs closed_at");
}

TEST_CASE("migrate: an events history is replayed and must land where it says") {
  const UnitTree t = tree();
  CaseRow r = row(Source::patrol, "environment_sanitation");
  Event up;
  up.type = EventType::escalate;
  up.at = k_t0 + hours(1);
  up.level = Level::village;
  up.unit = "V";
  up.actor = "W1";
  Event resolve = up;
  resolve.type = EventType::resolve;
  resolve.at = k_t0 + hours(2);
  r.events = std::vector<Event>{up, resolve};
  Diagnostics d;
  auto m = migrate(r, t, default_policy(), k_reporter_only, d);
  REQUIRE(m);
  CHECK(m->c.status == Status::resolved);
  CHECK(m->events[1].actor == "W1");

  r.events->front().unit = "Z";  // says it went to the zone; the rule takes it to the village
  Diagnostics d2;
  CHECK_FALSE(migrate(r, t, default_policy(), k_reporter_only, d2));
  CHECK(d2.list().at(0).reason.find("does not follow") != std::string::npos);
}

TEST_CASE("migrate: the events of a history are acted by the workers they name, under the rules") {
  const UnitTree t = tree();
  // W1, the grid worker of G; W9, a town worker of another town.
  const WorkerLookup lookup = [](const std::string& code) {
    Worker w;
    w.code = code;
    if (code == "W1") {
      w.tier = Tier::grid;
      w.units = {"G"};
    } else if (code == "W9") {
      w.tier = Tier::town;
      w.units = {"T9"};
    } else {
      return std::optional<Worker>();
    }
    return std::optional<Worker>(w);
  };
  CaseRow r = row(Source::patrol, "environment_sanitation");
  Event resolve;
  resolve.type = EventType::resolve;
  resolve.at = k_t0 + hours(1);
  resolve.level = Level::grid;
  resolve.unit = "G";
  Event close = resolve;
  close.type = EventType::close;
  close.at = k_t0 + hours(2);
  auto refusal = [&](std::string resolver, std::string closer) {
    resolve.actor = std::move(resolver);
    close.actor = std::move(closer);
    r.events = std::vector<Event>{resolve, close};
    Diagnostics d;
    const auto m = migrate(r, t, default_policy(), lookup, d);
    CHECK(m.has_value() == d.empty());
    return d.empty() ? std::string() : d.list().at(0).reason;
  };

  CHECK(refusal("W1", "admin").empty());
  CHECK(refusal("NOBODY\x1b]0;x\x07", "admin") ==
        "event resolve names an unknown actor NOBODY\x1b]0;x\x07");
  CHECK(refusal("W9", "admin").find("history breaks the rule authorisation") == 0);
  // Rule 7: the grid worker who did the work does not verify it himself.
  CHECK(refusal("W1", "W1").find("history breaks the rule verification") == 0);
}
