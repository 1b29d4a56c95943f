#include "gridgov/policy.hpp"

#include <doctest/doctest.h>

#include <string>

#include "gridgov/readers.hpp"

using namespace gridgov;
using std::chrono::hours;
using std::chrono::minutes;

TEST_CASE("parse_duration reads d, h and m") {
  CHECK(parse_duration("36h") == minutes(36 * 60));
  CHECK(parse_duration("3d") == minutes(3 * 24 * 60));
  CHECK(parse_duration("90m") == minutes(90));
  CHECK(parse_duration("1d12h") == minutes(36 * 60));
  CHECK(parse_duration("1h30m") == minutes(90));
  CHECK(parse_duration("0h5m") == minutes(5));
}

TEST_CASE("parse_duration refuses empty, zero, unitless and malformed durations") {
  CHECK_FALSE(parse_duration("").has_value());
  CHECK_FALSE(parse_duration("0h").has_value());
  CHECK_FALSE(parse_duration("0d0m").has_value());
  CHECK_FALSE(parse_duration("3").has_value());
  CHECK_FALSE(parse_duration("1d3").has_value());
  CHECK_FALSE(parse_duration("h").has_value());
  CHECK_FALSE(parse_duration("3x").has_value());
  CHECK_FALSE(parse_duration("-1h").has_value());
  CHECK_FALSE(parse_duration("3 h").has_value());
  CHECK_FALSE(parse_duration(" 3h").has_value());
  CHECK_FALSE(parse_duration("3H").has_value());
}

TEST_CASE("parse_duration refuses huge durations instead of overflowing") {
  CHECK_FALSE(parse_duration("99999999999999999999999h").has_value());
  CHECK_FALSE(parse_duration("1000000001m").has_value());
  CHECK_FALSE(parse_duration("1000000000d").has_value());
  CHECK_FALSE(parse_duration("999999999d999999999d").has_value());
  CHECK(parse_duration("1000000000m") == minutes(1'000'000'000));
}

TEST_CASE("format_duration gives the shortest spelling") {
  CHECK(format_duration(minutes(7200)) == "5d");
  CHECK(format_duration(minutes(2160)) == "36h");
  CHECK(format_duration(minutes(90)) == "90m");
  CHECK(format_duration(minutes(60)) == "1h");
  CHECK(format_duration(minutes(1440)) == "1d");
}

TEST_CASE("format_duration and parse_duration round trip") {
  for (long long m : {1LL, 59LL, 60LL, 61LL, 1439LL, 1440LL, 2160LL, 10080LL, 21600LL}) {
    CAPTURE(m);
    CHECK(parse_duration(format_duration(minutes(m))) == minutes(m));
  }
}

TEST_CASE("Policy::deadline_for prefers the category's own deadline") {
  Policy p;
  p.deadlines.level = {hours(168), hours(120), hours(72), hours(48), hours(24)};
  Category own{"fire", "消防隐患", Level::zone, "emergency", hours(12), true, std::nullopt};
  Category plain{"dispute",    "矛盾纠纷", Level::village, "justice",
                 std::nullopt, false,      std::nullopt};
  CHECK(p.deadline_for(own, Level::grid) == hours(12));
  CHECK(p.deadline_for(own, Level::town) == hours(12));
  CHECK(p.deadline_for(plain, Level::grid) == hours(24));
  CHECK(p.deadline_for(plain, Level::village) == hours(48));
  CHECK(p.deadline_for(plain, Level::zone) == hours(72));
  CHECK(p.deadline_for(plain, Level::town) == hours(120));
  CHECK(p.deadline_for(plain, Level::county) == hours(168));
}

TEST_CASE("Policy::find_department and find_category find by code") {
  Policy p;
  p.departments = {{"housing", "县住房和城乡建设局"}, {"police", "县公安局"}};
  p.categories = {
      {"dispute", "矛盾纠纷", Level::village, "justice", std::nullopt, false, std::nullopt}};
  REQUIRE(p.find_department("police") != nullptr);
  CHECK(p.find_department("police")->name == "县公安局");
  CHECK(p.find_department("Police") == nullptr);
  CHECK(p.find_department("") == nullptr);
  REQUIRE(p.find_category("dispute") != nullptr);
  CHECK(p.find_category("dispute")->authority == Level::village);
  CHECK(p.find_category("fire") == nullptr);
}

TEST_CASE("default_policy is the model county's policy") {
  const Policy& p = default_policy();
  CHECK(p.utc_offset == minutes(8 * 60));
  CHECK_FALSE(p.auto_escalate);
  CHECK(p.daily_reports_per_grid == 2);
  CHECK(p.deadlines.level[index(Level::grid)] == hours(24));
  CHECK(p.deadlines.level[index(Level::village)] == hours(48));
  CHECK(p.deadlines.level[index(Level::zone)] == hours(72));
  CHECK(p.deadlines.level[index(Level::town)] == hours(5 * 24));
  CHECK(p.deadlines.level[index(Level::county)] == hours(7 * 24));
  CHECK(p.deadlines.verification == hours(24));

  REQUIRE(p.find_department("housing") != nullptr);
  CHECK(p.find_department("housing")->name == "县住房和城乡建设局");
  CHECK(p.find_department("police") != nullptr);
  CHECK(p.departments.size() >= 10);

  const Category* c = p.find_category("illegal_construction");
  REQUIRE(c != nullptr);
  CHECK(c->name == "违法建设");
  CHECK(c->authority == Level::town);
  CHECK(c->department == "housing");
  CHECK(c->deadline == hours(5 * 24));
  CHECK_FALSE(c->urgent);

  const Category* fire = p.find_category("fire_hazard");
  REQUIRE(fire != nullptr);
  CHECK(fire->urgent);
  CHECK(fire->deadline == hours(12));

  // Every category's department is one of the policy's.
  for (const auto& cat : p.categories) {
    CAPTURE(cat.code);
    if (!cat.department.empty()) CHECK(p.find_department(cat.department) != nullptr);
  }
}

TEST_CASE("default_policy_text parses cleanly into default_policy") {
  const std::string_view text = default_policy_text();
  CHECK(text.find("[[departments]]") != std::string_view::npos);
  Diagnostics d;
  const Policy p = parse_policy(text, "built-in", d);
  CHECK(d.empty());
  CHECK(p == default_policy());
}
