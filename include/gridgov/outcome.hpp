#pragma once
// What one case amounts to at the end of a period (docs/design.md §7), and the tally that sums
// cases and events into a statistics row. `outcome` replays the events and is the definition;
// `outcome_at` reads the same answer off the stored projection when every event counts before
// the end (the fast path a report takes for almost every case).

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gridgov/case.hpp"
#include "gridgov/model.hpp"

namespace gridgov {

/// What one case amounts to as of `end` (events at or after `end` have not happened yet). A late
/// record (rule 16) counts at its `recorded_at`: it never makes a case look faster.
struct Outcome {
  bool problem = false;              ///< kind problem, not void
  bool closed = false;               ///< a problem closed at `end`
  bool closed_on_time = false;       ///< closed by its `due` (as extended and resumed)
  bool escalated = false;            ///< escalated or referred at least once
  bool referred = false;             ///< referred to a county department (乡呼县应)
  bool overdue_open = false;         ///< open, not suspended, past its `due` at `end`
  bool stage_late = false;           ///< open past a stage `deadline` at some moment before `end`
  bool extended = false;             ///< extended at least once
  bool suspended_open = false;       ///< open and suspended at `end`
  bool supervision_overdue = false;  ///< under an order, not yet closed past its time at `end`
  std::optional<double> hours_to_close;
  std::string department;   ///< the department that handled it last, if any
  std::string resolved_by;  ///< who recorded its last resolve before `end`, if anyone
  /// Party figures (党建引领): the reporter is a party member; the problem's last resolve was
  /// recorded by one. Membership is the workers' (not the case's): the caller who knows it sets
  /// them with `mark_party`, or the store from its workers.
  bool reported_by_party_member = false;
  bool handled_by_party_member = false;
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

/// Sets an outcome's party figures for a case reported by `reporter`, given who is a member.
template <class IsMember>
void mark_party(Outcome& o, const std::string& reporter, IsMember is_member) {
  o.reported_by_party_member = is_member(reporter);
  o.handled_by_party_member = o.problem && !o.resolved_by.empty() && is_member(o.resolved_by);
}

/// The definition: replays `events` (a case's whole history, oldest first) up to `end`.
[[nodiscard]] inline Outcome outcome(const Case& header, const std::vector<Event>& events,
                                     Timestamp end) {
  Outcome o;
  Case c = replay(header, {});
  std::optional<Timestamp> closed_at;
  // Whether the stage that `c` stands in ran past its deadline before `until`.
  auto stage_ran_late = [&](Timestamp until) {
    return c.status == Status::open && !c.suspended() && c.deadline && until > *c.deadline;
  };
  for (std::size_t i = 0; i < events.size() && events[i].at < end; ++i) {
    const Event& e = events[i];
    if (i > 0 && stage_ran_late(std::min(counted_at(e), end))) o.stage_late = true;
    c = apply(std::move(c), e);
    if (e.type == EventType::escalate || e.type == EventType::refer) o.escalated = true;
    if (e.type == EventType::refer) o.referred = true;
    if (e.type == EventType::extend) o.extended = true;
    if (e.type == EventType::close) closed_at = counted_at(e);
    if (!c.department.empty()) o.department = c.department;
  }
  if (stage_ran_late(end)) o.stage_late = true;
  o.resolved_by = c.resolved_by;
  o.problem = header.kind == Kind::problem && c.status != Status::voided;
  if (!o.problem) return o;
  o.closed = c.status == Status::closed;
  o.closed_on_time = o.closed && closed_at && (!c.due || *closed_at <= *c.due);
  o.overdue_open = is_overdue(c, end);
  o.suspended_open = c.status == Status::open && c.suspended();
  o.supervision_overdue = is_supervision_overdue(c, end);
  if (o.closed && closed_at)
    o.hours_to_close =
        std::chrono::duration<double>(*closed_at - header.reported_at).count() / 3600.0;
  return o;
}

/// Whether every event of `c` counts before `end`, so that `outcome_at(c, end)` holds.
[[nodiscard]] inline bool settled_before(const Case& c, Timestamp end) noexcept {
  return !c.facts.last_counted_at || *c.facts.last_counted_at < end;
}

/// What a settled case's outcome depends on at a period's end: its status and facts, and how the
/// end compares with its times. The store computes it in SQL for every case of a period, as one
/// integer of bits (lib/standing_sql.hpp), and counts the cases of each standing.
struct Standing {
  Status status = Status::open;
  bool problem_kind = false;  ///< kind problem
  bool suspended = false;     ///< suspended at the end
  bool escalated = false;     ///< the facts' flags
  bool referred = false;
  bool extended = false;
  bool stage_late = false;
  bool past_due = false;            ///< the end is after its `due`
  bool past_deadline = false;       ///< the end is after its stage `deadline`
  bool past_supervision = false;    ///< the end is after its supervision order's time
  bool closed_by_due = false;       ///< its last close counted by its `due` (or it has none)
  bool reported_by_member = false;  ///< its reporter is a party member (the store knows)
  bool resolved_by_member = false;  ///< its last resolve was recorded by a party member
  friend bool operator==(const Standing&, const Standing&) = default;
};

/// A settled case's standing at `end` (`settled_before(c, end)`).
[[nodiscard]] inline Standing standing_at(const Case& c, Timestamp end) noexcept {
  const CaseFacts& f = c.facts;
  Standing s;
  s.status = c.status;
  s.problem_kind = c.kind == Kind::problem;
  s.suspended = c.suspended();
  s.escalated = f.escalated;
  s.referred = f.referred;
  s.extended = f.extended;
  s.stage_late = f.stage_late;
  s.past_due = c.due && end > *c.due;
  s.past_deadline = c.deadline && end > *c.deadline;
  s.past_supervision = c.supervision && end > c.supervision->by;
  s.closed_by_due = f.close_counted_at && (!c.due || *f.close_counted_at <= *c.due);
  return s;
}

/// The outcome of a case of standing `s` (without its hours to close and department).
[[nodiscard]] inline Outcome outcome_of(const Standing& s) noexcept {
  Outcome o;
  const bool open = s.status == Status::open;
  o.problem = s.problem_kind && s.status != Status::voided;
  o.escalated = s.escalated;
  o.referred = s.referred;
  o.extended = s.extended;
  o.stage_late = s.stage_late || (open && !s.suspended && s.past_deadline);
  o.reported_by_party_member = s.reported_by_member;
  o.handled_by_party_member = o.problem && s.resolved_by_member;
  if (!o.problem) return o;
  o.closed = s.status == Status::closed;
  o.closed_on_time = o.closed && s.closed_by_due;
  o.overdue_open = open && !s.suspended && s.past_due;
  o.suspended_open = open && s.suspended;
  o.supervision_overdue = (open || s.status == Status::resolved) && s.past_supervision;
  return o;
}

/// The same answer as `outcome` for a case whose every event counts before `end`
/// (`settled_before`), read off its projection: `c` is `replay(header, events)`. A property test
/// holds it, and the store's statistics, to `outcome`.
[[nodiscard]] inline Outcome outcome_at(const Case& c, Timestamp end) {
  Outcome o = outcome_of(standing_at(c, end));
  o.department = c.facts.last_department;
  o.resolved_by = c.resolved_by;
  const auto& closed_at = c.facts.close_counted_at;
  if (o.closed && closed_at)
    o.hours_to_close = std::chrono::duration<double>(*closed_at - c.reported_at).count() / 3600.0;
  return o;
}

/// The figures of docs/design.md §7 summed over cases and events; a report's row is one.
struct Tally {
  long long reported = 0;
  long long problems = 0;
  long long closed = 0;
  long long closed_on_time = 0;
  long long escalated = 0;
  long long referred = 0;
  long long whistles = 0;
  long long rework = 0;
  long long overdue_open = 0;
  long long stage_late = 0;
  long long extended = 0;
  long long suspended_open = 0;
  long long supervised = 0;  ///< supervision orders issued in the period (rule 15)
  long long supervision_overdue = 0;
  long long verified_by_admin = 0;  ///< closes recorded by `admin` in the period (rule 7)
  long long reported_by_party_members = 0;
  long long handled_by_party_members = 0;
  std::vector<double> hours;  ///< hours to close of each closed problem

