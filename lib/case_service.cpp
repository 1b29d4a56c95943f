// The closed loop's use cases over a Store.

#include <algorithm>
#include <charconv>
#include <map>

#include "format.hpp"
#include "gridgov/boundaries.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/service.hpp"
#include "gridgov/text.hpp"
#include "read_ahead.hpp"

namespace gridgov {

namespace {

/// The one writer of decisions: the case row as `events` leave `before`, and the events, stamped
/// `recorded` (but for a late record an import brings with the time its source recorded it).
/// A case without an id is new: its row is added first and its id given to the events.
Case record(Store& store, const Case& before, std::vector<Event> events, Timestamp recorded) {
  Case after = before;
  for (Event& e : events) {
    if (!e.late_record || e.recorded_at == Timestamp{}) e.recorded_at = recorded;
    after = apply(std::move(after), e);
  }
  if (after.id == 0)
    after.id = store.add_case(after);
  else
    store.update_case(after);
  for (Event& e : events) {
    e.case_id = after.id;
    store.add_event(after, e);
  }
  return after;
}

/// The refusal of `move` on case `id`, as the Error a caller reports.
Error refusal(const Decision& d, const Actor& actor, const Move& move, long long id) {
  return Error(d.code,
               fmt::format("{}: {} may not {} case {}: {}", to_string(d.rule), actor.code,
                           move.type, id, d.reason),
               std::string(to_string(d.rule)), std::string(to_string(d.field)));
}

/// Rule 16 for an imported row: none of its times is later than the clock.
bool in_the_past(const CaseRow& row, Timestamp now, std::chrono::minutes offset,
                 Diagnostics& diagnostics) {
  auto check = [&](const std::optional<Timestamp>& t, const Location& where) {
    if (!t) return true;
    auto r = check_not_future(*t, now, offset);
    if (r) diagnostics.add(where.error(fmt::format("{}: {}", to_string(r->rule), r->reason)));
    return !r;
  };
  bool ok = check(row.header.reported_at, row.reported_at_at);
  ok &= check(row.resolved_at, row.resolved_at_at);
  ok &= check(row.closed_at, row.closed_at_at);
  if (row.events)
    for (const Event& e : *row.events) ok &= check(e.at, row.events_at);
  return ok;
}

WorkerLookup worker_lookup(Store& store) {
  return [&store](const std::string& code) -> std::optional<Worker> {
    auto w = store.find_worker(code);
    if (!w || w->retired) return std::nullopt;
    return w->worker;
  };
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
  if (code == k_admin_code) return Actor::admin();
  if (code.empty())
    throw Error(ErrorCode::usage, "who acts? no actor named (a worker code, or admin)", "",
                "actor");
  auto w = store.find_worker(code);
  if (!w) throw Error(ErrorCode::not_found, "unknown worker " + code, "", "actor");
  if (w->retired)
    throw Error(ErrorCode::refused, "authorisation: worker " + code + " is retired",
                "authorisation", "actor");
  return Actor{code, w->worker};
}

namespace {

/// A report's texts within the limits every reader applies (gridgov/limits.hpp), so that what
/// `log` records, an export carries and an import takes back.
void check_report_texts(const ReportRequest& request) {
  auto check = [](std::string_view text, const char* field, const std::string& problem) {
    if (invalid_utf8_at(text))
      throw Error(ErrorCode::usage, std::string(field) + ": not UTF-8", "", field);
    if (!problem.empty()) throw Error(ErrorCode::usage, field + (": " + problem), "", field);
  };
  check(request.title, "title", title_problem(request.title));
  check(request.description, "description", text_problem(request.description));
}

std::string point_text(LonLat p) { return fmt::format("({}, {})", p.lon, p.lat); }

/// The grid of a report's point: found from it without `grid`, else checked against it.
std::string grid_of_point(Session& session, const std::string& grid, LonLat point) {
  if (auto problem = point_problem(point); !problem.empty())
    throw Error(ErrorCode::input, "point " + point_text(point) + ": " + problem, "", "location");
  bool any_stored = false;
  const GridLocator locator = GridLocator::load_around(session, point, any_stored);
  if (!any_stored) {
    if (grid.empty())
      throw Error(ErrorCode::input,
                  "no grid boundaries are loaded, so no grid can be found from the point "
                  "(run `gridctl import boundaries FILE.geojson`, or give --grid)",
                  "", "location");
    return grid;  // nothing to check the point against
  }
  const auto found = locator.locate(point);
  if (!found)
    throw Error(ErrorCode::input,
                "point " + point_text(point) + " lies in no grid" +
                    (grid.empty() ? std::string() : " (--grid " + grid + " was given)"),
                "", "location");
  if (!grid.empty() && *found != grid)
    throw Error(ErrorCode::input,
                "point " + point_text(point) + " lies in grid " + *found + ", not in grid " + grid,
                "", "location");
  return *found;
}

}  // namespace

Case log_case(Session& session, const ReportRequest& request, const std::string& actor_code,
              Timestamp at) {
  check_report_texts(request);
  auto tx = session.begin_write();
  Store& store = session.store();
  const Actor actor = find_actor(store, actor_code);
  if (auto r = check_not_future(at, session.now(), session.utc_offset())) throw r->error();
  const UnitTree tree(store.units());
  if (!request.ext_id.empty())
    if (auto existing = store.find_case_id(request.source, request.ext_id))
      throw Error(ErrorCode::refused,
                  fmt::format("report: {} {} is case {} already", request.source, request.ext_id,
                              *existing),
                  "report", "ext_id");
  Case draft;
  draft.kind = request.kind;
  draft.source = request.source;
  draft.ext_id = request.ext_id;
  draft.category = session.policy().category_code(request.category);  // a name works too
  draft.service = session.policy().service_code(request.service);
  draft.title = request.title;
  draft.description = request.description;
  draft.grid = request.grid;
  if (request.location) draft.grid = grid_of_point(session, request.grid, *request.location);
  draft.location = request.location;
  draft.reporter = actor.code;
  draft.reported_at = at;
  RuleContext ctx{tree, session.policy(), actor, at};
  ctx.recorded_at = session.now();
  const Decision d = decide_report(draft, ctx);
  if (!d.allowed())
    throw Error(
        d.code,
        fmt::format("{}: {} may not report this case: {}", to_string(d.rule), actor.code, d.reason),
        std::string(to_string(d.rule)), std::string(to_string(d.field)));
  Case c = record(store, draft, {*d.event}, session.now());
  tx->commit();
  return c;
}

Case act(Session& session, long long id, const Move& move, const std::string& actor_code,
         Timestamp at) {
  if (invalid_utf8_at(move.note)) throw Error(ErrorCode::usage, "note: not UTF-8", "", "note");
  if (auto problem = text_problem(move.note); !problem.empty())
    throw Error(ErrorCode::usage, "note: " + problem, "", "note");
  auto tx = session.begin_write();
  Store& store = session.store();
  auto found = store.find_case(id);
  if (!found) throw Error(ErrorCode::not_found, fmt::format("unknown case {}", id));
  const Case c = *found;
  const Actor actor = find_actor(store, actor_code);
  const auto events = store.events(id);
  if (auto r = check_in_order(c, events.empty() ? c.reported_at : events.back().at, at))
    throw r->error();
  if (auto r = check_not_future(at, session.now(), session.utc_offset())) throw r->error();
  if (move.type == EventType::voided && move.duplicate_of != 0 &&
      !store.find_case(move.duplicate_of))
    throw Error(ErrorCode::not_found, fmt::format("unknown case {}", move.duplicate_of));
  const UnitTree tree(store.units());
  RuleContext ctx{tree, session.policy(), actor, at, worker_lookup(store)};
  ctx.recorded_at = session.now();
  Move named = move;  // a department given by its name stands for its code
  if (!named.department.empty())
    named.department = session.policy().department_code(move.department);
  ctx.grid_has_worker = [&store](const std::string& grid) {
    const auto workers = store.workers_of(grid);
    return std::any_of(workers.begin(), workers.end(),
                       [](const Worker& w) { return w.tier == Tier::grid; });
  };
  const Decision d = decide(c, ctx, named);
  if (!d.allowed()) throw refusal(d, actor, named, id);
  Case after = record(store, c, {*d.event}, session.now());
  tx->commit();
  return after;
}

SweepReport sweep_overdue(Session& session, const std::string& actor_code, Timestamp at,
                          bool dry_run) {
  auto tx = session.begin_write();
  Store& store = session.store();
  SweepReport report;
  const Policy& policy = session.policy();
  report.escalating = policy.auto_escalate;
  CaseFilter filter;
  filter.stage_overdue_at = at;
  report.stage_overdue = store.cases(filter);
  if (!policy.auto_escalate) return report;
  const Actor actor = find_actor(store, actor_code);
  const UnitTree tree(store.units());
  RuleContext ctx{tree, policy, actor, at};
  ctx.recorded_at = session.now();
  Move move;
  move.type = EventType::escalate;
  move.note = "overdue sweep";
  for (const Case& c : report.stage_overdue) {
    const Decision d = decide(c, ctx, move);
    if (!d.allowed()) {
      report.skipped.emplace_back(c.id, fmt::format("{}: {}", to_string(d.rule), d.reason));
      continue;
    }
    const Case after = record(store, c, {*d.event}, session.now());
    report.moved.emplace_back(
        c.id, fmt::format("{} to {}", d.event->type,
                          after.department.empty() ? after.unit : after.department));
  }
  if (!dry_run) tx->commit();
  return report;
}

std::vector<AgendaItem> agenda(Session& session, Level meeting, const std::string& unit,
                               Timestamp at) {
  Store& store = session.store();
  const UnitTree tree(store.units());
  const Policy& policy = session.policy();
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
      // Long overdue: past its due by more than the county's own stage limit.
      if (overdue && policy.after(*c.due, policy.deadlines.level[index(Level::county)]) < at)
        add(c, "long_overdue");
    }
  }
  if (meeting == Level::county) {
    // Rule 15: supervision orders whose time has passed with the case not yet closed.
    CaseFilter supervised;
    supervised.supervised_at = at;
    for (const Case& c : store.cases(supervised))
      if (is_supervision_overdue(c, at)) add(c, "supervision_overdue");
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

void import_cases(Session& session, CaseRows& rows, const CaseImportOptions& options,
                  Diagnostics& diagnostics, CaseImportReport& report) {
  auto tx = session.begin_write();
  Store& store = session.store();
  const Policy& policy = session.policy();
  const UnitTree tree(store.units());
  std::map<std::string, Worker, std::less<>> workers;
  for (auto& s : store.workers()) workers.emplace(s.worker.code, std::move(s.worker));
  const WorkerLookup lookup = [&](const std::string& code) -> std::optional<Worker> {
    auto it = workers.find(code);
    if (it == workers.end()) return std::nullopt;
    return it->second;
  };

  report = CaseImportReport{};
  // The indexes a bulk load sets aside come back whatever happens: a caller whose transaction
  // this import joined may catch its error and commit the rest.
  store.begin_bulk();
  struct BulkEnd {
    Store& store;
    ~BulkEnd() {
      try {
        store.end_bulk();
      } catch (const Error&) {  // the transaction is lost anyway, and with it what was set aside
      }
    }
  } bulk_end{store};
  long long in_batch = 0;
  // Each row is checked against the clock at the import's start, and migrated, on the reading
  // thread; it is kept here only if it is not in the database already.
  const Timestamp start = session.now();
  const auto prepare = [&](CaseRow& row, detail::PreparedRow& p) {
    // A category or department given by its name (`违法建设`) is stored as its code.
    row.header.category = policy.category_code(row.header.category);
    if (!row.department.empty()) row.department = policy.department_code(row.department);
    if (in_the_past(row, start, policy.utc_offset, p.problems))
      p.migration = migrate(row, tree, policy, lookup, p.problems);
  };
  CaseRow row;
  detail::PreparedRow prepared;
  detail::ReadAhead ahead(rows, diagnostics.max_errors(), prepare);
  while (ahead.next(row, prepared, diagnostics)) {
    ++report.rows;
    if (options.progress && report.rows % 1000 == 0) options.progress(report.rows);
    const Case& h = row.header;
    if (store.find_case_id(h.source, h.ext_id) || is_own_export(store, h)) {
      ++report.present;
      continue;
    }
    diagnostics.append(prepared.problems);
    if (prepared.error) std::rethrow_exception(prepared.error);
    auto& migration = prepared.migration;
    if (!migration || !diagnostics.empty()) continue;  // after an error: check, do not write
    Case header = row.header;
    header.id = 0;
    (void)record(store, header, std::move(migration->events), session.now());
    ++report.added;
    if (options.batch_size > 0 && ++in_batch >= static_cast<long long>(options.batch_size) &&
        !options.dry_run) {
      store.end_bulk();
      tx->commit();
      report.committed = report.added;
      tx.reset();  // the next batch's transaction must not nest in the committed one
      tx = session.begin_write();
      store.begin_bulk();
      in_batch = 0;
    }
  }
  if (!diagnostics.empty()) diagnostics.throw_if_any();
  if (!options.dry_run) {
    store.end_bulk();
    tx->commit();
    report.committed = report.added;
  }
}

}  // namespace gridgov
