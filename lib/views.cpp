// The views: each table's columns, described once, and the cells of each row.

#include "gridgov/views.hpp"

#include <fmt/format.h>

#include <functional>
#include <map>

#include <stdexcept>

#include "event_json.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/subsidies.hpp"

namespace gridgov {

namespace {

Cell time_cell(Timestamp t, const ViewContext& ctx) { return format_time(t, ctx.utc_offset); }

Cell time_cell(const std::optional<Timestamp>& t, const ViewContext& ctx) {
  if (!t) return {};
  return format_time(*t, ctx.utc_offset);
}

Cell name_of(std::string_view s) { return std::string(s); }

/// A field of a row type: its column and how to read it.
template <class Row>
struct Field {
  Column column;
  std::function<Cell(const Row&, const ViewContext&)> get;
};

template <class Row>
std::vector<Cell> cells(const std::vector<Field<Row>>& fields, const Row& row,
                        const ViewContext& ctx) {
  std::vector<Cell> out;
  out.reserve(fields.size());
  for (const auto& f : fields) out.push_back(f.get(row, ctx));
  return out;
}

template <class Row>
std::vector<Column> columns(const std::vector<Field<Row>>& fields) {
  std::vector<Column> out;
  for (const auto& f : fields) out.push_back(f.column);
  return out;
}

/// Every field of a case, in the order of `case show`.
const std::vector<Field<Case>>& case_fields() {
  static const std::vector<Field<Case>> fields = {
      {number_column("id"), [](const Case& c, const ViewContext&) { return Cell{c.id}; }},
      {text_column("kind"),
       [](const Case& c, const ViewContext&) { return name_of(to_string(c.kind)); }},
      {text_column("source"),
       [](const Case& c, const ViewContext&) { return name_of(to_string(c.source)); }},
      {text_column("ext_id"),
       [](const Case& c, const ViewContext&) { return text_or_null(c.ext_id); }},
      {text_column("category"), [](const Case& c, const ViewContext&) { return Cell{c.category}; }},
      {text_column("service"),
       [](const Case& c, const ViewContext&) { return text_or_null(c.service); }},
      {text_column("title"), [](const Case& c, const ViewContext&) { return Cell{c.title}; }},
      {text_column("grid"), [](const Case& c, const ViewContext&) { return Cell{c.grid}; }},
      {number_column("lon", ColumnType::number),
       [](const Case& c, const ViewContext&) {
         return c.location ? Cell{c.location->lon} : Cell{};
       }},
      {number_column("lat", ColumnType::number),
       [](const Case& c, const ViewContext&) {
         return c.location ? Cell{c.location->lat} : Cell{};
       }},
      {text_column("reporter"), [](const Case& c, const ViewContext&) { return Cell{c.reporter}; }},
      {text_column("reported_at"),
       [](const Case& c, const ViewContext& ctx) { return time_cell(c.reported_at, ctx); }},
      {text_column("status"),
       [](const Case& c, const ViewContext&) { return name_of(to_string(c.status)); }},
      {text_column("level"),
       [](const Case& c, const ViewContext&) { return name_of(to_string(c.level)); }},
      {text_column("unit"), [](const Case& c, const ViewContext&) { return text_or_null(c.unit); }},
      {text_column("department"),
       [](const Case& c, const ViewContext&) { return text_or_null(c.department); }},
      {text_column("deadline"),
       [](const Case& c, const ViewContext& ctx) { return time_cell(c.deadline, ctx); }},
      {text_column("due"),
       [](const Case& c, const ViewContext& ctx) { return time_cell(c.due, ctx); }},
      {typed_column("overdue", ColumnType::flag),
       [](const Case& c, const ViewContext& ctx) { return Cell{is_overdue(c, ctx.now)}; }},
      {typed_column("stage_overdue", ColumnType::flag),
       [](const Case& c, const ViewContext& ctx) { return Cell{is_stage_overdue(c, ctx.now)}; }},
      {typed_column("suspended", ColumnType::flag),
       [](const Case& c, const ViewContext&) { return Cell{c.suspended()}; }},
      {text_column("extended"),
       [](const Case& c, const ViewContext&) {
         const auto total = extension_total(c);
         return total ? Cell{*total} : Cell{};
       }},
      {typed_column("supervision", ColumnType::record),
       [](const Case& c, const ViewContext& ctx) -> Cell {
         if (!c.supervision) return {};
         Table order{
             {text_column("by"), text_column("note"), typed_column("overdue", ColumnType::flag)},
             {{time_cell(c.supervision->by, ctx), text_or_null(c.supervision->note),
               Cell{is_supervision_overdue(c, ctx.now)}}}};
         return std::make_shared<const Table>(std::move(order));
       }},
      {number_column("rework"),
       [](const Case& c, const ViewContext&) { return Cell{static_cast<long long>(c.rework)}; }},
      {text_column("description"),
       [](const Case& c, const ViewContext&) { return text_or_null(c.description); }},
      {typed_column("whistled", ColumnType::list),
       [](const Case& c, const ViewContext&) { return Cell{c.whistled}; }},
  };
  return fields;
}

const std::vector<Field<Case>>& case_fields(CaseColumns which) {
  static const std::vector<Field<Case>> brief = [] {
    std::vector<Field<Case>> out;
    for (const char* name : {"id", "status", "level", "unit", "department", "category", "grid",
                             "title", "deadline", "due", "overdue", "suspended", "rework"})
      for (const auto& f : case_fields())
        if (f.column.name == name) out.push_back(f);
    return out;
  }();
  static const std::vector<Field<Case>> scalar = [] {
    std::vector<Field<Case>> out;
    for (const auto& f : case_fields())
      if (f.column.type != ColumnType::list) out.push_back(f);
    return out;
  }();
  switch (which) {
    case CaseColumns::brief:
      return brief;
    case CaseColumns::scalar:
      return scalar;
    case CaseColumns::all:
      break;
  }
  return case_fields();
}

const std::vector<Field<Event>>& event_fields() {
  static const std::vector<Field<Event>> fields = {
      {text_column("type"),
       [](const Event& e, const ViewContext&) { return name_of(to_string(e.type)); }},
      {text_column("at"),
       [](const Event& e, const ViewContext& ctx) { return time_cell(e.at, ctx); }},
      {text_column("recorded_at"),
       [](const Event& e, const ViewContext& ctx) { return time_cell(e.recorded_at, ctx); }},
      {text_column("actor"), [](const Event& e, const ViewContext&) { return Cell{e.actor}; }},
      {text_column("level"),
       [](const Event& e, const ViewContext&) { return name_of(to_string(e.level)); }},
      {text_column("unit"),
       [](const Event& e, const ViewContext&) { return text_or_null(e.unit); }},
      {text_column("department"),
       [](const Event& e, const ViewContext&) { return text_or_null(e.department); }},
      {text_column("note"),
       [](const Event& e, const ViewContext&) { return text_or_null(e.note); }},
      {text_column("worker"),
       [](const Event& e, const ViewContext&) { return text_or_null(e.worker); }},
      {text_column("deadline"),
       [](const Event& e, const ViewContext& ctx) { return time_cell(e.deadline, ctx); }},
      {text_column("due"),
       [](const Event& e, const ViewContext& ctx) { return time_cell(e.due, ctx); }},
      {text_column("extension"),
       [](const Event& e, const ViewContext&) {
         return e.extension ? Cell{format_duration(*e.extension)} : Cell{};
       }},
      {text_column("by"),
       [](const Event& e, const ViewContext& ctx) { return time_cell(e.supervision_by, ctx); }},
      {typed_column("late_record", ColumnType::flag),
       [](const Event& e, const ViewContext&) { return Cell{e.late_record}; }},
  };
  return fields;
}

}  // namespace

namespace detail {

// The inverse of event_fields(): what an import needs to replay an event.
Event event_from_json(const nlohmann::json& j, std::chrono::minutes offset) {
  if (!j.is_object()) throw std::runtime_error("an event is an object");
  // Text where text belongs, within the limits every reader applies (gridgov/limits.hpp).
  auto text = [&](const char* key) {
    if (!j.contains(key) || j[key].is_null()) return std::string();
    if (!j[key].is_string()) throw std::runtime_error(std::string("expected a string in ") + key);
    std::string value = j[key].get<std::string>();
    if (auto problem = text_problem(value); !problem.empty())
      throw std::runtime_error(std::string(key) + ": " + problem);
    return value;
  };
  const auto type = parse_event_type(text("type"));
  const auto at = parse_time(text("at"), offset);
  const auto level = parse_level(text("level"));
  if (!type || !at || !level) throw std::runtime_error("an event needs type, at and level");
  Event e;
  e.type = *type;
  e.at = *at;
  e.level = *level;
  e.actor = text("actor");
  e.unit = text("unit");
  e.department = text("department");
  e.worker = text("worker");
  e.note = text("note");
  if (!text("extension").empty()) {
    e.extension = parse_duration(text("extension"));
    if (!e.extension) throw std::runtime_error("bad extension \"" + text("extension") + "\"");
  }
  // A late record (rule 16) keeps its mark and the time its source recorded it.
  if (j.contains("late_record") && j["late_record"].is_boolean() && j["late_record"].get<bool>()) {
    const auto recorded = parse_time(text("recorded_at"), offset);
    if (!recorded) throw std::runtime_error("a late record needs its recorded_at");
    e.late_record = true;
    e.recorded_at = *recorded;
  }
  if (!text("by").empty()) {
    e.supervision_by = parse_time(text("by"), offset);
    if (!e.supervision_by) throw std::runtime_error("bad time \"" + text("by") + "\" in by");
  }
  return e;
}

}  // namespace detail

namespace {

/// Adds a column at `position` of every row.
void insert_column(Table& t, std::size_t position, Column column, const std::vector<Cell>& values) {
  t.columns.insert(t.columns.begin() + static_cast<std::ptrdiff_t>(position), std::move(column));
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    t.rows[i].insert(t.rows[i].begin() + static_cast<std::ptrdiff_t>(position), values[i]);
}

Cell optional_count(const std::optional<long long>& v) {
  if (v) return *v;
  return {};
}

}  // namespace

Table case_table(const std::vector<Case>& cases, const ViewContext& ctx, CaseColumns which) {
  const auto& fields = case_fields(which);
  Table t{columns(fields), {}};
  for (const Case& c : cases) t.rows.push_back(cells(fields, c, ctx));
  return t;
}

Record case_record(const Case& c, const ViewContext& ctx, const std::vector<Event>* events) {
  Record r{columns(case_fields()), cells(case_fields(), c, ctx)};
  if (events)
    r.add(typed_column("events", ColumnType::table),
          std::make_shared<const Table>(event_table(*events, ctx)));
  return r;
}

Table event_table(const std::vector<Event>& events, const ViewContext& ctx) {
  Table t{columns(event_fields()), {}};
  for (const Event& e : events) t.rows.push_back(cells(event_fields(), e, ctx));
  return t;
}

Table agenda_table(const std::vector<AgendaItem>& items, const ViewContext& ctx,
                   CaseColumns which) {
  std::vector<Case> cases;
  std::vector<Cell> reasons;
  for (const auto& item : items) {
    cases.push_back(item.c);
    reasons.emplace_back(item.reasons);
  }
  Table t = case_table(cases, ctx, which);
  insert_column(t, 1, typed_column("agenda", ColumnType::list), reasons);
  return t;
}

Table sweep_table(const SweepReport& report, const ViewContext& ctx, CaseColumns which) {
  std::map<long long, std::string> action;
  for (const auto& [id, what] : report.moved) action[id] = what;
  for (const auto& [id, why] : report.skipped) action[id] = "skipped: " + why;
  std::vector<Cell> actions;
  for (const Case& c : report.stage_overdue) {
    auto it = action.find(c.id);
    actions.push_back(it == action.end() ? Cell{} : Cell{it->second});
  }
  Table t = case_table(report.stage_overdue, ctx, which);
  insert_column(t, t.columns.size(), text_column("action"), actions);
  return t;
}

Table supervise_table(const std::vector<Case>& cases, const ViewContext& ctx, CaseColumns which) {
  Table t = case_table(cases, ctx, which);
  if (which == CaseColumns::all) return t;  // the `supervision` object says it
  // People and CSV get the order as two plain columns.
  std::vector<Cell> by;
  std::vector<Cell> overdue;
  for (const Case& c : cases) {
    by.push_back(time_cell(c.supervision ? std::optional(c.supervision->by) : std::nullopt, ctx));
    overdue.push_back(c.supervision ? Cell{is_supervision_overdue(c, ctx.now)} : Cell{});
  }
  insert_column(t, t.columns.size(), text_column("order_by"), by);
  insert_column(t, t.columns.size(), typed_column("order_overdue", ColumnType::flag), overdue);
  return t;
}

std::vector<Column> event_export_columns() {
  std::vector<Column> out = {
      number_column("case_id"), text_column("kind"), text_column("source"), text_column("grid"),
      text_column("category"), text_column("reported_at"), text_column("type"), text_column("at"),
      text_column("recorded_at"), text_column("actor"), text_column("from_level"),
      text_column("from_unit"), text_column("from_department"), text_column("level"),
      text_column("unit"), text_column("department"), text_column("worker"),
      text_column("deadline"), text_column("note"), text_column("due"), text_column("extension"),
      text_column("by"), typed_column("late_record", ColumnType::flag),
      text_column("service"),  // schema 7's, after the older ones
      // The chain's (docs/design.md §15): with them, each row can be
      // checked alone (`audit verify FILE`).
      number_column("event_id"), text_column("ext_id"), text_column("title"),
      text_column("description"), text_column("reporter"), number_column("lon", ColumnType::number),
      number_column("lat", ColumnType::number), text_column("prev_hash"), text_column("hash")};
  return out;
}

std::vector<Cell> event_export_row(const Case& c, const Event& e, const Link& link,
                                   const ViewContext& ctx) {
  return {c.id,
          name_of(to_string(c.kind)),
          name_of(to_string(c.source)),
          c.grid,
          c.category,
          time_cell(c.reported_at, ctx),
          name_of(to_string(e.type)),
          time_cell(e.at, ctx),
          time_cell(e.recorded_at, ctx),
          e.actor,
          e.type == EventType::report ? Cell{} : name_of(to_string(e.from_level)),
          text_or_null(e.from_unit),
          text_or_null(e.from_department),
          name_of(to_string(e.level)),
          text_or_null(e.unit),
          text_or_null(e.department),
          text_or_null(e.worker),
          time_cell(e.deadline, ctx),
          text_or_null(e.note),
          time_cell(e.due, ctx),
          e.extension ? Cell{format_duration(*e.extension)} : Cell{},
          time_cell(e.supervision_by, ctx),
          Cell{e.late_record},
          text_or_null(c.service),
          e.id,
          text_or_null(c.ext_id),
          c.title,
          text_or_null(c.description),
          c.reporter,
          c.location ? Cell{c.location->lon} : Cell{},
          c.location ? Cell{c.location->lat} : Cell{},
          to_hex(link.prev),
          to_hex(link.hash)};
}

Table stats_table(const std::vector<StatsRow>& rows, Format format) {
  const bool contract_zero = format == Format::json || format == Format::ndjson;
  Table t{{text_column("group"), text_column("name")}, {}};
  for (const auto& field : k_stat_fields) {
    const bool rate = field.size() > 5 && field.compare(field.size() - 5, 5, "_rate") == 0;
    t.columns.push_back(number_column(field, rate ? ColumnType::rate
                                             : field == "median_hours_to_close"
                                                 ? ColumnType::hours
                                                 : ColumnType::integer));
  }
  for (const auto& r : rows) {
    const auto hours = r.median_hours_to_close();
    const auto quota_rate = r.quota_rate();
    t.rows.push_back({r.group,
                      r.name,
                      r.reported,
                      r.problems,
                      r.closed,
                      r.closed_on_time,
                      r.problems || contract_zero ? Cell{r.resolution_rate()} : Cell{},
                      r.problems || contract_zero ? Cell{r.on_time_rate()} : Cell{},
                      r.escalated,
                      r.referred,
                      r.whistles,
                      r.rework,
                      r.overdue_open,
                      r.stage_late,
                      r.extended,
                      r.suspended_open,
                      r.supervised,
                      r.supervision_overdue,
                      r.verified_by_admin,
                      hours ? Cell{*hours} : Cell{},
                      optional_count(r.quota_days_met),
                      quota_rate && r.grid_days.value_or(0) ? Cell{*quota_rate} : Cell{},
                      r.reported_by_party_members,
                      r.handled_by_party_members});
  }
  return t;
}

Table quota_table(const std::vector<QuotaRow>& rows) {
  Table t{{text_column("group"), text_column("name"), text_column("town"), text_column("town_name"),
           number_column("days"), number_column("quota_days_met"),
           number_column("quota_rate", ColumnType::rate), number_column("valid_reports"),
           number_column("admin_reports"), number_column("voided_reports"),
           number_column("late_reports"), number_column("other_reporters")},
          {}};
  for (const auto& q : rows)
    t.rows.push_back({q.grid, q.name, text_or_null(q.town), text_or_null(q.town_name), q.days,
                      q.days_met(), q.days ? Cell{q.rate()} : Cell{}, q.reports.valid,
                      q.reports.by_admin, q.reports.voided, q.reports.late_records,
                      q.reports.not_grid_worker});
  return t;
}

namespace {

/// The three groups of `status`: (group, [(key, count)]).
std::vector<std::pair<std::string, std::vector<std::pair<std::string, long long>>>> status_groups(
    const Counts& c) {
  std::vector<std::pair<std::string, long long>> units;
  for (auto level : k_levels) units.emplace_back(to_string(level), c.units[index(level)]);
  return {{"units", units},
          {"workers", {{"grid", c.workers[0]}, {"town", c.workers[1]}, {"county", c.workers[2]}}},
          {"cases",
           {{"open", c.open}, {"resolved", c.resolved}, {"closed", c.closed}, {"void", c.voided}}}};
}

}  // namespace

Table status_table(const Counts& counts) {
  Table t{{text_column("group"), text_column("key"), number_column("count")}, {}};
  for (const auto& [group, entries] : status_groups(counts))
    for (const auto& [key, n] : entries) t.rows.push_back({group, key, n});
  return t;
}

Record status_record(const Counts& counts) {
  Record r;
  for (const auto& [group, entries] : status_groups(counts)) {
    Record inner;
    for (const auto& [key, n] : entries) inner.add(number_column(key), n);
    r.add(typed_column(group, ColumnType::record), std::make_shared<const Table>(inner.as_table()));
  }
  return r;
}

Record audit_record(const AuditReport& report, std::chrono::minutes utc_offset) {
  Record r;
  r.add(number_column("events"), report.events);
  r.add(number_column("cases"), report.cases);
  r.add(number_column("first_event"), report.first_event);
  r.add(number_column("last_event"), report.last_event);
  r.add(text_column("head"), to_hex(report.head));
  if (report.start) {
    Record start;
    start.add(text_column("county"), report.start->county);
    start.add(text_column("at"), format_time(report.start->at, utc_offset));
    start.add(text_column("reason"), report.start->reason);
    start.add(number_column("events_before"), report.start->events_before);
    r.add(typed_column("chain_start", ColumnType::record),
          std::make_shared<const Table>(start.as_table()));
  } else {
    r.add(typed_column("chain_start", ColumnType::record), Cell{});
  }
  return r;
}

Record seal_record(const SealCheck& check) {
  Record r;
  r.add(text_column("county"), check.county);
  r.add(text_column("month"), check.month);
  r.add(number_column("head_event"), check.head_event);
  r.add(number_column("towns"), check.towns);
  return r;
}

namespace {

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : ";") + p;
  return s;
}

