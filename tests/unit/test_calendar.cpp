#include "gridgov/calendar.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include "gridgov/readers.hpp"
#include "gridgov/service.hpp"

using namespace gridgov;
using namespace gridgov::testing;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

const minutes k_china(8 * 60);

Date date(const char* text) {
  auto d = parse_date(text);
  REQUIRE(d.has_value());
  return *d;
}

/// A local time at +08:00.
Timestamp local(const char* text) {
  auto t = parse_time(text, k_china);
  REQUIRE(t.has_value());
  return *t;
}

/// The built-in policy's calendar: the State Council's 2026 holidays.
const Calendar& cal2026() { return default_policy().calendar; }

Timestamp after(const char* at, const Duration& d) {
  return limit_end(cal2026(), k_china, local(at), d);
}

Duration wd(int n) { return Duration::days_of_work(n); }

/// The diagnostics a [calendar] section gives, as `line:col: reason` strings.
std::vector<std::string> calendar_problems(const std::string& section) {
  Diagnostics d(50);
  (void)parse_policy("timezone = \"+08:00\"\n" + section, "p.toml", d);
  std::vector<std::string> out;
  for (const auto& x : d.list())
    out.push_back(std::to_string(x.line) + ":" + std::to_string(x.column) + ": " + x.reason);
  return out;
}

}  // namespace

TEST_CASE("parse_date reads real dates of 2000-2099 only") {
  CHECK(format_date(date("2026-02-28")) == "2026-02-28");
  CHECK(format_date(date("2028-02-29")) == "2028-02-29");
  for (const char* bad : {"2026-02-29", "2026-13-01", "2026-1-01", "1999-12-31", "2100-01-01",
                          "2026-10-01T00:00", "", "二〇二六-10-01", "+026-10-01"})
    CHECK_FALSE(parse_date(bad).has_value());
}

TEST_CASE("the 2026 calendar: holidays off, make-up weekends worked, the rest Monday-Friday") {
  const Calendar& c = cal2026();
  CHECK(c.years() == std::set<int>{2026});
  CHECK_FALSE(c.is_working_day(date("2026-10-01")));  // 国庆, a Thursday
  CHECK_FALSE(c.is_working_day(date("2026-10-07")));
  CHECK(c.is_working_day(date("2026-10-08")));
  CHECK(c.is_working_day(date("2026-10-10")));        // a Saturday worked (调休)
  CHECK_FALSE(c.is_working_day(date("2026-10-11")));  // an ordinary Sunday
  CHECK(c.is_working_day(date("2026-02-14")));        // Saturday before the Spring Festival
  CHECK_FALSE(c.is_working_day(date("2026-02-16")));  // a Monday of the Spring Festival
  CHECK(c.is_working_day(date("2026-02-24")));
  CHECK(c.is_working_day(date("2027-10-01")));  // 2027 is not covered: a Friday is a Friday
  CHECK_FALSE(c.is_working_day(date("2027-10-02")));
}

TEST_CASE("N working days end at 24:00 local of the N-th working day after the event's day") {
  // The design's example: across the National Day week and its make-up Saturday.
  CHECK(after("2026-09-30T09:00", wd(5)) == local("2026-10-14T00:00"));
  // The event's own day never counts, however early.
  CHECK(after("2026-10-08T00:00", wd(1)) == local("2026-10-10T00:00"));
  // Across the Spring Festival: Saturday 02-14 is worked, then nine days off.
  CHECK(after("2026-02-13T10:00", wd(1)) == local("2026-02-15T00:00"));
  CHECK(after("2026-02-13T10:00", wd(2)) == local("2026-02-25T00:00"));
  // One minute apart, a day apart: 23:59 and 00:00 local fall on different days.
  CHECK(after("2026-11-30T23:59", wd(1)) == local("2026-12-02T00:00"));
  CHECK(after("2026-12-01T00:00", wd(1)) == local("2026-12-03T00:00"));
  // The local day, not the UTC one: 2026-12-01T00:30+08:00 is still 11-30 in UTC.
  CHECK(after("2026-12-01T00:30", wd(1)) == local("2026-12-03T00:00"));
  // A year the calendar does not cover counts Monday to Friday.
  CHECK(after("2027-09-30T09:00", wd(5)) == local("2027-10-08T00:00"));
  // Natural durations ignore the calendar.
  CHECK(after("2026-09-30T09:00", hours(36)) == local("2026-10-01T21:00"));
}

TEST_CASE("Policy::after counts a policy's working days in its timezone") {
  const Policy& p = default_policy();
  CHECK(p.after(local("2026-09-30T09:00"), wd(5)) == local("2026-10-14T00:00"));
  CHECK(p.after(local("2026-09-30T09:00"), hours(24)) == local("2026-10-01T09:00"));
}

TEST_CASE("parse_duration reads working days") {
  CHECK(parse_duration("5wd") == wd(5));
  CHECK(format_duration(wd(13)) == "13wd");
  for (const char* bad : {"0wd", "wd", "1001wd", "-5wd", "5 wd", "5WD", "1d5wd"})
    CHECK_FALSE(parse_duration(bad).has_value());
}

TEST_CASE("a calendar that is wrong names each place: range, date, weekday, overlap") {
  CHECK(calendar_problems("[calendar]\nholidays = [\"2026-10-07/2026-10-01\"]\n") ==
        std::vector<std::string>{"3:13: range 2026-10-07/2026-10-01 ends before it begins"});
  CHECK(calendar_problems("[calendar]\nholidays = [\"2026-10-32\"]\n") ==
        std::vector<std::string>{"3:13: \"2026-10-32\" is not a date of 2000–2099 (YYYY-MM-DD)"});
  CHECK(calendar_problems("[calendar]\nworkdays = [\"2026-10-09\"]\n") ==
        std::vector<std::string>{"3:13: 2026-10-09 is a weekday; a make-up workday (调休上班) is a "
                                 "Saturday or Sunday"});
  CHECK(calendar_problems("[calendar]\nholidays = [\"2026-10-01/2026-10-07\",\n"
                          "            \"2026-10-05/2026-10-09\"]\n") ==
        std::vector<std::string>{"4:13: 2026-10-05/2026-10-09 overlaps 2026-10-01/2026-10-07 "
                                 "(calendar.holidays[0])"});
  CHECK(calendar_problems("[calendar]\nholidays = [\"2026-10-01/2026-10-07\"]\n"
                          "workdays = [\"2026-10-03\"]\n") ==
        std::vector<std::string>{"4:13: 2026-10-03 is also a holiday"});
  CHECK(calendar_problems("[calendar]\nholidays = [20261001]\nrest = 1\n").size() == 2);
  // A bare TOML date reads like a quoted one.
  Diagnostics d;
  const Policy p = parse_policy("[calendar]\nworkdays = [2026-10-10]\n", "p.toml", d);
  CHECK(d.empty());
  CHECK(p.calendar.workdays == std::vector<Date>{date("2026-10-10")});
}

TEST_CASE("policy_warnings: a calendar that does not cover the current year is said") {
  CHECK(policy_warnings(default_policy(), local("2026-12-31T23:59")).empty());
  const auto next = policy_warnings(default_policy(), local("2027-01-01T00:00"));
  REQUIRE(next.size() == 1);
  CHECK(contains(next[0], "covers 2026"));
  CHECK(contains(next[0], "2027"));
  Policy bare;
  CHECK(contains(policy_warnings(bare, local("2026-06-01T00:00")).at(0), "covers no year"));
}
