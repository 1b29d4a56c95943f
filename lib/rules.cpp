// The closed loop's rules (docs/design.md §3): pure decisions, with their refusals' wording.

#include "gridgov/rules.hpp"

#include "format.hpp"

#include <algorithm>

namespace gridgov {

namespace {

Decision refuse(Rule rule, Field field, std::string reason, ErrorCode code = ErrorCode::refused) {
  Decision d;
  d.rule = rule;
  d.field = field;
  d.reason = std::move(reason);
  d.code = code;
  return d;
}

Decision refuse(Rule rule, std::string reason, ErrorCode code = ErrorCode::refused) {
  return refuse(rule, Field::none, std::move(reason), code);
}

Decision allow(Event e) {
  Decision d;
  d.event = std::move(e);
  return d;
}

std::string case_name(const Case& c) {
  return c.id > 0 ? fmt::format("case {}", c.id) : "the case";
}

std::string who(const Worker& w) { return fmt::format("worker {} ({} tier)", w.code, w.tier); }

/// An event for `c` of `type`, standing where the case stands now.
Event event_for(const Case& c, EventType type, const RuleContext& ctx) {
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
  e.due = c.due;
  e.late_record = ctx.late();
  return e;
}

/// The highest level a tier acts at: grid workers for their grid and its village, town workers
/// up to the town, county workers anywhere.
constexpr Level tier_ceiling(Tier t) noexcept {
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

bool whistled_to(const Case& c, const std::string& worker) {
  return std::find(c.whistled.begin(), c.whistled.end(), worker) != c.whistled.end();
}

/// Whether the worker's scope contains the case's grid: a grid worker's grid, a town worker's
/// town, a county worker's zones; a whistle worker only on cases they were summoned to (when
/// `whistles_count`).
bool scope_contains(const Worker& w, const Case& c, const UnitTree& tree,
                    bool whistles_count = true) {
  auto serves = [&](auto unit_of) {
    return std::any_of(w.units.begin(), w.units.end(), [&](const std::string& u) {
      const Unit* unit = unit_of(u);
      return unit && tree.within(c.grid, unit->code);
    });
  };
  switch (w.tier) {
    case Tier::grid:
      return serves([&](const std::string& u) { return tree.find(u); });
    case Tier::town:
      return serves([&](const std::string& u) { return tree.ancestor_at(u, Level::town); });
    case Tier::county:
      if (whistles_count && whistled_to(c, w.code)) return true;
      return serves([&](const std::string& u) { return tree.find(u); });
  }
  return false;
}

std::optional<Decision> check_open(const Case& c, std::string_view move) {
  if (closes_at_once(c.kind))
    return refuse(Rule::state,
                  fmt::format("{} is an {} case: recorded and closed at once; it cannot be {}",
                              case_name(c), c.kind, move));
  switch (c.status) {
    case Status::open:
      return std::nullopt;
    case Status::resolved:
      return refuse(Rule::state, fmt::format("{} is resolved and awaits verification (close, or "
                                             "rework when it fails); it cannot be {}",
                                             case_name(c), move));
    case Status::closed:
      return refuse(Rule::state, fmt::format("{} is closed (reopen it first); it cannot be {}",
                                             case_name(c), move));
    case Status::voided:
      return refuse(Rule::state, fmt::format("{} is void; it cannot be {}", case_name(c), move));
  }
  return std::nullopt;
}

/// Rule 15: orders and reminders are for problems not yet closed (open, or resolved and awaiting
/// verification).
std::optional<Decision> check_not_closed(const Case& c, std::string_view move) {
  if (c.kind == Kind::problem && (c.status == Status::open || c.status == Status::resolved))
    return std::nullopt;
  return refuse(Rule::state, fmt::format("{} is {}; only cases not yet closed are {}", case_name(c),
                                         closes_at_once(c.kind) ? fmt::format("an {} case", c.kind)
                                                                : std::string(to_string(c.status)),
                                         move));
}

/// Rule 9: a problem's `due`, from the time its clock starts.
Timestamp due_at(const RuleContext& ctx, const Category* cat) {
  return ctx.policy.after(ctx.at, ctx.policy.limit_for(cat));
}

/// Rule 14: `t` moved out by the time a suspension lasted, from `since` to `until`: natural time
/// for a natural limit, the working days that passed for a limit in working days.
Timestamp moved_by_suspension(const Policy& policy, Timestamp t, const Duration& limit,
                              Timestamp since, Timestamp until) {
  if (until <= since) return t;
  if (!limit.in_working_days()) return t + (until - since);
  const int days = working_days_between(policy.calendar, policy.utc_offset, since, until);
  return days > 0 ? policy.moved_out(t, Duration::days_of_work(days)) : t;
}

/// Rule 14: a town- or county-tier worker whose scope holds the case, or `admin`.
std::optional<Decision> check_suspender(const Case& c, const RuleContext& ctx,
                                        std::string_view move) {
  if (ctx.actor.is_admin()) return std::nullopt;
  const Worker& w = *ctx.actor.worker;
  if (w.tier == Tier::grid)
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("{} may not {} {}: town- and county-tier workers do", who(w), move,
                              case_name(c)));
  if (!scope_contains(w, c, ctx.tree, false))
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("{} does not serve grid {} of {}", who(w), c.grid, case_name(c)));
  return std::nullopt;
}

/// Rules 13 and 15: a worker above the case's holder, or `admin`.
std::optional<Decision> check_above_holder(const Case& c, const RuleContext& ctx, Rule rule,
                                           std::string_view move) {
  if (ctx.actor.is_admin() || is_above_holder(*ctx.actor.worker, c, ctx.tree)) return std::nullopt;
  const std::string holder =
      c.level == Level::county ? (c.department.empty() ? std::string("the county platform")
                                                       : fmt::format("department {}", c.department))
                               : fmt::format("{} ({})", c.unit, c.level);
  return refuse(rule, Field::actor,
                fmt::format("{} does not serve a level above {}, which holds {}; only such a "
                            "worker (or admin) may {} it",
                            who(*ctx.actor.worker), holder, case_name(c), move));
}

Timestamp deadline_at(const RuleContext& ctx, const Category* cat, Level level) {
  return ctx.policy.after(ctx.at, cat ? ctx.policy.deadline_for(*cat, level)
                                      : ctx.policy.deadlines.level[index(level)]);
}

}  // namespace

