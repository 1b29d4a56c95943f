#pragma once
// The closed loop's rules (DESIGN §3) as pure functions of (case, layout, policy, actor, time).
// Each returns a Decision: the event to append, or the rule that refuses and why. Nothing here
// touches storage; the service applies a decision and writes it in one transaction.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "gridgov/case.hpp"
#include "gridgov/error.hpp"
#include "gridgov/model.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

/// Who acts: a worker, or the `admin` role (no worker).
struct Actor {
  std::string code;
  std::optional<Worker> worker;

  [[nodiscard]] bool is_admin() const noexcept { return !worker.has_value(); }
  [[nodiscard]] static Actor admin() { return Actor{"admin", std::nullopt}; }
};

/// What a rule decided. Refused: `event` is empty, `rule` names the rule and `reason` says why.
struct Decision {
  std::optional<Event> event;
  std::string rule;
  std::string reason;
  ErrorCode code = ErrorCode::refused;

  [[nodiscard]] bool allowed() const noexcept { return event.has_value(); }
  /// The event, or an Error saying `rule: reason`.
  [[nodiscard]] const Event& get() const {
    if (!event) throw Error(code, rule.empty() ? reason : rule + ": " + reason);
    return *event;
  }
};

/// Everything a rule may look at besides the case.
struct RuleContext {
  const UnitTree& tree;
  const Policy& policy;
  const Actor& actor;
  Timestamp at;
};

namespace detail {

[[nodiscard]] inline Decision refuse(std::string rule, std::string reason,
                                     ErrorCode code = ErrorCode::refused) {
  Decision d;
  d.rule = std::move(rule);
  d.reason = std::move(reason);
  d.code = code;
  return d;
}

[[nodiscard]] inline Decision allow(Event e) {
  Decision d;
  d.event = std::move(e);
  return d;
}

[[nodiscard]] inline std::string case_name(const Case& c) {
  return c.id > 0 ? "case " + std::to_string(c.id) : "the case";
}

/// An event for `c` of `type`, standing where the case stands now.
[[nodiscard]] inline Event event_for(const Case& c, EventType type, const RuleContext& ctx) {
  Event e;
  e.case_id = c.id;
  e.type = type;
  e.at = ctx.at;
  e.actor = ctx.actor.code;
  e.from_level = c.level;
  e.from_unit = c.unit;
  e.from_department = c.department;
  e.level = c.level;
  e.unit = c.unit;
  e.department = c.department;
  e.deadline = c.deadline;
  return e;
}

/// The highest level a tier acts at: grid workers for their grid and its village, town workers
/// up to the town, county workers anywhere.
[[nodiscard]] constexpr Level tier_ceiling(Tier t) noexcept {
  switch (t) {
    case Tier::grid:
      return Level::village;
    case Tier::town:
      return Level::town;
    case Tier::county:
      return Level::county;
  }
  return Level::grid;
}

/// The unit of `level` that contains `code` (`code` itself when it is of that level).
[[nodiscard]] inline const Unit* ancestor_at(const UnitTree& tree, std::string_view code,
                                             Level level) {
  for (const Unit* u : tree.path(code))
    if (u->level == level) return u;
  return nullptr;
}

/// Whether the worker's scope contains `grid`: a grid worker's grid, a town worker's town, a
/// county worker's zones; a whistle worker only on cases they were summoned to (when
/// `whistles_count`).
[[nodiscard]] inline bool scope_contains(const Worker& w, const Case& c, const UnitTree& tree,
                                         bool whistles_count = true) {
  switch (w.tier) {
    case Tier::grid:
      return std::any_of(w.units.begin(), w.units.end(),
                         [&](const std::string& u) { return tree.within(c.grid, u); });
    case Tier::town:
      return std::any_of(w.units.begin(), w.units.end(), [&](const std::string& u) {
        const Unit* town = ancestor_at(tree, u, Level::town);
        return town && tree.within(c.grid, town->code);
      });
    case Tier::county:
      if (whistles_count &&
          std::find(c.whistled.begin(), c.whistled.end(), w.code) != c.whistled.end())
        return true;
      return std::any_of(w.units.begin(), w.units.end(),
                         [&](const std::string& u) { return tree.within(c.grid, u); });
  }
  return false;
}

}  // namespace detail