Cell deployment_cell(const Worker& w) {
  if (w.deployment) return name_of(to_string(*w.deployment));
  return {};
}

}  // namespace

Table worker_table(const std::vector<StoredWorker>& workers, bool with_retired) {
  Table t{{text_column("code"), text_column("name"), text_column("tier"), text_column("deployment"),
           text_column("department"), text_column("units"), text_column("phone")},
          {}};
  if (with_retired) t.columns.push_back(typed_column("retired", ColumnType::flag));
  for (const auto& s : workers) {
    const Worker& w = s.worker;
    t.rows.push_back({w.code, w.name, name_of(to_string(w.tier)), deployment_cell(w),
                      text_or_null(w.department), text_or_null(join(w.units)),
                      text_or_null(w.phone)});
    if (with_retired) t.rows.back().push_back(s.retired);
  }
  return t;
}

Record worker_record(const StoredWorker& s, const UnitTree& tree, std::chrono::minutes utc_offset) {
  const Worker& w = s.worker;
  std::vector<std::string> names;
  for (const auto& code : w.units) {
    const Unit* u = tree.find(code);
    names.push_back(u ? u->name : code);
  }
  Record r;
  r.add(text_column("code"), w.code);
  r.add(text_column("name"), w.name);
  r.add(text_column("tier"), name_of(to_string(w.tier)));
  r.add(text_column("deployment"), deployment_cell(w));
  r.add(text_column("department"), text_or_null(w.department));
  r.add(text_column("units"), text_or_null(join(w.units)));
  r.add(text_column("unit_names"), text_or_null(join(names)));
  r.add(text_column("phone"), text_or_null(w.phone));
  r.add(typed_column("party_member", ColumnType::flag),
        w.party_member ? Cell{*w.party_member} : Cell{});
  r.add(text_column("party_role"), text_or_null(w.party_role));
  r.add(typed_column("retired", ColumnType::flag), s.retired);
  r.add(text_column("retired_at"),
        s.retired_at ? Cell{format_time(*s.retired_at, utc_offset)} : Cell{});
  return r;
}

