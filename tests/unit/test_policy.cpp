#include "gridgov/policy.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gridgov/readers.hpp"
#include "helpers.hpp"

using namespace gridgov;
using gridgov::testing::policy_problems;
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

namespace {

/// The one problem of `text`; fails the test when there are none or several.
std::string one_problem(const std::string& text) {
  const auto problems = policy_problems(text);
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  INFO(all);
  REQUIRE(problems.size() == 1);
  return problems.front();
}

/// An indicator table of `body` (its first line is line 2 of the file).
std::string indicator(const std::string& body) { return "[[assessment.indicators]]\n" + body; }

}  // namespace

TEST_CASE("the example policy's indicators and subsidies read back") {
  const Policy& p = default_policy();
  REQUIRE(p.indicators.size() == 6);
  CHECK(p.indicators[0] == Indicator{"on_time_rate", 25, Goal::target, 0.95});
  CHECK(p.indicators[1] == Indicator{"resolution_rate", 20, Goal::target, 0.95});
  CHECK(p.indicators[2] == Indicator{"rework_rate", 10, Goal::ceiling, 0.10});
  CHECK(p.indicators[3] == Indicator{"quota_rate", 15, Goal::target, 1.0});
  CHECK(p.indicators[4] == Indicator{"attendance_rate", 15, Goal::target, 0.95});
  CHECK(p.indicators[5] == Indicator{"supervision_overdue", 15, Goal::ceiling, 5});
  double total = 0;
  for (const auto& i : p.indicators) total += i.weight;
  CHECK(total == 100);
  REQUIRE(p.subsidies.has_value());
  CHECK(*p.subsidies == SubsidyRates{300000, 350000, 10000});
}

TEST_CASE("a policy without [assessment] or [subsidies] has no indicators and no rates") {
  Diagnostics d;
  const Policy p = parse_policy("timezone = \"+08:00\"\n", "p.toml", d);
  CHECK(d.empty());
  CHECK(p.indicators.empty());
  CHECK_FALSE(p.subsidies.has_value());
}

TEST_CASE("indicators read integer and float weights and bounds, in the file's order") {
  Diagnostics d;
  const Policy p =
      parse_policy(indicator("field = \"quota_rate\"\nweight = 12.5\ntarget = 1\n") +
                       indicator("field = \"overdue_open\"\nweight = 0\nceiling = 3\n"),
                   "p.toml", d);
  CHECK(d.empty());
  REQUIRE(p.indicators.size() == 2);
  CHECK(p.indicators[0] == Indicator{"quota_rate", 12.5, Goal::target, 1});
  CHECK(p.indicators[1] == Indicator{"overdue_open", 0, Goal::ceiling, 3});
}

TEST_CASE("an indicator's problems point at the value, with the field's path") {
  CHECK(one_problem(indicator("field = \"on_time_rat\"\nweight = 10\ntarget = 0.9\n")) ==
        "2:9 assessment.indicators[0].field: unknown indicator field \"on_time_rat\" (did you mean "
        "on_time_rate?); see the fields of `gridctl stats`, attendance_rate and rework_rate");
  CHECK(one_problem(indicator("field = \"happiness\"\nweight = 10\ntarget = 0.9\n")) ==
        "2:9 assessment.indicators[0].field: unknown indicator field \"happiness\"; see the fields "
        "of `gridctl stats`, attendance_rate and rework_rate");
  CHECK(one_problem(indicator("field = \"rework_rate\"\nweight = 10\ntarget = 0.9\nceiling = "
                              "0.1\n")) ==
        "5:11 assessment.indicators[0].ceiling: an indicator has a target or a ceiling, not both");
  CHECK(one_problem(indicator("field = \"rework_rate\"\nweight = 10\n")) ==
        "1:1 assessment.indicators[0].target: missing target or ceiling (target: higher is "
        "better; ceiling: lower is better)");
  CHECK(one_problem(indicator("field = \"rework_rate\"\nweight = -1\nceiling = 0.1\n")) ==
        "3:10 assessment.indicators[0].weight: must be ≥ 0");
  CHECK(one_problem(indicator("field = \"rework_rate\"\nweight = 1\nceiling = 0\n")) ==
        "4:11 assessment.indicators[0].ceiling: must be > 0");
  CHECK(one_problem(indicator("field = \"on_time_rate\"\nweight = 1\ntarget = -0.5\n")) ==
        "4:10 assessment.indicators[0].target: must be > 0");
  CHECK(one_problem(indicator("field = \"on_time_rate\"\nweight = 1\ntarget = 0.9\nnote = 1\n")) ==
        "5:8 assessment.indicators[0].note: unknown key \"note\"");
  CHECK(one_problem(indicator("field = \"on_time_rate\"\nweight = \"10\"\ntarget = 0.9\n")) ==
        "3:10 assessment.indicators[0].weight: expected a number, got a string");
  CHECK(one_problem(indicator("field = \"on_time_rate\"\nweight = 1\ntarget = nan\n")) ==
        "4:10 assessment.indicators[0].target: expected a finite number");
  CHECK(one_problem(indicator("field = 7\nweight = 1\ntarget = 0.9\n")) ==
        "2:9 assessment.indicators[0].field: expected a string, got an integer");
  CHECK(one_problem(indicator("weight = 1\ntarget = 0.9\n")) ==
        "1:1 assessment.indicators[0].field: missing field");
  CHECK(one_problem(indicator("field = \"on_time_rate\"\ntarget = 0.9\n")) ==
        "1:1 assessment.indicators[0].weight: missing weight");
}

