// A month's assessment over a Session (docs/design.md §12): each group's statistics row and its
// workers' attendance give the indicators' values; assessment.hpp's formulas do the rest.

#include "gridgov/assessment.hpp"

#include <algorithm>
#include <limits>
#include <map>

#include "gridgov/attendance.hpp"
#include "gridgov/error.hpp"
#include "gridgov/session.hpp"

namespace gridgov {

std::vector<AssessmentRow> assess(Session& session, const Period& period, AssessmentGrouping by) {
  const auto snapshot = session.begin_read();  // statistics and attendance of one moment
  const Policy& policy = session.policy();
  if (policy.indicators.empty())
    throw Error(ErrorCode::not_found,
                "the policy in force has no [[assessment.indicators]]: load a policy that lists "
                "them (gridctl policy load FILE)");
  const int version = session.store().policy_version();
  const bool towns = by == AssessmentGrouping::town;

  // Each group's attendance: a town's workers, or a department's county workers.
  std::map<std::string, AttendanceFigures, std::less<>> present;
  for (const auto& w : attendance(session, period, AttendanceGrouping::worker)) {
    if (towns && !w.town.empty()) present[w.town] += w;
    if (!towns && w.tier == Tier::county && !w.department.empty()) present[w.department] += w;
  }

  std::vector<AssessmentRow> out;
  auto rows = statistics(session, period, {towns ? Grouping::town : Grouping::department});
  rows.pop_back();  // the county total
  for (const StatsRow& row : rows) {
    // A department's row is one of the policy's (not the cases no department held).
    if (!towns && !policy.find_department(row.group)) continue;
    AssessmentRow a;
    a.group = row.group;
    a.name = row.name;
    a.policy_version = version;
    auto it = present.find(row.group);
    const std::optional<double> attendance_rate =
        it == present.end() ? std::nullopt : it->second.attendance_rate();
    for (const Indicator& indicator : policy.indicators) {
      const auto value = indicator_value(row, indicator.field, attendance_rate);
      a.indicators.push_back(IndicatorResult{indicator.field, value, indicator.weight,
                                             indicator_points(indicator, value)});
    }
    a.score = assessment_score(a.indicators);
    out.push_back(std::move(a));
  }

  std::vector<std::optional<double>> scores;
  for (const auto& a : out) scores.push_back(a.score);
  const auto ranks = competition_ranks(scores);
  for (std::size_t i = 0; i < out.size(); ++i) out[i].rank = ranks[i];
  std::sort(out.begin(), out.end(), [](const AssessmentRow& a, const AssessmentRow& b) {
    const int ra = a.rank.value_or(std::numeric_limits<int>::max());
    const int rb = b.rank.value_or(std::numeric_limits<int>::max());
    return ra != rb ? ra < rb : a.group < b.group;
  });
  return out;
}

}  // namespace gridgov