Table unit_table(const std::vector<const Unit*>& units, const UnitTree& tree) {
  Table t{{text_column("code"), text_column("name"), text_column("level"), text_column("parent"),
           number_column("grids"), number_column("households"), number_column("population")},
          {}};
  for (const Unit* u : units) {
    const auto [households, population] = tree.size(u->code);
    t.rows.push_back(
        {u->code, u->name, name_of(to_string(u->level)), text_or_null(u->parent),
         u->level == Level::grid ? Cell{} : Cell{tree.below(u->code)[index(Level::grid)]},
         optional_count(households), optional_count(population)});
  }
  return t;
}

Record unit_record(const Unit& u, const UnitTree& tree, long long workers, const PartyByUnit* party,
                   const std::vector<StoredWorker>* staff) {
  const auto below = tree.below(u.code);
  const auto [households, population] = tree.size(u.code);
  std::string path;
  for (const auto* p : tree.path(u.code)) path += (path.empty() ? "" : " / ") + p->name;
  const Unit* parent = u.parent.empty() ? nullptr : tree.find(u.parent);
  Record r;
  r.add(text_column("code"), u.code);
  r.add(text_column("name"), u.name);
  r.add(text_column("level"), name_of(to_string(u.level)));
  r.add(text_column("parent"), parent ? Cell{parent->code} : Cell{});
  r.add(text_column("parent_name"), parent ? Cell{parent->name} : Cell{});
  r.add(text_column("path"), path);
  for (auto level : k_levels)
    if (level > u.level) r.add(number_column(std::string(plural(level))), below[index(level)]);
  r.add(number_column("households"), optional_count(households));
  r.add(number_column("population"), optional_count(population));
  r.add(number_column("workers"), workers);
  if (party) {
    auto it = party->find(u.code);
    const PartyOrg* o = it == party->end() ? nullptr : &it->second;
    std::string secretary_name;
    if (o && staff)
      for (const auto& s : *staff)
        if (s.worker.code == o->secretary) secretary_name = s.worker.name;
    r.add(text_column("party"), o ? Cell{o->code} : Cell{});
    r.add(text_column("party_name"), o ? Cell{o->name} : Cell{});
    r.add(text_column("party_kind"), o ? Cell{std::string(to_string(o->kind))} : Cell{});
    r.add(text_column("secretary"), o ? text_or_null(o->secretary) : Cell{});
    r.add(text_column("secretary_name"), text_or_null(secretary_name));
  }
  return r;
}

