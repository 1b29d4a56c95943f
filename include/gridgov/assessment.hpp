#pragma once
// Assessment (考核, docs/design.md §12): a monthly score per town or department from the policy's
// weighted indicators. The formulas are here, pure; `assess` gathers the values from statistics
// and attendance.

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/policy.hpp"
#include "gridgov/stats.hpp"

namespace gridgov {

class Session;

/// The fields an indicator may name: those of a statistics row (k_stat_fields), then
/// `attendance_rate` and `rework_rate` (= rework / closed).
[[nodiscard]] inline const std::vector<std::string>& indicator_fields() {
  static const std::vector<std::string> fields = [] {
    std::vector<std::string> f = k_stat_fields;
    f.emplace_back("attendance_rate");
    f.emplace_back("rework_rate");
    return f;
  }();
  return fields;
}
[[nodiscard]] inline bool is_indicator_field(std::string_view field) {
  const auto& f = indicator_fields();
  return std::find(f.begin(), f.end(), field) != f.end();
}

/// An indicator's value for a group, from its statistics row and its workers' attendance rate:
/// the row's field; a rate without a denominator (no problems, nothing closed, no grid-days, no
/// working days) has none, and neither has a field the group cannot have.
[[nodiscard]] inline std::optional<double> indicator_value(const StatsRow& row,
                                                           std::string_view field,
                                                           std::optional<double> attendance_rate) {
  auto count = [](long long n) { return std::optional<double>(static_cast<double>(n)); };
  auto ratio = [](long long n, long long d) -> std::optional<double> {
    if (d <= 0) return std::nullopt;
    return static_cast<double>(n) / static_cast<double>(d);
  };
  if (field == "attendance_rate") return attendance_rate;
  if (field == "rework_rate") return ratio(row.rework, row.closed);
  if (field == "resolution_rate") return ratio(row.closed, row.problems);
  if (field == "on_time_rate") return ratio(row.closed_on_time, row.problems);
  if (field == "median_hours_to_close") return row.median_hours_to_close();
  if (field == "quota_rate") {
    if (!row.grid_days || *row.grid_days <= 0) return std::nullopt;
    return row.quota_rate();
  }
  if (field == "quota_days_met")
    return row.quota_days_met ? count(*row.quota_days_met) : std::nullopt;
  const std::pair<std::string_view, long long> counts[] = {
      {"reported", row.reported},
      {"problems", row.problems},
      {"closed", row.closed},
      {"closed_on_time", row.closed_on_time},
      {"escalated", row.escalated},
      {"referred", row.referred},
      {"whistles", row.whistles},
      {"rework", row.rework},
      {"overdue_open", row.overdue_open},
      {"stage_late", row.stage_late},
      {"extended", row.extended},
      {"suspended_open", row.suspended_open},
      {"supervised", row.supervised},
      {"supervision_overdue", row.supervision_overdue},
      {"verified_by_admin", row.verified_by_admin}};
  for (const auto& [name, n] : counts)
    if (field == name) return count(n);
  return std::nullopt;
}

/// An indicator's points for a value: `target`: weight × min(value / target, 1); `ceiling`:
/// weight × max(0, 1 − value / ceiling). No value (a rate without a denominator, a field that
/// does not apply to the group): no points.
[[nodiscard]] inline std::optional<double> indicator_points(const Indicator& indicator,
                                                            std::optional<double> value) {
  if (!value || indicator.bound <= 0) return std::nullopt;
  if (indicator.goal == Goal::target)
    return indicator.weight * std::min(*value / indicator.bound, 1.0);
  return indicator.weight * std::max(0.0, 1.0 - *value / indicator.bound);
}

/// One indicator's result for one group.
struct IndicatorResult {
  std::string field;
  std::optional<double> value;
  double weight = 0;
  std::optional<double> points;

  friend bool operator==(const IndicatorResult&, const IndicatorResult&) = default;
};

/// The score: the points summed, scaled from the weights of the indicators that have a value to
/// the weights of all, so that a group is not marked down for a figure it cannot have (a
/// department has no grids, a town with no problems no resolution rate). Nullopt when no
/// indicator has a value.
[[nodiscard]] inline std::optional<double> assessment_score(
    const std::vector<IndicatorResult>& results) {
  double all = 0;
  double valued = 0;
  double points = 0;
  for (const auto& r : results) {
    all += r.weight;
    if (!r.points) continue;
    valued += r.weight;
    points += *r.points;
  }
  if (valued <= 0) return std::nullopt;
  return points * all / valued;
}

/// `x` rounded to two decimals, halves away from zero: how scores and points are shown, and what
/// ranks compare.
[[nodiscard]] inline double round_to_cents(double x) { return std::round(x * 100.0) / 100.0; }

/// Competition ranks (1, 2, 2, 4) of scores rounded to cents, highest first; no score, no rank.
[[nodiscard]] inline std::vector<std::optional<int>> competition_ranks(
    const std::vector<std::optional<double>>& scores) {
  std::vector<std::optional<int>> ranks(scores.size());
  for (std::size_t i = 0; i < scores.size(); ++i) {
    if (!scores[i]) continue;
    const long long mine = std::llround(*scores[i] * 100.0);
    int above = 0;
    for (const auto& s : scores)
      if (s && std::llround(*s * 100.0) > mine) ++above;
    ranks[i] = above + 1;
  }
  return ranks;
}

/// What `assess` groups by.
enum class AssessmentGrouping { town, department };

/// One group's assessment: each indicator's value and points, the score and the rank.
struct AssessmentRow {
  std::string group;  ///< a town's or department's code
  std::string name;
  std::optional<double> score;  ///< unrounded; shown to two decimals
  std::optional<int> rank;
  int policy_version = 0;  ///< the stored policy version whose indicators were used (0: built-in)
  std::vector<IndicatorResult> indicators;  ///< in the policy's order
};

/// The month's assessment of every town (its subtree's cases, workers and grids) or every
/// department (the cases it handled last, as `statistics` groups them, and its county workers),
/// ordered by rank (groups without a score last), then code. Throws ErrorCode::not_found when
/// the policy has no indicators.
[[nodiscard]] std::vector<AssessmentRow> assess(Session& session, const Period& period,
                                                AssessmentGrouping by);

}  // namespace gridgov
