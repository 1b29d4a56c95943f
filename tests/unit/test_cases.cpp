#include "gridgov/cases.hpp"

#include <doctest/doctest.h>

#include "county.hpp"
#include "helpers.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gridgov/service.hpp"

using namespace gridgov;
using namespace gridgov::testing;
using std::chrono::hours;

namespace {

ReportRequest report(std::string category, std::string grid, Source source = Source::patrol,
                     Kind kind = Kind::problem, std::string ext_id = "") {
  ReportRequest r;
  r.kind = kind;
  r.source = source;
  r.category = std::move(category);
  r.title = "事项";
  r.grid = std::move(grid);
  r.ext_id = std::move(ext_id);
  return r;
}

Move escalate(std::optional<Level> to = std::nullopt, std::string department = "") {
  Move m;
  m.type = EventType::escalate;
  m.to = to;
  m.department = std::move(department);
  m.note = "上报";
  return m;
}
Move dispatch(std::string unit, std::string department = "") {
  Move m;
  m.type = EventType::dispatch;
  m.unit = std::move(unit);
  m.department = std::move(department);
  return m;
}
Move whistle(std::string worker) {
  Move m;
  m.type = EventType::whistle;
  m.worker = std::move(worker);
  return m;
}
Move simple(EventType t, std::string note = "") {
  Move m;
  m.type = t;
  m.note = std::move(note);
  return m;
}

/// The row equals the replay of its events.
void check_projection(Store& s, long long id) {
  CAPTURE(id);
  const auto row = s.find_case(id);
  REQUIRE(row.has_value());
  CHECK(replay(*row, s.events(id)) == *row);
}

std::map<long long, std::vector<std::string>> reasons_of(const std::vector<AgendaItem>& items) {
  std::map<long long, std::vector<std::string>> out;
  for (const auto& item : items) {
    auto r = item.reasons;
    std::sort(r.begin(), r.end());
    out[item.c.id] = r;
  }
  return out;
}

using Reasons = std::map<long long, std::vector<std::string>>;

}  // namespace

// ---- find_actor ------------------------------------------------------------------------------