namespace {

/// A unit's organisation as two cells (code, name), for `--party`.
void add_party_cells(const PartyByUnit* party, const Unit& u, std::vector<Cell>& row) {
  if (!party) return;
  auto it = party->find(u.code);
  row.push_back(it == party->end() ? Cell{} : Cell{it->second.code});
  row.push_back(it == party->end() ? Cell{} : Cell{it->second.name});
}

void tree_rows(const UnitTree& tree, const Unit& u, int depth, int max_depth,
               const PartyByUnit* party, Table& t) {
  std::vector<Cell> row = {static_cast<long long>(depth),
                           u.code,
                           u.name,
                           name_of(to_string(u.level)),
                           text_or_null(u.parent),
                           tree.below(u.code)[index(Level::grid)]};
  add_party_cells(party, u, row);
  t.rows.push_back(std::move(row));
  if (max_depth >= 0 && depth >= max_depth) return;
  for (const auto* c : tree.children(u.code)) tree_rows(tree, *c, depth + 1, max_depth, party, t);
}

/// A unit as `{code, name, level[, party, party_name], children}`; a row without its last cell
/// has no children key.
Table nested_tree(const UnitTree& tree, const Unit& u, int depth, int max_depth,
                  const PartyByUnit* party) {
  Table t{{text_column("code"), text_column("name"), text_column("level")}, {}};
  if (party) t.columns.insert(t.columns.end(), {text_column("party"), text_column("party_name")});
  t.columns.push_back(typed_column("children", ColumnType::table));
  std::vector<Cell> row = {u.code, u.name, name_of(to_string(u.level))};
  add_party_cells(party, u, row);
  const auto kids = tree.children(u.code);
  if ((max_depth < 0 || depth < max_depth) && !kids.empty()) {
    Table children{t.columns, {}};
    for (const auto* c : kids)
      children.rows.push_back(nested_tree(tree, *c, depth + 1, max_depth, party).rows.front());
    row.emplace_back(std::make_shared<const Table>(std::move(children)));
  }
  t.rows.push_back(std::move(row));
  return t;
}

}  // namespace

