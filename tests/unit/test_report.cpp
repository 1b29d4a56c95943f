// report.hpp: the monthly report's figures, page and file.

#include "gridgov/report.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "county.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/chart.hpp"
#include "helpers.hpp"

using namespace gridgov;
using namespace gridgov::testing;

namespace {

long long log_at(Session& s, const std::string& grid, Timestamp at, Kind kind = Kind::problem,
                 const std::string& title = "事项") {
  ReportRequest r;
  r.kind = kind;
  r.source = Source::patrol;
  r.category = "environment_sanitation";
  r.title = title;
  r.grid = grid;
  return log_case(s, r, "g" + grid.substr(1), at).id;
}

Period september(Session& s) { return *month_period("2026-09", s.utc_offset()); }

/// Counts of `needle` in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

/// ready_store() with September's cases: three problems and an info in G1/G2 (T1), one problem
/// in G4 (T2) whose title is hostile markup, none closed; and one problem in August.
Session september_store() {
  Session s = ready_store();
  (void)log_at(s, "G1", at_h(0));
  (void)log_at(s, "G1", at_h(1));
  (void)log_at(s, "G2", at_h(2));
  (void)log_at(s, "G2", at_h(3), Kind::info);
  (void)log_at(s, "G4", at_h(4), Kind::problem, "<script>alert(\"x\")</script> & co");
  (void)log_at(s, "G1", at_h(-24 * 30));
  return s;
}

GridShape square(const std::string& grid, double lon, double lat) {
  GridShape g;
  g.grid = grid;
  Polygon p;
  p.outer = {
      {lon, lat}, {lon + 0.01, lat}, {lon + 0.01, lat + 0.01}, {lon, lat + 0.01}, {lon, lat}};
  g.polygons.push_back(p);
  return g;
}

}  // namespace

TEST_CASE("month_figures counts a month's totals as statistics does") {
  Session s = september_store();
  const Period p = september(s);
  const MonthFigures f = month_figures(s, p);
  const StatsRow total = statistics(s, p, {}).back();
  CHECK(f.month == std::chrono::year{2026} / std::chrono::September);
  CHECK(f.reported == total.reported);
  CHECK(f.problems == total.problems);
  CHECK(f.closed == total.closed);
  CHECK(f.reported == 5);
  CHECK(f.problems == 4);
  CHECK_FALSE(f.resolution_rate() == std::nullopt);
  CHECK(*f.resolution_rate() == 0.0);

  const MonthFigures town = month_figures(s, p, "T2");
  CHECK(town.reported == statistics(s, p, {}, "T2").back().reported);
  CHECK(town.reported == 1);
  CHECK(month_figures(s, *month_period("2025-09", s.utc_offset())).resolution_rate() ==
        std::nullopt);  // no problems: no rate
  CHECK(error_of([&] { (void)month_figures(s, p, "NOPE"); })->code() == ErrorCode::not_found);
}

TEST_CASE("quota_by_day counts each grid's valid patrol reports per local day") {
  Session s = september_store();
  const Period p = september(s);
  const auto days = s.reporting().quota_by_day(p.from, p.to, s.utc_offset());
  REQUIRE(days.count("G1"));
  REQUIRE(days.at("G1").size() == 30);
  // k_t0 is 2026-09-21T22:13 local: the 21st (index 20); an hour later is the same
  // day.
  CHECK(days.at("G1")[20] == 2);
  CHECK(days.at("G2")[21] == 2);  // two hours later it is the 22nd; the info counts too
  long long sum = 0;
  for (const auto& [grid, v] : days)
    for (long long n : v) sum += n;
  CHECK(sum == 5);  // the August case is not September's
  CHECK_FALSE(days.count("G3"));
  // The days met agree with quota(): the policy asks two reports a day.
  const auto quotas = s.reporting().quota(p.from, p.to, s.utc_offset(), 2);
  CHECK(quotas.at("G1").days_met == 1);
  CHECK(quotas.at("G4").days_met == 0);
}

