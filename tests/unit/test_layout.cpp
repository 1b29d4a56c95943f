#include "gridgov/layout.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;

namespace {

/// An entry as a CSV reader would make it: code, name and parent each at their column of `line`.
LayoutEntry entry(std::string code, std::string name, Level level, std::string parent,
                  std::string file = "layout.csv", int line = 2) {
  LayoutEntry e;
  e.unit.code = std::move(code);
  e.unit.name = std::move(name);
  e.unit.level = level;
  e.unit.parent = std::move(parent);
  e.code_at = Location{file, line, 1, "code"};
  e.name_at = Location{file, line, 10, "name"};
  e.parent_at = Location{file, line, 20, "parent"};
  return e;
}

StoredUnit stored(std::string code, Level level, std::string parent,
                  std::optional<long long> households = std::nullopt, bool retired = false) {
  StoredUnit s;
  s.unit.code = code;
  s.unit.name = "name of " + code;
  s.unit.level = level;
  s.unit.parent = std::move(parent);
  s.unit.households = households;
  s.retired = retired;
  return s;
}

LayoutEntry incoming(const StoredUnit& s) {
  return entry(s.unit.code, s.unit.name, s.unit.level, s.unit.parent);
}

std::vector<std::string> codes(const std::vector<Unit>& units) {
  std::vector<std::string> out;
  for (const auto& u : units) out.push_back(u.code);
  return out;
}

const std::set<std::string, std::less<>> k_none;

}  // namespace

// ---- LayoutCollector -------------------------------------------------------------------------

TEST_CASE("LayoutCollector keeps each code once, in first-seen order") {
  Diagnostics d;
  LayoutCollector c(d);
  c.add(entry("T1", "镇一", Level::town, "", "a.csv", 2));
  c.add(entry("Z1", "片一", Level::zone, "T1", "a.csv", 2));
  c.add(entry("T1", "镇一", Level::town, "", "a.csv", 3));
  c.add(entry("Z2", "片二", Level::zone, "T1", "a.csv", 3));
  CHECK(d.empty());
  REQUIRE(c.entries().size() == 3);
  CHECK(c.entries()[0].unit.code == "T1");
  CHECK(c.entries()[1].unit.code == "Z1");
  CHECK(c.entries()[2].unit.code == "Z2");
  CHECK(c.entries()[0].code_at.line == 2);  // the first sighting is kept
}

TEST_CASE("LayoutCollector: a code at two levels names the first place") {
  Diagnostics d;
  LayoutCollector c(d);
  c.add(entry("X1", "村一", Level::village, "Z1", "a.csv", 4));
  c.add(entry("X1", "村一", Level::grid, "V1", "b.csv", 9));
  REQUIRE(d.list().size() == 1);
  const Diagnostic& diag = d.list()[0];
  CHECK(diag.file == "b.csv");
  CHECK(diag.line == 9);
  CHECK(diag.field == "code");
  CHECK(contains(diag.reason, "a.csv:4"));
  CHECK(contains(diag.reason, "village"));
  CHECK(contains(diag.reason, "grid"));
  CHECK(c.entries().size() == 1);
  CHECK(c.entries()[0].unit.level == Level::village);
}

TEST_CASE("LayoutCollector: a code with two names names the first place") {
  Diagnostics d;
  LayoutCollector c(d);
  c.add(entry("T1", "大店镇", Level::town, "", "layout.csv", 2));
  c.add(entry("T1", "大店镇", Level::town, "", "layout.csv", 3));
  c.add(entry("T1", "大店街道", Level::town, "", "layout.csv", 7));
  REQUIRE(d.list().size() == 1);
  const Diagnostic& diag = d.list()[0];
  CHECK(diag.line == 7);
  CHECK(diag.column == 10);
  CHECK(diag.field == "name");
  CHECK(contains(diag.reason, "layout.csv:2"));
  CHECK(contains(diag.reason, "大店镇"));
  CHECK(contains(diag.reason, "大店街道"));
}

TEST_CASE("LayoutCollector: a code with two parents names the first place") {
  Diagnostics d;
  LayoutCollector c(d);
  c.add(entry("V1", "村一", Level::village, "Z1", "layout.csv", 5));
  c.add(entry("V1", "村一", Level::village, "Z2", "layout.csv", 12));
  REQUIRE(d.list().size() == 1);
  const Diagnostic& diag = d.list()[0];
  CHECK(diag.line == 12);
  CHECK(diag.column == 20);
  CHECK(diag.field == "parent");
  CHECK(contains(diag.reason, "layout.csv:5"));
  CHECK(contains(diag.reason, "Z1"));
  CHECK(contains(diag.reason, "Z2"));
  CHECK(contains(diag.reason, "zone"));
}