Table unit_tree_table(const UnitTree& tree, const Unit& root, int depth, bool nested,
                      const PartyByUnit* party) {
  if (nested) return nested_tree(tree, root, 0, depth, party);
  Table t{{number_column("depth"), text_column("code"), text_column("name"), text_column("level"),
           text_column("parent"), number_column("grids")},
          {}};
  if (party) t.columns.insert(t.columns.end(), {text_column("party"), text_column("party_name")});
  tree_rows(tree, root, 0, depth, party, t);
  return t;
}

namespace {

Cell version_cell(const std::optional<StoredPolicy>& stored) {
  return static_cast<long long>(stored ? stored->version : 0);
}
Cell source_cell(const std::optional<StoredPolicy>& stored) {
  return stored ? stored->source : std::string("built-in");
}
Cell loaded_at_cell(const Policy& p, const std::optional<StoredPolicy>& stored) {
  if (!stored) return {};  // the built-in policy was never loaded
  return format_time(stored->loaded_at, p.utc_offset);
}
std::vector<std::string> holiday_texts(const Calendar& c) {
  std::vector<std::string> out;
  for (const auto& [from, to] : c.holidays)
    out.push_back(from == to ? format_date(from) : format_date(from) + "/" + format_date(to));
  return out;
}
std::vector<std::string> workday_texts(const Calendar& c) {
  std::vector<std::string> out;
  for (Date d : c.workdays) out.push_back(format_date(d));
  return out;
}

Cell duration_cell(const std::optional<Duration>& d) {
  return d ? Cell{format_duration(*d)} : Cell{};
}

/// `[[assessment.indicators]]`: field, weight, and its target or its ceiling (the other null).
Table indicator_table(const Policy& p) {
  Table t{
      {text_column("field"), number_column("weight", ColumnType::number),
       number_column("target", ColumnType::number), number_column("ceiling", ColumnType::number)},
      {}};
  for (const auto& i : p.indicators)
    t.rows.push_back({i.field, i.weight, i.goal == Goal::target ? Cell{i.bound} : Cell{},
                      i.goal == Goal::ceiling ? Cell{i.bound} : Cell{}});
  return t;
}

/// `[subsidies]` as yuan with two decimals, the way the statements show amounts; none: null.
Cell subsidies_cell(const Policy& p) {
  if (!p.subsidies) return {};
  Record r;
  r.add(text_column("resident_monthly"), format_yuan(p.subsidies->resident_monthly));
  r.add(text_column("cluster_monthly"), format_yuan(p.subsidies->cluster_monthly));
  r.add(text_column("whistle_daily"), format_yuan(p.subsidies->whistle_daily));
  return std::make_shared<const Table>(r.as_table());
}

}  // namespace

