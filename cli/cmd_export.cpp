// gridctl export cases|events [--from D --to D] [--format csv|json|ndjson|open311]
// Streams: one case (or event) at a time, in constant memory.

#include <memory>

#include "case_view.hpp"
#include "commands.hpp"
#include "gridgov/service.hpp"
#include "gridgov/stats.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridctl {

namespace {

using json = nlohmann::ordered_json;

struct ExportFlags {
  std::string from;
  std::string to;
  std::string format;
};

gridgov::Period period(const ExportFlags& f, std::chrono::minutes offset) {
  gridgov::Period p;
  p.from =
      f.from.empty() ? gridgov::Timestamp::min() : Context::bound("--from", f.from, offset, false);
  p.to = f.to.empty() ? gridgov::Timestamp::max() : Context::bound("--to", f.to, offset, true);
  return p;
}

/// Writes a JSON array (or NDJSON lines) one element at a time.
class JsonStream {
 public:
  JsonStream(std::ostream& out, bool ndjson) : m_out(out), m_ndjson(ndjson) {}
  ~JsonStream() {
    if (!m_ndjson) m_out << (m_first ? "[]\n" : "\n]\n");
  }
  JsonStream(const JsonStream&) = delete;
  JsonStream& operator=(const JsonStream&) = delete;
  void add(const json& j) {
    if (m_ndjson) {
      m_out << j.dump() << '\n';
      return;
    }
    m_out << (m_first ? "[\n" : ",\n") << j.dump();
    m_first = false;
  }