const Event& Decision::get() const {
  if (!event) throw error();
  return *event;
}

Error Decision::error() const {
  const std::string message =
      rule == Rule::none ? reason : fmt::format("{}: {}", to_string(rule), reason);
  return Error(code, message, std::string(to_string(rule)), std::string(to_string(field)));
}

std::optional<Decision> check_not_future(Timestamp at, Timestamp now, std::chrono::minutes offset) {
  if (at <= now + k_clock_tolerance) return std::nullopt;
  return refuse(Rule::future, Field::at,
                fmt::format("{} is later than the clock ({}): nothing is recorded before it "
                            "happens",
                            format_time(at, offset), format_time(now, offset)));
}

std::optional<Decision> check_in_order(const Case& c, Timestamp last, Timestamp at) {
  if (at >= last) return std::nullopt;
  return refuse(Rule::time, Field::at,
                fmt::format("the time given is earlier than case {}'s last event; events are "
                            "recorded in order",
                            c.id));
}

std::optional<Decision> check_timezone(std::chrono::minutes in_force, std::chrono::minutes proposed,
                                       bool has_cases) {
  if (!has_cases || in_force == proposed) return std::nullopt;
  return refuse(Rule::timezone,
                fmt::format("the database has cases recorded in {}; a policy may not move them "
                            "to {}",
                            format_utc_offset(in_force), format_utc_offset(proposed)));
}