std::string indicator_text(const Indicator& i) {
  return fmt::format("weight {}, {} {}", i.weight, i.goal == Goal::target ? "target" : "ceiling",
                     i.bound);
}

std::string subsidies_text(const std::optional<SubsidyRates>& s) {
  if (!s) return {};
  return "resident_monthly " + format_yuan(s->resident_monthly) + ", cluster_monthly " +
         format_yuan(s->cluster_monthly) + ", whistle_daily " + format_yuan(s->whistle_daily);
}

Record policy_record(const Policy& p, const std::optional<StoredPolicy>& stored) {
  Record deadlines;
  deadlines.add(text_column("case"), format_duration(p.deadlines.case_limit));
  deadlines.add(text_column("max_extension"), format_duration(p.deadlines.max_extension));
  for (auto level : k_levels)
    deadlines.add(text_column(std::string(to_string(level))),
                  format_duration(p.deadlines.level[index(level)]));
  deadlines.add(text_column("verification"), format_duration(p.deadlines.verification));
  Table departments{{text_column("code"), text_column("name")}, {}};
  for (const auto& d : p.departments) departments.rows.push_back({d.code, d.name});
  Table categories{{text_column("code"), text_column("name"), text_column("authority"),
                    text_column("department"), text_column("limit"), text_column("deadline"),
                    typed_column("urgent", ColumnType::flag)},
                   {}};
  for (const auto& c : p.categories)
    categories.rows.push_back({c.code, c.name, name_of(to_string(c.authority)),
                               text_or_null(c.department), duration_cell(c.limit),
                               duration_cell(c.deadline), c.urgent});
  Record calendar;
  calendar.add(typed_column("holidays", ColumnType::list), holiday_texts(p.calendar));
  calendar.add(typed_column("workdays", ColumnType::list), workday_texts(p.calendar));
  Record r;
  r.add(text_column("timezone"), format_utc_offset(p.utc_offset));
  r.add(typed_column("auto_escalate", ColumnType::flag), p.auto_escalate);
  r.add(number_column("daily_reports_per_grid"), static_cast<long long>(p.daily_reports_per_grid));
  r.add(text_column("backfill"), format_duration(p.backfill));
  r.add(typed_column("deadlines", ColumnType::record),
        std::make_shared<const Table>(deadlines.as_table()));
  r.add(typed_column("calendar", ColumnType::record),
        std::make_shared<const Table>(calendar.as_table()));
  r.add(typed_column("departments", ColumnType::table),
        std::make_shared<const Table>(std::move(departments)));
  r.add(typed_column("categories", ColumnType::table),
        std::make_shared<const Table>(std::move(categories)));
  r.add(typed_column("services", ColumnType::table),
        std::make_shared<const Table>(service_table(p)));
  r.add(typed_column("indicators", ColumnType::table),
        std::make_shared<const Table>(indicator_table(p)));
  r.add(typed_column("subsidies", ColumnType::record), subsidies_cell(p));
  r.add(number_column("version"), version_cell(stored));
  r.add(text_column("loaded_at"), loaded_at_cell(p, stored));
  r.add(text_column("source"), source_cell(stored));
  return r;
}