/// Rule 10 (authorisation) for handling a case where it stands: `admin` always; a worker whose
/// scope contains the case's grid and whose tier reaches the case's level; at the county
/// platform any county worker; at a department that department's county workers.
/// Returns the refusal, or nullopt when the actor may act.
[[nodiscard]] inline std::optional<Decision> check_authorised(const Case& c,
                                                              const RuleContext& ctx) {
  if (ctx.actor.is_admin()) return std::nullopt;
  const Worker& w = *ctx.actor.worker;
  const auto who = "worker " + w.code + " (" + std::string(to_string(w.tier)) + " tier)";
  if (index(c.level) < index(detail::tier_ceiling(w.tier)))
    return detail::refuse("authorisation", who + " may not act on " + detail::case_name(c) +
                                               " at " + std::string(to_string(c.level)) + " level");
  if (w.tier == Tier::county && c.level == Level::county) {
    const bool whistled =
        std::find(c.whistled.begin(), c.whistled.end(), w.code) != c.whistled.end();
    if (c.department.empty() || w.department == c.department || whistled) return std::nullopt;
    return detail::refuse("authorisation", who + " is not from department " + c.department +
                                               ", which handles " + detail::case_name(c));
  }
  if (!detail::scope_contains(w, c, ctx.tree))
    return detail::refuse("authorisation",
                          who + " does not serve grid " + c.grid + " of " + detail::case_name(c));
  return std::nullopt;
}

/// Rule 7's scope test for verification: the grid's own workers, its town's, county workers
/// serving its zone (not merely whistled to the case), or `admin`. Returns the refusal, or
/// nullopt.
[[nodiscard]] inline std::optional<Decision> check_verifier(const Case& c, const RuleContext& ctx) {
  // A worker whistled to the case helped handle it; verifying it is the grid's side's job.
  if (ctx.actor.is_admin() || detail::scope_contains(*ctx.actor.worker, c, ctx.tree, false))
    return std::nullopt;
  return detail::refuse("verification", "worker " + ctx.actor.code + " does not serve grid " +
                                            c.grid + ", where " + detail::case_name(c) +
                                            " must be verified");
}

namespace detail {

[[nodiscard]] inline std::optional<Decision> check_open(const Case& c, std::string_view move) {
  if (c.kind == Kind::info)
    return refuse("state", case_name(c) +
                               " is an info case: recorded and closed at once; it "
                               "cannot be " +
                               std::string(move));
  switch (c.status) {
    case Status::open:
      return std::nullopt;
    case Status::resolved:
      return refuse("state", case_name(c) +
                                 " is resolved and awaits verification (close, or "
                                 "close --fail for rework); it cannot be " +
                                 std::string(move));
    case Status::closed:
      return refuse("state", case_name(c) + " is closed (reopen it first); it cannot be " +
                                 std::string(move));
    case Status::voided:
      return refuse("state", case_name(c) + " is void; it cannot be " + std::string(move));
  }
  return std::nullopt;
}

[[nodiscard]] inline Timestamp deadline_at(const RuleContext& ctx, const Category* cat,
                                           Level level) {
  const auto limit =
      cat ? ctx.policy.deadline_for(*cat, level) : ctx.policy.deadlines.level[index(level)];
  return ctx.at + std::chrono::duration_cast<std::chrono::seconds>(limit);
}

}  // namespace detail

