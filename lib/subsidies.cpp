// A month's subsidy statement over a Session (docs/design.md §12): county workers' days from the
// calendar and their whistle events; amounts in fen by subsidies.hpp's formulas.

#include "gridgov/subsidies.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "gridgov/attendance.hpp"
#include "gridgov/error.hpp"
#include "gridgov/session.hpp"

namespace gridgov {

std::vector<SubsidyRow> subsidies(Session& session, const Period& period,
                                  std::string_view department) {
  const auto snapshot = session.begin_read();
  const Policy& policy = session.policy();
  if (!policy.subsidies)
    throw Error(ErrorCode::not_found,
                "the policy in force has no [subsidies]: load a policy that sets them "
                "(gridctl policy load FILE)");
  const SubsidyRates& rates = *policy.subsidies;
  const Department* only = department.empty() ? nullptr : policy.department_named(department);
  if (!department.empty() && !only)
    throw Error(ErrorCode::not_found, "unknown department " + std::string(department));
  Store& store = session.store();
  const auto offset = policy.utc_offset;
  const Dates dates = local_dates(period, offset);

  // The local days on which each worker was whistled to at least one case.
  std::map<std::string, std::set<Date>, std::less<>> whistled;
  for (const Event& e : store.events_between(EventType::whistle, period.from, period.to))
    if (!e.worker.empty()) whistled[e.worker].insert(local_date(e.at, offset));
  long long month_workdays = 0;
  for (Date d = dates.first; d < dates.end; d += std::chrono::days(1))
    if (policy.calendar.is_working_day(d)) ++month_workdays;

  std::vector<SubsidyRow> out;
  for (const auto& s : store.workers()) {
    const Worker& w = s.worker;
    if (w.tier != Tier::county || !w.deployment) continue;
    if (only && w.department != only->code) continue;
    auto it = whistled.find(w.code);
    const long long whistle_days =
        it == whistled.end() ? 0 : static_cast<long long>(it->second.size());
    if (!serves_during(s, dates, offset) && whistle_days == 0) continue;
    SubsidyRow row{w.code, w.name, w.deployment, w.department, 0, 0};
    switch (*w.deployment) {
      case Deployment::resident:
      case Deployment::cluster: {
        row.days = served_workdays(s, dates, policy.calendar, offset);
        const long long monthly =
            *w.deployment == Deployment::resident ? rates.resident_monthly : rates.cluster_monthly;
        row.amount = pro_rata(monthly, row.days, month_workdays);
        break;
      }
      case Deployment::whistle:
        row.days = whistle_days;
        row.amount = rates.whistle_daily * whistle_days;
        break;
    }
    out.push_back(std::move(row));
  }

  // Workers by department (the policy's order; none last), then code.
  auto rank = [&](const std::string& code) {
    for (std::size_t i = 0; i < policy.departments.size(); ++i)
      if (policy.departments[i].code == code) return i;
    return code.empty() ? policy.departments.size() + 1 : policy.departments.size();
  };
  std::sort(out.begin(), out.end(), [&](const SubsidyRow& a, const SubsidyRow& b) {
    const auto ra = rank(a.department);
    const auto rb = rank(b.department);
    if (ra != rb) return ra < rb;
    if (a.department != b.department) return a.department < b.department;
    return a.worker < b.worker;
  });

  // Each department's total, then the county's.
  std::vector<SubsidyRow> totals;
  SubsidyRow county;
  if (const auto c = store.county()) county.name = c->name;
  for (const auto& row : out) {
    if (totals.empty() || totals.back().department != row.department) {
      const Department* d = policy.find_department(row.department);
      totals.push_back(SubsidyRow{"",
                                  d                        ? d->name
                                  : row.department.empty() ? "(none)"
                                                           : row.department,
                                  std::nullopt, row.department, 0, 0});
    }
    totals.back().days += row.days;
    totals.back().amount += row.amount;
    county.days += row.days;
    county.amount += row.amount;
  }
  out.insert(out.end(), totals.begin(), totals.end());
  if (!only) out.push_back(std::move(county));
  return out;
}

}  // namespace gridgov
