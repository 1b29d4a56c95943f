// The closed loop's use cases over a Store.

#include <algorithm>
#include <charconv>
#include <map>

#include "gridgov/cases.hpp"
#include "gridgov/service.hpp"

namespace gridgov {

namespace {

/// Writes a decided event and the case row it leads to.
Case record(Store& store, const Case& c, Event e) {
  e.recorded_at = now();
  Case after = apply(c, e);
  store.update_case(after);
  store.add_event(e);
  return after;
}

void check_time(const Case& c, const std::vector<Event>& events, Timestamp at) {
  const Timestamp last = events.empty() ? c.reported_at : events.back().at;
  if (at < last)
    throw Error(ErrorCode::refused, "time: --at is earlier than case " + std::to_string(c.id) +
                                        "'s last event; events are recorded in order");
}

const char* verb(Move::Type t) {
  switch (t) {
    case Move::Type::escalate:
      return "escalate";
    case Move::Type::dispatch:
      return "dispatch";
    case Move::Type::whistle:
      return "whistle on";
    case Move::Type::resolve:
      return "resolve";
    case Move::Type::close:
      return "close";
    case Move::Type::rework:
      return "send back";
    case Move::Type::voided:
      return "void";
    case Move::Type::reopen:
      return "reopen";
  }
  return "act on";
}

/// Whether the case is at its department by a town's referral (乡呼县应), from `town` when
/// given, rather than dispatched there by the county platform.
bool referred_by(Store& store, const Case& c, const std::string& town) {
  const auto events = store.events(c.id);
  for (auto e = events.rbegin(); e != events.rend(); ++e) {
    if (e->type == EventType::refer) return town.empty() || e->from_unit == town;
    if (e->type == EventType::dispatch) return false;
  }
  return false;
}

/// A row that `export cases` wrote for a case logged live here (no ext_id, so named
/// `gridgov:<id>` on import), when that case is still in this database.
bool is_own_export(Store& store, const Case& row) {
  constexpr std::string_view prefix = "gridgov:";
  if (row.ext_id.rfind(prefix, 0) != 0) return false;
  long long id = 0;
  const std::string digits = row.ext_id.substr(prefix.size());
  if (std::from_chars(digits.data(), digits.data() + digits.size(), id).ec != std::errc())
    return false;
  const auto existing = store.find_case(id);
  return existing && existing->ext_id.empty() && existing->source == row.source &&
         existing->grid == row.grid && existing->reported_at == row.reported_at;
}

}  // namespace

Actor find_actor(Store& store, const std::string& code) {
  if (code == "admin") return Actor::admin();
  if (code.empty())
    throw Error(ErrorCode::usage, "who acts? give --as WORKER (or admin), or set GRIDCTL_ACTOR");
  auto w = store.find_worker(code);
  if (!w) throw Error(ErrorCode::not_found, "unknown worker " + code);
  if (w->retired) throw Error(ErrorCode::refused, "authorisation: worker " + code + " is retired");
  return Actor{code, w->worker};
}

Case log_case(Store& store, const ReportRequest& request, const std::string& actor_code,
              Timestamp at) {
  auto tx = store.begin_write();
  const Actor actor = find_actor(store, actor_code);
  const Policy policy = current_policy(store);
  const UnitTree tree(store.units());
  if (!request.ext_id.empty())
    if (auto existing = store.find_case_id(request.source, request.ext_id))
      throw Error(ErrorCode::refused, "report: " + std::string(to_string(request.source)) + " " +
                                          request.ext_id + " is case " + std::to_string(*existing) +
                                          " already");
  Case draft;
  draft.kind = request.kind;
  draft.source = request.source;
  draft.ext_id = request.ext_id;
  draft.category = request.category;
  draft.title = request.title;
  draft.description = request.description;
  draft.grid = request.grid;
  draft.reporter = actor.code;
  draft.reported_at = at;
  const Decision d = decide_report(draft, RuleContext{tree, policy, actor, at});
  if (!d.allowed())
    throw Error(d.code, d.rule + ": " + actor.code + " may not report this case: " + d.reason);
  const Event& decided = *d.event;
  Case c = apply(draft, decided);
  c.id = store.add_case(c);
  Event e = decided;
  e.case_id = c.id;
  e.recorded_at = now();
  store.add_event(e);
  tx->commit();
  return c;
}

Case act(Store& store, long long id, const Move& move, const std::string& actor_code,
         Timestamp at) {
  auto tx = store.begin_write();
  auto found = store.find_case(id);
  if (!found) throw Error(ErrorCode::not_found, "unknown case " + std::to_string(id));
  const Case c = *found;
  const Actor actor = find_actor(store, actor_code);
  check_time(c, store.events(id), at);
  const Policy policy = current_policy(store);
  const UnitTree tree(store.units());
  const RuleContext ctx{tree, policy, actor, at};

  Decision d;
  switch (move.type) {
    case Move::Type::escalate:
      if (!move.department.empty() && !policy.find_department(move.department))
        throw Error(ErrorCode::not_found, "unknown department " + move.department);
      d = decide_escalate(c, ctx, move.to, move.department);
      break;
    case Move::Type::dispatch:
      d = decide_dispatch(c, ctx, move.unit, move.department);
      break;
    case Move::Type::whistle: {
      auto w = store.find_worker(move.worker);
      if (!w || w->retired) throw Error(ErrorCode::not_found, "unknown worker " + move.worker);
      d = decide_whistle(c, ctx, w->worker);
      break;
    }
    case Move::Type::resolve:
      d = decide_resolve(c, ctx);
      break;
    case Move::Type::close:
      d = decide_close(c, ctx, false);
      break;
    case Move::Type::rework:
      d = decide_close(c, ctx, true);
      break;
    case Move::Type::voided:
      if (move.duplicate_of != 0 && !store.find_case(move.duplicate_of))
        throw Error(ErrorCode::not_found, "unknown case " + std::to_string(move.duplicate_of));
      d = decide_void(c, ctx);
      break;
    case Move::Type::reopen:
      d = decide_reopen(c, ctx);
      break;
  }
  if (!d.allowed())
    throw Error(d.code, d.rule + ": " + actor.code + " may not " + verb(move.type) + " case " +
                            std::to_string(id) + ": " + d.reason);
  Event e = *d.event;
  e.note = move.note;
  if (move.type == Move::Type::voided && move.duplicate_of != 0)
    e.note = "duplicate of case " + std::to_string(move.duplicate_of) +
             (move.note.empty() ? "" : ": " + move.note);
  Case after = record(store, c, std::move(e));
  tx->commit();
  return after;
}

SweepReport sweep_overdue(Store& store, const std::string& actor_code, Timestamp at, bool dry_run) {
  auto tx = store.begin_write();
  SweepReport report;
  const Policy policy = current_policy(store);
  report.escalating = policy.auto_escalate;
  CaseFilter filter;
  filter.overdue_at = at;
  report.overdue = store.cases(filter);
  if (!policy.auto_escalate) return report;
  const Actor actor = find_actor(store, actor_code);
  const UnitTree tree(store.units());
  const RuleContext ctx{tree, policy, actor, at};
  for (const Case& c : report.overdue) {
    const Decision d = decide_escalate(c, ctx);
    if (!d.allowed()) {
      report.skipped.emplace_back(c.id, d.rule + ": " + d.reason);
      continue;
    }
    Event e = *d.event;
    e.note = "overdue sweep";
    const Case after = record(store, c, e);
    report.moved.emplace_back(c.id, std::string(to_string(e.type)) + " to " +
                                        (after.department.empty() ? after.unit : after.department));
  }
  if (!dry_run) tx->commit();
  return report;
}

std::vector<AgendaItem> agenda(Store& store, Level meeting, const std::string& unit, Timestamp at) {
  const UnitTree tree(store.units());
  const Policy policy = current_policy(store);
  if (meeting != Level::county) {
    const Unit* u = tree.find(unit);
    if (!u) throw Error(ErrorCode::not_found, "unknown unit " + unit);
    if (u->level != meeting)
      throw Error(ErrorCode::usage, unit + " is a " + std::string(to_string(u->level)) +
                                        ", not a " + std::string(to_string(meeting)));
  }
  std::map<long long, AgendaItem> items;
  auto add = [&](const Case& c, const char* reason) {
    auto& item = items[c.id];
    item.c = c;
    if (std::find(item.reasons.begin(), item.reasons.end(), reason) == item.reasons.end())
      item.reasons.emplace_back(reason);
  };

  CaseFilter open;
  open.status = Status::open;
  if (meeting != Level::county) open.unit = unit;
  for (const Case& c : store.cases(open)) {
    const bool overdue = is_overdue(c, at);
    if (meeting == Level::zone) {
      if (c.level == Level::zone && c.unit == unit) add(c, "at_zone");
      if (overdue) add(c, "overdue");
    } else if (meeting == Level::town) {
      if (c.level == Level::town && c.unit == unit) add(c, "at_town");
      if (!c.department.empty() && referred_by(store, c, unit)) add(c, "referral");
      if (overdue) add(c, "overdue");
    } else {
      if (!c.department.empty() && referred_by(store, c, "")) add(c, "referral");
      const auto limit = std::chrono::duration_cast<std::chrono::seconds>(
          policy.deadlines.level[index(Level::county)]);
      if (overdue && at - *c.deadline > limit) add(c, "long_overdue");
    }
  }
  if (meeting == Level::zone) {
    // What was escalated into the zone in the last day, whatever became of it since.
    for (const Event& e : store.events_between(EventType::escalate, at - std::chrono::hours(24),
                                               at + std::chrono::seconds(1))) {
      if (e.unit != unit) continue;
      if (auto c = store.find_case(e.case_id)) add(*c, "escalated");
    }
  }
  std::vector<AgendaItem> out;
  for (auto& [id, item] : items) out.push_back(std::move(item));
  return out;
}

void import_cases(Store& store, CaseRows& rows, const CaseImportOptions& options,
                  Diagnostics& diagnostics, CaseImportReport& report) {
  auto tx = store.begin_write();
  const Policy policy = current_policy(store);
  const UnitTree tree(store.units());
  std::map<std::string, Worker, std::less<>> workers;
  for (auto& s : store.workers()) workers.emplace(s.worker.code, std::move(s.worker));
  const WorkerLookup lookup = [&](const std::string& code) -> std::optional<Worker> {
    auto it = workers.find(code);
    if (it == workers.end()) return std::nullopt;
    return it->second;
  };

  report = CaseImportReport{};
  long long in_batch = 0;
  CaseRow row;
  while (rows.next(row)) {
    ++report.rows;
    if (options.progress && report.rows % 1000 == 0) options.progress(report.rows);
    const Case& h = row.header;
    if (store.find_case_id(h.source, h.ext_id) || is_own_export(store, h)) {
      ++report.present;
      continue;
    }
    bool ok = true;
    const Unit* grid = tree.find(h.grid);
    if (!grid || grid->level != Level::grid) {
      diagnostics.add(row.grid_at.error(
          grid ? h.grid + " is a " + std::string(to_string(grid->level)) + ", not a grid"
               : "unknown grid " + h.grid));
      ok = false;
    }
    if (!policy.find_category(h.category)) {
      diagnostics.add(row.category_at.error("unknown category " + h.category));
      ok = false;
    }
    if (h.reporter != "admin" && !workers.count(h.reporter)) {
      diagnostics.add(row.reporter_at.error("unknown worker " + h.reporter));
      ok = false;
    }
    if (!ok) continue;
    auto migration = migrate(row, tree, policy, lookup, diagnostics);
    if (!migration || !diagnostics.empty()) continue;  // after an error: check, do not write
    const long long id = store.add_case(migration->c);
    const Timestamp recorded = now();
    for (Event& e : migration->events) {
      e.case_id = id;
      e.recorded_at = recorded;
      store.add_event(e);
    }
    ++report.added;
    if (options.batch_size > 0 && ++in_batch >= static_cast<long long>(options.batch_size) &&
        !options.dry_run) {
      tx->commit();
      report.committed = report.added;
      tx.reset();  // the next batch's transaction must not nest in the committed one
      tx = store.begin_write();
      in_batch = 0;
    }
  }
  if (!diagnostics.empty()) diagnostics.throw_if_any();
  if (!options.dry_run) {
    tx->commit();
    report.committed = report.added;
  }
}

}  // namespace gridgov
