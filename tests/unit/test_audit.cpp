#include "gridgov/audit.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <limits>
#include <sstream>

#include "gridgov/error.hpp"

using namespace gridgov;

namespace {

Timestamp unix_time(long long s) { return Timestamp(std::chrono::seconds(s)); }

/// The case and event of the known answer below.
std::pair<Case, Event> sample() {
  Case c;
  c.kind = Kind::problem;
  c.source = Source::patrol;
  c.category = "road";
  c.title = "路灯不亮";
  c.description = "东街路灯";
  c.grid = "G1";
  c.reporter = "W0001";
  c.reported_at = unix_time(1790000000);
  c.location = LonLat{118.5, 35.25};
  Event e;
  e.id = 1;
  e.case_id = 7;
  e.type = EventType::escalate;
  e.at = unix_time(1790000100);
  e.recorded_at = unix_time(1790000200);
  e.actor = "W0001";
  e.from_level = Level::grid;
  e.from_unit = "G1";
  e.level = Level::village;
  e.unit = "V1";
  e.deadline = unix_time(1790003600);
  e.note = "上报";
  return {c, e};
}

}  // namespace

TEST_CASE("the encodings are the documented fields, each with its length in four bytes") {
  const ChainStart start = make_chain_start("371327", unix_time(1790000000), "new", 0);
  const std::string s = start_encoding(start);
  CHECK(s.substr(0, 4) == std::string("\0\0\0\x0f", 4));
  CHECK(s.substr(4, 15) == "gridgov/chain/1");
  CHECK(s.size() == 5 * 4 + 15 + 6 + 10 + 3 + 1);

  auto [c, e] = sample();
  const std::string enc = event_encoding(c, e);
  CHECK(enc.substr(4, 15) == "gridgov/event/1");
  CHECK(enc.find(std::string("\0\0\0\x08"
                             "escalate",
                             12)) != std::string::npos);
  CHECK(enc.find(std::string("\0\0\0\x05"
                             "118.5\0\0\0\x05"
                             "35.25",
                             18)) != std::string::npos);
  // A report has no from_level: its field is empty whatever the event holds.
  Event report = e;
  report.type = EventType::report;
  report.from_level = Level::town;
  Event report2 = report;
  report2.from_level = Level::grid;
  CHECK(event_encoding(c, report) == event_encoding(c, report2));
}

TEST_CASE("a known answer, computed by an independent implementation of docs/design.md §15") {
  // Python's hashlib over the fields as the design document lists them.
  const ChainStart start = make_chain_start("371327", unix_time(1790000000), "new", 0);
  CHECK(to_hex(start.hash) == "676ed6911d0646d9263773a42a111914b29b18f5f25cc989e439217c0d3e8d0d");
  auto [c, e] = sample();
  const Link link = link_after(start.hash, c, e);
  CHECK(link.prev == start.hash);
  CHECK(to_hex(link.hash) == "801413fd9ce0de0c733da71e759a6201b52958473054842f60de380e454467d2");
}

TEST_CASE("every field of an event and of its case's report changes its hash") {
  auto [c, e] = sample();
  const Digest prev = sha256("prev");
  const Digest base = link_after(prev, c, e).hash;
  auto differs = [&](const Case& c2, const Event& e2) {
    return link_after(prev, c2, e2).hash != base;
  };
  Event x = e;
  x.at += std::chrono::seconds(1);
  CHECK(differs(c, x));
  x = e;
  x.actor = "W0002";
  CHECK(differs(c, x));
  x = e;
  x.late_record = true;
  CHECK(differs(c, x));
  x = e;
  x.id = 2;
  CHECK(differs(c, x));
  Case y = c;
  y.title = "路灯";
  CHECK(differs(y, e));
  y = c;
  y.reported_at += std::chrono::seconds(1);
  CHECK(differs(y, e));
  y = c;
  y.location.reset();
  CHECK(differs(y, e));
  // Moving text from one field to the next is not the same event.
  x = e;
  x.from_unit = "";
  x.from_department = "G1";
  CHECK(differs(c, x));
  CHECK(link_after(sha256("other"), c, e).hash != base);
}