std::optional<Decision> check_authorised(const Case& c, const RuleContext& ctx) {
  if (ctx.actor.is_admin()) return std::nullopt;
  const Worker& w = *ctx.actor.worker;
  if (index(c.level) < index(tier_ceiling(w.tier)))
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("{} may not act on {} at {} level", who(w), case_name(c), c.level));
  if (w.tier == Tier::county && c.level == Level::county) {
    if (c.department.empty() || w.department == c.department || whistled_to(c, w.code))
      return std::nullopt;
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("{} is not from department {}, which handles {}", who(w),
                              c.department, case_name(c)));
  }
  if (!scope_contains(w, c, ctx.tree))
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("{} does not serve grid {} of {}", who(w), c.grid, case_name(c)));
  return std::nullopt;
}

std::optional<Decision> check_grid_side(const Case& c, const RuleContext& ctx) {
  // A worker whistled to the case helped handle it; it is the grid's side that judges it.
  if (ctx.actor.is_admin() || scope_contains(*ctx.actor.worker, c, ctx.tree, false))
    return std::nullopt;
  return refuse(
      Rule::verification, Field::actor,
      fmt::format("worker {} does not serve grid {} of {}", ctx.actor.code, c.grid, case_name(c)));
}

std::optional<Decision> check_verifier(const Case& c, const RuleContext& ctx) {
  if (ctx.actor.is_admin()) return std::nullopt;
  const Worker& w = *ctx.actor.worker;
  auto no = [&](std::string why) {
    return std::optional<Decision>(refuse(Rule::verification, Field::actor, std::move(why)));
  };
  if (!c.resolved_by.empty() && w.code == c.resolved_by)
    return no(
        fmt::format("worker {} recorded the resolve of {}; the grid's side verifies it, "
                    "never the hand that did the work",
                    w.code, case_name(c)));
  if (whistled_to(c, w.code))
    return no(
        fmt::format("worker {} was whistled to {} and helped handle it; the grid's side "
                    "verifies it",
                    w.code, case_name(c)));
  switch (w.tier) {
    case Tier::county:
      return no(
          fmt::format("{} does not verify: county-tier workers handle cases; the grid's "
                      "own worker (or the town's) verifies {}",
                      who(w), case_name(c)));
    case Tier::grid:
      if (scope_contains(w, c, ctx.tree, false)) return std::nullopt;
      return no(fmt::format("{} does not serve grid {}, where {} is verified", who(w), c.grid,
                            case_name(c)));
    case Tier::town: {
      if (!scope_contains(w, c, ctx.tree, false))
        return no(
            fmt::format("{} does not serve the zone or town of grid {}, where {} is "
                        "verified",
                        who(w), c.grid, case_name(c)));
      // The town steps in only when the grid's own worker did the work, or the grid has none.
      const auto resolver = ctx.workers && !c.resolved_by.empty() ? ctx.workers(c.resolved_by)
                                                                  : std::optional<Worker>();
      const bool grid_worker_resolved =
          resolver && resolver->tier == Tier::grid && scope_contains(*resolver, c, ctx.tree, false);
      const bool grid_has_worker = !ctx.grid_has_worker || ctx.grid_has_worker(c.grid);
      if (grid_worker_resolved || !grid_has_worker) return std::nullopt;
      return no(
          fmt::format("grid {} has its own grid worker, who verifies {}; the town verifies "
                      "only when that worker did the work or the grid has none",
                      c.grid, case_name(c)));
    }
  }
  return std::nullopt;
}