TEST_CASE("the same indicator field twice is refused at the second") {
  const std::string a = indicator("field = \"on_time_rate\"\nweight = 10\ntarget = 0.9\n");
  CHECK(one_problem(a + a) ==
        "6:9 assessment.indicators[1].field: indicator on_time_rate is listed twice");
}

TEST_CASE("[assessment] takes only indicators, as an array of tables") {
  CHECK(one_problem("[assessment]\nweights = 100\n") ==
        "2:11 assessment.weights: unknown key \"weights\"");
  CHECK(one_problem("assessment = 3\n") == "1:14 assessment: expected a table, got an integer");
  CHECK(one_problem("[assessment]\nindicators = 3\n") ==
        "2:14 assessment.indicators: expected an array, got an integer");
}

TEST_CASE("every indicator problem is reported in one pass") {
  const auto problems = policy_problems(indicator("field = \"x\"\nweight = -1\ntarget = 0\n") +
                                        indicator("field = \"on_time_rate\"\nweight = 1\n"));
  CHECK(problems.size() == 4);
}

TEST_CASE("[subsidies] reads yuan as integers, floats and strings, to the fen") {
  Diagnostics d;
  const Policy p = parse_policy(
      "[subsidies]\nresident_monthly = 3000.5\ncluster_monthly = \"3500.07\"\nwhistle_daily = 0\n",
      "p.toml", d);
  CHECK(d.empty());
  REQUIRE(p.subsidies.has_value());
  CHECK(*p.subsidies == SubsidyRates{300050, 350007, 0});
  // A float is read as written: 0.07 is 7 fen, though the double is a hair above it.
  const Policy q = parse_policy(
      "[subsidies]\nresident_monthly = 0.07\ncluster_monthly = 1234.99\nwhistle_daily = 100.0\n",
      "p.toml", d);
  CHECK(d.empty());
  REQUIRE(q.subsidies.has_value());
  CHECK(*q.subsidies == SubsidyRates{7, 123499, 10000});
}

TEST_CASE("[subsidies] problems point at the value") {
  const std::string head = "[subsidies]\n";
  const std::string rest = "cluster_monthly = 3500\nwhistle_daily = 100\n";
  CHECK(one_problem(head + "resident_monthly = 0.001\n" + rest) ==
        "2:20 subsidies.resident_monthly: more than two decimals (yuan are exact to the fen)");
  CHECK(one_problem(head + "resident_monthly = \"1.234\"\n" + rest) ==
        "2:20 subsidies.resident_monthly: more than two decimals (yuan are exact to the fen)");
  CHECK(one_problem(head + "resident_monthly = -3000\n" + rest) ==
        "2:20 subsidies.resident_monthly: must be ≥ 0");
  CHECK(one_problem(head + "resident_monthly = -0.5\n" + rest) ==
        "2:20 subsidies.resident_monthly: must be ≥ 0");
  CHECK(one_problem(head + "resident_monthly = \"-1\"\n" + rest) ==
        "2:20 subsidies.resident_monthly: must be ≥ 0");
  CHECK(one_problem(head + "resident_monthly = \"abc\"\n" + rest) ==
        "2:20 subsidies.resident_monthly: bad amount \"abc\" (expected yuan with at most two "
        "decimals and 12 digits, e.g. \"3000.00\")");
  CHECK(one_problem(head + "resident_monthly = 10000000000000\n" + rest) ==
        "2:20 subsidies.resident_monthly: bad amount \"10000000000000\" (expected yuan with at "
        "most two decimals and 12 digits, e.g. \"3000.00\")");
  CHECK(one_problem(head + "resident_monthly = inf\n" + rest) ==
        "2:20 subsidies.resident_monthly: expected an amount in yuan, e.g. 3000.00");
  CHECK(one_problem(head + "resident_monthly = true\n" + rest) ==
        "2:20 subsidies.resident_monthly: expected an amount in yuan (a number or a string like "
        "\"3000.00\"), got a boolean");
  CHECK(one_problem(head + "resident_monthly = 3000\n" + rest + "monthly = 1\n") ==
        "5:11 subsidies.monthly: unknown key \"monthly\"");
  CHECK(one_problem(head + rest) == "1:1 subsidies.resident_monthly: missing resident_monthly");
  CHECK(one_problem("subsidies = 1\n") == "1:13 subsidies: expected a table, got an integer");
}
