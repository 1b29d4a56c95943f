#include "gridgov/assessment.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

using namespace gridgov;

namespace {

const Indicator k_on_time{"on_time_rate", 30, Goal::target, 0.95};
const Indicator k_rework{"rework_rate", 10, Goal::ceiling, 0.05};
const Indicator k_overdue{"supervision_overdue", 20, Goal::ceiling, 5};

/// A result of `indicator` for `value`, with its points by the formula under test.
IndicatorResult result(const Indicator& indicator, std::optional<double> value) {
  return {indicator.field, value, indicator.weight, indicator_points(indicator, value)};
}

}  // namespace

TEST_CASE("indicator_fields are the statistics fields, then attendance_rate and rework_rate") {
  const auto& f = indicator_fields();
  REQUIRE(f.size() == k_stat_fields.size() + 2);
  CHECK(std::equal(k_stat_fields.begin(), k_stat_fields.end(), f.begin()));
  CHECK(f[f.size() - 2] == "attendance_rate");
  CHECK(f.back() == "rework_rate");
  CHECK(is_indicator_field("on_time_rate"));
  CHECK(is_indicator_field("supervision_overdue"));
  CHECK(is_indicator_field("rework_rate"));
  CHECK_FALSE(is_indicator_field("on_time"));
  CHECK_FALSE(is_indicator_field(""));
  CHECK_FALSE(is_indicator_field("group"));
}

TEST_CASE("a target's points grow with the value and cap at the weight") {
  CHECK(indicator_points(k_on_time, 0.0) == doctest::Approx(0));
  CHECK(*indicator_points(k_on_time, 0.475) == doctest::Approx(15));  // half the target
  CHECK(*indicator_points(k_on_time, 0.95) == doctest::Approx(30));
  CHECK(*indicator_points(k_on_time, 1.0) == doctest::Approx(30));  // above the target: capped
  const Indicator count{"closed", 10, Goal::target, 40};
  CHECK(*indicator_points(count, 400) == doctest::Approx(10));
  CHECK(*indicator_points(count, 10) == doctest::Approx(2.5));
}

TEST_CASE("a ceiling's points fall with the value and are 0 from the ceiling up") {
  CHECK(*indicator_points(k_rework, 0.0) == doctest::Approx(10));
  CHECK(*indicator_points(k_rework, 0.025) == doctest::Approx(5));
  CHECK(*indicator_points(k_rework, 0.05) == doctest::Approx(0));
  CHECK(*indicator_points(k_rework, 0.5) == doctest::Approx(0));  // far past: 0, not negative
  CHECK(*indicator_points(k_overdue, 1) == doctest::Approx(16));
  CHECK(*indicator_points(k_overdue, 7) == doctest::Approx(0));
}

TEST_CASE("no value, no points, and a zero weight gives 0 points") {
  CHECK_FALSE(indicator_points(k_on_time, std::nullopt).has_value());
  CHECK_FALSE(indicator_points(k_rework, std::nullopt).has_value());
  const Indicator zero{"reported", 0, Goal::target, 10};
  REQUIRE(indicator_points(zero, 5).has_value());
  CHECK(*indicator_points(zero, 5) == 0);
}

TEST_CASE("the score is the points when every indicator has a value") {
  // 30 × 0.9/0.95 + 10 × (1 − 0.01/0.05) + 20 × (1 − 2/5)
  const std::vector<IndicatorResult> rs = {result(k_on_time, 0.9), result(k_rework, 0.01),
                                           result(k_overdue, 2)};
  const double expected = 30 * 0.9 / 0.95 + 10 * 0.8 + 20 * 0.6;
  REQUIRE(assessment_score(rs).has_value());
  CHECK(*assessment_score(rs) == doctest::Approx(expected));
}