Record policy_settings(const Policy& p, const std::optional<StoredPolicy>& stored) {
  Record r;
  r.add(number_column("version"), version_cell(stored));
  r.add(text_column("source"), source_cell(stored));
  r.add(text_column("loaded_at"), loaded_at_cell(p, stored));
  r.add(text_column("timezone"), format_utc_offset(p.utc_offset));
  r.add(typed_column("auto_escalate", ColumnType::flag), p.auto_escalate);
  r.add(number_column("daily_reports_per_grid"), static_cast<long long>(p.daily_reports_per_grid));
  r.add(text_column("backfill"), format_duration(p.backfill));
  r.add(text_column("deadline.case"), format_duration(p.deadlines.case_limit));
  r.add(text_column("deadline.max_extension"), format_duration(p.deadlines.max_extension));
  for (auto level : k_levels)
    r.add(text_column("deadline." + std::string(to_string(level))),
          format_duration(p.deadlines.level[index(level)]));
  r.add(text_column("deadline.verification"), format_duration(p.deadlines.verification));
  r.add(typed_column("calendar.holidays", ColumnType::list), holiday_texts(p.calendar));
  r.add(typed_column("calendar.workdays", ColumnType::list), workday_texts(p.calendar));
  // One `indicator` line each, in the policy's order; field names no wider than the others.
  for (const auto& i : p.indicators)
    r.add(text_column("indicator"), i.field + ": " + indicator_text(i));
  r.add(text_column("subsidies"), text_or_null(subsidies_text(p.subsidies)));
  // One `service` line each, in the policy's order: `code name, level[, department]`.
  for (const auto& s : p.services)
    r.add(text_column("service"), s.code + " " + s.name + ", " + std::string(to_string(s.level)) +
                                      (s.department.empty() ? "" : ", " + s.department));
  return r;
}