/// Rules 1 and 5: a new case. Patrol, surveillance and platform cases start open at their grid;
/// hotline and petition cases at the county platform with no handler; an info case closes at
/// once. `draft` carries the report (kind, source, category, grid, title…).
[[nodiscard]] inline Decision decide_report(const Case& draft, const RuleContext& ctx) {
  const Unit* grid = ctx.tree.find(draft.grid);
  if (!grid) return detail::refuse("report", "unknown grid " + draft.grid, ErrorCode::not_found);
  if (grid->level != Level::grid)
    return detail::refuse(
        "report", draft.grid + " is a " + std::string(to_string(grid->level)) + ", not a grid",
        ErrorCode::not_found);
  const Category* cat = ctx.policy.find_category(draft.category);
  if (!cat)
    return detail::refuse("report", "unknown category " + draft.category, ErrorCode::not_found);

  Case c = draft;
  c.level = Level::grid;
  c.unit = draft.grid;
  if (!ctx.actor.is_admin()) {
    const Worker& w = *ctx.actor.worker;
    const bool ok =
        is_intake(draft.source) ? w.tier == Tier::county : detail::scope_contains(w, c, ctx.tree);
    if (!ok)
      return detail::refuse(
          "authorisation",
          "worker " + w.code + " (" + std::string(to_string(w.tier)) + " tier) may not report " +
              (is_intake(draft.source) ? "a " + std::string(to_string(draft.source)) +
                                             " case (the county platform takes those)"
                                       : "a case in grid " + draft.grid));
  }
  Event e = detail::event_for(c, EventType::report, ctx);
  e.from_unit.clear();
  if (is_intake(draft.source)) {
    e.level = Level::county;
    e.unit.clear();
  }
  e.deadline = draft.kind == Kind::info ? std::nullopt
                                        : std::optional(detail::deadline_at(ctx, cat, e.level));
  return detail::allow(std::move(e));
}

/// Rules 3 and 4: one level up (grid → village → zone → town); `to` may skip levels only for an
/// urgent category; from town (or, urgent, to county) it is a referral to `department` or the
/// category's default department. At county level there is nowhere higher.
[[nodiscard]] inline Decision decide_escalate(const Case& c, const RuleContext& ctx,
                                              std::optional<Level> to = std::nullopt,
                                              const std::string& department = {}) {
  if (auto r = detail::check_open(c, "escalated")) return *r;
  if (auto r = check_authorised(c, ctx)) return *r;
  const Category* cat = ctx.policy.find_category(c.category);
  const bool urgent = cat && cat->urgent;
  if (c.level == Level::county)
    return detail::refuse("level-by-level", detail::case_name(c) +
                                                " is at county level; there is nowhere higher "
                                                "to escalate (dispatch it instead)");
  const Level next = *parent_level(c.level);
  Level target = to.value_or(!department.empty() ? Level::county : next);
  if (index(target) >= index(c.level))
    return detail::refuse("level-by-level", "--to " + std::string(to_string(target)) +
                                                " is not above " + detail::case_name(c) +
                                                "'s level " + std::string(to_string(c.level)));
  if (target != next && !urgent)
    return detail::refuse("level-by-level", detail::case_name(c) +
                                                " goes one level at a time: from " +
                                                std::string(to_string(c.level)) + " only to " +
                                                std::string(to_string(next)) + " (category " +
                                                c.category + " is not urgent)");

  Event e;
  if (target == Level::county) {
    // 乡呼县应: town calls, county responds.
    const std::string dep = !department.empty() ? department : (cat ? cat->department : "");
    if (dep.empty())
      return detail::refuse("town-calls-county-responds", "no department to refer " +
                                                              detail::case_name(c) +
                                                              " to: give --department (category " +
                                                              c.category + " names no default)");
    if (!ctx.policy.find_department(dep))
      return detail::refuse("town-calls-county-responds", "unknown department " + dep,
                            ErrorCode::not_found);
    e = detail::event_for(c, EventType::refer, ctx);
    e.level = Level::county;
    e.unit.clear();
    e.department = dep;
  } else {
    const Unit* unit = detail::ancestor_at(ctx.tree, c.grid, target);
    if (!unit)
      return detail::refuse("level-by-level", "grid " + c.grid + " has no " +
                                                  std::string(to_string(target)) + " above it");
    e = detail::event_for(c, EventType::escalate, ctx);
    e.level = target;
    e.unit = unit->code;
    e.department.clear();
  }
  e.deadline = detail::deadline_at(ctx, cat, e.level);
  return detail::allow(std::move(e));
}