TEST_CASE("report_data gathers the county's month: headline, trend, towns, list, quota") {
  Session s = september_store();
  ReportOptions o;
  o.month = september(s);
  o.now = at_h(24 * 30);
  const ReportData d = report_data(s, o);
  CHECK(d.county_wide);
  CHECK(d.scope == "C");
  CHECK(d.current.reported == 5);
  CHECK(d.previous.reported == 1);
  CHECK(d.last_year.reported == 0);
  REQUIRE(d.trend.size() == 12);
  CHECK(d.trend.front().month == std::chrono::year{2025} / std::chrono::October);
  CHECK(d.trend.back().reported == 5);
  CHECK(d.trend[10].reported == 1);
  CHECK(d.unit_level == Grouping::town);
  REQUIRE(d.units.size() == 2);
  CHECK(d.units[0].group == "T1");
  CHECK(d.units[0].reported == 4);
  CHECK(d.ranking.size() == 2);  // the built-in policy has indicators
  CHECK(d.sources.front().group == "patrol");
  CHECK(d.sources.front().reported == 5);
  REQUIRE(d.categories.size() == 1);
  CHECK(d.supervision_total == 5);  // every problem is overdue a month later, August's too
  REQUIRE(d.quota.size() == 4);
  CHECK(d.quota[0].grid == "G1");
  CHECK(d.quota[0].group == "T1");
  CHECK(d.quota[0].reports[20] == 2);
  CHECK(d.shapes.empty());  // no boundaries stored
  CHECK(d.grid_rates.empty());

  o.supervision_rows = 2;
  const ReportData cut = report_data(s, o);
  CHECK(cut.supervision.size() == 2);
  CHECK(cut.supervision_total == 5);
  CHECK(cut.supervision[0].reported_at <= cut.supervision[1].reported_at);  // longest overdue
}

TEST_CASE("a town's report has its zones as rows and its own score and rank") {
  Session s = september_store();
  ReportOptions o;
  o.month = september(s);
  o.unit = "T1";
  o.now = at_h(24 * 30);
  const ReportData d = report_data(s, o);
  CHECK_FALSE(d.county_wide);
  CHECK(d.scope == "T1");
  CHECK(d.unit_level == Grouping::zone);
  REQUIRE(d.units.size() == 2);
  CHECK(d.units[0].group == "Z1");
  CHECK(d.current.reported == 4);
  REQUIRE(d.assessment.has_value());
  CHECK(d.assessment->group == "T1");
  CHECK(d.assessed_groups == 2);
  REQUIRE(d.quota.size() == 3);  // G1, G2, G3, banded by zone
  CHECK(d.quota[0].group == "Z1");
  CHECK(d.quota[2].group == "Z2");
  CHECK(d.supervision_total == 4);
  o.unit = "NOPE";
  CHECK(error_of([&] { (void)report_data(s, o); })->code() == ErrorCode::not_found);
}