Table service_table(const Policy& p) {
  Table t{{text_column("code"), text_column("name"), text_column("level"),
           text_column("department"), text_column("department_name")},
          {}};
  for (const auto& s : p.services) {
    const auto* dep = p.find_department(s.department);
    t.rows.push_back({s.code, s.name, name_of(to_string(s.level)), text_or_null(s.department),
                      dep ? Cell{dep->name} : Cell{}});
  }
  return t;
}

Table department_table(const Policy& p) {
  Table t{{text_column("department"), text_column("name")}, {}};
  for (const auto& d : p.departments) t.rows.push_back({d.code, d.name});
  return t;
}

Names policy_names(const Policy& p) {
  Names n;
  for (const auto& d : p.departments) n.departments.emplace(d.code, d.name);
  for (const auto& c : p.categories) n.categories.emplace(c.code, c.name);
  return n;
}

Table category_table(const Policy& p) {
  Table t{{text_column("code"), text_column("name"), text_column("authority"),
           text_column("department"), text_column("limit"), text_column("deadline"),
           typed_column("urgent", ColumnType::flag)},
          {}};
  for (const auto& c : p.categories) {
    const auto* dep = p.find_department(c.department);
    t.rows.push_back({c.code, c.name, name_of(to_string(c.authority)),
                      dep ? Cell{dep->code + " " + dep->name} : Cell{}, duration_cell(c.limit),
                      duration_cell(c.deadline), c.urgent});
  }
  return t;
}

Table import_table(const ImportReport& report) {
  Table t{{text_column("kind"), text_column("level"), number_column("added"),
           number_column("updated"), number_column("unchanged"), number_column("retired")},
          {}};
  auto add = [&](const char* kind, std::string_view key, const ChangeCounts& c) {
    t.rows.push_back(
        {std::string(kind), std::string(key), c.added, c.updated, c.unchanged, c.retired});
  };
  if (report.layout)
    for (auto level : k_levels)
      add("unit", to_string(level), report.layout->by_level[index(level)]);
  if (report.workers)
    for (auto tier : {Tier::grid, Tier::town, Tier::county})
      add("worker", to_string(tier), report.workers->by_tier[static_cast<std::size_t>(tier)]);
  if (report.party)
    for (int k = 0; k <= static_cast<int>(PartyKind::grid_group); ++k)
      add("party", to_string(static_cast<PartyKind>(k)),
          report.party->by_kind[static_cast<std::size_t>(k)]);
  return t;
}

Table case_import_table(const std::vector<std::pair<std::string, CaseImportReport>>& files) {
  Table t{{text_column("kind"), text_column("file"), number_column("added"),
           number_column("present"), number_column("rejected")},
          {}};
  for (const auto& [path, r] : files)
    t.rows.push_back({std::string("case"), path, r.added, r.present, 0LL});
  return t;
}

}  // namespace gridgov
