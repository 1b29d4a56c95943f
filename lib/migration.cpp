// Turning a row of a cases file into a case and its history, by the closed loop's rules.

#include "gridgov/migration.hpp"

#include <algorithm>

#include "format.hpp"

namespace gridgov {

namespace {

/// Replays a row's history through the rules: the moves of the history columns as the import
/// (`admin`), the events of an `events` column as the actors they name.
struct Replayer {
  const UnitTree& tree;
  const Policy& policy;
  const Actor& actor;
  const WorkerLookup& workers;
  const CaseRow& row;
  Case c;
  std::vector<Event> events;

  /// Where in the row a refusal about `field` points; `fallback` for the rest.
  const Location& column_of(Field field, const Location& fallback) const {
    switch (field) {
      case Field::grid:
        return row.grid_at;
      case Field::category:
        return row.category_at;
      case Field::service:
        return row.service_at;
      case Field::department:
        return row.department_at;
      case Field::level:
      case Field::unit:
        return row.level_at;
      case Field::actor:
        return row.reporter_at;
      default:
        return fallback;
    }
  }

  /// Appends a decided event (as `recorded_actor` when given); on refusal, reports it at
  /// `refused_at`.
  bool step(const Decision& d, const Location& refused_at, Diagnostics& diagnostics,
            const std::string& recorded_actor = {}) {
    if (!d.allowed()) {
      diagnostics.add(refused_at.error(
          fmt::format("history breaks the rule {}: {}", to_string(d.rule), d.reason)));
      return false;
    }
    Event e = *d.event;
    if (!recorded_actor.empty()) e.actor = recorded_actor;
    c = apply(c, e);
    events.push_back(std::move(e));
    return true;
  }
  /// A move of the import's own (from the history columns), noted as such.
  bool step(EventType type, Timestamp at, const Location& where, Diagnostics& diagnostics,
            std::string unit = {}, std::string department = {}) {
    Move move;
    move.type = type;
    move.unit = std::move(unit);
    move.department = std::move(department);
    move.note = "import";
    const Decision d = decide(c, context(at), move);
    return step(d, column_of(d.field, where), diagnostics);
  }
  RuleContext context(Timestamp t, const Actor& who) const {
    return RuleContext{tree, policy, who, t, workers};
  }
  RuleContext context(Timestamp t) const { return context(t, actor); }
  /// The context of an event a cases file brings, acted by `who`: one its source recorded late
  /// (rule 16) keeps that mark and the time it was recorded, so that it counts as it did there.
  RuleContext context(const Event& e, const Actor& who) const {
    RuleContext ctx = context(e.at, who);
    if (e.late_record) ctx.recorded_at = e.recorded_at;
    return ctx;
  }
};

/// `d` with its event stamped as recorded at the late time the file gives (rule 16).
Decision keep_late(Decision d, const RuleContext& ctx) {
  if (d.event && d.event->late_record && ctx.recorded_at) d.event->recorded_at = *ctx.recorded_at;
  return d;
}

/// The actor an imported event names: `admin`, or a worker of the county (retired ones too: the
/// history may predate the retirement). Whether that actor may make the move, the rules decide.
std::optional<Actor> actor_of(const Event& e, const WorkerLookup& workers) {
  if (e.actor == k_admin_code) return Actor::admin();
  if (auto w = workers(e.actor)) return Actor{e.actor, std::move(*w)};
  return std::nullopt;
}

bool replay_events(Replayer& r, const CaseRow& row, Diagnostics& diagnostics) {
  const Location& where = row.events_at;
  for (const Event& e : *row.events) {
    if (e.type == EventType::report) continue;
    const auto actor = actor_of(e, r.workers);
    if (!actor) {
      diagnostics.add(where.error(
          fmt::format("event {} names an unknown actor {}", e.type, std::string_view(e.actor))));
      return false;
    }
    if (e.at < r.c.reported_at || (!r.events.empty() && e.at < r.events.back().at)) {
      diagnostics.add(
          where.error(fmt::format("event {} is earlier than the event before it", e.type)));
      return false;
    }
    const Move move{.type = e.type,
                    .to = e.level,
                    .unit = e.unit,
                    .department = e.department,
                    .worker = e.worker,
                    .note = e.note,
                    .duplicate_of = 0,
                    .extension = e.extension,
                    .supervision_by = e.supervision_by};
    const RuleContext ctx = r.context(e, *actor);
    const Decision d = keep_late(decide(r.c, ctx, move), ctx);
    if (d.allowed() && (d.event->level != e.level || d.event->unit != e.unit ||
                        d.event->department != e.department)) {
      diagnostics.add(where.error(
          fmt::format("event {} at {} does not follow from the one before it", e.type, e.level)));
      return false;
    }
    if (!r.step(d, where, diagnostics)) return false;  // the event is in the events column
  }
  return true;
}

bool replay_columns(Replayer& r, const CaseRow& row, Diagnostics& diagnostics) {
  const Case& h = row.header;
  // Where the case was handled last.
  const Level target = row.level.value_or(!row.department.empty() ? Level::county : r.c.level);
  if (!row.department.empty() && target != Level::county) {
    diagnostics.add(row.department_at.error(
        fmt::format("a department handles cases at county level, but level is {}", target)));
    return false;
  }
  const Timestamp start = h.reported_at;
  if (is_intake(h.source) && target == Level::county && row.department.empty() &&
      (row.resolved_at || row.closed_at)) {
    // The intake stays at the county platform with no handler: say which column would say who.
    const Location& at = row.closed_at ? row.closed_at_at : row.resolved_at_at;
    const std::string& level_name = row.level_at.field.empty() ? "level" : row.level_at.field;
    const std::string& department_name =
        row.department_at.field.empty() ? "department" : row.department_at.field;
    diagnostics.add(at.error(fmt::format(
        "{} given but no {} or {}: a {} case is dispatched before it is handled; add a `{}` or "
        "`{}` column saying where it was handled (a level such as town, or a department)",
        at.field.empty() ? (row.closed_at ? "closed_at" : "resolved_at") : at.field, level_name,
        department_name, h.source, level_name, department_name)));
    return false;
  }
  if (is_intake(h.source)) {
    if (!row.department.empty()) {
      if (!r.step(EventType::dispatch, start, row.department_at, diagnostics, "", row.department))
        return false;
    } else if (target != Level::county) {
      const Unit* unit = r.tree.ancestor_at(h.grid, target);
      if (!r.step(EventType::dispatch, start, row.level_at, diagnostics, unit ? unit->code : ""))
        return false;
    }
  } else {
    if (index(target) > index(r.c.level)) {
      diagnostics.add(
          row.level_at.error(fmt::format("level {} is below where the case starts", target)));
      return false;
    }
    const Level last_unit_level = target == Level::county ? Level::town : target;
    while (index(r.c.level) > index(last_unit_level))
      if (!r.step(EventType::escalate, start, row.level_at, diagnostics)) return false;
    if (target == Level::county) {
      if (row.department.empty()) {
        diagnostics.add(row.level_at.error("level county needs the department it was referred to"));
        return false;
      }
      if (!r.step(EventType::refer, start, row.department_at, diagnostics, "", row.department))
        return false;
    }
  }

  // Where it stopped: the status given, else what the times say.
  const Status status = row.status.value_or(row.closed_at     ? Status::closed
                                            : row.resolved_at ? Status::resolved
                                                              : Status::open);
  const bool wants_resolved = status == Status::resolved;
  const bool wants_closed = status == Status::closed;
  if ((wants_closed && !row.closed_at) || (!wants_closed && row.closed_at)) {
    diagnostics.add(row.closed_at_at.error(
        wants_closed ? "status closed needs closed_at"
                     : fmt::format("closed_at given, but status is {}", status)));
    return false;
  }
  if (wants_resolved && !row.resolved_at) {
    diagnostics.add(row.resolved_at_at.error("status resolved needs resolved_at"));
    return false;
  }
  if (!wants_resolved && !wants_closed && row.resolved_at) {
    diagnostics.add(
        row.resolved_at_at.error(fmt::format("resolved_at given, but status is {}", status)));
    return false;
  }
  if (row.resolved_at) {
    if (*row.resolved_at < h.reported_at) {
      diagnostics.add(row.resolved_at_at.error("resolved before it was reported"));
      return false;
    }
    if (!r.step(EventType::resolve, *row.resolved_at, row.resolved_at_at, diagnostics))
      return false;
  }
  if (row.closed_at) {
    if (*row.closed_at < h.reported_at || (row.resolved_at && *row.closed_at < *row.resolved_at)) {
      diagnostics.add(row.closed_at_at.error(*row.closed_at < h.reported_at
                                                 ? "closed before it was reported"
                                                 : "closed before it was resolved"));
      return false;
    }
    if (!r.step(EventType::close, *row.closed_at, row.closed_at_at, diagnostics)) return false;
  }
  if (status == Status::voided &&
      !r.step(EventType::voided, r.events.back().at, row.status_at, diagnostics))
    return false;
  return true;
}

}  // namespace

std::optional<Migration> migrate(const CaseRow& row, const UnitTree& tree, const Policy& policy,
                                 const WorkerLookup& workers, Diagnostics& diagnostics) {
  const Actor admin = Actor::admin();
  Replayer r{tree, policy, admin, workers, row, row.header, {}};
  const std::string& reporter = row.header.reporter;
  if (reporter != k_admin_code && !workers(reporter)) {
    diagnostics.add(row.reporter_at.error("unknown worker " + reporter));
    return std::nullopt;
  }
  // A report its source recorded late stays a late record (it does not count for the quota).
  RuleContext report_context = r.context(row.header.reported_at);
  if (row.events)
    for (const Event& e : *row.events)
      if (e.type == EventType::report && e.late_record) report_context.recorded_at = e.recorded_at;
  const Decision report = keep_late(decide_report(row.header, report_context), report_context);
  if (!report.allowed()) {
    diagnostics.add(r.column_of(report.field, row.grid_at).error(report.reason));
    return std::nullopt;
  }
  if (!r.step(report, r.column_of(report.field, row.row_at), diagnostics, reporter))
    return std::nullopt;

  if (closes_at_once(row.header.kind)) {
    const bool more_events =
        row.events && std::any_of(row.events->begin(), row.events->end(),
                                  [](const Event& e) { return e.type != EventType::report; });
    // Exports name the level an info or service case was recorded at; older platforms often say
    // grid.
    const Level level = row.level.value_or(r.c.level);
    if (more_events || (level != r.c.level && level != Level::grid) || !row.department.empty() ||
        row.resolved_at || row.status.value_or(Status::closed) != Status::closed) {
      diagnostics.add(row.status_at.error(fmt::format(
          "an {} case is closed when reported; it has no further history", row.header.kind)));
      return std::nullopt;
    }
  } else if (row.events ? !replay_events(r, row, diagnostics)
                        : !replay_columns(r, row, diagnostics)) {
    return std::nullopt;
  }
  return Migration{r.c, r.events};
}

}  // namespace gridgov