Decision decide_report(const Case& draft, const RuleContext& ctx) {
  const Unit* grid = ctx.tree.find(draft.grid);
  if (!grid)
    return refuse(Rule::report, Field::grid, "unknown grid " + draft.grid, ErrorCode::not_found);
  if (grid->level != Level::grid)
    return refuse(Rule::report, Field::grid,
                  fmt::format("{} is a {}, not a grid", draft.grid, grid->level),
                  ErrorCode::not_found);
  const Category* cat = ctx.policy.find_category(draft.category);
  if (!cat)
    return refuse(Rule::report, Field::category, "unknown category " + draft.category,
                  ErrorCode::not_found);
  // A service delivered names a service of the policy; no other kind names one.
  if (draft.kind == Kind::service && draft.service.empty())
    return refuse(Rule::report, Field::service, "a service case names its service",
                  ErrorCode::usage);
  if (draft.kind != Kind::service && !draft.service.empty())
    return refuse(Rule::report, Field::service,
                  fmt::format("a {} case names no service (only kind service does)", draft.kind),
                  ErrorCode::usage);
  if (!draft.service.empty() && !ctx.policy.find_service(draft.service))
    return refuse(Rule::report, Field::service, "unknown service " + draft.service,
                  ErrorCode::not_found);

  Case c = draft;
  c.level = Level::grid;
  c.unit = draft.grid;
  if (!ctx.actor.is_admin()) {
    const Worker& w = *ctx.actor.worker;
    const bool intake = is_intake(draft.source);
    if (intake ? w.tier != Tier::county : !scope_contains(w, c, ctx.tree))
      return refuse(Rule::authorisation, Field::actor,
                    intake
                        ? fmt::format("{} may not report a {} case (the county platform "
                                      "takes those)",
                                      who(w), draft.source)
                        : fmt::format("{} may not report a case in grid {}", who(w), draft.grid));
  }
  Event e = event_for(c, EventType::report, ctx);
  e.from_unit.clear();
  if (is_intake(draft.source)) {
    e.level = Level::county;
    e.unit.clear();
  }
  e.deadline =
      closes_at_once(draft.kind) ? std::nullopt : std::optional(deadline_at(ctx, cat, e.level));
  // Rule 9: the clock of a problem starts at its report; an intake case's at its first dispatch.
  e.due = closes_at_once(draft.kind) || is_intake(draft.source) ? std::nullopt
                                                                : std::optional(due_at(ctx, cat));
  return allow(std::move(e));
}

Decision decide_escalate(const Case& c, const RuleContext& ctx, std::optional<Level> to,
                         const std::string& department) {
  // A department that does not exist is an unknown name before it is any rule's concern.
  if (!department.empty() && !ctx.policy.find_department(department))
    return refuse(Rule::town_calls_county_responds, Field::department,
                  "unknown department " + department, ErrorCode::not_found);
  if (auto r = check_open(c, "escalated")) return *r;
  if (auto r = check_authorised(c, ctx)) return *r;
  const Category* cat = ctx.policy.find_category(c.category);
  const bool urgent = cat && cat->urgent;
  if (c.level == Level::county)
    return refuse(Rule::level_by_level, fmt::format("{} is at county level; there is nowhere "
                                                    "higher to escalate (dispatch it instead)",
                                                    case_name(c)));
  const Level next = *parent_level(c.level);
  const Level target = to.value_or(!department.empty() ? Level::county : next);
  if (index(target) >= index(c.level))
    return refuse(
        Rule::level_by_level, Field::level,
        fmt::format("level {} is not above {}'s level {}", target, case_name(c), c.level));
  if (target != next && !urgent)
    return refuse(Rule::level_by_level, Field::level,
                  fmt::format("{} goes one level at a time: from {} only to {} (category {} is "
                              "not urgent)",
                              case_name(c), c.level, next, c.category));

  Event e;
  if (target == Level::county) {
    // 乡呼县应: town calls, county responds.
    const std::string dep = !department.empty() ? department : (cat ? cat->department : "");
    if (dep.empty())
      return refuse(Rule::town_calls_county_responds, Field::department,
                    fmt::format("no department to refer {} to: name one (category {} names no "
                                "default)",
                                case_name(c), c.category));
    if (!ctx.policy.find_department(dep))
      return refuse(Rule::town_calls_county_responds, Field::department,
                    "unknown department " + dep, ErrorCode::not_found);
    e = event_for(c, EventType::refer, ctx);
    e.level = Level::county;
    e.unit.clear();
    e.department = dep;
  } else {
    const Unit* unit = ctx.tree.ancestor_at(c.grid, target);
    if (!unit)
      return refuse(Rule::level_by_level, Field::level,
                    fmt::format("grid {} has no {} above it", c.grid, target));
    e = event_for(c, EventType::escalate, ctx);
    e.level = target;
    e.unit = unit->code;
    e.department.clear();
  }
  e.deadline = deadline_at(ctx, cat, e.level);
  return allow(std::move(e));
}

