#include "gridgov/case.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;

namespace {

Case header(Kind kind = Kind::problem, Source source = Source::patrol) {
  Case c;
  c.id = 7;
  c.kind = kind;
  c.source = source;
  c.category = "dispute";
  c.title = "邻里纠纷";
  c.grid = "G1";
  c.reporter = "g1";
  c.reported_at = k_t0;
  return c;
}

Event ev(EventType type, Level level, std::string unit, std::optional<Timestamp> deadline, int hour,
         std::string department = "") {
  Event e;
  e.case_id = 7;
  e.type = type;
  e.at = at_h(hour);
  e.actor = "admin";
  e.level = level;
  e.unit = std::move(unit);
  e.department = std::move(department);
  e.deadline = deadline;
  return e;
}

/// A report with a stage deadline in 24 hours and a due in 48.
Event report_event() {
  Event e = ev(EventType::report, Level::grid, "G1", at_h(24), 0);
  e.due = at_h(48);
  return e;
}

}  // namespace

// ---- names and parsing -----------------------------------------------------------------------

TEST_CASE("parse_kind reads code names and Chinese words") {
  CHECK(parse_kind("problem") == Kind::problem);
  CHECK(parse_kind("问题类") == Kind::problem);
  CHECK(parse_kind("info") == Kind::info);
  CHECK(parse_kind("民情类") == Kind::info);
  CHECK(parse_kind("服务类") == Kind::info);
  CHECK_FALSE(parse_kind("Problem").has_value());
  CHECK_FALSE(parse_kind("").has_value());
  CHECK(parse_kind(to_string(Kind::problem)) == Kind::problem);
  CHECK(parse_kind(to_string(Kind::info)) == Kind::info);
}

TEST_CASE("parse_source reads code names, Chinese words and 12345") {
  CHECK(parse_source("patrol") == Source::patrol);
  CHECK(parse_source("巡查上报") == Source::patrol);
  CHECK(parse_source("12345") == Source::hotline);
  CHECK(parse_source("hotline") == Source::hotline);
  CHECK(parse_source("治安监控") == Source::surveillance);
  CHECK(parse_source("信访") == Source::petition);
  CHECK(parse_source("网格云社区") == Source::platform);
  CHECK_FALSE(parse_source("email").has_value());
  for (Source s :
       {Source::patrol, Source::hotline, Source::surveillance, Source::petition, Source::platform})
    CHECK(parse_source(to_string(s)) == s);
}

TEST_CASE("parse_status and to_string(Status) agree and void is spelled void") {
  CHECK(to_string(Status::voided) == "void");
  for (Status s : {Status::open, Status::resolved, Status::closed, Status::voided})
    CHECK(parse_status(to_string(s)) == s);
  CHECK_FALSE(parse_status("voided").has_value());
  CHECK_FALSE(parse_status("Open").has_value());
}

TEST_CASE("to_zh: every kind, source and status reads back through its parser") {
  for (Kind k : {Kind::problem, Kind::info}) CHECK(parse_kind(to_zh(k)) == k);
  for (Source s :
       {Source::patrol, Source::hotline, Source::surveillance, Source::petition, Source::platform})
    CHECK(parse_source(to_zh(s)) == s);
  for (Status s : {Status::open, Status::resolved, Status::closed, Status::voided})
    CHECK(parse_status(to_zh(s)) == s);
  CHECK(to_zh(Status::closed) == "已结案");
}

TEST_CASE("to_zh names every event type, each with its own word") {
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(EventType::urge); ++i) {
    const auto word = to_zh(static_cast<EventType>(i));
    CHECK(word != "?");
    CHECK(seen.insert(word).second);
  }
  CHECK(to_zh(EventType::refer) == "乡呼县应");
}

TEST_CASE("parse_event_type knows every event type by its glossary name (docs/design.md §1)") {
  const std::vector<std::string> names = {"report",  "escalate", "refer",  "dispatch", "whistle",
                                          "resolve", "close",    "rework", "reopen",   "void"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto t = parse_event_type(names[i]);
    REQUIRE(t.has_value());
    CHECK(static_cast<std::size_t>(*t) == i);
    CHECK(to_string(*t) == names[i]);
  }
  CHECK_FALSE(parse_event_type("voided").has_value());
  CHECK_FALSE(parse_event_type("").has_value());
}

TEST_CASE("is_intake holds for hotline and petition only") {
  CHECK(is_intake(Source::hotline));
  CHECK(is_intake(Source::petition));
  CHECK_FALSE(is_intake(Source::patrol));
  CHECK_FALSE(is_intake(Source::surveillance));
  CHECK_FALSE(is_intake(Source::platform));
}

// ---- apply -----------------------------------------------------------------------------------

