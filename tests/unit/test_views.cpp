#include "gridgov/views.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <sstream>

#include "gridgov/render.hpp"

using namespace gridgov;
using namespace gridgov::testing;

namespace {

std::vector<std::string> names(const std::vector<Column>& columns) {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

Case sample_case() {
  Case c;
  c.id = 12;
  c.category = "dispute";
  c.title = "邻里纠纷";
  c.grid = "G1";
  c.reporter = "g1";
  c.reported_at = k_t0;
  c.level = Level::village;
  c.unit = "V1";
  c.deadline = at_h(48);
  c.due = at_h(96);
  c.whistled = {"cw"};
  return c;
}

}  // namespace

TEST_CASE("case views: every field for json, scalars for csv, a person's few") {
  const ViewContext ctx{std::chrono::hours(8), at_h(1)};
  const Table all = case_table({sample_case()}, ctx, CaseColumns::all);
  CHECK(names(all.columns) ==
        std::vector<std::string>{
            "id",          "kind",          "source",    "ext_id",     "category",    "service",
            "title",       "grid",          "lon",       "lat",        "reporter",    "reported_at",
            "status",      "level",         "unit",      "department", "deadline",    "due",
            "overdue",     "stage_overdue", "suspended", "extended",   "supervision", "rework",
            "description", "whistled"});
  CHECK(names(case_table({}, ctx, CaseColumns::scalar).columns).back() == "description");
  CHECK(names(case_table({}, ctx, CaseColumns::brief).columns) ==
        std::vector<std::string>{"id", "status", "level", "unit", "department", "category", "grid",
                                 "title", "deadline", "due", "overdue", "suspended", "rework"});
  CHECK(all.at(0, "deadline") == Cell{std::string("2026-09-23T22:13:20+08:00")});
  CHECK(all.at(0, "ext_id") == Cell{});
  CHECK(all.at(0, "overdue") == Cell{false});
  CHECK(all.at(0, "stage_overdue") == Cell{false});
  CHECK(all.at(0, "extended") == Cell{});
  CHECK(all.at(0, "supervision") == Cell{});
  const Table late = case_table({sample_case()}, ViewContext{std::chrono::hours(8), at_h(49)});
  CHECK(late.at(0, "stage_overdue") == Cell{true});
  CHECK(late.at(0, "overdue") == Cell{false});  // due at_h(96)
  const Table later = case_table({sample_case()}, ViewContext{std::chrono::hours(8), at_h(97)});
  CHECK(later.at(0, "overdue") == Cell{true});
}

TEST_CASE("case_record nests the events as case show's JSON does") {
  Event e;
  e.type = EventType::report;
  e.at = k_t0;
  e.recorded_at = k_t0;
  e.actor = "g1";
  e.unit = "G1";
  const std::vector<Event> events = {e};
  std::ostringstream out;
  render(out, case_record(sample_case(), ViewContext{std::chrono::hours(8), k_t0}, &events),
         {Format::ndjson, false});
  const std::string json = out.str();
  CHECK(contains(json,
                 "\"whistled\":[\"cw\"],\"events\":[{\"type\":\"report\","
                 "\"at\":\"2026-09-21T22:13:20+08:00\""));
  CHECK(contains(json,
                 "\"worker\":null,\"deadline\":null,\"due\":null,\"extension\":null,"
                 "\"by\":null,\"late_record\":false}]}"));
}

TEST_CASE("agenda and sweep tables add their reasons and actions") {
  const ViewContext ctx{std::chrono::hours(8), k_t0};
  const Table agenda = agenda_table({AgendaItem{sample_case(), {"at_zone", "overdue"}}}, ctx);
  CHECK(agenda.columns[1].name == "agenda");
  CHECK(agenda.rows[0][1] == Cell{std::vector<std::string>{"at_zone", "overdue"}});
  SweepReport report;
  report.stage_overdue = {sample_case()};
  report.skipped = {{12, "level-by-level: no"}};
  const Table sweep = sweep_table(report, ctx, CaseColumns::brief);
  CHECK(sweep.columns.back().name == "action");
  CHECK(sweep.rows[0].back() == Cell{std::string("skipped: level-by-level: no")});
}

TEST_CASE("stats_table types its columns: counts, rates, hours") {
  StatsRow r;
  r.group = "T1";
  r.name = "大店镇";
  r.problems = 4;
  r.closed = 3;
  r.hours = {1.0, 3.0};
  const Table t = stats_table({r});
  REQUIRE(t.columns.size() == 2 + k_stat_fields.size());
  for (const auto& c : t.columns) {
    if (c.name == "resolution_rate" || c.name == "on_time_rate" || c.name == "quota_rate")
      CHECK(c.type == ColumnType::rate);
    else if (c.name == "median_hours_to_close")
      CHECK(c.type == ColumnType::hours);
    else if (c.name != "group" && c.name != "name")
      CHECK(c.type == ColumnType::integer);
  }
  CHECK(t.at(0, "resolution_rate") == Cell{0.75});
  CHECK(t.at(0, "median_hours_to_close") == Cell{2.0});
  CHECK(t.at(0, "quota_days_met") == Cell{});
}

TEST_CASE("status: a table for people and one object of three groups") {
  Counts c;
  c.units = {1, 2, 3, 4, 5};
  c.workers = {6, 7, 8};
  c.open = 9;
  const Table t = status_table(c);
  CHECK(t.rows.size() == 12);
  CHECK(t.rows.front() == std::vector<Cell>{std::string("units"), std::string("county"), 1LL});
  std::ostringstream out;
  render(out, status_record(c), {Format::ndjson, false});
  CHECK(out.str() ==
        "{\"units\":{\"county\":1,\"town\":2,\"zone\":3,\"village\":4,\"grid\":5},"
        "\"workers\":{\"grid\":6,\"town\":7,\"county\":8},"
        "\"cases\":{\"open\":9,\"resolved\":0,\"closed\":0,\"void\":0}}\n");
}

TEST_CASE("unit_tree_table nests children, leaving the key out of leaves") {
  auto su = [](std::string code, Level level, std::string parent) {
    StoredUnit s;
    s.unit.code = code;
    s.unit.name = code;
    s.unit.level = level;
    s.unit.parent = std::move(parent);
    return s;
  };
  const UnitTree tree({su("C", Level::county, ""), su("T1", Level::town, "C"),
                       su("Z1", Level::zone, "T1"), su("T2", Level::town, "C")});
  const Table nested = unit_tree_table(tree, *tree.find("C"), -1, true);
  std::ostringstream out;
  render(out, Record{nested.columns, nested.rows.front()}, {Format::ndjson, false});
  CHECK(out.str() ==
        "{\"code\":\"C\",\"name\":\"C\",\"level\":\"county\",\"children\":["
        "{\"code\":\"T1\",\"name\":\"T1\",\"level\":\"town\",\"children\":["
        "{\"code\":\"Z1\",\"name\":\"Z1\",\"level\":\"zone\"}]},"
        "{\"code\":\"T2\",\"name\":\"T2\",\"level\":\"town\"}]}\n");
  const Table flat = unit_tree_table(tree, *tree.find("C"), 1, false);
  CHECK(flat.rows.size() == 3);
}