Decision decide_dispatch(const Case& c, const RuleContext& ctx, const std::string& unit_code,
                         const std::string& department) {
  if (auto r = check_open(c, "dispatched")) return *r;
  if (c.level != Level::county)
    return refuse(Rule::intake_dispatch,
                  fmt::format("{} is at {} level; only cases at the county platform are "
                              "dispatched",
                              case_name(c), c.level));
  // An intake case sent to the wrong department may be dispatched again; a case referred by a
  // town (乡呼县应) stays with its department.
  if (!c.department.empty() && !is_intake(c.source))
    return refuse(Rule::intake_dispatch,
                  fmt::format("{} was referred to department {} by its town; the department "
                              "resolves it",
                              case_name(c), c.department));
  if (!ctx.actor.is_admin() && ctx.actor.worker->tier != Tier::county)
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("worker {} is not a county worker; only the county platform "
                              "dispatches",
                              ctx.actor.code));
  const Category* cat = ctx.policy.find_category(c.category);
  Event e = event_for(c, EventType::dispatch, ctx);
  if (!department.empty()) {
    if (!ctx.policy.find_department(department))
      return refuse(Rule::intake_dispatch, Field::department, "unknown department " + department,
                    ErrorCode::not_found);
    e.level = Level::county;
    e.unit.clear();
    e.department = department;
  } else {
    const Unit* unit = ctx.tree.find(unit_code);
    if (!unit)
      return refuse(Rule::intake_dispatch, Field::unit, "unknown unit " + unit_code,
                    ErrorCode::not_found);
    if (unit->level == Level::county)
      return refuse(Rule::intake_dispatch, Field::unit,
                    "dispatch sends a case down to a town, zone, village or grid, or to a "
                    "department");
    if (!ctx.tree.within(c.grid, unit->code))
      return refuse(
          Rule::intake_dispatch, Field::unit,
          fmt::format("unit {} does not contain grid {} of {}", unit->code, c.grid, case_name(c)));
    e.level = unit->level;
    e.unit = unit->code;
    e.department.clear();
  }
  e.deadline = deadline_at(ctx, cat, e.level);
  if (!e.due && c.kind == Kind::problem) e.due = due_at(ctx, cat);
  return allow(std::move(e));
}

Decision decide_whistle(const Case& c, const RuleContext& ctx, const Worker& summoned) {
  if (auto r = check_open(c, "whistled")) return *r;
  if (c.level != Level::zone && c.level != Level::town)
    return refuse(Rule::whistle,
                  fmt::format("a whistle is blown at zone or town level; {} is at {} level",
                              case_name(c), c.level));
  if (auto r = check_authorised(c, ctx)) return *r;
  if (summoned.tier != Tier::county || summoned.deployment != Deployment::whistle)
    return refuse(
        Rule::whistle, Field::worker,
        fmt::format("worker {} is not an on-call (whistle) county worker", summoned.code));
  if (whistled_to(c, summoned.code))
    return refuse(Rule::whistle, Field::worker,
                  fmt::format("worker {} is already on {}", summoned.code, case_name(c)));
  Event e = event_for(c, EventType::whistle, ctx);
  e.worker = summoned.code;
  return allow(std::move(e));
}