TEST_CASE("apply report opens a problem case where the event puts it") {
  const Case c = apply(header(), report_event());
  CHECK(c.status == Status::open);
  CHECK(c.level == Level::grid);
  CHECK(c.unit == "G1");
  CHECK(c.department.empty());
  CHECK(c.deadline == at_h(24));
  CHECK(c.rework == 0);
  CHECK(c.title == "邻里纠纷");
}

TEST_CASE("apply report closes an info case at once") {
  Event e = report_event();
  e.deadline.reset();
  const Case c = apply(header(Kind::info), e);
  CHECK(c.status == Status::closed);
  CHECK_FALSE(c.deadline.has_value());
}

TEST_CASE("apply escalate, refer and dispatch move the handler and set the deadline") {
  Case c = apply(header(), report_event());
  c = apply(c, ev(EventType::escalate, Level::village, "V1", at_h(50), 2));
  CHECK(c.status == Status::open);
  CHECK(c.level == Level::village);
  CHECK(c.unit == "V1");
  CHECK(c.deadline == at_h(50));

  c = apply(c, ev(EventType::refer, Level::county, "", at_h(200), 3, "justice"));
  CHECK(c.status == Status::open);
  CHECK(c.level == Level::county);
  CHECK(c.unit.empty());
  CHECK(c.department == "justice");
  CHECK(c.deadline == at_h(200));

  Case h = header(Kind::problem, Source::hotline);
  h = apply(h, ev(EventType::report, Level::county, "", at_h(168), 0));
  CHECK(h.level == Level::county);
  CHECK(h.unit.empty());
  h = apply(h, ev(EventType::dispatch, Level::zone, "Z1", at_h(74), 2));
  CHECK(h.status == Status::open);
  CHECK(h.level == Level::zone);
  CHECK(h.unit == "Z1");
  CHECK(h.deadline == at_h(74));
}

TEST_CASE("apply whistle records the worker and leaves the case and its deadline where they are") {
  Case c = apply(header(), report_event());
  c = apply(c, ev(EventType::escalate, Level::zone, "Z1", at_h(80), 8));
  Event w = ev(EventType::whistle, Level::zone, "Z1", std::nullopt, 9);
  w.worker = "cw";
  const Case after = apply(c, w);
  CHECK(after.whistled == std::vector<std::string>{"cw"});
  CHECK(after.status == Status::open);
  CHECK(after.level == Level::zone);
  CHECK(after.unit == "Z1");
  CHECK(after.deadline == at_h(80));
  w.worker = "cw2";
  CHECK(apply(after, w).whistled == std::vector<std::string>{"cw", "cw2"});
}

TEST_CASE("apply resolve, close, rework, reopen and void set the status") {
  Case c = apply(header(), report_event());
  c = apply(c, ev(EventType::resolve, Level::grid, "G1", at_h(30), 6));
  CHECK(c.status == Status::resolved);
  CHECK(c.deadline == at_h(30));

  c = apply(c, ev(EventType::rework, Level::grid, "G1", at_h(31), 7));
  CHECK(c.status == Status::open);
  CHECK(c.rework == 1);
  CHECK(c.deadline == at_h(31));

  c = apply(c, ev(EventType::resolve, Level::grid, "G1", at_h(32), 8));
  c = apply(c, ev(EventType::rework, Level::grid, "G1", at_h(33), 9));
  CHECK(c.rework == 2);

  c = apply(c, ev(EventType::close, Level::grid, "G1", std::nullopt, 10));
  CHECK(c.status == Status::closed);
  CHECK_FALSE(c.deadline.has_value());
  CHECK(c.rework == 2);

  c = apply(c, ev(EventType::reopen, Level::grid, "G1", at_h(40), 11));
  CHECK(c.status == Status::open);
  CHECK(c.deadline == at_h(40));

  c = apply(c, ev(EventType::voided, Level::grid, "G1", std::nullopt, 12));
  CHECK(c.status == Status::voided);
  CHECK_FALSE(c.deadline.has_value());
}

// ---- replay ----------------------------------------------------------------------------------