TEST_CASE("find_actor: admin, a worker, or not_found") {
  auto s = ready_store();
  const Actor admin = find_actor(s.store(), "admin");
  CHECK(admin.is_admin());
  const Actor g1 = find_actor(s.store(), "g1");
  CHECK_FALSE(g1.is_admin());
  REQUIRE(g1.worker.has_value());
  CHECK(g1.worker->tier == Tier::grid);
  CHECK(g1.worker->units == std::vector<std::string>{"G1"});
  const auto e = error_of([&] { (void)find_actor(s.store(), "nobody"); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
  CHECK(contains(e->what(), "nobody"));
}

// ---- log_case --------------------------------------------------------------------------------

TEST_CASE("log_case: a patrol case is stored open at its grid with one report event") {
  auto s = ready_store();
  const Case c = log_case(s, report("environment_sanitation", "G1"), "g1", at_h(0));
  CHECK(c.id > 0);
  CHECK(c.status == Status::open);
  CHECK(c.level == Level::grid);
  CHECK(c.unit == "G1");
  CHECK(c.reporter == "g1");
  CHECK(c.reported_at == at_h(0));
  CHECK(c.deadline == at_h(24));
  const auto row = s.store().find_case(c.id);
  REQUIRE(row.has_value());
  CHECK(*row == c);
  const auto events = s.store().events(c.id);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == EventType::report);
  CHECK(events[0].actor == "g1");
  CHECK(events[0].at == at_h(0));
  CHECK(events[0].unit == "G1");
  check_projection(s.store(), c.id);
}

TEST_CASE("log_case: an info case is closed at once and cannot be escalated") {
  auto s = ready_store();
  const Case c =
      log_case(s, report("livelihood_services", "G1", Source::patrol, Kind::info), "g1", at_h(0));
  CHECK(c.status == Status::closed);
  CHECK_FALSE(c.deadline.has_value());
  const auto e = error_of([&] { (void)act(s, c.id, escalate(), "admin", at_h(1)); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "state"));
  CHECK(s.store().events(c.id).size() == 1);
  check_projection(s.store(), c.id);
}

TEST_CASE("log_case: a hotline case starts at the county platform and its number is unique") {
  auto s = ready_store();
  const Case c =
      log_case(s, report("dispute", "G3", Source::hotline, Kind::problem, "H-1"), "cz1", at_h(0));
  CHECK(c.level == Level::county);
  CHECK(c.unit.empty());
  CHECK(c.department.empty());
  CHECK(c.ext_id == "H-1");
  CHECK(c.deadline == at_h(168));
  CHECK(s.store().find_case_id(Source::hotline, "H-1") == c.id);
  const auto again = error_of([&] {
    (void)log_case(s, report("dispute", "G3", Source::hotline, Kind::problem, "H-1"), "cz1",
                   at_h(1));
  });
  REQUIRE(again.has_value());
  CHECK(again->code() == ErrorCode::refused);
  // The same number from another source is another case.
  CHECK(
      log_case(s, report("dispute", "G3", Source::petition, Kind::problem, "H-1"), "admin", at_h(1))
          .id != c.id);
}

TEST_CASE("log_case: unknown grid, category or actor is not_found and writes nothing") {
  auto s = ready_store();
  const std::vector<std::pair<ReportRequest, std::string>> tries = {
      {report("dispute", "G404"), "admin"},
      {report("no_such_category", "G1"), "admin"},
      {report("dispute", "G1"), "ghost"}};
  for (const auto& t : tries) {
    const auto e = error_of([&] { (void)log_case(s, t.first, t.second, at_h(0)); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::not_found);
  }
  CHECK(s.store().counts().open == 0);
}

TEST_CASE("log_case: a grid worker may not report in another grid") {
  auto s = ready_store();
  const auto e = error_of([&] { (void)log_case(s, report("dispute", "G3"), "g1", at_h(0)); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "authorisation"));
  CHECK(s.store().counts().open == 0);
}

// ---- act: not found and refusals -------------------------------------------------------------

TEST_CASE("act: unknown case, worker, unit or department is not_found") {
  auto s = ready_store();
  const long long patrol = log_case(s, report("dispute", "G1"), "g1", at_h(0)).id;
  const long long hot =
      log_case(s, report("dispute", "G1", Source::hotline, Kind::problem, "H-9"), "admin", at_h(0))
          .id;
  const long long zone = log_case(s, report("dispute", "G1"), "admin", at_h(0)).id;
  (void)act(s, zone, escalate(), "admin", at_h(1));
  (void)act(s, zone, escalate(), "admin", at_h(2));

  struct Try {
    long long id;
    Move move;
    std::string actor;
  };
  Move dup = simple(EventType::voided);
  dup.duplicate_of = 99999;
  const std::vector<Try> tries = {{99999, simple(EventType::resolve), "admin"},
                                  {patrol, escalate(), "ghost"},
                                  {zone, whistle("ghost"), "admin"},
                                  {hot, dispatch("Z404"), "admin"},
                                  {hot, dispatch("", "nasa"), "admin"},
                                  {patrol, escalate(std::nullopt, "nasa"), "admin"},
                                  {patrol, dup, "admin"}};
  for (const Try& t : tries) {
    const auto e = error_of([&] { (void)act(s, t.id, t.move, t.actor, at_h(10)); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::not_found);
  }
  CHECK(s.store().events(patrol).size() == 1);
  CHECK(s.store().events(hot).size() == 1);
}

TEST_CASE("act: a refusal is ErrorCode::refused naming the rule, and nothing is written") {
  auto s = ready_store();
  const Case c = log_case(s, report("illegal_construction", "G1"), "g1", at_h(0));
  const auto e = error_of([&] { (void)act(s, c.id, simple(EventType::resolve), "g1", at_h(1)); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "authority"));
  CHECK(s.store().events(c.id).size() == 1);
  CHECK(*s.store().find_case(c.id) == c);

  const auto other = error_of([&] { (void)act(s, c.id, escalate(), "g3", at_h(1)); });
  REQUIRE(other.has_value());
  CHECK(other->code() == ErrorCode::refused);
  CHECK(contains(other->what(), "authorisation"));
  CHECK(contains(other->what(), "g3"));
  CHECK(*s.store().find_case(c.id) == c);
}

TEST_CASE("act refuses a time earlier than the case's last event") {
  auto s = ready_store();
  const Case c = log_case(s, report("dispute", "G1"), "g1", at_h(10));
  const auto before_report = error_of([&] { (void)act(s, c.id, escalate(), "g1", at_h(9)); });
  REQUIRE(before_report.has_value());
  CHECK(before_report->code() == ErrorCode::refused);

  (void)act(s, c.id, escalate(), "g1", at_h(12));
  const auto e = error_of([&] { (void)act(s, c.id, escalate(), "t1", at_h(11)); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(s.store().events(c.id).size() == 2);
  CHECK(s.store().find_case(c.id)->level == Level::village);
  // The same instant as the last event is fine.
  CHECK(act(s, c.id, escalate(), "t1", at_h(12)).level == Level::zone);
}

// ---- the closed loop through the service -----------------------------------------------------

TEST_CASE("service: a patrol case self-handled in the grid closes directly") {
  auto s = ready_store();
  const Case c = log_case(s, report("environment_sanitation", "G2"), "g2", at_h(0));
  const Case closed = act(s, c.id, simple(EventType::close, "已清理"), "g2", at_h(2));
  CHECK(closed.status == Status::closed);
  CHECK(*s.store().find_case(c.id) == closed);
  const auto events = s.store().events(c.id);
  REQUIRE(events.size() == 2);
  CHECK(events[1].type == EventType::close);
  CHECK(events[1].note == "已清理");
  CHECK(events[1].actor == "g2");
}

TEST_CASE("service: escalation level by level, then a referral to the category's department") {
  auto s = ready_store();
  const Case c = log_case(s, report("road_traffic", "G1"), "g1", at_h(0));
  const auto skip = error_of([&] { (void)act(s, c.id, escalate(Level::town), "g1", at_h(1)); });
  REQUIRE(skip.has_value());
  CHECK(skip->code() == ErrorCode::refused);
  CHECK(contains(skip->what(), "level-by-level"));

  CHECK(act(s, c.id, escalate(), "g1", at_h(1)).unit == "V1");
  CHECK(act(s, c.id, escalate(), "g1", at_h(2)).unit == "Z1");
  const Case town = act(s, c.id, escalate(), "t1", at_h(3));
  CHECK(town.level == Level::town);
  CHECK(town.unit == "T1");
  CHECK(town.deadline == at_h(3 + 120));
  const Case referred = act(s, c.id, escalate(), "t1", at_h(4));
  CHECK(referred.level == Level::county);
  CHECK(referred.department == "transport");
  CHECK(referred.unit.empty());
  CHECK(referred.deadline == at_h(4 + 168));
  CHECK(s.store().events(c.id).back().type == EventType::refer);
  const auto top = error_of([&] { (void)act(s, c.id, escalate(), "admin", at_h(5)); });
  REQUIRE(top.has_value());
  CHECK(top->code() == ErrorCode::refused);
  check_projection(s.store(), c.id);
}

TEST_CASE("service: an urgent category skips levels") {
  auto s = ready_store();
  const Case c = log_case(s, report("fire_hazard", "G1"), "g1", at_h(0));
  CHECK(c.deadline == at_h(12));
  const Case z = act(s, c.id, escalate(Level::zone), "g1", at_h(1));
  CHECK(z.level == Level::zone);
  CHECK(z.unit == "Z1");
  CHECK(z.deadline == at_h(1 + 12));
}

TEST_CASE("service: a hotline case is dispatched, resolved and verified by the grid") {
  auto s = ready_store();
  const Case c =
      log_case(s, report("environment_sanitation", "G1", Source::hotline, Kind::problem, "12345-1"),
               "cz1", at_h(0));
  const auto early = error_of([&] { (void)act(s, c.id, simple(EventType::close), "g1", at_h(1)); });
  REQUIRE(early.has_value());
  CHECK(early->code() == ErrorCode::refused);

  const Case d = act(s, c.id, dispatch("G1"), "cz1", at_h(1));
  CHECK(d.level == Level::grid);
  CHECK(d.unit == "G1");
  CHECK(d.deadline == at_h(1 + 24));
  const auto direct =
      error_of([&] { (void)act(s, c.id, simple(EventType::close), "g1", at_h(2)); });
  REQUIRE(direct.has_value());
  CHECK(direct->code() == ErrorCode::refused);
  CHECK(contains(direct->what(), "verification"));
  CHECK(s.store().find_case(c.id)->status == Status::open);

  const Case r = act(s, c.id, simple(EventType::resolve, "已处理"), "g1", at_h(3));
  CHECK(r.status == Status::resolved);
  CHECK(r.deadline == at_h(3 + 24));  // the built-in verification limit
  const auto stranger =
      error_of([&] { (void)act(s, c.id, simple(EventType::close), "g2", at_h(4)); });
  REQUIRE(stranger.has_value());
  CHECK(contains(stranger->what(), "verification"));
  // Rule 7: not the hand that did the work; the town steps in for the grid's own worker.
  const auto doer = error_of([&] { (void)act(s, c.id, simple(EventType::close), "g1", at_h(4)); });
  REQUIRE(doer.has_value());
  CHECK(contains(doer->what(), "recorded the resolve"));
  CHECK(act(s, c.id, simple(EventType::close), "t1", at_h(4)).status == Status::closed);
  check_projection(s.store(), c.id);
}

TEST_CASE("service: a petition dispatched to a department needs the grid's verification") {
  auto s = ready_store();
  const Case c =
      log_case(s, report("illegal_construction", "G1", Source::petition, Kind::problem, "XF-1"),
               "admin", at_h(0));
  const Case d = act(s, c.id, dispatch("", "housing"), "admin", at_h(1));
  CHECK(d.level == Level::county);
  CHECK(d.department == "housing");
  CHECK(d.deadline == at_h(1 + 120));  // illegal_construction: 5d
  const auto g1_resolves =
      error_of([&] { (void)act(s, c.id, simple(EventType::resolve), "g1", at_h(2)); });
  REQUIRE(g1_resolves.has_value());
  CHECK(contains(g1_resolves->what(), "authorisation"));
  CHECK(act(s, c.id, simple(EventType::resolve), "cz1", at_h(2)).status == Status::resolved);
  const Case rework = act(s, c.id, simple(EventType::rework, "未整改"), "g1", at_h(3));
  CHECK(rework.status == Status::open);
  CHECK(rework.rework == 1);
  CHECK(rework.department == "housing");
  CHECK(rework.deadline == at_h(3 + 120));
  CHECK(s.store().events(c.id).back().type == EventType::rework);
  CHECK(act(s, c.id, simple(EventType::resolve), "cz1", at_h(4)).status == Status::resolved);
  CHECK(act(s, c.id, simple(EventType::close), "g1", at_h(5)).status == Status::closed);
  CHECK(s.store().find_case(c.id)->rework == 1);
  check_projection(s.store(), c.id);
}

TEST_CASE("service: a whistle records the worker and leaves the case where it is") {
  auto s = ready_store();
  const Case c = log_case(s, report("public_facilities", "G1"), "g1", at_h(0));
  (void)act(s, c.id, escalate(), "g1", at_h(1));
  const Case zone = act(s, c.id, escalate(), "g1", at_h(2));
  REQUIRE(zone.level == Level::zone);

  const auto before =
      error_of([&] { (void)act(s, c.id, simple(EventType::resolve), "cw", at_h(3)); });
  REQUIRE(before.has_value());
  CHECK(before->code() == ErrorCode::refused);

  const Case w = act(s, c.id, whistle("cw"), "t1", at_h(3));
  CHECK(w.whistled == std::vector<std::string>{"cw"});
  CHECK(w.level == zone.level);
  CHECK(w.unit == zone.unit);
  CHECK(w.department == zone.department);
  CHECK(w.deadline == zone.deadline);
  CHECK(w.status == Status::open);
  CHECK(s.store().find_case(c.id)->whistled == std::vector<std::string>{"cw"});
  CHECK(s.store().events(c.id).back().worker == "cw");

  const auto not_on_call = error_of([&] { (void)act(s, c.id, whistle("cz1"), "t1", at_h(4)); });
  REQUIRE(not_on_call.has_value());
  CHECK(not_on_call->code() == ErrorCode::refused);

  CHECK(act(s, c.id, simple(EventType::resolve), "cw", at_h(5)).status == Status::resolved);
  check_projection(s.store(), c.id);
}

TEST_CASE("service: void and reopen") {
  auto s = ready_store();
  const Case a = log_case(s, report("dispute", "G1"), "g1", at_h(0));
  const Case b = log_case(s, report("dispute", "G1"), "g1", at_h(0));
  Move dup = simple(EventType::voided, "重复");
  dup.duplicate_of = a.id;
  const Case v = act(s, b.id, dup, "g1", at_h(1));
  CHECK(v.status == Status::voided);
  CHECK(contains(s.store().events(b.id).back().note, std::to_string(a.id)));
  const auto again = error_of([&] { (void)act(s, b.id, escalate(), "admin", at_h(2)); });
  REQUIRE(again.has_value());
  CHECK(contains(again->what(), "void"));

  (void)act(s, a.id, escalate(), "g1", at_h(1));
  (void)act(s, a.id, simple(EventType::resolve), "g1", at_h(2));
  (void)act(s, a.id, simple(EventType::close), "t1", at_h(3));
  const Case re = act(s, a.id, simple(EventType::reopen, "又吵起来了"), "g1", at_h(4));
  CHECK(re.status == Status::open);
  CHECK(re.level == Level::village);
  CHECK(re.deadline == at_h(4 + 48));
  check_projection(s.store(), a.id);
  check_projection(s.store(), b.id);
}

TEST_CASE("service: the case row equals the replay of its events after many moves") {
  auto s = ready_store();
  std::vector<long long> ids;
  // 1. escalated to town, whistle, referred, resolved, rework, resolved, closed, reopened.
  {
    const long long id = log_case(s, report("pollution", "G1"), "g1", at_h(0)).id;
    ids.push_back(id);
    (void)act(s, id, escalate(), "g1", at_h(1));
    (void)act(s, id, escalate(), "g1", at_h(2));
    (void)act(s, id, whistle("cw"), "t1", at_h(3));
    (void)act(s, id, escalate(), "t1", at_h(4));
    (void)act(s, id, escalate(std::nullopt, "environment"), "t1", at_h(5));
    (void)act(s, id, simple(EventType::resolve), "admin", at_h(6));
    (void)act(s, id, simple(EventType::rework), "g1", at_h(7));
    (void)act(s, id, simple(EventType::resolve), "admin", at_h(8));
    (void)act(s, id, simple(EventType::close), "g1", at_h(9));
    (void)act(s, id, simple(EventType::reopen), "t1", at_h(10));
  }
  // 2. hotline dispatched to a zone, resolved and closed by the town.
  {
    const long long id =
        log_case(s, report("public_facilities", "G3", Source::hotline, Kind::problem, "H-77"),
                 "cz1", at_h(0))
            .id;
    ids.push_back(id);
    (void)act(s, id, dispatch("Z2"), "cz1", at_h(1));
    (void)act(s, id, simple(EventType::resolve), "t1", at_h(2));
    (void)act(s, id, simple(EventType::close), "g3", at_h(3));
  }
  // 3. self-handled; 4. info; 5. voided; 6. urgent skip and whistle, still open.
  {
    const long long a = log_case(s, report("environment_sanitation", "G4"), "g4", at_h(0)).id;
    (void)act(s, a, simple(EventType::close), "g4", at_h(1));
    const long long b =
        log_case(s, report("agriculture", "G2", Source::platform, Kind::info), "g2", at_h(0)).id;
    const long long c = log_case(s, report("dispute", "G2"), "g2", at_h(0)).id;
    (void)act(s, c, escalate(), "g2", at_h(1));
    (void)act(s, c, simple(EventType::voided), "admin", at_h(2));
    const long long d = log_case(s, report("safety_hazard", "G4"), "g4", at_h(0)).id;
    (void)act(s, d, escalate(Level::town), "g4", at_h(1));
    (void)act(s, d, whistle("cw"), "t2", at_h(2));
    ids.insert(ids.end(), {a, b, c, d});
  }
  // 7. a petition sent to a department, resolved, reworked twice, still open.
  {
    const long long id =
        log_case(s, report("wage_arrears", "G2", Source::petition, Kind::problem, "XF-9"), "admin",
                 at_h(0))
            .id;
    ids.push_back(id);
    (void)act(s, id, dispatch("", "human_resources"), "admin", at_h(1));
    for (int i = 0; i < 2; ++i) {
      (void)act(s, id, simple(EventType::resolve), "admin", at_h(2 + 2 * i));
      (void)act(s, id, simple(EventType::rework), "g2", at_h(3 + 2 * i));
    }
    CHECK(s.store().find_case(id)->rework == 2);
  }
  for (long long id : ids) check_projection(s.store(), id);

  const Case first = *s.store().find_case(ids[0]);
  CHECK(first.status == Status::open);
  CHECK(first.department == "environment");
  CHECK(first.rework == 1);
  CHECK(first.whistled == std::vector<std::string>{"cw"});
  std::vector<EventType> types;
  for (const Event& e : s.store().events(ids[0])) types.push_back(e.type);
  CHECK(types == std::vector<EventType>{EventType::report, EventType::escalate, EventType::escalate,
                                        EventType::whistle, EventType::escalate, EventType::refer,
                                        EventType::resolve, EventType::rework, EventType::resolve,
                                        EventType::close, EventType::reopen});
  CHECK(s.store().find_case(ids[5])->whistled == std::vector<std::string>{"cw"});
  CHECK(s.store().find_case(ids[5])->unit == "T2");
}

// ---- sweep_overdue ---------------------------------------------------------------------------

TEST_CASE("sweep_overdue lists overdue cases and moves nothing without auto_escalate") {
  auto s = ready_store();
  const long long late = log_case(s, report("dispute", "G1"), "g1", at_h(0)).id;
  const long long fresh = log_case(s, report("dispute", "G3"), "g3", at_h(20)).id;
  const long long done = log_case(s, report("environment_sanitation", "G2"), "g2", at_h(0)).id;
  (void)act(s, done, simple(EventType::close), "g2", at_h(1));
  const Case before = *s.store().find_case(late);

  const SweepReport r = sweep_overdue(s, "admin", at_h(30), false);
  CHECK_FALSE(r.escalating);
  REQUIRE(r.stage_overdue.size() == 1);
  CHECK(r.stage_overdue[0].id == late);
  CHECK(r.moved.empty());
  CHECK(*s.store().find_case(late) == before);
  CHECK(s.store().events(late).size() == 1);
  (void)fresh;
}

TEST_CASE("sweep_overdue escalates overdue cases one level when the policy says so") {
  auto s = ready_store();
  const long long late = log_case(s, report("dispute", "G1"), "g1", at_h(0)).id;
  const long long late_town = log_case(s, report("dispute", "G3"), "g3", at_h(0)).id;
  for (int i = 0; i < 3; ++i) (void)act(s, late_town, escalate(), "admin", at_h(1 + i));
  const long long fresh = log_case(s, report("dispute", "G3"), "g3", at_h(200)).id;
  (void)load_policy(s.store(), policy_text_with("auto_escalate = false", "auto_escalate = true"),
                    "p.toml", at_h(0));
  REQUIRE(s.policy().auto_escalate);

  const SweepReport r = sweep_overdue(s, "admin", at_h(210), false);
  CHECK(r.escalating);
  CHECK(r.stage_overdue.size() == 2);
  CHECK(r.moved.size() == 2);
  const Case moved = *s.store().find_case(late);
  CHECK(moved.level == Level::village);
  CHECK(moved.unit == "V1");
  CHECK(moved.deadline == at_h(210 + 48));
  CHECK(s.store().events(late).back().type == EventType::escalate);
  const Case referred = *s.store().find_case(late_town);
  CHECK(referred.level == Level::county);
  CHECK(referred.department == "justice");
  CHECK(s.store().events(late_town).back().type == EventType::refer);
  CHECK(s.store().find_case(fresh)->level == Level::grid);
  check_projection(s.store(), late);
  check_projection(s.store(), late_town);

  // Once escalated, they are no longer overdue.
  const SweepReport again = sweep_overdue(s, "admin", at_h(211), false);
  CHECK(again.stage_overdue.empty());
}

TEST_CASE("sweep_overdue dry run reports but writes nothing") {
  auto s = ready_store();
  const long long late = log_case(s, report("dispute", "G1"), "g1", at_h(0)).id;
  (void)load_policy(s.store(), policy_text_with("auto_escalate = false", "auto_escalate = true"),
                    "p.toml", at_h(0));
  const Case before = *s.store().find_case(late);
  const SweepReport r = sweep_overdue(s, "admin", at_h(30), true);
  CHECK(r.escalating);
  REQUIRE(r.stage_overdue.size() == 1);
  CHECK(r.stage_overdue[0].id == late);
  CHECK(*s.store().find_case(late) == before);
  CHECK(s.store().events(late).size() == 1);
  // The real sweep afterwards still finds and moves it.
  const SweepReport real = sweep_overdue(s, "admin", at_h(30), false);
  CHECK(real.moved.size() == 1);
  CHECK(s.store().find_case(late)->level == Level::village);
}

// ---- agenda ----------------------------------------------------------------------------------

TEST_CASE("agenda of a zone: open at the zone, escalated into it in the last day, overdue") {
  auto s = ready_store();
  const Timestamp meeting = at_h(100);
  // a: escalated into Z1 2 hours before the meeting.
  const long long a = log_case(s, report("dispute", "G1"), "g1", at_h(90)).id;
  (void)act(s, a, escalate(), "g1", at_h(91));
  (void)act(s, a, escalate(), "g1", at_h(98));
  // b: escalated into Z1 30 hours before: at the zone, not freshly escalated.
  const long long b = log_case(s, report("dispute", "G2"), "g2", at_h(60)).id;
  (void)act(s, b, escalate(), "g2", at_h(61));
  (void)act(s, b, escalate(), "g2", at_h(70));
  // c: escalated into Z1 5 hours before, moved on to the town since.
  const long long c = log_case(s, report("dispute", "G1"), "g1", at_h(90)).id;
  (void)act(s, c, escalate(), "g1", at_h(91));
  (void)act(s, c, escalate(), "g1", at_h(95));
  (void)act(s, c, escalate(), "t1", at_h(99));
  // d: open at grid G1, overdue (a safety hazard's limit is 24h).
  const long long d = log_case(s, report("safety_hazard", "G1"), "g1", at_h(70)).id;
  // e: overdue in G3 (zone Z2); f: at zone Z2; g: fresh at grid G1; h: escalated into Z1 more
  // than a day ago and closed.
  (void)log_case(s, report("safety_hazard", "G3"), "g3", at_h(70));
  const long long f = log_case(s, report("dispute", "G3"), "g3", at_h(97)).id;
  (void)act(s, f, escalate(), "g3", at_h(98));
  (void)act(s, f, escalate(), "g3", at_h(99));
  (void)log_case(s, report("dispute", "G1"), "g1", at_h(99));
  const long long h = log_case(s, report("public_facilities", "G2"), "g2", at_h(10)).id;
  (void)act(s, h, escalate(), "g2", at_h(11));
  (void)act(s, h, escalate(), "g2", at_h(12));
  (void)act(s, h, simple(EventType::resolve), "t1", at_h(13));
  (void)act(s, h, simple(EventType::close), "g2", at_h(14));

  const Reasons got = reasons_of(agenda(s, Level::zone, "Z1", meeting));
  const Reasons want = {
      {a, {"at_zone", "escalated"}}, {b, {"at_zone"}}, {c, {"escalated"}}, {d, {"overdue"}}};
  CHECK(got == want);
}

TEST_CASE("agenda of a town: at the town, open referrals from the town, overdue in the town") {
  auto s = ready_store();
  const Timestamp meeting = at_h(100);
  auto to_town = [&](const std::string& category, const std::string& grid, int from) {
    const long long id = log_case(s, report(category, grid), "admin", at_h(from)).id;
    for (int i = 1; i <= 3; ++i) (void)act(s, id, escalate(), "admin", at_h(from + i));
    return id;
  };
  const long long at_town = to_town("dispute", "G3", 90);   // in T1, via Z2
  const long long referral = to_town("dispute", "G2", 80);  // then referred
  (void)act(s, referral, escalate(), "admin", at_h(85));
  const long long done_referral = to_town("dispute", "G1", 80);  // referred, resolved
  (void)act(s, done_referral, escalate(), "admin", at_h(85));
  (void)act(s, done_referral, simple(EventType::resolve), "admin", at_h(86));
  const long long overdue = log_case(s, report("safety_hazard", "G1"), "g1", at_h(50)).id;
  (void)to_town("dispute", "G4", 90);                        // town T2
  const long long other_ref = to_town("dispute", "G4", 80);  // T2's referral
  (void)act(s, other_ref, escalate(), "admin", at_h(85));
  (void)log_case(s, report("safety_hazard", "G4"), "g4", at_h(50));  // overdue in T2
  (void)log_case(s, report("dispute", "G2"), "g2", at_h(95));        // fresh in T1

  const Reasons got = reasons_of(agenda(s, Level::town, "T1", meeting));
  const Reasons want = {{at_town, {"at_town"}}, {referral, {"referral"}}, {overdue, {"overdue"}}};
  CHECK(got == want);
}

TEST_CASE("agenda of the county: open referrals and cases overdue by more than the county limit") {
  auto s = ready_store();
  const Timestamp meeting = at_h(400);
  auto referred = [&](const std::string& grid, int from) {
    const long long id = log_case(s, report("dispute", grid), "admin", at_h(from)).id;
    for (int i = 1; i <= 4; ++i) (void)act(s, id, escalate(), "admin", at_h(from + i));
    return id;
  };
  const long long ref1 = referred("G1", 390);
  const long long ref2 = referred("G4", 390);
  const long long resolved_ref = referred("G3", 390);
  (void)act(s, resolved_ref, simple(EventType::resolve), "admin", at_h(396));
  // Reported 300h before: grid deadline +24h, overdue by 276h > 168h.
  const long long long_overdue = log_case(s, report("dispute", "G2"), "g2", at_h(100)).id;
  // Overdue by 100h only.
  (void)log_case(s, report("dispute", "G2"), "g2", at_h(276));
  // A referral long overdue itself: both reasons.
  const long long both = referred("G1", 0);

  const Reasons got = reasons_of(agenda(s, Level::county, "", meeting));
  const Reasons want = {{ref1, {"referral"}},
                        {ref2, {"referral"}},
                        {long_overdue, {"long_overdue"}},
                        {both, {"long_overdue", "referral"}}};
  CHECK(got == want);
}

TEST_CASE("agenda: an unknown unit is not_found") {
  auto s = ready_store();
  const auto e = error_of([&] { (void)agenda(s, Level::zone, "Z404", at_h(0)); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
  const auto t = error_of([&] { (void)agenda(s, Level::town, "T404", at_h(0)); });
  REQUIRE(t.has_value());
  CHECK(t->code() == ErrorCode::not_found);
}

TEST_CASE("import_cases: a long file's problems are listed in file order, and nothing is written") {
  // The file is read on a thread of its own, hundreds of rows ahead of the writes: what it shows
  // (a bad time at row 3, a bad kind at row 1100) and what the rules show (an unknown grid at
  // row 600) still come in the order of the file, and the first two are the ones listed.
  Session s = ready_store();
  auto file = [](bool with_problems) {
    std::string csv = "ext_id,source,grid,category,kind,title,reporter,reported_at\n";
    for (int i = 1; i <= 1200; ++i) {
      const bool bad = with_problems && (i == 3 || i == 600 || i == 1100);
      csv += "P-" + std::to_string(i) + ",patrol," + (bad && i == 600 ? "G9" : "G1") + ",dispute," +
             (bad && i == 1100 ? "sometimes" : "problem") + ",事项,g1," +
             (bad && i == 3 ? "2026-09-31T08:00:00+08:00" : "2026-09-10T08:00:00+08:00") + "\n";
    }
    return csv;
  };
  TempDir dir;
  const std::string path = dir.write("cases.csv", file(true));
  for (std::size_t max_errors : {std::size_t{20}, std::size_t{2}}) {
    CAPTURE(max_errors);
    Diagnostics diagnostics(max_errors);
    CaseRows rows(path, s.utc_offset(), diagnostics);
    CaseImportReport report;
    try {
      import_cases(s, rows, {}, diagnostics, report);
      FAIL("the import was not refused");
    } catch (const Error& e) {
      std::vector<int> lines;
      for (const Diagnostic& d : e.diagnostics()) lines.push_back(d.line);
      CHECK(lines == (max_errors == 2 ? std::vector<int>{4, 601} : std::vector<int>{4, 601, 1101}));
      CHECK(e.diagnostics().size() + e.more() == 3);
    }
    CHECK(report.rows == 1198);  // the good rows; the two the reader refused are not rows
    CHECK(s.store().cases({}).empty());
  }
  // Without its problems, the file imports whole, across every chunk read ahead.
  Diagnostics diagnostics;
  CaseRows rows(dir.write("good.csv", file(false)), s.utc_offset(), diagnostics);
  CaseImportReport report;
  import_cases(s, rows, {}, diagnostics, report);
  CHECK(report.added == 1200);
  CHECK(s.store().cases({}).size() == 1200);
}

TEST_CASE("import_cases: the indexes a first load sets aside come back when it fails") {
  // A caller whose transaction the import joined catches its refusal and commits what else it
  // wrote: the database must still be whole (its schema is checked on every open).
  TempDir dir;
  const std::string db = dir.path("county.db");
  {
    auto store = open_store(db, {.create = true});
    Unit county;
    county.code = "C";
    county.name = "县";
    county.level = Level::county;
    REQUIRE(init_county(*store, county, k_t0));
    LayoutInput in;
    in.entries = {le("T1", Level::town, ""), le("Z1", Level::zone, "T1"),
                  le("V1", Level::village, "Z1"), le("G1", Level::grid, "V1")};
    REQUIRE(import_layout(*store, in, {}, k_t0).written);
    Session s(std::move(store));
    auto tx = s.begin_write();
    Diagnostics diagnostics;
    CaseRows rows(dir.write("bad.csv",
                            "ext_id,source,grid,category,kind,title,reporter,reported_at\n"
                            "P-1,patrol,G9,dispute,problem,事项,admin,2026-09-10T08:00:00+08:00\n"),
                  s.utc_offset(), diagnostics);
    CaseImportReport report;
    CHECK_THROWS_AS(import_cases(s, rows, {}, diagnostics, report), Error);
    tx->commit();
  }
  CHECK_NOTHROW((void)open_store(db));
}
