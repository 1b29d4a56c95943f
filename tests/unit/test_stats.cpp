#include "gridgov/stats.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <chrono>

using namespace gridgov;
using namespace gridgov::testing;
using std::chrono::hours;

namespace {

Event ev(EventType type, int h, Level level, std::optional<int> deadline_h,
         std::string department = "") {
  Event e;
  e.type = type;
  e.at = k_t0 + hours(h);
  e.level = level;
  e.unit = department.empty() ? "U" : "";
  e.department = std::move(department);
  if (deadline_h) e.deadline = k_t0 + hours(*deadline_h);
  return e;
}

Case header(Kind kind = Kind::problem) {
  Case c;
  c.id = 1;
  c.kind = kind;
  c.grid = "G";
  c.reported_at = k_t0;
  return c;
}

}  // namespace

TEST_CASE("outcome: a problem closed within every deadline is closed on time") {
  const std::vector<Event> events = {ev(EventType::report, 0, Level::grid, 24),
                                     ev(EventType::escalate, 10, Level::village, 58),
                                     ev(EventType::resolve, 20, Level::village, 44),
                                     ev(EventType::close, 30, Level::village, std::nullopt)};
  const Outcome o = outcome(header(), events, k_t0 + hours(100));
  CHECK(o.problem);
  CHECK(o.closed);
  CHECK(o.closed_on_time);
  CHECK(o.escalated);
  CHECK_FALSE(o.referred);
  CHECK_FALSE(o.overdue_open);
  REQUIRE(o.hours_to_close);
  CHECK(*o.hours_to_close == doctest::Approx(30.0));
}

TEST_CASE("outcome: an event after the deadline in force makes a close late") {
  const std::vector<Event> events = {ev(EventType::report, 0, Level::grid, 24),
                                     ev(EventType::escalate, 30, Level::village, 78),
                                     ev(EventType::resolve, 40, Level::village, 64),
                                     ev(EventType::close, 50, Level::village, std::nullopt)};
  const Outcome o = outcome(header(), events, k_t0 + hours(100));
  CHECK(o.closed);
  CHECK_FALSE(o.closed_on_time);
}

TEST_CASE("outcome: events at or after the period's end have not happened yet") {
  const std::vector<Event> events = {
      ev(EventType::report, 0, Level::grid, 24), ev(EventType::escalate, 5, Level::town, 125),
      ev(EventType::refer, 6, Level::county, 174, "housing"),
      ev(EventType::resolve, 50, Level::county, 74, "housing"),
      ev(EventType::close, 60, Level::county, std::nullopt, "housing")};
  const Outcome before = outcome(header(), events, k_t0 + hours(60));
  CHECK_FALSE(before.closed);
  CHECK(before.referred);
  CHECK(before.department == "housing");
  CHECK_FALSE(before.overdue_open);  // resolved, awaiting verification: not open
  const Outcome after = outcome(header(), events, k_t0 + hours(61));
  CHECK(after.closed);
}

TEST_CASE("outcome: open past the deadline at the end is overdue_open, and void is no problem") {
  const std::vector<Event> open = {ev(EventType::report, 0, Level::grid, 24)};
  CHECK(outcome(header(), open, k_t0 + hours(25)).overdue_open);
  CHECK_FALSE(outcome(header(), open, k_t0 + hours(23)).overdue_open);
  const std::vector<Event> voided = {ev(EventType::report, 0, Level::grid, 24),
                                     ev(EventType::voided, 1, Level::grid, std::nullopt)};
  CHECK_FALSE(outcome(header(), voided, k_t0 + hours(30)).problem);
  CHECK_FALSE(outcome(header(Kind::info), open, k_t0 + hours(30)).problem);
}

TEST_CASE("StatsRow: rates, and the median of an even count is the mean of the middle two") {
  StatsRow r;
  CHECK(r.resolution_rate() == 0.0);
  CHECK_FALSE(r.median_hours_to_close());
  Outcome closed;
  closed.problem = true;
  closed.closed = true;
  for (double h : {10.0, 2.0, 7.0, 30.0}) {
    closed.hours_to_close = h;
    r.add(closed);
  }
  Outcome open;
  open.problem = true;
  r.add(open);
  r.add(Outcome{});  // an info case: reported only
  CHECK(r.reported == 6);
  CHECK(r.problems == 5);
  CHECK(r.closed == 4);
  CHECK(r.resolution_rate() == doctest::Approx(0.8));
  REQUIRE(r.median_hours_to_close());
  CHECK(*r.median_hours_to_close() == doctest::Approx(8.5));
}

TEST_CASE("month_period: local months at the policy's offset") {
  const auto p = month_period("2026-08", hours(8));
  REQUIRE(p);
  // 2026-08-01T00:00+08:00 is 2026-07-31T16:00Z.
  CHECK(p->from.time_since_epoch().count() == 1'785'513'600);
  CHECK((p->to - p->from) == hours(24 * 31));
  const auto dec = month_period("2026-12", hours(8));
  REQUIRE(dec);
  CHECK((dec->to - dec->from) == hours(24 * 31));
  CHECK_FALSE(month_period("2026-13", hours(8)));
  CHECK_FALSE(month_period("2026-8", hours(8)));
  CHECK(parse_grouping("department") == Grouping::department);
  CHECK_FALSE(parse_grouping("province"));
}
