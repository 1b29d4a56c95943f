// Exports: cases and events streamed out through the views and a RowStream.

#include "gridgov/exports.hpp"

#include <map>
#include <ostream>

#include "case_file.hpp"
#include "gridgov/render.hpp"
#include "gridgov/unit_tree.hpp"
#include "gridgov/views.hpp"

namespace gridgov {

namespace {

Format stream_format(ExportFormat f) {
  switch (f) {
    case ExportFormat::json:
    case ExportFormat::open311:
      return Format::json;
    case ExportFormat::ndjson:
      return Format::ndjson;
    case ExportFormat::csv:
      break;
  }
  return Format::csv;
}

std::optional<Timestamp> last_at(const std::vector<Event>& events, EventType type) {
  for (auto e = events.rbegin(); e != events.rend(); ++e)
    if (e->type == type) return e->at;
  return std::nullopt;
}

Cell time_or_null(const std::optional<Timestamp>& t, const ViewContext& ctx) {
  if (!t) return {};
  return format_time(*t, ctx.utc_offset);
}

/// The CSV columns: the cases file's, as the import reads them (case_file.hpp).
std::vector<Column> case_file_header() {
  std::vector<Column> out;
  for (std::size_t i = 0; i < detail::k_exported_case_columns; ++i) {
    const std::string name(detail::case_file_columns()[i].name);
    out.push_back(name == "id" || name == "rework" ? number_column(name)
                  : name == "lon" || name == "lat" ? number_column(name, ColumnType::number)
                  : name == "events"               ? typed_column(name, ColumnType::table)
                                                   : text_column(name));
  }
  return out;
}

/// A case as a row of the cases file: its report, where it stands, and its history.
std::vector<Cell> case_file_row(const Case& c, const std::vector<Event>& events,
                                const ViewContext& ctx) {
  const Record shown = case_record(c, ctx);
  const Table as_shown = shown.as_table();
  std::vector<Cell> row(detail::k_exported_case_columns);
  for (std::size_t i = 0; i < row.size(); ++i)
    row[i] = as_shown.at(0, detail::case_file_columns()[i].name);
  row[detail::resolved_at] = time_or_null(last_at(events, EventType::resolve), ctx);
  // An info or service case is recorded closed: it closed when it was reported.
  row[detail::closed_at] =
      c.status != Status::closed ? Cell{}
      : closes_at_once(c.kind)
          ? time_or_null(last_at(events, EventType::close).value_or(c.reported_at), ctx)
          : time_or_null(last_at(events, EventType::close), ctx);
  row[detail::events] = std::make_shared<const Table>(event_table(events, ctx));
  return row;
}

std::vector<Column> open311_columns() {
  std::vector<Column> out;
  for (const char* name : {"service_request_id", "status", "status_notes", "service_name",
                           "service_code", "description", "agency_responsible", "service_notice",
                           "requested_datetime", "updated_datetime", "expected_datetime", "address",
                           "address_id", "zipcode", "lat", "long", "media_url"})
    out.push_back(std::string_view(name) == "lat" || std::string_view(name) == "long"
                      ? number_column(name, ColumnType::number)
                      : text_column(name));
  return out;
}

/// A case as a GeoReport v2 service request.
std::vector<Cell> open311_row(const Case& c, const std::vector<Event>& events, const Policy& policy,
                              const UnitTree& tree, const ViewContext& ctx) {
  const auto* cat = policy.find_category(c.category);
  const auto* dep = policy.find_department(c.department);
  const auto* unit = tree.find(c.unit);
  std::string address;
  for (const auto* u : tree.path(c.grid)) address += (address.empty() ? "" : " ") + u->name;
  const bool done = c.status == Status::closed || c.status == Status::voided;
  const std::string notes = events.empty() ? "" : events.back().note;
  return {std::to_string(c.id),
          std::string(done ? "closed" : "open"),
          text_or_null(notes),
          cat ? cat->name : c.category,
          c.category,
          c.description.empty() ? c.title : c.description,
          std::string(dep    ? dep->name
                      : unit ? unit->name
                             : "县指挥部办公室"),
          Cell{},
          format_time(c.reported_at, ctx.utc_offset),
          time_or_null(events.empty() ? std::nullopt : std::optional(events.back().at), ctx),
          time_or_null(c.deadline, ctx),
          address,
          c.grid,
          Cell{},
          c.location ? Cell{c.location->lat} : Cell{},  // GeoReport v2: lat and long, WGS-84
          c.location ? Cell{c.location->lon} : Cell{},
          Cell{}};
}

/// Whether `c`, as it stands at the export's time, matches `f` (the store's `cases` filter).
bool matches(const Case& c, const CaseFilter& f, const UnitTree& tree,
             std::map<std::string, bool, std::less<>>& inside) {
  if (f.status && c.status != *f.status) return false;
  if (f.level && c.level != *f.level) return false;
  if (f.source && c.source != *f.source) return false;
  if (!f.department.empty() && c.department != f.department) return false;
  if (!f.category.empty() && c.category != f.category) return false;
  if (f.overdue_at && !is_overdue(c, *f.overdue_at)) return false;
  if (f.stage_overdue_at && !is_stage_overdue(c, *f.stage_overdue_at)) return false;
  if (f.supervised_at &&
      !(is_overdue(c, *f.supervised_at) ||
        (c.supervision && c.status != Status::closed && c.status != Status::voided)))
    return false;
  if (!f.unit.empty()) {
    auto it = inside.find(c.grid);
    if (it == inside.end()) it = inside.emplace(c.grid, tree.within(c.grid, f.unit)).first;
    if (!it->second) return false;
  }
  return true;
}

}  // namespace

void export_cases(Session& session, const Period& period, ExportFormat format, std::ostream& out) {
  CaseFilter filter;
  filter.reported_from = period.from;
  filter.reported_to = period.to;
  export_cases(session, filter, format, out);
}

void export_cases(Session& session, const CaseFilter& filter, ExportFormat format,
                  std::ostream& out, const RenderOptions& options) {
  const auto snapshot = session.begin_read();
  const ViewContext ctx{session.utc_offset(), session.now()};
  const Policy& policy = session.policy();
  const UnitTree tree(session.store().units());
  if (!filter.unit.empty() && !tree.find(filter.unit))
    throw Error(ErrorCode::not_found, "unknown unit " + filter.unit);
  const std::vector<Event> no_events;
  const std::vector<Column> columns = format == ExportFormat::open311 ? open311_columns()
                                      : format == ExportFormat::csv
                                          ? case_file_header()
                                          : case_record(Case{}, ctx, &no_events).columns;
  RowStream stream(out, columns, stream_format(format), options);
  std::map<std::string, bool, std::less<>> inside;
  session.reporting().for_each_case(filter.reported_from.value_or(Timestamp::min()),
                                    filter.reported_to.value_or(Timestamp::max()), Timestamp::max(),
                                    [&](const Case& h, const std::vector<Event>& events) {
                                      const Case c = replay(h, events);
                                      if (!matches(c, filter, tree, inside)) return;
                                      switch (format) {
                                        case ExportFormat::open311:
                                          stream.add(open311_row(c, events, policy, tree, ctx));
                                          return;
                                        case ExportFormat::csv:
                                          stream.add(case_file_row(c, events, ctx));
                                          return;
                                        case ExportFormat::json:
                                        case ExportFormat::ndjson:
                                          stream.add(case_record(c, ctx, &events).values);
                                          return;
                                      }
                                    });
  stream.finish();
}

void export_events(Session& session, const Period& period, ExportFormat format, std::ostream& out,
                   const RenderOptions& options) {
  if (format == ExportFormat::open311)
    throw Error(ErrorCode::usage, "open311 describes service requests: export cases instead");
  const auto snapshot = session.begin_read();
  const ViewContext ctx{session.utc_offset(), session.now()};
  RowStream stream(out, event_export_columns(), stream_format(format), options);
  session.reporting().for_each_event(period.from, period.to,
                                     [&](const Case& c, const Event& e, const Link& link) {
                                       stream.add(event_export_row(c, e, link, ctx));
                                     });
  stream.finish();
}

}  // namespace gridgov
