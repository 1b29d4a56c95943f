// Turning a row of a cases file into a case and its history, by the closed loop's rules.

#include "gridgov/migration.hpp"

#include <algorithm>

namespace gridgov {

namespace {

struct Replayer {
  const UnitTree& tree;
  const Policy& policy;
  const Actor& actor;
  Case c;
  std::vector<Event> events;

  /// Applies a decision taken at `at`; on refusal, reports it at `where`.
  bool step(const Decision& d, const Location& where, Diagnostics& diagnostics,
            const std::string& recorded_actor = {}, const std::string& note = "import") {
    if (!d.allowed()) {
      diagnostics.add(where.error("history breaks the rule " + d.rule + ": " + d.reason));
      return false;
    }
    Event e = *d.event;
    if (!recorded_actor.empty()) e.actor = recorded_actor;
    e.note = note;
    c = apply(c, e);
    events.push_back(std::move(e));
    return true;
  }
  RuleContext at(Timestamp t) const { return RuleContext{tree, policy, actor, t}; }
};

bool replay_events(Replayer& r, const CaseRow& row, const WorkerLookup& workers,
                   Diagnostics& diagnostics) {
  const Location& where = row.events_at;
  for (const Event& e : *row.events) {
    if (e.type == EventType::report) continue;
    if (e.at < r.c.reported_at || (!r.events.empty() && e.at < r.events.back().at)) {
      diagnostics.add(where.error("event " + std::string(to_string(e.type)) +
                                  " is earlier than the event before it"));
      return false;
    }
    const RuleContext ctx = r.at(e.at);
    Decision d;
    switch (e.type) {
      case EventType::escalate:
        d = decide_escalate(r.c, ctx, e.level);
        break;
      case EventType::refer:
        d = decide_escalate(r.c, ctx, Level::county, e.department);
        break;
      case EventType::dispatch:
        d = decide_dispatch(r.c, ctx, e.unit, e.department);
        break;
      case EventType::whistle: {
        auto w = workers(e.worker);
        if (!w) {
          diagnostics.add(where.error("unknown worker " + e.worker));
          return false;
        }
        d = decide_whistle(r.c, ctx, *w);
        break;
      }
      case EventType::resolve:
        d = decide_resolve(r.c, ctx);
        break;
      case EventType::close:
        d = decide_close(r.c, ctx, false);
        break;
      case EventType::rework:
        d = decide_close(r.c, ctx, true);
        break;
      case EventType::reopen:
        d = decide_reopen(r.c, ctx);
        break;
      case EventType::voided:
        d = decide_void(r.c, ctx);
        break;
      case EventType::report:
        break;
    }
    if (d.allowed() && (d.event->level != e.level || d.event->unit != e.unit ||
                        d.event->department != e.department)) {
      diagnostics.add(where.error("event " + std::string(to_string(e.type)) + " at " +
                                  std::string(to_string(e.level)) +
                                  " does not follow from the one before it"));
      return false;
    }
    if (!r.step(d, where, diagnostics, e.actor, e.note)) return false;
  }
  return true;
}

bool replay_columns(Replayer& r, const CaseRow& row, Diagnostics& diagnostics) {
  const Case& h = row.header;
  // Where the case was handled last.
  const Level target = row.level.value_or(!row.department.empty() ? Level::county : r.c.level);
  if (!row.department.empty() && target != Level::county) {
    diagnostics.add(
        row.department_at.error("a department handles cases at county level, but "
                                "level is " +
                                std::string(to_string(target))));
    return false;
  }
  const RuleContext start = r.at(h.reported_at);
  if (is_intake(h.source)) {
    if (!row.department.empty()) {
      if (!r.step(decide_dispatch(r.c, start, "", row.department), row.department_at, diagnostics))
        return false;
    } else if (target != Level::county) {
      const Unit* unit = detail::ancestor_at(r.tree, h.grid, target);
      if (!r.step(decide_dispatch(r.c, start, unit ? unit->code : "", ""), row.level_at,
                  diagnostics))
        return false;
    }
  } else {
    if (index(target) > index(r.c.level)) {
      diagnostics.add(row.level_at.error("level " + std::string(to_string(target)) +
                                         " is below where the case starts"));
      return false;
    }
    const Level last_unit_level = target == Level::county ? Level::town : target;
    while (index(r.c.level) > index(last_unit_level))
      if (!r.step(decide_escalate(r.c, start), row.level_at, diagnostics)) return false;
    if (target == Level::county) {
      if (row.department.empty()) {
        diagnostics.add(row.level_at.error("level county needs the department it was referred to"));
        return false;
      }
      if (!r.step(decide_escalate(r.c, start, Level::county, row.department), row.department_at,
                  diagnostics))
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
    diagnostics.add(row.closed_at_at.error(wants_closed ? "status closed needs closed_at"
                                                        : "closed_at given, but status is " +
                                                              std::string(to_string(status))));
    return false;
  }
  if (wants_resolved && !row.resolved_at) {
    diagnostics.add(row.resolved_at_at.error("status resolved needs resolved_at"));
    return false;
  }
  if (!wants_resolved && !wants_closed && row.resolved_at) {
    diagnostics.add(row.resolved_at_at.error("resolved_at given, but status is " +
                                             std::string(to_string(status))));
    return false;
  }
  if (row.resolved_at) {
    if (*row.resolved_at < h.reported_at) {
      diagnostics.add(row.resolved_at_at.error("resolved before it was reported"));
      return false;
    }
    if (!r.step(decide_resolve(r.c, r.at(*row.resolved_at)), row.resolved_at_at, diagnostics))
      return false;
  }
  if (row.closed_at) {
    if (*row.closed_at < h.reported_at || (row.resolved_at && *row.closed_at < *row.resolved_at)) {
      diagnostics.add(row.closed_at_at.error(*row.closed_at < h.reported_at
                                                 ? "closed before it was reported"
                                                 : "closed before it was resolved"));
      return false;
    }
    if (!r.step(decide_close(r.c, r.at(*row.closed_at)), row.closed_at_at, diagnostics))
      return false;
  }
  if (status == Status::voided &&
      !r.step(decide_void(r.c, r.at(r.events.back().at)), row.status_at, diagnostics))
    return false;
  return true;
}

}  // namespace

std::optional<Migration> migrate(const CaseRow& row, const UnitTree& tree, const Policy& policy,
                                 const WorkerLookup& workers, Diagnostics& diagnostics) {
  const Actor admin = Actor::admin();
  Replayer r{tree, policy, admin, row.header, {}};
  const RuleContext start = r.at(row.header.reported_at);
  const Decision report = decide_report(row.header, start);
  if (!report.allowed()) {
    diagnostics.add(row.grid_at.error(report.reason));
    return std::nullopt;
  }
  if (!r.step(report, row.row_at, diagnostics, row.header.reporter, "")) return std::nullopt;
  r.events.back().note.clear();

  if (row.header.kind == Kind::info) {
    const bool more_events =
        row.events && std::any_of(row.events->begin(), row.events->end(),
                                  [](const Event& e) { return e.type != EventType::report; });
    // Exports name the level an info case was recorded at; older platforms often say grid.
    const Level level = row.level.value_or(r.c.level);
    if (more_events || (level != r.c.level && level != Level::grid) || !row.department.empty() ||
        row.resolved_at || row.status.value_or(Status::closed) != Status::closed) {
      diagnostics.add(
          row.status_at.error("an info case is closed when reported; it has no "
                              "further history"));
      return std::nullopt;
    }
  } else if (row.events ? !replay_events(r, row, workers, diagnostics)
                        : !replay_columns(r, row, diagnostics)) {
    return std::nullopt;
  }
  return Migration{r.c, r.events};
}

}  // namespace gridgov
