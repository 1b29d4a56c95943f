#pragma once
// The closed loop's rules (docs/design.md §3) as pure functions of (case, layout, policy, actor,
// time). Each returns a Decision: the event to append, or the rule that refuses, the field it
// concerns and why. Nothing here touches storage; the service records a decision in one
// transaction. `decide` is the one dispatch from a move to its rule, for live commands and for
// history replayed by an import alike.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gridgov/case.hpp"
#include "gridgov/error.hpp"
#include "gridgov/model.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

/// The rules a refusal names. Their names (`to_string`) are stable: refusals, JSON errors and
/// the docs use them.
enum class Rule : int {
  none = 0,
  report,
  authorisation,
  level_by_level,              ///< rule 3 (逐级上报)
  town_calls_county_responds,  ///< rule 4 (乡呼县应)
  intake_dispatch,             ///< rule 5 (分类转办)
  whistle,                     ///< rule 6 (吹哨)
  authority,                   ///< rule 2
  verification,                ///< rule 7 (反馈核查)
  rework,                      ///< rule 8 (返工)
  state,                       ///< the state diagram
  time,                        ///< events are recorded in order
  future,                      ///< rule 16: nothing happens later than the clock
  timezone,                    ///< rule 16: the policy's timezone is fixed once cases exist
  extension,                   ///< rule 13 (延期)
  suspension,                  ///< rule 14 (挂账)
  supervision,                 ///< rule 15 (限期督办, 催办)
};

[[nodiscard]] constexpr std::string_view to_string(Rule r) noexcept {
  switch (r) {
    case Rule::none:
      return "";
    case Rule::report:
      return "report";
    case Rule::authorisation:
      return "authorisation";
    case Rule::level_by_level:
      return "level-by-level";
    case Rule::town_calls_county_responds:
      return "town-calls-county-responds";
    case Rule::intake_dispatch:
      return "intake-dispatch";
    case Rule::whistle:
      return "whistle";
    case Rule::authority:
      return "authority";
    case Rule::verification:
      return "verification";
    case Rule::rework:
      return "rework";
    case Rule::state:
      return "state";
    case Rule::time:
      return "time";
    case Rule::future:
      return "future";
    case Rule::timezone:
      return "timezone";
    case Rule::extension:
      return "extension";
    case Rule::suspension:
      return "suspension";
    case Rule::supervision:
      return "supervision";
  }
  return "?";
}

/// A rule compares equal to its name: `decision.rule == "authority"`.
[[nodiscard]] constexpr bool operator==(Rule r, std::string_view name) noexcept {
  return to_string(r) == name;
}

/// The part of a report or a move a decision concerns, so that a caller can point at the input
/// that gave it: an import its column, gridctl its flag.
enum class Field : int {
  none = 0,
  actor,
  at,
  grid,
  category,
  department,
  unit,
  level,
  worker,
  by,       ///< an extension's duration, or a supervision order's time
  service,  ///< the policy service a service case delivered
};

[[nodiscard]] constexpr std::string_view to_string(Field f) noexcept {
  switch (f) {
    case Field::none:
      return "";
    case Field::actor:
      return "actor";
    case Field::at:
      return "at";
    case Field::grid:
      return "grid";
    case Field::category:
      return "category";
    case Field::department:
      return "department";
    case Field::unit:
      return "unit";
    case Field::level:
      return "level";
    case Field::worker:
      return "worker";
    case Field::by:
      return "by";
    case Field::service:
      return "service";
  }
  return "";
}

/// Who acts: a worker, or the `admin` role (no worker).
struct Actor {
  std::string code;
  std::optional<Worker> worker;

  [[nodiscard]] bool is_admin() const noexcept { return !worker.has_value(); }
  [[nodiscard]] static Actor admin() { return Actor{std::string(k_admin_code), std::nullopt}; }
};

/// A move on an existing case, in the events' own words: `type` is the event it asks for.
/// `escalate` and `refer` both ask to go up (the rule says which it becomes); `close` and
/// `rework` are verification's two outcomes.
///
/// **Example**: `Move{.type = EventType::escalate, .note = "needs the town"}`.
struct Move {
  EventType type = EventType::escalate;
  std::optional<Level> to;            ///< escalate: the level to go to (urgent categories may skip)
  std::string unit;                   ///< dispatch: the unit to send it to
  std::string department;             ///< escalate/refer/dispatch: the county department
  std::string worker;                 ///< whistle: the on-call worker
  std::string note;                   ///< the reason or result, recorded on the event
  long long duplicate_of = 0;         ///< void: the case this one duplicates
  std::optional<Duration> extension;  ///< extend: by how much `due` moves
  std::optional<Timestamp> supervision_by;  ///< supervise: the time the order sets
};