TEST_CASE("digests read back from hexadecimal, and nothing else does") {
  const Digest d = sha256("abc");
  CHECK(to_hex(d) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(digest_from_hex(to_hex(d)) == d);
  CHECK(digest_from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD") == d);
  CHECK_FALSE(digest_from_hex("ba78"));
  CHECK_FALSE(digest_from_hex(std::string(64, 'g')));
}

TEST_CASE("verify_events_file checks each row alone and the links between rows") {
  auto [c, e] = sample();
  const Digest start = sha256("start");
  const Link l1 = link_after(start, c, e);
  Event e2 = e;
  e2.id = 2;
  e2.type = EventType::urge;
  e2.note = "催办";
  const Link l2 = link_after(l1.hash, c, e2);
  auto row = [&](const Event& ev, const Link& l, const std::string& actor) {
    return "{\"event_id\":" + std::to_string(ev.id) +
           ",\"case_id\":7,\"kind\":\"problem\",\"source\":\"patrol\",\"grid\":\"G1\","
           "\"category\":\"road\",\"reported_at\":\"2026-09-21T22:13:20+08:00\",\"type\":\"" +
           std::string(to_string(ev.type)) +
           "\",\"at\":\"2026-09-21T22:15:00+08:00\",\"recorded_at\":\"2026-09-21T22:16:40+08:00\","
           "\"actor\":\"" +
           actor +
           "\",\"from_level\":\"grid\",\"from_unit\":\"G1\",\"from_department\":null,"
           "\"level\":\"village\",\"unit\":\"V1\",\"department\":null,\"worker\":null,"
           "\"deadline\":\"2026-09-21T23:13:20+08:00\",\"note\":\"" +
           ev.note +
           "\",\"due\":null,\"extension\":null,\"by\":null,\"late_record\":false,\"service\":null,"
           "\"ext_id\":null,\"title\":\"路灯不亮\",\"description\":\"东街路灯\",\"reporter\":"
           "\"W0001\",\"lon\":118.5,\"lat\":35.25,\"prev_hash\":\"" +
           to_hex(l.prev) + "\",\"hash\":\"" + to_hex(l.hash) + "\"}\n";
  };
  std::istringstream good(row(e2, l2, "W0001") + row(e, l1, "W0001"));
  AuditReport r = verify_events_file(good, "ev.ndjson", std::chrono::hours(8));
  CHECK(r.ok());
  CHECK(r.events == 2);
  CHECK(r.last_event == 2);
  CHECK(r.head == l2.hash);

  std::istringstream edited(row(e, l1, "W0001") + row(e2, l2, "W0009"));
  r = verify_events_file(edited, "ev.ndjson", std::chrono::hours(8));
  REQUIRE_FALSE(r.ok());
  CHECK(r.finding->line == 2);
  CHECK(r.finding->event == 2);

  // Three rows in any order: every link between consecutive ids is checked, on whichever
  // side the later row arrives; an event twice in the file is named.
  Event e3 = e2;
  e3.id = 3;
  e3.note = "再催";
  const Link l3 = link_after(l2.hash, c, e3);
  for (const auto& order : {std::array{0, 1, 2}, std::array{2, 0, 1}, std::array{1, 2, 0},
                            std::array{2, 1, 0}, std::array{0, 2, 1}}) {
    const std::array<std::string, 3> rows{row(e, l1, "W0001"), row(e2, l2, "W0001"),
                                          row(e3, l3, "W0001")};
    std::istringstream in(rows[order[0]] + rows[order[1]] + rows[order[2]]);
    r = verify_events_file(in, "ev.ndjson", std::chrono::hours(8));
    CHECK(r.ok());
    CHECK(r.events == 3);
    CHECK(r.head == l3.hash);
  }
  // Event 2 as it would be after another event 1: its own hash checks, its link to 1 does not,
  // whether 1 comes before it or after.
  const Link other = link_after(sha256("elsewhere"), c, e2);
  for (bool one_first : {true, false}) {
    std::istringstream in(one_first ? row(e, l1, "W0001") + row(e2, other, "W0001")
                                    : row(e2, other, "W0001") + row(e, l1, "W0001"));
    r = verify_events_file(in, "ev.ndjson", std::chrono::hours(8));
    REQUIRE_FALSE(r.ok());
    CHECK(r.findings == 1);
    CHECK(r.finding->event == 2);
    CHECK(r.finding->line == (one_first ? 2 : 1));
    CHECK(r.finding->what.find("link to event 1 is broken") != std::string::npos);
  }
  std::istringstream twice(row(e, l1, "W0001") + row(e2, l2, "W0001") + row(e, l1, "W0001"));
  r = verify_events_file(twice, "ev.ndjson", std::chrono::hours(8));
  REQUIRE_FALSE(r.ok());
  CHECK(r.finding->event == 1);
  CHECK(r.finding->line == 3);
  CHECK(r.finding->what == "event 1 appears twice in the file");
  std::istringstream inside(row(e, l1, "W0001") + row(e2, l2, "W0001") + row(e3, l3, "W0001") +
                            row(e2, l2, "W0001"));
  r = verify_events_file(inside, "ev.ndjson", std::chrono::hours(8));
  REQUIRE_FALSE(r.ok());
  CHECK(r.findings == 1);
  CHECK(r.finding->event == 2);
  CHECK(r.finding->line == 4);
  // An id that is no event's: the file is not an export (exit 3), whatever its hashes say.
  for (long long id : {0LL, -5LL, std::numeric_limits<long long>::max()}) {
    Event odd = e;
    odd.id = id;
    std::istringstream in(row(odd, l1, "W0001"));
    CHECK_THROWS_AS((void)verify_events_file(in, "ev.ndjson", std::chrono::hours(8)), Error);
  }

  std::istringstream not_export("a,b\n1,2\n");
  CHECK_THROWS_AS((void)verify_events_file(not_export, "x.csv", std::chrono::hours(8)), Error);
}