 private:
  std::ostream& m_out;
  bool m_ndjson;
  bool m_first = true;
};

std::optional<gridgov::Timestamp> last_at(const std::vector<gridgov::Event>& events,
                                          gridgov::EventType type) {
  for (auto e = events.rbegin(); e != events.rend(); ++e)
    if (e->type == type) return e->at;
  return std::nullopt;
}

const std::vector<std::string> k_case_columns = {
    "id",          "ext_id",   "source",      "grid",      "category", "kind", "title",
    "description", "reporter", "reported_at", "status",    "level",    "unit", "department",
    "deadline",    "rework",   "resolved_at", "closed_at", "events"};

void export_cases(Context& ctx, const ExportFlags& f) {
  auto store = ctx.open();
  const auto policy = gridgov::current_policy(*store);
  const auto offset = policy.utc_offset;
  const auto p = period(f, offset);
  const std::string format = f.format.empty() ? ctx.options.format : f.format;
  const auto when = [&](const std::optional<gridgov::Timestamp>& t) {
    return t ? json(gridgov::format_time(*t, offset)) : json();
  };
  auto& out = std::cout;

  if (format == "json" || format == "ndjson") {
    JsonStream stream(out, format == "ndjson");
    store->for_each_case(p.from, p.to, gridgov::Timestamp::max(),
                         [&](const gridgov::Case& h, const std::vector<gridgov::Event>& events) {
                           const gridgov::Case c = gridgov::replay(h, events);
                           stream.add(case_json(c, offset, gridgov::now(), &events));
                         });
    return;
  }
  if (format == "open311") {
    const gridgov::UnitTree tree(store->units());
    JsonStream stream(out, false);
    store->for_each_case(
        p.from, p.to, gridgov::Timestamp::max(),
        [&](const gridgov::Case& h, const std::vector<gridgov::Event>& events) {
          const gridgov::Case c = gridgov::replay(h, events);
          const auto* cat = policy.find_category(c.category);
          const auto* dep = policy.find_department(c.department);
          const auto* unit = tree.find(c.unit);
          std::string address;
          for (const auto* u : tree.path(c.grid)) address += (address.empty() ? "" : " ") + u->name;
          const bool done =
              c.status == gridgov::Status::closed || c.status == gridgov::Status::voided;
          std::string notes = events.empty() ? "" : events.back().note;
          stream.add(json{{"service_request_id", std::to_string(c.id)},
                          {"status", done ? "closed" : "open"},
                          {"status_notes", notes.empty() ? json() : json(notes)},
                          {"service_name", cat ? cat->name : c.category},
                          {"service_code", c.category},
                          {"description", c.description.empty() ? c.title : c.description},
                          {"agency_responsible", dep    ? json(dep->name)
                                                 : unit ? json(unit->name)
                                                        : json("县指挥部办公室")},
                          {"service_notice", json()},
                          {"requested_datetime", gridgov::format_time(c.reported_at, offset)},
                          {"updated_datetime",
                           when(events.empty() ? std::nullopt : std::optional(events.back().at))},
                          {"expected_datetime", when(c.deadline)},
                          {"address", address},
                          {"address_id", c.grid},
                          {"zipcode", json()},
                          {"lat", json()},
                          {"long", json()},
                          {"media_url", json()}});
        });
    return;
  }
  // CSV: the import format of `gridctl import cases`, so that an export imports again.
  for (std::size_t i = 0; i < k_case_columns.size(); ++i)
    out << (i ? "," : "") << k_case_columns[i];
  out << '\n';
  store->for_each_case(
      p.from, p.to, gridgov::Timestamp::max(),
      [&](const gridgov::Case& h, const std::vector<gridgov::Event>& events) {
        const gridgov::Case c = gridgov::replay(h, events);
        json history = json::array();
        for (const auto& e : events) history.push_back(event_json(e, offset));
        const std::string fields[] = {
            std::to_string(c.id),
            c.ext_id,
            std::string(to_string(c.source)),
            c.grid,
            c.category,
            std::string(to_string(c.kind)),
            c.title,
            c.description,
            c.reporter,
            gridgov::format_time(c.reported_at, offset),
            std::string(to_string(c.status)),
            std::string(to_string(c.level)),
            c.unit,
            c.department,
            c.deadline ? gridgov::format_time(*c.deadline, offset) : "",
            std::to_string(c.rework),
            when(last_at(events, gridgov::EventType::resolve)).is_null()
                ? ""
                : gridgov::format_time(*last_at(events, gridgov::EventType::resolve), offset),
            c.status == gridgov::Status::closed && last_at(events, gridgov::EventType::close)
                ? gridgov::format_time(*last_at(events, gridgov::EventType::close), offset)
                : "",
            history.dump()};
        for (std::size_t i = 0; i < std::size(fields); ++i)
          out << (i ? "," : "") << csv_quote(fields[i]);
        out << '\n';
      });
}

void export_events(Context& ctx, const ExportFlags& f) {
  auto store = ctx.open();
  const auto offset = gridgov::current_policy(*store).utc_offset;
  const auto p = period(f, offset);
  const std::string format = f.format.empty() ? ctx.options.format : f.format;
  if (format == "open311")
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         "open311 describes service requests: use `export cases`");
  const bool as_json = format == "json" || format == "ndjson";
  std::optional<JsonStream> stream;
  if (as_json) stream.emplace(std::cout, format == "ndjson");
  const std::vector<std::string> columns = {
      "case_id", "kind",        "source", "grid",       "category",  "reported_at",     "type",
      "at",      "recorded_at", "actor",  "from_level", "from_unit", "from_department", "level",
      "unit",    "department",  "worker", "deadline",   "note"};
  if (!as_json) {
    for (std::size_t i = 0; i < columns.size(); ++i) std::cout << (i ? "," : "") << columns[i];
    std::cout << '\n';
  }
  store->for_each_event(p.from, p.to, [&](const gridgov::Case& c, const gridgov::Event& e) {
    const auto text = [](const std::string& s) { return s.empty() ? json() : json(s); };
    json j = {{"case_id", c.id},
              {"kind", to_string(c.kind)},
              {"source", to_string(c.source)},
              {"grid", c.grid},
              {"category", c.category},
              {"reported_at", gridgov::format_time(c.reported_at, offset)},
              {"type", to_string(e.type)},
              {"at", gridgov::format_time(e.at, offset)},
              {"recorded_at", gridgov::format_time(e.recorded_at, offset)},
              {"actor", e.actor},
              {"from_level",
               e.type == gridgov::EventType::report ? json() : json(to_string(e.from_level))},
              {"from_unit", text(e.from_unit)},
              {"from_department", text(e.from_department)},
              {"level", to_string(e.level)},
              {"unit", text(e.unit)},
              {"department", text(e.department)},
              {"worker", text(e.worker)},
              {"deadline", e.deadline ? json(gridgov::format_time(*e.deadline, offset)) : json()},
              {"note", text(e.note)}};
    if (as_json) {
      stream->add(j);
      return;
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const json& v = j[columns[i]];
      std::cout << (i ? "," : "")
                << csv_quote(v.is_null()     ? ""
                             : v.is_string() ? v.get<std::string>()
                                             : v.dump());
    }
    std::cout << '\n';
  });
}

}  // namespace

void setup_export(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ExportFlags>();
  auto* cmd =
      app.add_subcommand("export", "Stream cases or events out (csv, json, ndjson, open311)");
  cmd->require_subcommand(1);
  for (const char* what : {"cases", "events"}) {
    const bool cases = std::string_view(what) == "cases";
    auto* sub = cmd->add_subcommand(
        what, cases ? "Cases reported in the period, each with its history"
                    : "Events that happened in the period, each with its case's report");
    sub->add_option("--from", f->from, "From this date or time")->type_name("D");
    sub->add_option("--to", f->to, "To this date (inclusive) or time")->type_name("D");
    sub->add_option("--format", f->format,
                    "csv (default), json, ndjson, or open311 (GeoReport v2 service requests)")
        ->check(CLI::IsMember({"csv", "json", "ndjson", "open311"}));
    if (cases)
      sub->callback([f, &ctx] { export_cases(ctx, *f); });
    else
      sub->callback([f, &ctx] { export_events(ctx, *f); });
  }
}

}  // namespace gridctl