/// What a rule decided. Refused: `event` is empty; `rule` names the rule, `field` the part of
/// the move it concerns, and `reason` says why.
struct Decision {
  std::optional<Event> event;
  Rule rule = Rule::none;
  Field field = Field::none;
  std::string reason;
  ErrorCode code = ErrorCode::refused;

  [[nodiscard]] bool allowed() const noexcept { return event.has_value(); }
  /// The event, or an Error saying `rule: reason`.
  [[nodiscard]] const Event& get() const;
  /// The refusal as an Error: `rule: reason`, with the rule and field attached.
  [[nodiscard]] Error error() const;
};

/// Finds an active worker by code (nullopt when unknown).
using WorkerLookup = std::function<std::optional<Worker>(const std::string& code)>;

/// Everything a rule may look at besides the case.
struct RuleContext {
  const UnitTree& tree;
  const Policy& policy;
  const Actor& actor;
  Timestamp at;
  WorkerLookup workers = {};  ///< for the worker a whistle summons, and a resolve's recorder
  /// Whether an active grid-tier worker serves `grid` (rule 7: else the town verifies). Unset:
  /// assumed so.
  std::function<bool(const std::string& grid)> grid_has_worker = {};
  /// The clock when the event is written. More than the policy's `backfill` after `at`, the
  /// event is a late record (rule 16) and counts at this time. Unset (history an import brings
  /// keeps its source's times): never late.
  std::optional<Timestamp> recorded_at = {};

  /// Whether the event will be a late record (rule 16).
  [[nodiscard]] bool late() const {
    return recorded_at && *recorded_at > policy.after(at, policy.backfill);
  }
  /// When the event counts for time limits: `recorded_at` for a late record, else `at`.
  [[nodiscard]] Timestamp counted() const { return late() ? *recorded_at : at; }
};

/// How far ahead of the clock a time may be (clocks of different machines disagree a little).
inline constexpr std::chrono::minutes k_clock_tolerance{5};

/// Rule 16: a move or report at `at`, recorded when the clock says `now`, is refused (rule
/// `future`, field `at`) when `at` is later than `now` plus k_clock_tolerance. Times in the
/// message are local at `offset`.
[[nodiscard]] std::optional<Decision> check_not_future(Timestamp at, Timestamp now,
                                                       std::chrono::minutes offset);

/// Rule 16, in order: a move at `at` on case `c`, whose last event happened at `last`, is refused
/// (rule `time`, field `at`) when it is earlier than that.
[[nodiscard]] std::optional<Decision> check_in_order(const Case& c, Timestamp last, Timestamp at);

/// Rule 16: once a database has cases, a policy may not move them to another timezone (rule
/// `timezone`): their local days and months would shift.
[[nodiscard]] std::optional<Decision> check_timezone(std::chrono::minutes in_force,
                                                     std::chrono::minutes proposed, bool has_cases);

/// Rule 10 (authorisation) for handling a case where it stands: `admin` always; a worker whose
/// scope contains the case's grid and whose tier reaches the case's level; at the county
/// platform any county worker; at a department that department's county workers.
/// Returns the refusal, or nullopt when the actor may act.
[[nodiscard]] std::optional<Decision> check_authorised(const Case& c, const RuleContext& ctx);

/// Rule 7 (反馈核查): who verifies a resolved case (`close`, or `rework` when it fails). A
/// grid-tier worker serving the case's grid; a town-tier worker serving its zone or town when the
/// grid's own worker recorded the resolve or the grid has no active grid-tier worker; or `admin`.
/// Never the worker who recorded the last resolve, a worker whistled to the case, or a
/// county-tier worker. Returns the refusal (rule `verification`), or nullopt.
[[nodiscard]] std::optional<Decision> check_verifier(const Case& c, const RuleContext& ctx);

/// The grid's side, for a reopen: workers whose scope holds the case's grid without a whistle
/// (grid, town, and county workers of its zone), or `admin`. Returns the refusal, or nullopt.
[[nodiscard]] std::optional<Decision> check_grid_side(const Case& c, const RuleContext& ctx);