TEST_CASE("the page carries every figure with its hook, escapes text and needs nothing outside") {
  Session s = september_store();
  ReportOptions o;
  o.month = september(s);
  o.now = at_h(24 * 30);
  const ReportData d = report_data(s, o);
  const std::string zh = render_report(d, Lang::zh);
  CHECK(zh.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(contains(zh, "<html lang=\"zh-CN\">"));
  CHECK(contains(zh, "data-field=\"reported\" data-period=\"current\" data-value=\"5\""));
  CHECK(contains(zh, "data-field=\"problems\" data-period=\"current\" data-value=\"4\""));
  CHECK(contains(zh, "data-field=\"reported\" data-period=\"previous\" data-value=\"1\""));
  CHECK(contains(zh, "<tr data-group=\"T1\">"));
  CHECK(contains(zh, "<tr data-group=\"T2\">"));
  CHECK(contains(zh, "上报数"));  // the glossary's words
  // The hostile title is text, never markup.
  CHECK_FALSE(contains(zh, "<script"));
  CHECK(contains(zh, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"));
  // Self-contained: no script, no link, no URL.
  CHECK_FALSE(contains(zh, "<link"));
  CHECK_FALSE(contains(zh, "http://"));
  CHECK_FALSE(contains(zh, "https://"));
  CHECK_FALSE(contains(zh, "url("));
  // Seven sections, the charts inline, and the map's absence said in one line.
  CHECK(occurrences(zh, "<section") == 7);
  CHECK(occurrences(zh, "data-chart=") == 3);
  CHECK(contains(zh, "data-grids=\"4\" data-days=\"30\""));
  CHECK(contains(zh, "<p data-empty=\"map\">"));
  CHECK(contains(zh, "@media print"));
  CHECK(contains(zh, "\"Noto Sans CJK SC\""));

  const std::string en = render_report(d, Lang::en);
  CHECK(contains(en, "<html lang=\"en\">"));
  CHECK(contains(en, "Reported"));
  CHECK_FALSE(contains(en, "上报数"));
}

TEST_CASE("problem rates are per 100 households when every grid has them, else per grid") {
  std::vector<GridRate> grids = {{"G1", "一格", 3, 200}, {"G2", "二格", 1, 50}};
  ProblemRates r = problem_rates(grids);
  CHECK(r.per_household);
  REQUIRE(r.rates.size() == 2);
  CHECK(*r.rates[0] == doctest::Approx(1.5));
  CHECK(*r.rates[1] == doctest::Approx(2.0));
  grids[1].households.reset();
  r = problem_rates(grids);
  CHECK_FALSE(r.per_household);
  CHECK(*r.rates[0] == doctest::Approx(3));
  CHECK_FALSE(problem_rates({}).per_household);
}

TEST_CASE("the map draws one path per grid, coloured by its rate, with a legend") {
  const std::vector<GridShape> shapes = {square("G1", 118.8, 35.1), square("G2", 118.81, 35.1),
                                         square("G<&\"", 118.82, 35.1)};
  const std::vector<GridRate> grids = {{"G1", "一格", 0, std::nullopt},
                                       {"G2", "<b>二格</b>", 10, std::nullopt}};
  const std::string svg = render_map(shapes, grids, Lang::zh);
  CHECK(contains(svg, "<svg class=\"map\""));
  CHECK(contains(svg, "data-grids=\"3\""));
  CHECK(occurrences(svg, "<path data-grid=") == 3);
  CHECK(contains(svg, "data-grid=\"G&lt;&amp;&quot;\""));
  CHECK_FALSE(contains(svg, "<b>"));
  const auto ramp = chart::ramp_more_is_worse();
  // G1 has the least (the first class), G2 the most (the last); the third grid has no figure.
  CHECK(contains(svg, "data-grid=\"G1\" fill=\"" + ramp(0).hex() + "\""));
  CHECK(contains(svg, "data-grid=\"G2\" fill=\"" + ramp(1).hex() + "\""));
  CHECK(contains(svg, "fill=\"#d9dde3\""));
  CHECK(occurrences(svg, "<i style=") >= 2);  // legend stops
  CHECK(render_map({}, grids, Lang::zh).empty());
}

TEST_CASE("save_report writes the whole file or nothing, and refuses a directory") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("gridgov-report-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "报告.html";
  save_report(file.string(), "<p>one</p>");
  save_report(file.string(), "<p>two</p>");  // replaced whole
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "<p>two</p>");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temp
  const auto e = error_of([&] { save_report(dir.string(), "x"); });
  REQUIRE(e);
  CHECK(e->code() == ErrorCode::usage);
  CHECK(contains(e->what(), "is a directory"));
  CHECK(error_of([&] { save_report((dir / "no" / "r.html").string(), "x"); })->code() ==
        ErrorCode::usage);
  fs::remove_all(dir);
}

TEST_CASE("with boundaries the page draws the map and says how the rate is defined") {
  Session s = september_store();
  ReportOptions o;
  o.month = september(s);
  o.now = at_h(24 * 30);
  ReportData d = report_data(s, o);
  d.shapes = {square("G1", 118.8, 35.1), square("G2", 118.81, 35.1)};
  d.grid_rates = {{"G1", "一格", 2, 100}, {"G2", "二格", 1, 400}};
  const std::string zh = render_report(d, Lang::zh);
  CHECK(contains(zh, "<svg class=\"map\""));
  CHECK(contains(zh, "data-grids=\"2\" role=\"img\""));
  CHECK(occurrences(zh, "<path data-grid=") == 2);
  CHECK(contains(zh, "每百户问题数"));
  CHECK_FALSE(contains(zh, "data-empty=\"map\""));
  d.grid_rates[1].households.reset();
  CHECK(contains(render_report(d, Lang::en), "does not give every grid&apos;s households"));
}
