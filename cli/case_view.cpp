#include "case_view.hpp"

#include "gridgov/time.hpp"

namespace gridctl {

namespace {

using json = nlohmann::ordered_json;

json text_or_null(const std::string& s) { return s.empty() ? json() : json(s); }

json time_or_null(const std::optional<gridgov::Timestamp>& t, std::chrono::minutes offset) {
  return t ? json(gridgov::format_time(*t, offset)) : json();
}

Cell cell(const json& j) {
  if (j.is_null()) return {};
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<long long>();
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

}  // namespace

json event_json(const gridgov::Event& e, std::chrono::minutes offset) {
  json j = {{"type", to_string(e.type)},
            {"at", gridgov::format_time(e.at, offset)},
            {"recorded_at", gridgov::format_time(e.recorded_at, offset)},
            {"actor", e.actor},
            {"level", to_string(e.level)},
            {"unit", text_or_null(e.unit)},
            {"department", text_or_null(e.department)},
            {"note", text_or_null(e.note)}};
  j["worker"] = text_or_null(e.worker);
  j["deadline"] = time_or_null(e.deadline, offset);
  return j;
}

json case_json(const gridgov::Case& c, std::chrono::minutes offset, gridgov::Timestamp now,
               const std::vector<gridgov::Event>* events) {
  json j = {{"id", c.id},
            {"kind", to_string(c.kind)},
            {"source", to_string(c.source)},
            {"ext_id", text_or_null(c.ext_id)},
            {"category", c.category},
            {"title", c.title},
            {"grid", c.grid},
            {"reporter", c.reporter},
            {"reported_at", gridgov::format_time(c.reported_at, offset)},
            {"status", to_string(c.status)},
            {"level", to_string(c.level)},
            {"unit", text_or_null(c.unit)},
            {"department", text_or_null(c.department)},
            {"deadline", time_or_null(c.deadline, offset)},
            {"overdue", gridgov::is_overdue(c, now)},
            {"rework", c.rework},
            {"description", text_or_null(c.description)},
            {"whistled", c.whistled}};
  if (events) {
    json list = json::array();
    for (const auto& e : *events) list.push_back(event_json(e, offset));
    j["events"] = list;
  }
  return j;
}

Table case_table(const std::vector<gridgov::Case>& cases, std::chrono::minutes offset,
                 gridgov::Timestamp now, bool compact) {
  static const std::vector<std::string> all = {
      "id",         "kind",     "source",      "ext_id", "category",   "title",
      "grid",       "reporter", "reported_at", "status", "level",      "unit",
      "department", "deadline", "overdue",     "rework", "description"};
  static const std::vector<std::string> brief = {"id",         "status",   "level", "unit",
                                                 "department", "category", "grid",  "title",
                                                 "deadline",   "overdue",  "rework"};
  const auto& columns = compact ? brief : all;
  Table t{columns, {}};
  for (const auto& c : cases) {
    const json j = case_json(c, offset, now);
    std::vector<Cell> row;
    for (const auto& col : columns) row.push_back(cell(j[col]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table event_table(const std::vector<gridgov::Event>& events, std::chrono::minutes offset) {
  static const std::vector<std::string> columns = {"type",   "at",      "recorded_at", "actor",
                                                   "level",  "unit",    "department",  "note",
                                                   "worker", "deadline"};
  Table t{columns, {}};
  for (const auto& e : events) {
    const json j = event_json(e, offset);
    std::vector<Cell> row;
    for (const auto& col : columns) row.push_back(cell(j[col]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

void print_cases(const Printer& out, const std::vector<gridgov::Case>& cases,
                 std::chrono::minutes offset, gridgov::Timestamp now) {
  if (out.format == Format::json || out.format == Format::ndjson) {
    json a = json::array();
    for (const auto& c : cases) a.push_back(case_json(c, offset, now));
    out.json(a);
    return;
  }
  out.table(case_table(cases, offset, now, out.format != Format::csv));
}

}  // namespace gridctl