TEST_CASE("LayoutCollector: two names and two parents give two diagnostics") {
  Diagnostics d;
  LayoutCollector c(d);
  c.add(entry("V1", "村一", Level::village, "Z1", "layout.csv", 5));
  c.add(entry("V1", "村二", Level::village, "Z2", "layout.csv", 6));
  CHECK(d.list().size() == 2);
}

TEST_CASE("LayoutCollector fills in sizes a later sighting gives") {
  Diagnostics d;
  LayoutCollector c(d);
  c.add(entry("G1", "网格一", Level::grid, "V1"));
  LayoutEntry again = entry("G1", "网格一", Level::grid, "V1", "layout.csv", 3);
  again.unit.households = 120;
  again.unit.population = 400;
  c.add(again);
  CHECK(d.empty());
  REQUIRE(c.entries().size() == 1);
  CHECK(c.entries()[0].unit.households == 120);
  CHECK(c.entries()[0].unit.population == 400);
}

// ---- plan_layout -----------------------------------------------------------------------------

TEST_CASE("plan_layout counts added, updated and unchanged per level") {
  const std::vector<StoredUnit> existing = {
      stored("C", Level::county, ""),      stored("T1", Level::town, "C"),
      stored("Z1", Level::zone, "T1"),     stored("V1", Level::village, "Z1"),
      stored("G1", Level::grid, "V1", 10), stored("G2", Level::grid, "V1")};
  std::vector<LayoutEntry> in = {incoming(existing[1]), incoming(existing[2]),
                                 incoming(existing[3]), incoming(existing[4]),
                                 incoming(existing[5])};
  in[1].unit.name = "renamed zone";                         // Z1 updated
  in[4].unit.households = 77;                               // G2 updated
  in.push_back(entry("V2", "新村", Level::village, "Z1"));  // added
  in.push_back(entry("G3", "新网格", Level::grid, "V2"));   // added
  Diagnostics d;
  const LayoutPlan plan = plan_layout(existing, in, false, k_none, d);
  CHECK(d.empty());
  const auto& town = plan.by_level[index(Level::town)];
  const auto& zone = plan.by_level[index(Level::zone)];
  const auto& village = plan.by_level[index(Level::village)];
  const auto& grid = plan.by_level[index(Level::grid)];
  CHECK(town.unchanged == 1);
  CHECK_FALSE(town.changes());
  CHECK(zone.updated == 1);
  CHECK(zone.unchanged == 0);
  CHECK(village.unchanged == 1);
  CHECK(village.added == 1);
  CHECK(grid.unchanged == 1);
  CHECK(grid.updated == 1);
  CHECK(grid.added == 1);
  CHECK(grid.retired == 0);
  CHECK(codes(plan.to_add) == std::vector<std::string>{"V2", "G3"});  // parents first
  CHECK(codes(plan.to_update) == std::vector<std::string>{"Z1", "G2"});
  CHECK(plan.to_update[1].households == 77);
  CHECK(plan.to_retire.empty());
  CHECK(plan.changes());
}

TEST_CASE("plan_layout without prune leaves absent units alone") {
  const std::vector<StoredUnit> existing = {stored("C", Level::county, ""),
                                            stored("T1", Level::town, "C"),
                                            stored("T2", Level::town, "C")};
  Diagnostics d;
  const LayoutPlan plan = plan_layout(existing, {incoming(existing[1])}, false, k_none, d);
  CHECK(d.empty());
  CHECK(plan.to_retire.empty());
  CHECK(plan.by_level[index(Level::town)].retired == 0);
  CHECK_FALSE(plan.changes());
}

TEST_CASE("plan_layout keeps stored households when the file omits them") {
  const std::vector<StoredUnit> existing = {stored("C", Level::county, ""),
                                            stored("V1", Level::village, "Z1"),
                                            stored("G1", Level::grid, "V1", 250)};
  SUBCASE("otherwise the same: unchanged") {
    Diagnostics d;
    LayoutEntry e = incoming(existing[2]);
    e.unit.households.reset();
    const LayoutPlan plan = plan_layout(existing, {e}, false, k_none, d);
    CHECK(plan.by_level[index(Level::grid)].unchanged == 1);
    CHECK_FALSE(plan.changes());
  }
  SUBCASE("renamed: the update keeps the households") {
    Diagnostics d;
    LayoutEntry e = incoming(existing[2]);
    e.unit.households.reset();
    e.unit.name = "新名字";
    const LayoutPlan plan = plan_layout(existing, {e}, false, k_none, d);
    REQUIRE(plan.to_update.size() == 1);
    CHECK(plan.to_update[0].name == "新名字");
    CHECK(plan.to_update[0].households == 250);
  }
}