TEST_CASE("replay equals folding the events with apply, whatever state the header carries") {
  std::vector<Event> events = {report_event(),
                               ev(EventType::escalate, Level::village, "V1", at_h(50), 2),
                               ev(EventType::escalate, Level::zone, "Z1", at_h(80), 8)};
  Event w = ev(EventType::whistle, Level::zone, "Z1", std::nullopt, 9);
  w.worker = "cw";
  events.push_back(w);
  events.push_back(ev(EventType::resolve, Level::zone, "Z1", at_h(34), 10));
  events.push_back(ev(EventType::rework, Level::zone, "Z1", at_h(82), 11));

  Case expected = header();
  for (const Event& e : events) expected = apply(expected, e);

  Case dirty = header();
  dirty.status = Status::voided;
  dirty.level = Level::county;
  dirty.unit = "X";
  dirty.department = "police";
  dirty.deadline = at_h(999);
  dirty.rework = 5;
  dirty.whistled = {"old"};
  const Case replayed = replay(dirty, events);
  CHECK(replayed == expected);
  CHECK(replayed.status == Status::open);
  CHECK(replayed.level == Level::zone);
  CHECK(replayed.unit == "Z1");
  CHECK(replayed.department.empty());
  CHECK(replayed.rework == 1);
  CHECK(replayed.whistled == std::vector<std::string>{"cw"});
  CHECK(replayed.deadline == at_h(82));
  CHECK(replayed.id == 7);
  CHECK(replayed.title == "邻里纠纷");
}

TEST_CASE("replay of no events gives the header with a fresh state") {
  Case dirty = header();
  dirty.status = Status::closed;
  dirty.rework = 3;
  dirty.whistled = {"x"};
  dirty.deadline = at_h(1);
  const Case c = replay(dirty, {});
  CHECK(c.status == Status::open);
  CHECK(c.rework == 0);
  CHECK(c.whistled.empty());
  CHECK_FALSE(c.deadline.has_value());
  CHECK(c.unit.empty());
}

// ---- is_overdue ------------------------------------------------------------------------------

TEST_CASE("is_overdue: open and strictly past the due, is_stage_overdue: past the deadline") {
  const Case c = apply(header(), report_event());  // deadline at_h(24), due at_h(48)
  CHECK_FALSE(is_overdue(c, at_h(47)));
  CHECK_FALSE(is_overdue(c, at_h(48)));
  CHECK(is_overdue(c, at_h(48) + std::chrono::seconds(1)));
  CHECK(is_overdue(c, at_h(100)));
  CHECK_FALSE(is_stage_overdue(c, at_h(24)));
  CHECK(is_stage_overdue(c, at_h(24) + std::chrono::seconds(1)));
  CHECK_FALSE(is_overdue(c, at_h(30)));  // a stage late is not the case late
}

TEST_CASE("a suspended case is neither overdue nor stage-overdue, a supervision order can be") {
  Case c = apply(header(), report_event());
  Event order = ev(EventType::supervise, Level::grid, "G1", at_h(24), 2);
  order.due = at_h(48);
  order.supervision_by = at_h(10);
  order.note = "限期解决";
  c = apply(std::move(c), order);
  REQUIRE(c.supervision.has_value());
  CHECK(c.supervision->note == "限期解决");
  CHECK_FALSE(is_supervision_overdue(c, at_h(10)));
  CHECK(is_supervision_overdue(c, at_h(11)));
  Event suspend = ev(EventType::suspend, Level::grid, "G1", at_h(24), 3);
  suspend.due = at_h(48);
  c = apply(std::move(c), suspend);
  CHECK(c.suspended());
  CHECK(c.suspended_since == at_h(3));
  CHECK_FALSE(is_overdue(c, at_h(100)));
  CHECK_FALSE(is_stage_overdue(c, at_h(100)));
  CHECK(is_supervision_overdue(c, at_h(100)));
  Event resume = ev(EventType::resume, Level::grid, "G1", at_h(30), 5);
  resume.due = at_h(50);
  c = apply(std::move(c), resume);
  CHECK_FALSE(c.suspended());
  CHECK(c.due == at_h(50));
  CHECK(c.deadline == at_h(30));
}

TEST_CASE("a late record counts at its recorded time, extensions add up by kind") {
  Event e = report_event();
  e.recorded_at = at_h(30);
  CHECK(counted_at(e) == at_h(0));
  e.late_record = true;
  CHECK(counted_at(e) == at_h(30));

  Case c = apply(header(), report_event());
  CHECK_FALSE(extension_total(c).has_value());
  Event ext = ev(EventType::extend, Level::grid, "G1", at_h(24), 1);
  ext.extension = Duration::days_of_work(3);
  ext.due = at_h(120);
  c = apply(std::move(c), ext);
  CHECK(c.due == at_h(120));
  CHECK(extension_total(c) == "3wd");
  ext.extension = std::chrono::hours(36);
  c = apply(std::move(c), ext);
  CHECK(extension_total(c) == "3wd+36h");
}

TEST_CASE("is_overdue is false for resolved, closed, void cases and cases with no due") {
  Case c = apply(header(), report_event());
  for (Status s : {Status::resolved, Status::closed, Status::voided}) {
    c.status = s;
    CHECK_FALSE(is_overdue(c, at_h(100)));
    CHECK_FALSE(is_stage_overdue(c, at_h(100)));
  }
  c.status = Status::open;
  c.due.reset();
  CHECK_FALSE(is_overdue(c, at_h(100)));
}