TEST_CASE("the score scales from the indicators with a value to all the weights") {
  // rework_rate has no value (nothing closed): 40 points of the 50 weighed, scaled to 60.
  const std::vector<IndicatorResult> rs = {result(k_on_time, 0.95), result(k_rework, std::nullopt),
                                           result(k_overdue, 1)};
  REQUIRE_FALSE(rs[1].points.has_value());
  CHECK(*assessment_score(rs) == doctest::Approx((30 + 16) * 60.0 / 50.0));
  // A full mark stays a full mark whichever indicators are missing.
  const std::vector<IndicatorResult> full = {result(k_on_time, 1.0), result(k_rework, std::nullopt),
                                             result(k_overdue, 0)};
  CHECK(*assessment_score(full) == doctest::Approx(60));
}

TEST_CASE("no indicator with a value, or no indicators, gives no score") {
  CHECK_FALSE(assessment_score({}).has_value());
  CHECK_FALSE(assessment_score({result(k_on_time, std::nullopt), result(k_rework, std::nullopt)})
                  .has_value());
  // Only zero-weight indicators have a value: nothing to scale from.
  const Indicator zero{"reported", 0, Goal::target, 10};
  CHECK_FALSE(assessment_score({result(zero, 4), result(k_on_time, std::nullopt)}).has_value());
}

TEST_CASE("the zero-division month: no problems, nothing closed, counts 0") {
  // A town with no cases and no workers: every rate is null, the counts are 0.
  const Indicator resolution{"resolution_rate", 20, Goal::target, 0.95};
  const Indicator attendance{"attendance_rate", 15, Goal::target, 0.95};
  const std::vector<IndicatorResult> rs = {
      result(k_on_time, std::nullopt), result(resolution, std::nullopt),
      result(k_rework, std::nullopt), result(attendance, std::nullopt), result(k_overdue, 0)};
  // Only the count has a value: its full 20 points scale to all 95.
  CHECK(*assessment_score(rs) == doctest::Approx(95));
  // Without the count, no score at all (and no division by zero).
  std::vector<IndicatorResult> rates(rs.begin(), rs.end() - 1);
  CHECK_FALSE(assessment_score(rates).has_value());
}

TEST_CASE("round_to_cents rounds halves away from zero") {
  CHECK(round_to_cents(90.004) == doctest::Approx(90.0));
  CHECK(round_to_cents(90.006) == doctest::Approx(90.01));
  CHECK(round_to_cents(0.125) == doctest::Approx(0.13));  // 12.5 exactly: away from zero
  CHECK(round_to_cents(-0.125) == doctest::Approx(-0.13));
  CHECK(round_to_cents(100) == 100);
  CHECK(round_to_cents(0) == 0);
}

TEST_CASE("competition ranks: ties share a rank and the next rank skips") {
  const std::vector<std::optional<double>> scores = {95, 90, 90, 80};
  CHECK(competition_ranks(scores) == std::vector<std::optional<int>>{1, 2, 2, 4});
  // Order of the input does not matter.
  CHECK(competition_ranks({80, 90, 95, 90}) == std::vector<std::optional<int>>{4, 2, 1, 2});
  CHECK(competition_ranks({70, 70, 70}) == std::vector<std::optional<int>>{1, 1, 1});
  CHECK(competition_ranks({}).empty());
}

TEST_CASE("competition ranks compare scores rounded to cents") {
  // 90.004 and 90.001 both show as 90.00: the same rank.
  CHECK(competition_ranks({90.004, 90.001, 95}) == std::vector<std::optional<int>>{2, 2, 1});
  // 90.006 shows as 90.01: above 90.004.
  CHECK(competition_ranks({90.004, 90.006}) == std::vector<std::optional<int>>{2, 1});
}

TEST_CASE("no score, no rank, and the others rank as if it were not there") {
  CHECK(competition_ranks({std::nullopt, 80, std::nullopt, 90}) ==
        std::vector<std::optional<int>>{std::nullopt, 2, std::nullopt, 1});
  CHECK(competition_ranks({std::nullopt}) == std::vector<std::optional<int>>{std::nullopt});
}