/// Rule 5: the county platform sends a case at county level down to a unit containing its grid,
/// or to a department (again, for an intake case sent to the wrong one). County workers and
/// `admin` dispatch.
[[nodiscard]] inline Decision decide_dispatch(const Case& c, const RuleContext& ctx,
                                              const std::string& unit_code,
                                              const std::string& department) {
  if (auto r = detail::check_open(c, "dispatched")) return *r;
  if (c.level != Level::county)
    return detail::refuse("intake-dispatch",
                          detail::case_name(c) + " is at " + std::string(to_string(c.level)) +
                              " level; only cases at the county platform are dispatched");
  // An intake case sent to the wrong department may be dispatched again; a case referred by a
  // town (乡呼县应) stays with its department.
  if (!c.department.empty() && !is_intake(c.source))
    return detail::refuse("intake-dispatch", detail::case_name(c) + " was referred to department " +
                                                 c.department +
                                                 " by its town; the department resolves it");
  if (!ctx.actor.is_admin() && ctx.actor.worker->tier != Tier::county)
    return detail::refuse("authorisation", "worker " + ctx.actor.code +
                                               " is not a county worker; only the county "
                                               "platform dispatches");
  const Category* cat = ctx.policy.find_category(c.category);
  Event e = detail::event_for(c, EventType::dispatch, ctx);
  if (!department.empty()) {
    if (!ctx.policy.find_department(department))
      return detail::refuse("intake-dispatch", "unknown department " + department,
                            ErrorCode::not_found);
    e.level = Level::county;
    e.unit.clear();
    e.department = department;
  } else {
    const Unit* unit = ctx.tree.find(unit_code);
    if (!unit)
      return detail::refuse("intake-dispatch", "unknown unit " + unit_code, ErrorCode::not_found);
    if (unit->level == Level::county)
      return detail::refuse("intake-dispatch",
                            "dispatch sends a case down to a town, zone, "
                            "village or grid, or to a department");
    if (!ctx.tree.within(c.grid, unit->code))
      return detail::refuse("intake-dispatch", "unit " + unit->code + " does not contain grid " +
                                                   c.grid + " of " + detail::case_name(c));
    e.level = unit->level;
    e.unit = unit->code;
    e.department.clear();
  }
  e.deadline = detail::deadline_at(ctx, cat, e.level);
  return detail::allow(std::move(e));
}

/// Rule 6: a town or zone summons an on-call county worker to a case at its level. The case
/// stays where it is.
[[nodiscard]] inline Decision decide_whistle(const Case& c, const RuleContext& ctx,
                                             const Worker& summoned) {
  if (auto r = detail::check_open(c, "whistled")) return *r;
  if (c.level != Level::zone && c.level != Level::town)
    return detail::refuse("whistle", "a whistle is blown at zone or town level; " +
                                         detail::case_name(c) + " is at " +
                                         std::string(to_string(c.level)) + " level");
  if (auto r = check_authorised(c, ctx)) return *r;
  if (summoned.tier != Tier::county || summoned.deployment != Deployment::whistle)
    return detail::refuse("whistle",
                          "worker " + summoned.code + " is not an on-call (whistle) county worker");
  if (std::find(c.whistled.begin(), c.whistled.end(), summoned.code) != c.whistled.end())
    return detail::refuse("whistle",
                          "worker " + summoned.code + " is already on " + detail::case_name(c));
  Event e = detail::event_for(c, EventType::whistle, ctx);
  e.worker = summoned.code;
  return detail::allow(std::move(e));
}

