#include "gridgov/outcome.hpp"

#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "helpers.hpp"
#include "histories.hpp"

using namespace gridgov;
using namespace gridgov::testing;

TEST_CASE("outcome_at: the stored projection gives outcome's answer for every settled end") {
  std::mt19937 rng(20261130);
  int settled = 0;
  for (int i = 0; i < 3000; ++i) {
    const History h = random_history(rng, {"G1"});
    const Case c = replay(h.header, h.events);
    for (int end_h = 380; end_h < 1000; end_h += 7) {
      const Timestamp end = at_h(end_h);
      if (!settled_before(c, end)) continue;
      ++settled;
      CAPTURE(i);
      CAPTURE(end_h);
      CHECK(outcome_at(c, end) == outcome(h.header, h.events, end));
    }
  }
  CHECK(settled > 100000);  // the property was checked, not skipped
}

TEST_CASE("outcome_at: a late record keeps its case unsettled until it counts") {
  Case header;
  header.kind = Kind::problem;
  header.reported_at = at_h(0);
  Event report;
  report.type = EventType::report;
  report.at = report.recorded_at = at_h(0);
  report.deadline = at_h(10);
  Event close;
  close.type = EventType::close;
  close.at = at_h(5);
  close.recorded_at = at_h(20);  // recorded after the deadline: counts then (rule 16)
  close.late_record = true;
  const Case c = replay(header, {report, close});
  CHECK(c.facts.last_counted_at == at_h(20));
  CHECK(c.facts.stage_late);
  CHECK_FALSE(settled_before(c, at_h(15)));
  CHECK(settled_before(c, at_h(21)));
  CHECK(outcome_at(c, at_h(21)).stage_late);
  CHECK(outcome_at(c, at_h(21)) == outcome(header, {report, close}, at_h(21)));
  // At 15 h the close has happened but not yet counted: only the replay knows.
  CHECK(outcome(header, {report, close}, at_h(15)).closed);
}

TEST_CASE("Tally: cases and events add up, and two tallies sum") {
  Tally a;
  Outcome o;
  o.problem = true;
  o.closed = true;
  o.hours_to_close = 2.0;
  a.add(o);
  a.add(Outcome{});
  Event whistle;
  whistle.type = EventType::whistle;
  a.add(whistle);
  Event by_admin;
  by_admin.type = EventType::close;
  by_admin.actor = "admin";
  a.add(by_admin);
  Tally b = a;
  b += a;
  CHECK(b.reported == 4);
  CHECK(b.problems == 2);
  CHECK(b.closed == 2);
  CHECK(b.whistles == 2);
  CHECK(b.verified_by_admin == 2);
  CHECK(b.hours == std::vector<double>{2.0, 2.0});
  CHECK(b.resolution_rate() == 1.0);
}