  /// Counts one case, or `n` cases of the same outcome.
  void add(const Outcome& o, long long n = 1) {
    reported += n;
    reported_by_party_members += o.reported_by_party_member * n;
    handled_by_party_members += o.handled_by_party_member * n;
    if (!o.problem) return;
    problems += n;
    closed += o.closed * n;
    closed_on_time += o.closed_on_time * n;
    escalated += o.escalated * n;
    referred += o.referred * n;
    overdue_open += o.overdue_open * n;
    stage_late += o.stage_late * n;
    extended += o.extended * n;
    suspended_open += o.suspended_open * n;
    supervision_overdue += o.supervision_overdue * n;
    if (o.hours_to_close) hours.insert(hours.end(), static_cast<std::size_t>(n), *o.hours_to_close);
  }
  /// Counts one event of the period (whistles, rework, supervision orders, closes by `admin`).
  void add(const Event& e) {
    if (e.type == EventType::whistle) ++whistles;
    if (e.type == EventType::rework) ++rework;
    if (e.type == EventType::close && e.actor == k_admin_code) ++verified_by_admin;
    if (e.type == EventType::supervise) ++supervised;
  }
  Tally& operator+=(const Tally& t) {
    reported += t.reported;
    problems += t.problems;
    closed += t.closed;
    closed_on_time += t.closed_on_time;
    escalated += t.escalated;
    referred += t.referred;
    whistles += t.whistles;
    rework += t.rework;
    overdue_open += t.overdue_open;
    stage_late += t.stage_late;
    extended += t.extended;
    suspended_open += t.suspended_open;
    supervised += t.supervised;
    supervision_overdue += t.supervision_overdue;
    verified_by_admin += t.verified_by_admin;
    reported_by_party_members += t.reported_by_party_members;
    handled_by_party_members += t.handled_by_party_members;
    hours.insert(hours.end(), t.hours.begin(), t.hours.end());
    return *this;
  }
  [[nodiscard]] double resolution_rate() const {
    return problems ? static_cast<double>(closed) / static_cast<double>(problems) : 0.0;
  }
  [[nodiscard]] double on_time_rate() const {
    return problems ? static_cast<double>(closed_on_time) / static_cast<double>(problems) : 0.0;
  }
  /// The median hours to close (the mean of the middle two for an even count).
  [[nodiscard]] std::optional<double> median_hours_to_close() const {
    if (hours.empty()) return std::nullopt;
    std::vector<double> h = hours;
    const auto mid = h.begin() + static_cast<std::ptrdiff_t>(h.size() / 2);
    std::nth_element(h.begin(), mid, h.end());
    if (h.size() % 2) return *mid;
    const double upper = *mid;
    const double lower = *std::max_element(h.begin(), mid);
    return (lower + upper) / 2.0;
  }
};

}  // namespace gridgov