/// Rule 2: the handler reports the result, at or above the category's authority level. The
/// case then waits for verification until the verification deadline.
[[nodiscard]] inline Decision decide_resolve(const Case& c, const RuleContext& ctx) {
  if (auto r = detail::check_open(c, "resolved")) return *r;
  if (c.level == Level::county && c.unit.empty() && c.department.empty())
    return detail::refuse("intake-dispatch", detail::case_name(c) +
                                                 " is at the county platform with no handler: "
                                                 "dispatch it first");
  if (auto r = check_authorised(c, ctx)) return *r;
  if (const Category* cat = ctx.policy.find_category(c.category);
      cat && index(c.level) > index(cat->authority))
    return detail::refuse("authority", "category " + c.category + " is resolved at " +
                                           std::string(to_string(cat->authority)) +
                                           " level or above; " + detail::case_name(c) + " is at " +
                                           std::string(to_string(c.level)) + ": escalate it first");
  Event e = detail::event_for(c, EventType::resolve, ctx);
  e.deadline =
      ctx.at + std::chrono::duration_cast<std::chrono::seconds>(ctx.policy.deadlines.verification);
  return detail::allow(std::move(e));
}

/// Rules 7 and 8: a worker of the case's grid verifies it. A resolved case closes; with `fail`
/// it goes back to its handler as rework (open, fresh deadline). An open case at grid level may
/// be closed directly (self-handled), except hotline and petition cases.
[[nodiscard]] inline Decision decide_close(const Case& c, const RuleContext& ctx,
                                           bool fail = false) {
  if (c.kind == Kind::info) return *detail::check_open(c, "closed");
  if (c.status == Status::closed || c.status == Status::voided)
    return detail::refuse(
        "state", detail::case_name(c) + " is " + std::string(to_string(c.status)) + " already");
  if (auto r = check_verifier(c, ctx)) return *r;
  const Category* cat = ctx.policy.find_category(c.category);
  if (c.status == Status::open) {
    if (fail)
      return detail::refuse(
          "rework", detail::case_name(c) + " is open, not resolved: there is no result to reject");
    if (c.level != Level::grid)
      return detail::refuse("verification", detail::case_name(c) + " is open at " +
                                                std::string(to_string(c.level)) +
                                                " level: its handler resolves it first");
    if (is_intake(c.source))
      return detail::refuse("verification", detail::case_name(c) + " came from the " +
                                                std::string(to_string(c.source)) +
                                                ": it is resolved first, then verified");
    if (cat && index(c.level) > index(cat->authority))
      return detail::refuse("authority", "category " + c.category + " is resolved at " +
                                             std::string(to_string(cat->authority)) +
                                             " level or above: escalate " + detail::case_name(c) +
                                             " first");
  }
  Event e = detail::event_for(c, fail ? EventType::rework : EventType::close, ctx);
  e.deadline = fail ? std::optional(detail::deadline_at(ctx, cat, c.level)) : std::nullopt;
  return detail::allow(std::move(e));
}

/// A case recorded by mistake or twice is voided by whoever may handle it where it stands;
/// closed cases are not.
[[nodiscard]] inline Decision decide_void(const Case& c, const RuleContext& ctx) {
  if (c.status == Status::closed || c.status == Status::voided)
    return detail::refuse("state", detail::case_name(c) + " is " +
                                       std::string(to_string(c.status)) + "; it cannot be voided");
  if (auto r = check_authorised(c, ctx)) return *r;
  Event e = detail::event_for(c, EventType::voided, ctx);
  e.deadline.reset();
  return detail::allow(std::move(e));
}

/// A closed case found unsolved opens again with its last handler and a fresh deadline.
[[nodiscard]] inline Decision decide_reopen(const Case& c, const RuleContext& ctx) {
  if (c.status != Status::closed || c.kind == Kind::info)
    return detail::refuse("state", detail::case_name(c) + " is " +
                                       std::string(to_string(c.status)) +
                                       (c.kind == Kind::info ? " (an info case)" : "") +
                                       "; only closed problem cases reopen");
  if (auto r = check_verifier(c, ctx)) return *r;
  const Category* cat = ctx.policy.find_category(c.category);
  Event e = detail::event_for(c, EventType::reopen, ctx);
  e.deadline = detail::deadline_at(ctx, cat, c.level);
  return detail::allow(std::move(e));
}

}  // namespace gridgov
