#include "gridgov/copy.hpp"

#include <string>
#include <vector>

#include "gridgov/error.hpp"

namespace gridgov {

CopyReport copy_county(Store& from, Store& to, const std::function<void(long long)>& progress) {
  // The source as of one moment: a writer there meanwhile cannot make the copy's counts differ.
  const auto snapshot = from.begin_read();
  const auto county = from.county();
  if (!county) throw Error(ErrorCode::not_found, "the source database holds no county", "", "from");
  auto tx = to.begin_write();
  if (auto there = to.county())
    throw Error(ErrorCode::refused, "the destination already holds county " + there->code + " " +
                                        there->name + "; nothing was copied");
  CopyReport report;
  for (const auto& u : from.units()) {  // parents before children
    to.add_unit(u.unit);
    if (u.retired) to.retire_unit(u.unit.code);
    ++report.units;
  }
  for (const auto& p : from.policies()) {
    if (to.add_policy(p) != p.version)
      throw Error(ErrorCode::internal, "policy version " + std::to_string(p.version) +
                                           " did not keep its number in the copy");
    ++report.policies;
  }
  for (const auto& w : from.workers()) {
    to.put_worker(w.worker);
    if (w.retired) to.retire_worker(w.worker.code, w.retired_at);
    ++report.workers;
  }
  for (const auto& o : from.party_orgs()) {  // parents before children
    to.put_party_org(o.org);
    if (o.retired) to.retire_party_org(o.org.code);
    ++report.party_orgs;
  }
  for (const auto& b : from.boundaries()) {
    to.put_boundary(b);
    ++report.boundaries;
  }
  from.for_each_stored_attendance([&](const AttendanceRecord& r, Timestamp recorded_at) {
    if (to.add_attendance(r, recorded_at)) ++report.attendance;
  });

  // Every case, by id, with all its events and their links: the chain is copied as it is, so
  // that it still verifies and a seal made of the source still checks against the copy.
  if (auto start = from.chain_start()) to.copy_chain_start(*start);
  to.begin_bulk();
  from.for_each_linked_case(1, [&](const Case& row, const std::vector<Event>& events,
                                   const std::vector<Link>& links) {
    // The row is a projection of the events (case.hpp): a row that is not what its events give
    // was changed outside gridgov, and its figures would differ by query path.
    if (auto why = row_disagreement(row, events))
      throw Error(ErrorCode::unusable, "in the source, " + *why + "; nothing was copied");
    const long long id = to.add_case(replay(row, events));
    if (id != row.id)
      throw Error(ErrorCode::refused,
                  "case " + std::to_string(row.id) + " would become case " + std::to_string(id) +
                      " in the copy (the source's case ids have gaps); nothing was copied");
    for (std::size_t i = 0; i < events.size(); ++i) {
      to.copy_event(events[i], links[i].hash);
      ++report.events;
    }
    if (++report.cases % 100000 == 0 && progress) progress(report.cases);
  });
  to.end_bulk();
  const Counts before = from.counts();
  const Counts after = to.counts();
  if (before.open != after.open || before.resolved != after.resolved ||
      before.closed != after.closed || before.voided != after.voided)
    throw Error(ErrorCode::internal,
                "the copy's cases do not add up to the source's; nothing "
                "was copied");
  tx->commit();
  return report;
}

}  // namespace gridgov