Decision decide_resolve(const Case& c, const RuleContext& ctx) {
  if (auto r = check_open(c, "resolved")) return *r;
  if (c.level == Level::county && c.unit.empty() && c.department.empty())
    return refuse(Rule::intake_dispatch,
                  fmt::format("{} is at the county platform with no handler: dispatch it first",
                              case_name(c)));
  if (auto r = check_authorised(c, ctx)) return *r;
  if (const Category* cat = ctx.policy.find_category(c.category);
      cat && index(c.level) > index(cat->authority))
    return refuse(Rule::authority,
                  fmt::format("category {} is resolved at {} level or above; {} is at {}: "
                              "escalate it first",
                              c.category, cat->authority, case_name(c), c.level));
  Event e = event_for(c, EventType::resolve, ctx);
  e.deadline = ctx.policy.after(ctx.at, ctx.policy.deadlines.verification);
  return allow(std::move(e));
}

Decision decide_close(const Case& c, const RuleContext& ctx, bool fail) {
  if (closes_at_once(c.kind)) return *check_open(c, "closed");
  if (c.status == Status::closed || c.status == Status::voided)
    return refuse(Rule::state, fmt::format("{} is {} already", case_name(c), c.status));
  const Category* cat = ctx.policy.find_category(c.category);
  if (c.status == Status::open) {
    if (fail)
      return refuse(Rule::rework, fmt::format("{} is open, not resolved: there is no result to "
                                              "reject",
                                              case_name(c)));
    if (c.level != Level::grid)
      return refuse(Rule::verification,
                    fmt::format("{} is open at {} level: its handler resolves it first",
                                case_name(c), c.level));
    if (is_intake(c.source))
      return refuse(Rule::verification,
                    fmt::format("{} came from the {}: it is resolved first, then verified",
                                case_name(c), c.source));
    if (cat && index(c.level) > index(cat->authority))
      return refuse(Rule::authority,
                    fmt::format("category {} is resolved at {} level or above: escalate {} "
                                "first",
                                c.category, cat->authority, case_name(c)));
    // Self-handled in the grid (网格内处置): the grid's own worker closes it at once.
    if (!ctx.actor.is_admin() && (ctx.actor.worker->tier != Tier::grid ||
                                  !scope_contains(*ctx.actor.worker, c, ctx.tree, false)))
      return refuse(Rule::verification, Field::actor,
                    fmt::format("{} is open at {} level: only a grid worker of grid {} closes it "
                                "directly (self-handled); otherwise it is resolved, then verified",
                                case_name(c), c.level, c.grid));
  } else if (auto r = check_verifier(c, ctx)) {
    return *r;
  }
  Event e = event_for(c, fail ? EventType::rework : EventType::close, ctx);
  e.deadline = fail ? std::optional(deadline_at(ctx, cat, c.level)) : std::nullopt;
  return allow(std::move(e));
}

Decision decide_void(const Case& c, const RuleContext& ctx) {
  if (c.status == Status::closed || c.status == Status::voided)
    return refuse(Rule::state,
                  fmt::format("{} is {}; it cannot be voided", case_name(c), c.status));
  if (auto r = check_authorised(c, ctx)) return *r;
  Event e = event_for(c, EventType::voided, ctx);
  e.deadline.reset();
  return allow(std::move(e));
}

Decision decide_reopen(const Case& c, const RuleContext& ctx) {
  if (c.status != Status::closed || closes_at_once(c.kind))
    return refuse(
        Rule::state,
        fmt::format("{} is {}{}; only closed problem cases reopen", case_name(c), c.status,
                    closes_at_once(c.kind) ? fmt::format(" (an {} case)", c.kind) : ""));
  if (auto r = check_grid_side(c, ctx)) return *r;
  const Category* cat = ctx.policy.find_category(c.category);
  Event e = event_for(c, EventType::reopen, ctx);
  e.deadline = deadline_at(ctx, cat, c.level);
  return allow(std::move(e));
}