TEST_CASE("plan_layout: a retired unit coming back counts as updated") {
  const std::vector<StoredUnit> existing = {
      stored("C", Level::county, ""), stored("V1", Level::village, "Z1"),
      stored("G1", Level::grid, "V1", std::nullopt, /*retired=*/true)};
  Diagnostics d;
  const LayoutPlan plan = plan_layout(existing, {incoming(existing[2])}, false, k_none, d);
  CHECK(d.empty());
  CHECK(plan.by_level[index(Level::grid)].updated == 1);
  CHECK(plan.by_level[index(Level::grid)].unchanged == 0);
  CHECK(codes(plan.to_update) == std::vector<std::string>{"G1"});
}

TEST_CASE("plan_layout with prune retires absent units children first") {
  const std::vector<StoredUnit> existing = {
      stored("C", Level::county, ""),
      stored("T1", Level::town, "C"),
      stored("Z1", Level::zone, "T1"),
      stored("V1", Level::village, "Z1"),
      stored("V2", Level::village, "Z1"),
      stored("G1", Level::grid, "V1"),
      stored("G2", Level::grid, "V1"),
      stored("G4", Level::grid, "V2"),
      stored("G5", Level::grid, "V2", std::nullopt, /*retired=*/true)};
  const std::vector<LayoutEntry> in = {incoming(existing[1]), incoming(existing[2]),
                                       incoming(existing[3]), incoming(existing[5])};
  Diagnostics d;
  const LayoutPlan plan = plan_layout(existing, in, true, k_none, d);
  CHECK(d.empty());
  auto pos = [&](const std::string& code) {
    return std::find(plan.to_retire.begin(), plan.to_retire.end(), code) - plan.to_retire.begin();
  };
  CHECK(plan.to_retire.size() == 3);  // V2, G2, G4; not the county, not the retired G5
  CHECK(pos("V2") < 3);
  CHECK(pos("G2") < 3);
  CHECK(pos("G4") < 3);
  CHECK(pos("G4") < pos("V2"));  // a child before its parent
  CHECK(pos("C") == 3);
  CHECK(pos("G5") == 3);
  CHECK(plan.by_level[index(Level::village)].retired == 1);
  CHECK(plan.by_level[index(Level::grid)].retired == 2);
  CHECK(plan.by_level[index(Level::county)].retired == 0);
  CHECK(plan.refused_retirements.empty());
  CHECK(plan.changes());
}

TEST_CASE("plan_layout with prune refuses to retire units in use") {
  const std::vector<StoredUnit> existing = {
      stored("C", Level::county, ""), stored("V1", Level::village, "Z1"),
      stored("G1", Level::grid, "V1"), stored("G2", Level::grid, "V1"),
      stored("G3", Level::grid, "V1")};
  const std::set<std::string, std::less<>> in_use = {"G2"};
  Diagnostics d;
  const LayoutPlan plan =
      plan_layout(existing, {incoming(existing[1]), incoming(existing[2])}, true, in_use, d);
  CHECK(d.empty());
  CHECK(plan.refused_retirements == std::vector<std::string>{"G2"});
  CHECK(plan.to_retire == std::vector<std::string>{"G3"});
  CHECK(plan.by_level[index(Level::grid)].retired == 1);
}

TEST_CASE("plan_layout: a code at another level in the database is a diagnostic") {
  const std::vector<StoredUnit> existing = {stored("C", Level::county, ""),
                                            stored("V1", Level::village, "Z1")};
  LayoutEntry e = entry("V1", "村一", Level::grid, "V0", "layout.csv", 8);
  Diagnostics d;
  const LayoutPlan plan = plan_layout(existing, {e}, false, k_none, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 8);
  CHECK(d.list()[0].field == "code");
  CHECK(contains(d.list()[0].reason, "village"));
  CHECK(contains(d.list()[0].reason, "grid"));
  CHECK_FALSE(plan.changes());
}

TEST_CASE("plan_layout: an unknown county is a diagnostic") {
  const std::vector<StoredUnit> existing = {stored("C", Level::county, "")};
  Diagnostics d;
  const LayoutPlan plan =
      plan_layout(existing, {entry("OTHER", "别的县", Level::county, "")}, false, k_none, d);
  REQUIRE(d.list().size() == 1);
  CHECK(contains(d.list()[0].reason, "OTHER"));
  CHECK(plan.to_add.empty());
}