/// Rules 1 and 5: a new case. Patrol, surveillance and platform cases start open at their grid;
/// hotline and petition cases at the county platform with no handler; an info case closes at
/// once. `draft` carries the report (kind, source, category, grid, title…).
[[nodiscard]] Decision decide_report(const Case& draft, const RuleContext& ctx);

/// Rules 3 and 4: one level up (grid → village → zone → town); `to` may skip levels only for an
/// urgent category; from town (or, urgent, to county) it is a referral to `department` or the
/// category's default department. At county level there is nowhere higher.
[[nodiscard]] Decision decide_escalate(const Case& c, const RuleContext& ctx,
                                       std::optional<Level> to = std::nullopt,
                                       const std::string& department = {});

/// Rule 5: the county platform sends a case at county level down to a unit containing its grid,
/// or to a department (again, for an intake case sent to the wrong one). County workers and
/// `admin` dispatch.
[[nodiscard]] Decision decide_dispatch(const Case& c, const RuleContext& ctx,
                                       const std::string& unit_code, const std::string& department);

/// Rule 6: a town or zone summons an on-call county worker to a case at its level. The case
/// stays where it is.
[[nodiscard]] Decision decide_whistle(const Case& c, const RuleContext& ctx,
                                      const Worker& summoned);

/// Rule 2: the handler reports the result, at or above the category's authority level. The
/// case then waits for verification until the verification deadline.
[[nodiscard]] Decision decide_resolve(const Case& c, const RuleContext& ctx);

/// Rules 7 and 8: a worker of the case's grid verifies it. A resolved case closes; with `fail`
/// it goes back to its handler as rework (open, fresh deadline). An open case at grid level may
/// be closed directly (self-handled), except hotline and petition cases.
[[nodiscard]] Decision decide_close(const Case& c, const RuleContext& ctx, bool fail = false);

/// A case recorded by mistake or twice is voided by whoever may handle it where it stands;
/// closed cases are not.
[[nodiscard]] Decision decide_void(const Case& c, const RuleContext& ctx);

/// A closed case found unsolved opens again with its last handler and a fresh deadline.
[[nodiscard]] Decision decide_reopen(const Case& c, const RuleContext& ctx);

/// Rule 13 (延期): `due` moves out by `by`, asked before it passes by a worker above the holder
/// (see `is_above_holder`) or `admin`; the case's extensions may total at most the policy's
/// `max_extension`.
[[nodiscard]] Decision decide_extend(const Case& c, const RuleContext& ctx, const Duration& by);

/// Rule 14 (挂账): an open case stops its clocks; a town- or county-tier worker whose scope
/// holds it, or `admin`.
[[nodiscard]] Decision decide_suspend(const Case& c, const RuleContext& ctx);

/// Rule 14: a suspended case's clocks run again; `due` and `deadline` move out by the suspended
/// time (working days, for limits in working days). The same workers as `decide_suspend`.
[[nodiscard]] Decision decide_resume(const Case& c, const RuleContext& ctx);

/// Rule 15 (限期督办): a county-tier worker or `admin` orders the case solved by `by`, a time
/// later than the clock.
[[nodiscard]] Decision decide_supervise(const Case& c, const RuleContext& ctx, Timestamp by);

/// Rule 15 (催办): a reminder to the holder, by a worker above it or `admin`.
[[nodiscard]] Decision decide_urge(const Case& c, const RuleContext& ctx);

/// Rules 13 and 15: whether `w` serves a level above the case's holder: a town-tier worker
/// whose unit above the case's level contains its grid; any county-tier worker for a case below
/// county level, or one not from the department that holds a case at county level.
[[nodiscard]] bool is_above_holder(const Worker& w, const Case& c, const UnitTree& tree);

/// Rule 13: whether extensions totalling `total` exceed `cap`. Against a cap in working days, each
/// started natural day of an extension counts as one working day; against a natural cap, each
/// working day counts as one day.
[[nodiscard]] bool exceeds_cap(const std::vector<Duration>& total, const Duration& cap);

/// The one dispatch from a move to its rule. The event carries the move's note (a void's
/// `duplicate_of` is written into it). A `report` is not a move: see `decide_report`.
///
/// **Example**: `decide(c, ctx, Move{.type = EventType::resolve, .note = "fixed"})`.
[[nodiscard]] Decision decide(const Case& c, const RuleContext& ctx, const Move& move);

}  // namespace gridgov