bool is_above_holder(const Worker& w, const Case& c, const UnitTree& tree) {
  if (w.tier == Tier::county)
    return c.level != Level::county || (!c.department.empty() && w.department != c.department);
  if (c.level == Level::county) return false;
  return std::any_of(w.units.begin(), w.units.end(), [&](const std::string& code) {
    const Unit* u = tree.find(code);
    return u && index(u->level) < index(c.level) && tree.within(c.grid, u->code);
  });
}

bool exceeds_cap(const std::vector<Duration>& total, const Duration& cap) {
  constexpr long long day = 24 * 60;
  long long sum = 0;
  for (const Duration& d : total) {
    if (cap.in_working_days())
      sum += d.in_working_days() ? d.working_days : (d.natural.count() + day - 1) / day;
    else
      sum += d.in_working_days() ? d.working_days * day : d.natural.count();
  }
  return sum > (cap.in_working_days() ? cap.working_days : cap.natural.count());
}

Decision decide_extend(const Case& c, const RuleContext& ctx, const Duration& by) {
  if (auto r = check_open(c, "extended")) return *r;
  if (!c.due)
    return refuse(Rule::extension, fmt::format("{} has no time limit yet (an intake case's runs "
                                               "from its first dispatch)",
                                               case_name(c)));
  if (auto r = check_above_holder(c, ctx, Rule::authorisation, "extend")) return *r;
  if (ctx.counted() > *c.due)
    return refuse(Rule::extension, Field::at,
                  fmt::format("{} was due {}; an extension is asked before the time limit passes",
                              case_name(c), format_time(*c.due, ctx.policy.utc_offset)));
  std::vector<Duration> total = c.extensions;
  total.push_back(by);
  if (exceeds_cap(total, ctx.policy.deadlines.max_extension)) {
    Case after = c;
    after.extensions = total;
    return refuse(Rule::extension, Field::by,
                  fmt::format("{} would be extended by {} in all, more than the policy's "
                              "max_extension {}",
                              case_name(c), *extension_total(after),
                              format_duration(ctx.policy.deadlines.max_extension)));
  }
  Event e = event_for(c, EventType::extend, ctx);
  e.extension = by;
  e.due = ctx.policy.moved_out(*c.due, by);
  return allow(std::move(e));
}

Decision decide_suspend(const Case& c, const RuleContext& ctx) {
  if (auto r = check_open(c, "suspended")) return *r;
  if (auto r = check_suspender(c, ctx, "suspend")) return *r;
  return allow(event_for(c, EventType::suspend, ctx));
}

Decision decide_resume(const Case& c, const RuleContext& ctx) {
  if (!c.suspended())
    return refuse(Rule::suspension, fmt::format("{} is not suspended", case_name(c)));
  if (auto r = check_suspender(c, ctx, "resume")) return *r;
  const Category* cat = ctx.policy.find_category(c.category);
  const Timestamp since = *c.suspended_since;
  const Timestamp until = ctx.counted();
  Event e = event_for(c, EventType::resume, ctx);
  if (c.due)
    e.due = moved_by_suspension(ctx.policy, *c.due, ctx.policy.limit_for(cat), since, until);
  if (c.deadline)
    e.deadline = moved_by_suspension(
        ctx.policy, *c.deadline,
        cat ? ctx.policy.deadline_for(*cat, c.level) : ctx.policy.deadlines.level[index(c.level)],
        since, until);
  return allow(std::move(e));
}

