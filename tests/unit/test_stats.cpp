#include "gridgov/stats.hpp"

#include <doctest/doctest.h>

#include "county.hpp"
#include "helpers.hpp"
#include "histories.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gridgov/cases.hpp"
#include "gridgov/service.hpp"
#include "gridgov/store.hpp"

using namespace gridgov;
using namespace gridgov::testing;
using std::chrono::hours;

namespace {

// The two functions under test, called only here: if their signatures change, these two
// lambdas are what to adapt.
const auto run_statistics = [](Session& session, const Period& period, std::vector<Grouping> by) {
  return statistics(session, period, by);
};
const auto run_quota = [](Session& session, const Period& period) {
  return quota(session, period);
};

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

/// `e` with the case's due after it at hour `h`.
Event due(Event e, int h) {
  e.due = k_t0 + hours(h);
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

TEST_CASE("outcome: a close after the due is late, a stage past its deadline is stage_late") {
  // Every stage on time, but the case closed after its due (rule 9: the clock does not restart).
  std::vector<Event> events = {due(ev(EventType::report, 0, Level::grid, 24), 48),
                               due(ev(EventType::escalate, 20, Level::village, 68), 48),
                               due(ev(EventType::resolve, 60, Level::village, 84), 48),
                               due(ev(EventType::close, 70, Level::village, std::nullopt), 48)};
  Outcome o = outcome(header(), events, k_t0 + hours(100));
  CHECK(o.closed);
  CHECK_FALSE(o.closed_on_time);
  CHECK_FALSE(o.stage_late);
  // Closed within its due, but the grid sat on it past the grid's stage deadline.
  events = {due(ev(EventType::report, 0, Level::grid, 24), 100),
            due(ev(EventType::escalate, 30, Level::village, 78), 100),
            due(ev(EventType::resolve, 40, Level::village, 64), 100),
            due(ev(EventType::close, 50, Level::village, std::nullopt), 100)};
  o = outcome(header(), events, k_t0 + hours(200));
  CHECK(o.closed_on_time);
  CHECK(o.stage_late);
  // Still open at the end, past the stage deadline in force then.
  CHECK(outcome(header(), {due(ev(EventType::report, 0, Level::grid, 24), 100)}, k_t0 + hours(25))
            .stage_late);
  CHECK_FALSE(
      outcome(header(), {due(ev(EventType::report, 0, Level::grid, 24), 100)}, k_t0 + hours(24))
          .stage_late);
}

TEST_CASE("outcome: a late close counts at its recorded time") {
  std::vector<Event> events = {due(ev(EventType::report, 0, Level::grid, 24), 48),
                               due(ev(EventType::close, 10, Level::grid, std::nullopt), 48)};
  events[1].recorded_at = k_t0 + hours(60);
  CHECK(outcome(header(), events, k_t0 + hours(100)).closed_on_time);
  events[1].late_record = true;
  const Outcome o = outcome(header(), events, k_t0 + hours(100));
  CHECK(o.closed);
  CHECK_FALSE(o.closed_on_time);
  REQUIRE(o.hours_to_close);
  CHECK(*o.hours_to_close == doctest::Approx(60.0));
}

TEST_CASE("outcome: extended, suspended at the end, and under an overdue order") {
  Event ext = due(ev(EventType::extend, 5, Level::grid, 24), 96);
  ext.extension = Duration::days_of_work(2);
  Event order = due(ev(EventType::supervise, 6, Level::grid, 24), 96);
  order.supervision_by = k_t0 + hours(30);
  Event suspend = due(ev(EventType::suspend, 7, Level::grid, 24), 96);
  const std::vector<Event> events = {due(ev(EventType::report, 0, Level::grid, 24), 48), ext, order,
                                     suspend};
  const Outcome o = outcome(header(), events, k_t0 + hours(200));
  CHECK(o.extended);
  CHECK(o.suspended_open);
  CHECK_FALSE(o.overdue_open);  // suspended: never overdue
  CHECK_FALSE(o.stage_late);    // suspended before its stage deadline
  CHECK(o.supervision_overdue);
  const Outcome early = outcome(header(), events, k_t0 + hours(6) + std::chrono::minutes(30));
  CHECK(early.extended);
  CHECK_FALSE(early.suspended_open);
  CHECK_FALSE(early.supervision_overdue);
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

TEST_CASE("outcome: open past the due at the end is overdue_open, and void is no problem") {
  const std::vector<Event> open = {due(ev(EventType::report, 0, Level::grid, 24), 48)};
  CHECK(outcome(header(), open, k_t0 + hours(49)).overdue_open);
  CHECK_FALSE(outcome(header(), open, k_t0 + hours(25)).overdue_open);  // only its stage is late
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

// ---- statistics() and quota() over a hand-built county ---------------------------------------

namespace {

/// 2026-MM-DDTHH:MMZ.
Timestamp utc(unsigned month, unsigned day, int hour, int minute = 0) {
  using namespace std::chrono;
  return sys_days(year{2026} / std::chrono::month{month} / std::chrono::day{day}) + hours(hour) +
         minutes(minute);
}

/// August 2026 at the built-in policy's +08:00: [2026-07-31T16:00Z, 2026-08-31T16:00Z).
const Period k_august{utc(7, 31, 16), utc(8, 31, 16)};

/// County C (县) ─ T1 (一镇) ─ Z1 ─ V1 ─ G1, G2
///              ─ T2 (二镇) ─ Z2 ─ V2 ─ G3
///              ─ T3 (三镇) ─ Z3 ─ V3 ─ G4      (no cases at all)
/// with the built-in policy (+08:00, 2 patrol reports a grid a day), grid workers g1…g4 and
/// on-call county workers cw, cw2.
Session county_store() {
  auto s = open_store(":memory:", {.create = true});
  Unit county;
  county.code = "C";
  county.name = "县";
  county.level = Level::county;
  REQUIRE(init_county(*s, county, utc(1, 1, 0)));
  LayoutInput in;
  in.entries = {le("T1", Level::town, "", "一镇"),       le("Z1", Level::zone, "T1", "一片区"),
                le("V1", Level::village, "Z1", "一村"),  le("G1", Level::grid, "V1", "一村一格"),
                le("G2", Level::grid, "V1", "一村二格"), le("T2", Level::town, "", "二镇"),
                le("Z2", Level::zone, "T2", "二片区"),   le("V2", Level::village, "Z2", "二村"),
                le("G3", Level::grid, "V2", "二村一格"), le("T3", Level::town, "", "三镇"),
                le("Z3", Level::zone, "T3", "三片区"),   le("V3", Level::village, "Z3", "三村"),
                le("G4", Level::grid, "V3", "三村一格")};
  REQUIRE(import_layout(*s, in, {}, utc(1, 1, 0)).written);
  (void)load_policy(*s, test_policy_text(), "test-policy.toml", utc(1, 1, 0));
  REQUIRE(import_workers(*s,
                         {we("g1", Tier::grid, {"G1"}), we("g2", Tier::grid, {"G2"}),
                          we("g3", Tier::grid, {"G3"}), we("g4", Tier::grid, {"G4"}),
                          we("cw", Tier::county, {"C"}, Deployment::whistle, "emergency"),
                          we("cw2", Tier::county, {"C"}, Deployment::whistle, "police")},
                         {})
              .written);
  return Session(std::move(s));
}

long long report(Session& s, const std::string& grid, const std::string& category, Timestamp at,
                 Source source = Source::patrol, Kind kind = Kind::problem,
                 const std::string& ext_id = "") {
  ReportRequest r;
  r.kind = kind;
  r.source = source;
  r.category = category;
  r.title = "事项";
  r.grid = grid;
  r.ext_id = ext_id;
  const std::string reporter = source == Source::patrol ? "g" + grid.substr(1) : "admin";
  return log_case(s, r, reporter, at).id;
}

Case step(Session& s, long long id, EventType type, Timestamp at,
          const std::string& actor = "admin", std::optional<Level> to = std::nullopt) {
  Move m;
  m.type = type;
  m.to = to;
  m.note = "说明";
  return act(s, id, m, actor, at);
}

Case dispatch_to(Session& s, long long id, const std::string& department, Timestamp at) {
  Move m;
  m.type = EventType::dispatch;
  m.department = department;
  return act(s, id, m, "admin", at);
}

Case whistle(Session& s, long long id, const std::string& worker, Timestamp at) {
  Move m;
  m.type = EventType::whistle;
  m.worker = worker;
  return act(s, id, m, "admin", at);
}

/// The cases of county_store() for August 2026 (local), with what each amounts to at the end of
/// the month (2026-08-31T16:00Z):
///   A  G1 patrol  environment_sanitation  closed by its grid after 2 h, on time
///   B  G2 hotline environment_sanitation  dispatched to enforcement, closed after 7 h, on time
///   C  G2 patrol  environment_sanitation  escalated to the village, open past its deadline
///   W  G2 patrol  public_order            escalated to the zone, whistled (cw on 08-20; cw2 on
///                                         09-01, after the end), open past its deadline
///   I  G1 patrol  info, reported at 2026-07-31T16:00Z: the first instant of August locally
///   V  G1 patrol  environment_sanitation  voided
///   D  G3 patrol  dispute                 escalated, resolved after its deadline, closed after
///                                         84 h: closed, not on time
///   D2 G3 patrol  info, livelihood_services, the same local day as D: G3 meets its quota once
///   F  G3 patrol  environment_sanitation  reported 08-31T08:00Z, closed exactly at the end: not
///                                         closed yet, and its deadline (09-01T08:00Z) not passed
/// and, outside the month:
///   E  G1 patrol  reported in July, resolved in July, sent back (rework) on 08-04: the rework
///                 counts in August (and in T1), the case does not
///   H  G1 patrol  reported 2026-07-31T15:30Z (23:30 local, July): not counted (else overdue)
///   J  G2 patrol  reported 2026-08-31T16:00Z, the end itself: not counted
/// No case anywhere in T3.
Session august_store() {
  auto s = county_store();
  using T = EventType;
  const long long a = report(s, "G1", "environment_sanitation", utc(8, 2, 2));
  (void)step(s, a, T::close, utc(8, 2, 4), "g1");

  const long long b = report(s, "G2", "environment_sanitation", utc(8, 3, 0), Source::hotline,
                             Kind::problem, "12345-1");
  (void)dispatch_to(s, b, "enforcement", utc(8, 3, 1));
  (void)step(s, b, T::resolve, utc(8, 3, 5));
  REQUIRE(step(s, b, T::close, utc(8, 3, 7)).status == Status::closed);

  const long long c = report(s, "G2", "environment_sanitation", utc(8, 10, 0));
  REQUIRE(step(s, c, T::escalate, utc(8, 10, 1), "g2").deadline == utc(8, 12, 1));

  const long long w = report(s, "G2", "public_order", utc(8, 20, 0));
  REQUIRE(step(s, w, T::escalate, utc(8, 20, 1), "g2", Level::zone).deadline == utc(8, 23, 1));
  (void)whistle(s, w, "cw", utc(8, 20, 2));
  (void)whistle(s, w, "cw2", utc(9, 1, 0));

  (void)report(s, "G1", "environment_sanitation", utc(7, 31, 16), Source::patrol, Kind::info);
  const long long v = report(s, "G1", "environment_sanitation", utc(8, 15, 0));
  (void)step(s, v, T::voided, utc(8, 15, 1));

  const long long d = report(s, "G3", "dispute", utc(8, 5, 0));
  REQUIRE(step(s, d, T::escalate, utc(8, 5, 1), "g3").deadline == utc(8, 7, 1));
  (void)step(s, d, T::resolve, utc(8, 8, 0));
  (void)step(s, d, T::close, utc(8, 8, 12));
  (void)report(s, "G3", "livelihood_services", utc(8, 5, 6), Source::patrol, Kind::info);

  const long long f = report(s, "G3", "environment_sanitation", utc(8, 31, 8));
  REQUIRE(step(s, f, T::close, k_august.to, "g3").status == Status::closed);

  const long long e = report(s, "G1", "environment_sanitation", utc(7, 20, 0));
  (void)step(s, e, T::escalate, utc(7, 20, 1), "g1");
  (void)step(s, e, T::resolve, utc(7, 21, 0));
  REQUIRE(step(s, e, T::rework, utc(8, 4, 0), "g1").rework == 1);
  (void)report(s, "G1", "environment_sanitation", utc(7, 31, 15, 30));
  (void)report(s, "G2", "environment_sanitation", k_august.to);
  return s;
}

/// The counts a row should have.
struct Expect {
  long long reported = 0;
  long long problems = 0;
  long long closed = 0;
  long long closed_on_time = 0;
  long long escalated = 0;
  long long whistles = 0;
  long long rework = 0;
  long long overdue_open = 0;
  std::optional<double> median = std::nullopt;
};

void check_row(const StatsRow& r, const Expect& x) {
  CAPTURE(r.group);
  CHECK(r.reported == x.reported);
  CHECK(r.problems == x.problems);
  CHECK(r.closed == x.closed);
  CHECK(r.closed_on_time == x.closed_on_time);
  CHECK(r.escalated == x.escalated);
  CHECK(r.referred == 0);
  CHECK(r.whistles == x.whistles);
  CHECK(r.rework == x.rework);
  CHECK(r.overdue_open == x.overdue_open);
  const auto median = r.median_hours_to_close();
  REQUIRE(median.has_value() == x.median.has_value());
  if (median) CHECK(*median == doctest::Approx(*x.median));
}

const StatsRow& row(const std::vector<StatsRow>& rows, const std::string& group) {
  const auto it =
      std::find_if(rows.begin(), rows.end(), [&](const StatsRow& r) { return r.group == group; });
  REQUIRE_MESSAGE(it != rows.end(), "no row " << group);
  return *it;
}

std::vector<std::string> groups(const std::vector<StatsRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.group);
  return out;
}

/// The county total of the August cases (the last row of every report).
const Expect k_total{.reported = 9,
                     .problems = 6,
                     .closed = 3,
                     .closed_on_time = 2,
                     .escalated = 3,
                     .whistles = 1,
                     .rework = 1,
                     .overdue_open = 2,
                     .median = 7.0};  // of 2, 7 and 84 hours

}  // namespace

TEST_CASE("statistics by town: a row for every town, cases or not, then the county total") {
  auto s = august_store();
  const auto rows = run_statistics(s, k_august, {Grouping::town});
  REQUIRE(groups(rows) == std::vector<std::string>{"T1", "T2", "T3", "C"});
  CHECK(rows[0].name == "一镇");
  CHECK(rows[2].name == "三镇");
  CHECK(rows[3].name == "县");
  // T1: A, B, C, W, I, V reported; A (2 h) and B (7 h) closed: the median of an even count.
  check_row(rows[0], {.reported = 6,
                      .problems = 4,
                      .closed = 2,
                      .closed_on_time = 2,
                      .escalated = 2,
                      .whistles = 1,
                      .rework = 1,
                      .overdue_open = 2,
                      .median = 4.5});
  CHECK(rows[0].resolution_rate() == doctest::Approx(0.5));
  // T2: D, D2, F reported; D closed late after 84 h; F not closed at the end, nor overdue.
  check_row(rows[1], {.reported = 3,
                      .problems = 2,
                      .closed = 1,
                      .closed_on_time = 0,
                      .escalated = 1,
                      .median = 84.0});
  check_row(rows[2], {});
  check_row(rows[3], k_total);
  // Rule 7: B (T1) and D (T2) were verified by admin in August; F's close falls after it.
  CHECK(rows[0].verified_by_admin == 1);
  CHECK(rows[1].verified_by_admin == 1);
  CHECK(rows[3].verified_by_admin == 2);
  CHECK(rows[3].resolution_rate() == doctest::Approx(0.5));
  CHECK(rows[3].on_time_rate() == doctest::Approx(2.0 / 6.0));
  // The daily quota: grid-days of the month (31 per grid) and those met (G3 on 08-05 only).
  CHECK(rows[0].grid_days == 62);
  CHECK(rows[0].quota_days_met == 0);
  CHECK(rows[1].grid_days == 31);
  CHECK(rows[1].quota_days_met == 1);
  CHECK(rows[2].grid_days == 31);
  CHECK(rows[2].quota_days_met == 0);
  CHECK(rows[3].grid_days == 124);
  CHECK(rows[3].quota_days_met == 1);
}

TEST_CASE("statistics by department: every department of the policy, then (none), then total") {
  auto s = august_store();
  const auto rows = run_statistics(s, k_august, {Grouping::department});
  const auto& departments = default_policy().departments;
  REQUIRE(rows.size() == departments.size() + 2);
  for (std::size_t i = 0; i < departments.size(); ++i) CHECK(rows[i].group == departments[i].code);
  // B, dispatched to enforcement, is the only case a department handled.
  check_row(row(rows, "enforcement"),
            {.reported = 1, .problems = 1, .closed = 1, .closed_on_time = 1, .median = 7.0});
  CHECK(row(rows, "enforcement").name == "县综合行政执法局");
  check_row(row(rows, "justice"), {});  // D is a dispute, but no department handled it
  const StatsRow& none = rows[departments.size()];
  CHECK(none.group == "");
  CHECK(none.name == "(none)");
  check_row(none, {.reported = 8,
                   .problems = 5,
                   .closed = 2,
                   .closed_on_time = 1,
                   .escalated = 3,
                   .whistles = 1,
                   .rework = 1,
                   .overdue_open = 2,
                   .median = 43.0});  // of 2 and 84 hours
  CHECK(rows.back().group == "C");
  check_row(rows.back(), k_total);
  CHECK_FALSE(none.quota_days_met.has_value());  // the quota is for unit groupings
}

TEST_CASE("statistics by category and by source: every category and source gets its row") {
  auto s = august_store();
  const auto by_category = run_statistics(s, k_august, {Grouping::category});
  const auto& categories = default_policy().categories;
  REQUIRE(by_category.size() == categories.size() + 1);
  for (std::size_t i = 0; i < categories.size(); ++i)
    CHECK(by_category[i].group == categories[i].code);
  check_row(row(by_category, "environment_sanitation"), {.reported = 6,
                                                         .problems = 4,
                                                         .closed = 2,
                                                         .closed_on_time = 2,
                                                         .escalated = 1,
                                                         .rework = 1,
                                                         .overdue_open = 1,
                                                         .median = 4.5});
  CHECK(row(by_category, "environment_sanitation").name == "环境卫生");
  check_row(row(by_category, "dispute"),
            {.reported = 1, .problems = 1, .closed = 1, .escalated = 1, .median = 84.0});
  check_row(row(by_category, "public_order"),
            {.reported = 1, .problems = 1, .escalated = 1, .whistles = 1, .overdue_open = 1});
  check_row(row(by_category, "livelihood_services"), {.reported = 1});
  check_row(row(by_category, "fire_hazard"), {});
  check_row(by_category.back(), k_total);

  const auto by_source = run_statistics(s, k_august, {Grouping::source});
  REQUIRE(groups(by_source) == std::vector<std::string>{"patrol", "hotline", "surveillance",
                                                        "petition", "platform", "C"});
  check_row(by_source[0], {.reported = 8,
                           .problems = 5,
                           .closed = 2,
                           .closed_on_time = 1,
                           .escalated = 3,
                           .whistles = 1,
                           .rework = 1,
                           .overdue_open = 2,
                           .median = 43.0});
  check_row(by_source[1],
            {.reported = 1, .problems = 1, .closed = 1, .closed_on_time = 1, .median = 7.0});
  check_row(by_source[2], {});
  check_row(by_source[3], {});
  check_row(by_source[4], {});
  check_row(by_source[5], k_total);
}

TEST_CASE("statistics by town and source: only pairs with cases, sorted, codes a/b") {
  auto s = august_store();
  const auto rows = run_statistics(s, k_august, {Grouping::town, Grouping::source});
  REQUIRE(groups(rows) ==
          std::vector<std::string>{"T1/hotline", "T1/patrol", "T2/patrol", "C"});  // no T3
  CHECK(rows[0].name == "一镇/hotline");
  CHECK(rows[2].name == "二镇/patrol");
  check_row(rows[0],
            {.reported = 1, .problems = 1, .closed = 1, .closed_on_time = 1, .median = 7.0});
  check_row(rows[1], {.reported = 5,
                      .problems = 3,
                      .closed = 1,
                      .closed_on_time = 1,
                      .escalated = 2,
                      .whistles = 1,
                      .rework = 1,
                      .overdue_open = 2,
                      .median = 2.0});
  check_row(rows[2], {.reported = 3, .problems = 2, .closed = 1, .escalated = 1, .median = 84.0});
  check_row(rows[3], k_total);
  CHECK_FALSE(rows[0].quota_days_met.has_value());
}

TEST_CASE("statistics: the period's bounds decide what was reported and what has happened") {
  auto s = august_store();
  // July (local): E (reported 07-20, escalated, resolved 07-21) and H (07-31T15:30Z) are its
  // cases; I (07-31T16:00Z) is August's. At the end of July E is resolved, awaiting
  // verification: neither closed nor open past a deadline; H is open within its deadline. The
  // whistles and the rework happen later.
  const Period july{utc(6, 30, 16), utc(7, 31, 16)};
  const auto rows = run_statistics(s, july, {Grouping::town});
  REQUIRE(groups(rows) == std::vector<std::string>{"T1", "T2", "T3", "C"});
  check_row(rows[0], {.reported = 2, .problems = 2, .escalated = 1});
  check_row(rows[1], {});
  check_row(rows.back(), {.reported = 2, .problems = 2, .escalated = 1});

  // August and September: J (reported at 08-31T16:00Z) now counts, and is open past its
  // deadline at the end; F's close (at 08-31T16:00Z) and cw2's whistle (09-01) have happened.
  const Period two_months{utc(7, 31, 16), utc(9, 30, 16)};
  const auto both = run_statistics(s, two_months, {});
  REQUIRE(both.size() == 1);
  check_row(both[0], {.reported = 10,
                      .problems = 7,
                      .closed = 4,
                      .closed_on_time = 3,
                      .escalated = 3,
                      .whistles = 2,
                      .rework = 1,
                      .overdue_open = 3,
                      .median = 7.5});  // of 2, 7, 8 and 84 hours
  CHECK(both[0].group == "C");
}

TEST_CASE("quota: a grid meets it on a local day with 2 patrol reports, at +08:00") {
  auto s = county_store();
  // Local days 08-01, 08-02 and 08-03 (+08:00): from 07-31T16:00Z to 08-03T16:00Z.
  const Period days{utc(7, 31, 16), utc(8, 3, 16)};
  // G1: 00:30 and 23:30 local on 08-01 (two UTC days), and three reports on 08-03: 2 days.
  (void)report(s, "G1", "environment_sanitation", utc(7, 31, 16, 30));
  (void)report(s, "G1", "environment_sanitation", utc(8, 1, 15, 30));
  for (int h : {1, 2, 3}) (void)report(s, "G1", "environment_sanitation", utc(8, 3, h));
  // G2: one UTC day (08-01), but 23:30 on 08-01 and 00:30 on 08-02 locally: no day.
  (void)report(s, "G2", "environment_sanitation", utc(8, 1, 15, 30));
  (void)report(s, "G2", "environment_sanitation", utc(8, 1, 16, 30));
  // G3: two on 08-02; on 08-03 one patrol report and one hotline case, which is no patrol: 1.
  (void)report(s, "G3", "environment_sanitation", utc(8, 2, 2));
  (void)report(s, "G3", "environment_sanitation", utc(8, 2, 3));
  (void)report(s, "G3", "environment_sanitation", utc(8, 3, 2));
  (void)report(s, "G3", "environment_sanitation", utc(8, 3, 3), Source::hotline, Kind::problem,
               "12345-9");
  // G4: two on 07-31 local (before the period), one on 08-02, two on 08-04 local (after): 0.
  (void)report(s, "G4", "environment_sanitation", utc(7, 31, 15));
  (void)report(s, "G4", "environment_sanitation", utc(7, 31, 15, 30));
  (void)report(s, "G4", "environment_sanitation", utc(8, 2, 9));
  (void)report(s, "G4", "environment_sanitation", utc(8, 3, 16));
  (void)report(s, "G4", "environment_sanitation", utc(8, 3, 17));

  const auto rows = run_quota(s, days);
  REQUIRE(rows.size() == 4);
  const std::vector<std::pair<std::string, long long>> expected = {
      {"G1", 2}, {"G2", 0}, {"G3", 1}, {"G4", 0}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CAPTURE(i);
    CHECK(rows[i].grid == expected[i].first);
    CHECK(rows[i].days == 3);
    CHECK(rows[i].days_met() == expected[i].second);
  }
  CHECK(rows[0].name == "一村一格");
  CHECK(rows[0].rate() == doctest::Approx(2.0 / 3.0));
  CHECK(rows[1].rate() == 0.0);

  // A single report on a day is not enough: G4's 08-02 becomes a met day with a second one.
  (void)report(s, "G4", "environment_sanitation", utc(8, 2, 10));
  CHECK(run_quota(s, days)[3].days_met() == 1);

  // Rule 12: a report by admin and a voided one do not count, and say why: G2's 08-02 local
  // keeps its one valid report, and is not met.
  ReportRequest r;
  r.category = "environment_sanitation";
  r.title = "事项";
  r.grid = "G2";
  (void)log_case(s, r, "admin", utc(8, 2, 5));
  const long long voided = log_case(s, r, "g2", utc(8, 2, 6)).id;
  (void)step(s, voided, EventType::voided, utc(8, 2, 7));
  const QuotaRow g2 = run_quota(s, days)[1];
  CHECK(g2.days_met() == 0);
  CHECK(g2.reports.valid == 2);  // the two above, on 08-01 and 08-02 local
  CHECK(g2.reports.by_admin == 1);
  CHECK(g2.reports.voided == 1);
  CHECK(g2.reports.not_grid_worker == 0);
}

// ---- the fast path against the definition -----------------------------------------------------

namespace {

using Keyed = std::map<std::vector<std::string>, Tally>;

/// The stored keys of a case (or, with an event's department, of an event) for `keys`.
std::vector<std::string> keys_of(const std::vector<StatsKey>& keys, const Case& c,
                                 const std::string& department) {
  std::vector<std::string> out;
  for (StatsKey k : keys)
    out.push_back(k == StatsKey::grid         ? c.grid
                  : k == StatsKey::department ? department
                  : k == StatsKey::category   ? c.category
                                              : std::string(to_string(c.source)));
  return out;
}

/// What the definition says: every case of the period replayed through `outcome`, every event
/// of the period through Tally::add.
Keyed by_replay(Reporting& r, const Period& p, const std::vector<StatsKey>& keys) {
  Keyed out;
  r.for_each_case(p.from, p.to, p.to, [&](const Case& c, const std::vector<Event>& events) {
    const Outcome o = outcome(c, events, p.to);
    out[keys_of(keys, c, o.department)].add(o);
  });
  r.for_each_event(p.from, p.to, [&](const Case& c, const Event& e, const Link&) {
    Tally t;
    t.add(e);
    out[keys_of(keys, c, e.department)] += t;
  });
  return out;
}

/// What statistics() sums: the stored tallies of settled cases, the unsettled ones replayed,
/// and the events' tallies.
Keyed by_fast_path(Reporting& r, const Period& p, const std::vector<StatsKey>& keys) {
  Keyed out;
  auto add = [&](const std::vector<std::string>& k, const Tally& t) { out[k] += t; };
  r.settled_tallies(p.from, p.to, p.to, keys, add);
  r.for_each_unsettled_case(p.from, p.to, p.to,
                            [&](const Case& c, const std::vector<Event>& events) {
                              const Outcome o = outcome(c, events, p.to);
                              out[keys_of(keys, c, o.department)].add(o);
                            });
  r.event_tallies(p.from, p.to, keys, add);
  return out;
}

void check_same(Keyed fast, Keyed replayed) {
  // A group of nothing (an event that counts for no figure) is no difference.
  auto empty = [](const auto& kv) {
    const Tally& t = kv.second;
    return t.reported == 0 && t.whistles == 0 && t.rework == 0 && t.supervised == 0 &&
           t.verified_by_admin == 0;
  };
  std::erase_if(fast, empty);
  std::erase_if(replayed, empty);
  REQUIRE(fast.size() == replayed.size());
  for (auto& [key, f] : fast) {
    auto& r = replayed.at(key);
    std::sort(f.hours.begin(), f.hours.end());
    std::sort(r.hours.begin(), r.hours.end());
    CHECK(f.reported == r.reported);
    CHECK(f.problems == r.problems);
    CHECK(f.closed == r.closed);
    CHECK(f.closed_on_time == r.closed_on_time);
    CHECK(f.escalated == r.escalated);
    CHECK(f.referred == r.referred);
    CHECK(f.whistles == r.whistles);
    CHECK(f.rework == r.rework);
    CHECK(f.overdue_open == r.overdue_open);
    CHECK(f.stage_late == r.stage_late);
    CHECK(f.extended == r.extended);
    CHECK(f.suspended_open == r.suspended_open);
    CHECK(f.supervised == r.supervised);
    CHECK(f.supervision_overdue == r.supervision_overdue);
    CHECK(f.verified_by_admin == r.verified_by_admin);
    CHECK(f.hours == r.hours);
  }
}

}  // namespace

TEST_CASE("statistics' fast path gives the definition's figures for random histories") {
  Session s = county_store();
  Store& store = s.store();
  std::mt19937 rng(7);
  {
    auto tx = store.begin_write();
    for (int i = 0; i < 600; ++i) {
      History h = random_history(rng, {"G1", "G2", "G3", "G4"});
      Case c = replay(h.header, h.events);  // what record() stores
      const long long id = store.add_case(c);
      for (Event& e : h.events) {
        e.case_id = id;
        (void)store.add_event(c, e);
      }
    }
    tx->commit();
  }
  const std::vector<std::vector<StatsKey>> groupings = {
      {},
      {StatsKey::grid},
      {StatsKey::department},
      {StatsKey::category, StatsKey::source},
      {StatsKey::grid, StatsKey::department, StatsKey::category, StatsKey::source}};
  int unsettled = 0;
  for (int i = 0; i < 40; ++i) {
    const Timestamp from = at_h(380 + static_cast<int>(rng() % 80));
    const Period p{from, from + std::chrono::hours(1 + rng() % 300)};
    s.reporting().for_each_unsettled_case(
        p.from, p.to, p.to, [&](const Case&, const std::vector<Event>&) { ++unsettled; });
    for (const auto& keys : groupings) {
      CAPTURE(i);
      CAPTURE(keys.size());
      check_same(by_fast_path(s.reporting(), p, keys), by_replay(s.reporting(), p, keys));
    }
  }
  CHECK(unsettled > 0);  // both paths were taken
}

// ---- one unit's subtree, relative months, Chinese groupings (issue 11) ------------------------

TEST_CASE("statistics --unit: a town's subtree adds up to its row of the county's report") {
  auto s = august_store();
  const auto towns = run_statistics(s, k_august, {Grouping::town});
  const auto grids = run_statistics(s, k_august, {Grouping::grid});
  const auto t1 = statistics(s, k_august, {Grouping::grid}, "T1");
  // G1 and G2, then T1's own total.
  REQUIRE(t1.size() == 3);
  CHECK(t1[0].group == "G1");
  CHECK(t1[1].group == "G2");
  CHECK(t1.back().group == "T1");
  CHECK(t1.back().name == "一镇");
  const auto& town =
      *std::find_if(towns.begin(), towns.end(), [](const StatsRow& r) { return r.group == "T1"; });
  for (const StatsRow* r : {&t1.back(), &t1[0], &t1[1]}) {
    const StatsRow& want =
        r == &t1.back() ? town : *std::find_if(grids.begin(), grids.end(), [&](const StatsRow& g) {
          return g.group == r->group;
        });
    CHECK(r->reported == want.reported);
    CHECK(r->problems == want.problems);
    CHECK(r->closed == want.closed);
    CHECK(r->whistles == want.whistles);
    CHECK(r->rework == want.rework);
    CHECK(r->overdue_open == want.overdue_open);
    CHECK(r->quota_days_met == want.quota_days_met);
    CHECK(r->grid_days == want.grid_days);
  }
  // A non-unit grouping within a unit counts only that unit's cases.
  const auto by_source = statistics(s, k_august, {Grouping::source}, "T2");
  long long reported = 0;
  for (std::size_t i = 0; i + 1 < by_source.size(); ++i) reported += by_source[i].reported;
  CHECK(reported == by_source.back().reported);
  CHECK(by_source.back().group == "T2");
  CHECK_THROWS_AS((void)statistics(s, k_august, {}, "nowhere"), Error);
}

TEST_CASE("quota --unit: the grids of a unit, each with its town") {
  auto s = august_store();
  const auto all = run_quota(s, k_august);
  const auto t1 = quota(s, k_august, "Z1");
  REQUIRE(t1.size() == 2);
  CHECK(t1[0].grid == "G1");
  CHECK(t1[1].grid == "G2");
  for (const auto& q : t1) {
    CHECK(q.town == "T1");
    CHECK(q.town_name == "一镇");
    const auto& same =
        *std::find_if(all.begin(), all.end(), [&](const QuotaRow& a) { return a.grid == q.grid; });
    CHECK(q.reports == same.reports);
  }
}

TEST_CASE("month_period: this and last month at the policy's offset") {
  // 2026-09-30T16:30Z is 2026-10-01T00:30 at +08:00: this month is October there.
  const Timestamp now = utc(9, 30, 16, 30);
  const auto this_month = month_period("this", hours(8), now);
  const auto last_month = month_period("last", hours(8), now);
  REQUIRE(this_month);
  REQUIRE(last_month);
  CHECK(this_month->from == month_period("2026-10", hours(8))->from);
  CHECK(last_month->from == month_period("2026-09", hours(8))->from);
  CHECK(last_month->to == this_month->from);
  // January's last month is the year before's December.
  const auto january = month_period("last", hours(8), utc(1, 15, 0));
  REQUIRE(january);
  CHECK(january->from == month_period("2025-12", hours(8))->from);
  CHECK(month_period("2026-08", hours(8), now)->from == k_august.from);
  CHECK_FALSE(month_period("next", hours(8), now));
}

TEST_CASE("parse_grouping: the glossary's Chinese words, the levels' through parse_level") {
  CHECK(parse_grouping("镇街") == Grouping::town);
  CHECK(parse_grouping("片区") == Grouping::zone);
  CHECK(parse_grouping("村居") == Grouping::village);
  CHECK(parse_grouping("网格") == Grouping::grid);
  CHECK(parse_grouping("部门") == Grouping::department);
  CHECK(parse_grouping("事项类别") == Grouping::category);
  CHECK(parse_grouping("来源") == Grouping::source);
  CHECK_FALSE(parse_grouping("县"));  // the county is the total row
  CHECK_FALSE(parse_grouping("county"));
}
