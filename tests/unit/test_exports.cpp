#include "gridgov/exports.hpp"

#include <doctest/doctest.h>

#include "county.hpp"
#include "helpers.hpp"

#include <sstream>

#include "gridgov/cases.hpp"
#include "gridgov/migration.hpp"
#include "gridgov/readers.hpp"

using namespace gridgov;
using namespace gridgov::testing;

namespace {

Move move(EventType type, std::string note = "") {
  Move m;
  m.type = type;
  m.note = std::move(note);
  return m;
}

/// A case escalated, resolved, sent back, resolved again and closed; and one still open.
void season(Session& s) {
  ReportRequest r;
  r.category = "dispute";
  r.title = "邻里纠纷, \"楼上\"漏水";
  r.grid = "G1";
  const long long id = log_case(s, r, "g1", at_h(0)).id;
  (void)act(s, id, move(EventType::escalate, "上报"), "g1", at_h(1));
  (void)act(s, id, move(EventType::resolve, "调解"), "g1", at_h(2));
  (void)act(s, id, move(EventType::rework, "未解决"), "t1", at_h(3));
  (void)act(s, id, move(EventType::resolve, "再调解"), "g1", at_h(4));
  (void)act(s, id, move(EventType::close), "t1", at_h(5));
  r.grid = "G3";
  (void)log_case(s, r, "g3", at_h(6));
}

}  // namespace

TEST_CASE("export_cases csv is the cases file import reads: the same histories come back") {
  Session s = ready_store();
  season(s);
  std::ostringstream out;
  export_cases(s, Period{Timestamp::min(), Timestamp::max()}, ExportFormat::csv, out);
  const std::string csv = out.str();
  CHECK(csv.rfind(
            "id,ext_id,source,grid,category,kind,title,description,reporter,reported_at,"
            "status,level,unit,department,deadline,rework,resolved_at,closed_at,events,service,lon,"
            "lat\n",
            0) == 0);

  TempDir dir;
  Diagnostics diagnostics;
  CaseRows rows(dir.write("cases.csv", csv), s.utc_offset(), diagnostics);
  const UnitTree tree(s.store().units());
  const WorkerLookup workers = [&](const std::string& code) -> std::optional<Worker> {
    auto w = s.store().find_worker(code);
    if (!w) return std::nullopt;
    return w->worker;
  };
  CaseRow row;
  std::vector<long long> ids;
  while (rows.next(row)) {
    const long long id = std::stoll(row.header.ext_id.substr(std::string("gridgov:").size()));
    ids.push_back(id);
    const auto m = migrate(row, tree, s.policy(), workers, diagnostics);
    REQUIRE(m.has_value());
    const auto stored = s.store().events(id);
    REQUIRE(m->events.size() == stored.size());
    for (std::size_t i = 0; i < stored.size(); ++i) {
      CHECK(m->events[i].type == stored[i].type);
      CHECK(m->events[i].at == stored[i].at);
      CHECK(m->events[i].actor == stored[i].actor);
      CHECK(m->events[i].note == stored[i].note);
      CHECK(m->events[i].unit == stored[i].unit);
    }
    CHECK(m->c.status == s.store().find_case(id)->status);
  }
  CHECK(diagnostics.empty());
  CHECK(ids.size() == 2);
}

TEST_CASE("export json is an array of case show objects, events export streams every event") {
  Session s = ready_store();
  season(s);
  std::ostringstream json;
  export_cases(s, Period{Timestamp::min(), Timestamp::max()}, ExportFormat::json, json);
  CHECK(json.str().rfind("[\n{\"id\":1,\"kind\":\"problem\"", 0) == 0);
  CHECK(json.str().find("\"events\":[{\"type\":\"report\"") != std::string::npos);
  CHECK(json.str().substr(json.str().size() - 3) == "\n]\n");

  std::ostringstream events;
  export_events(s, Period{at_h(1), at_h(5)}, ExportFormat::csv, events);
  // escalate, resolve, rework, resolve: [h1, h5).
  const std::string text = events.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 1 + 4);

  const auto e = error_of([&] {
    export_events(s, Period{Timestamp::min(), Timestamp::max()}, ExportFormat::open311, events);
  });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::usage);
}