Decision decide_supervise(const Case& c, const RuleContext& ctx, Timestamp by) {
  if (auto r = check_not_closed(c, "put under a supervision order")) return *r;
  if (!ctx.actor.is_admin() && ctx.actor.worker->tier != Tier::county)
    return refuse(Rule::authorisation, Field::actor,
                  fmt::format("{} may not issue a supervision order: the county does (a "
                              "county-tier worker, or admin)",
                              who(*ctx.actor.worker)));
  const Timestamp clock = std::max(ctx.at, ctx.recorded_at.value_or(ctx.at));
  if (by <= clock)
    return refuse(Rule::supervision, Field::by,
                  fmt::format("the order's time {} is not later than the clock ({}): an order "
                              "sets a time still to come",
                              format_time(by, ctx.policy.utc_offset),
                              format_time(clock, ctx.policy.utc_offset)));
  Event e = event_for(c, EventType::supervise, ctx);
  e.supervision_by = by;
  return allow(std::move(e));
}

Decision decide_urge(const Case& c, const RuleContext& ctx) {
  if (auto r = check_not_closed(c, "urged")) return *r;
  if (auto r = check_above_holder(c, ctx, Rule::authorisation, "urge")) return *r;
  return allow(event_for(c, EventType::urge, ctx));
}

Decision decide(const Case& c, const RuleContext& ctx, const Move& move) {
  // Rule 14: a suspended case takes no move but its resume, or its void.
  if (c.suspended() && move.type != EventType::resume && move.type != EventType::voided)
    return refuse(Rule::suspension,
                  fmt::format("{} is suspended (挂账) since {}: resume it first", case_name(c),
                              format_time(*c.suspended_since, ctx.policy.utc_offset)));
  Decision d;
  switch (move.type) {
    case EventType::escalate:
      d = decide_escalate(c, ctx, move.to, move.department);
      break;
    case EventType::refer:
      d = decide_escalate(c, ctx, Level::county, move.department);
      break;
    case EventType::dispatch:
      d = decide_dispatch(c, ctx, move.unit, move.department);
      break;
    case EventType::whistle: {
      auto summoned = ctx.workers ? ctx.workers(move.worker) : std::nullopt;
      if (!summoned)
        return refuse(Rule::whistle, Field::worker, "unknown worker " + move.worker,
                      ErrorCode::not_found);
      d = decide_whistle(c, ctx, *summoned);
      break;
    }
    case EventType::resolve:
      d = decide_resolve(c, ctx);
      break;
    case EventType::close:
      d = decide_close(c, ctx, false);
      break;
    case EventType::rework:
      d = decide_close(c, ctx, true);
      break;
    case EventType::voided:
      if (move.duplicate_of == c.id && c.id != 0)
        return refuse(Rule::state, fmt::format("{} cannot duplicate itself", case_name(c)));
      d = decide_void(c, ctx);
      break;
    case EventType::reopen:
      d = decide_reopen(c, ctx);
      break;
    case EventType::extend:
      if (!move.extension)
        return refuse(Rule::extension, Field::by, "an extension says by how much (a duration)",
                      ErrorCode::usage);
      d = decide_extend(c, ctx, *move.extension);
      break;
    case EventType::suspend:
      d = decide_suspend(c, ctx);
      break;
    case EventType::resume:
      d = decide_resume(c, ctx);
      break;
    case EventType::supervise:
      if (!move.supervision_by)
        return refuse(Rule::supervision, Field::by, "a supervision order sets a time",
                      ErrorCode::usage);
      d = decide_supervise(c, ctx, *move.supervision_by);
      break;
    case EventType::urge:
      d = decide_urge(c, ctx);
      break;
    case EventType::report:
      return refuse(Rule::report, "a report starts a case; it is not a move on one");
  }
  if (d.event) {
    d.event->note = move.note;
    if (move.type == EventType::voided && move.duplicate_of != 0)
      d.event->note = fmt::format("duplicate of case {}{}", move.duplicate_of,
                                  move.note.empty() ? "" : ": " + move.note);
  }
  return d;
}

}  // namespace gridgov
