#include "gridgov/workers.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <map>
#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;

namespace {

const std::map<std::string, Level, std::less<>> k_units = {
    {"C", Level::county},   {"T1", Level::town}, {"Z1", Level::zone}, {"Z2", Level::zone},
    {"V1", Level::village}, {"G1", Level::grid}, {"G2", Level::grid}};

std::optional<Level> lookup(std::string_view code) {
  auto it = k_units.find(code);
  if (it == k_units.end()) return std::nullopt;
  return it->second;
}

WorkerEntry make(Tier tier, std::vector<std::string> units,
                 std::optional<Deployment> deployment = std::nullopt, std::string department = "",
                 std::string code = "W1", int line = 2) {
  WorkerEntry e;
  e.worker.code = std::move(code);
  e.worker.name = "张三";
  e.worker.tier = tier;
  e.worker.units = std::move(units);
  e.worker.deployment = deployment;
  e.worker.department = std::move(department);
  e.code_at = Location{"workers.csv", line, 1, "code"};
  e.tier_at = Location{"workers.csv", line, 10, "tier"};
  e.unit_at = Location{"workers.csv", line, 15, "unit"};
  e.deployment_at = Location{"workers.csv", line, 30, "deployment"};
  e.department_at = Location{"workers.csv", line, 40, "department"};
  return e;
}

std::vector<Diagnostic> check(const WorkerEntry& e) {
  Diagnostics d(100);
  check_worker(e, lookup, default_policy(), d);
  return d.list();
}

}  // namespace

// ---- check_worker ----------------------------------------------------------------------------

TEST_CASE("check_worker: a grid worker serves exactly one grid") {
  CHECK(check(make(Tier::grid, {"G1"})).empty());

  const auto village = check(make(Tier::grid, {"V1"}));
  REQUIRE(village.size() == 1);
  CHECK(village[0].field == "unit");
  CHECK(contains(village[0].reason, "V1"));

  const auto two = check(make(Tier::grid, {"G1", "G2"}));
  REQUIRE(two.size() == 1);
  CHECK(two[0].field == "unit");

  CHECK(check(make(Tier::grid, {})).size() == 1);
}

TEST_CASE("check_worker: grid and town workers have no deployment") {
  const auto grid = check(make(Tier::grid, {"G1"}, Deployment::resident));
  REQUIRE(grid.size() == 1);
  CHECK(grid[0].field == "deployment");
  const auto town = check(make(Tier::town, {"Z1"}, Deployment::whistle));
  REQUIRE(town.size() == 1);
  CHECK(town[0].field == "deployment");
}

TEST_CASE("check_worker: a town worker serves one unit at town level or below") {
  for (const char* unit : {"T1", "Z1", "V1", "G1"}) {
    CAPTURE(unit);
    CHECK(check(make(Tier::town, {unit})).empty());
  }
  const auto county = check(make(Tier::town, {"C"}));
  REQUIRE(county.size() == 1);
  CHECK(county[0].field == "unit");
  CHECK(check(make(Tier::town, {"Z1", "Z2"})).size() == 1);
  CHECK(check(make(Tier::town, {})).size() == 1);
}

TEST_CASE("check_worker: a county worker needs a deployment") {
  const auto none = check(make(Tier::county, {"Z1"}));
  REQUIRE(none.size() == 1);
  CHECK(none[0].field == "deployment");
  CHECK(contains(none[0].reason, "deployment"));
}

TEST_CASE("check_worker: a resident county worker serves exactly one zone") {
  CHECK(check(make(Tier::county, {"Z1"}, Deployment::resident)).empty());
  CHECK(check(make(Tier::county, {"V1"}, Deployment::resident)).size() == 1);
  CHECK(check(make(Tier::county, {"T1"}, Deployment::resident)).size() == 1);
  CHECK(check(make(Tier::county, {"Z1", "Z2"}, Deployment::resident)).size() == 1);
  CHECK(check(make(Tier::county, {}, Deployment::resident)).size() == 1);
}

TEST_CASE("check_worker: a cluster county worker serves zones only") {
  CHECK(check(make(Tier::county, {"Z1"}, Deployment::cluster)).empty());
  CHECK(check(make(Tier::county, {"Z1", "Z2"}, Deployment::cluster)).empty());
  const auto mixed = check(make(Tier::county, {"Z1", "V1"}, Deployment::cluster));
  REQUIRE(mixed.size() == 1);
  CHECK(contains(mixed[0].reason, "V1"));
  CHECK(check(make(Tier::county, {}, Deployment::cluster)).size() == 1);
}

TEST_CASE("check_worker: a whistle worker serves no unit but the county code is tolerated") {
  CHECK(check(make(Tier::county, {}, Deployment::whistle)).empty());
  CHECK(check(make(Tier::county, {"C"}, Deployment::whistle)).empty());
  const auto zone = check(make(Tier::county, {"Z1"}, Deployment::whistle));
  REQUIRE(zone.size() == 1);
  CHECK(zone[0].field == "unit");
  CHECK(contains(zone[0].reason, "Z1"));
}

TEST_CASE("check_worker: an unknown unit is named") {
  const auto grid = check(make(Tier::grid, {"G404"}));
  REQUIRE(grid.size() == 1);
  CHECK(grid[0].field == "unit");
  CHECK(grid[0].line == 2);
  CHECK(contains(grid[0].reason, "unknown unit G404"));
  const auto cluster = check(make(Tier::county, {"Z1", "Z404"}, Deployment::cluster));
  REQUIRE(cluster.size() == 1);
  CHECK(contains(cluster[0].reason, "Z404"));
}

TEST_CASE("check_worker: the department must be one of the policy's") {
  CHECK(check(make(Tier::county, {"Z1"}, Deployment::resident, "housing")).empty());
  const auto bad = check(make(Tier::county, {"Z1"}, Deployment::resident, "ministry_of_magic"));
  REQUIRE(bad.size() == 1);
  CHECK(bad[0].field == "department");
  CHECK(bad[0].column == 40);
  CHECK(contains(bad[0].reason, "unknown department ministry_of_magic"));
}

TEST_CASE("drop_county_unit removes the county's code only") {
  Worker w;
  w.units = {"C", "Z1", "C"};
  drop_county_unit(w, "C");
  CHECK(w.units == std::vector<std::string>{"Z1"});
}

// ---- plan_workers ----------------------------------------------------------------------------

namespace {

StoredWorker stored(const WorkerEntry& e, bool retired = false) {
  return {e.worker, retired, std::nullopt};
}

}  // namespace

TEST_CASE("plan_workers counts added, updated and unchanged by tier") {
  const WorkerEntry w1 = make(Tier::grid, {"G1"}, std::nullopt, "", "W1");
  const WorkerEntry w2 = make(Tier::town, {"T1"}, std::nullopt, "", "W2");
  const WorkerEntry w3 = make(Tier::county, {"Z1"}, Deployment::resident, "housing", "W3");
  const WorkerEntry w4 = make(Tier::grid, {"G2"}, std::nullopt, "", "W4");
  const std::vector<StoredWorker> existing = {stored(w1), stored(w2), stored(w3),
                                              stored(w4, /*retired=*/true)};
  WorkerEntry w2_moved = w2;
  w2_moved.worker.units = {"Z1"};
  const WorkerEntry w5 = make(Tier::county, {}, Deployment::whistle, "police", "W5");
  Diagnostics d;
  const WorkerPlan plan = plan_workers(existing, {w1, w2_moved, w4, w5}, false, d);
  CHECK(d.empty());
  const auto& grid = plan.by_tier[static_cast<std::size_t>(Tier::grid)];
  const auto& town = plan.by_tier[static_cast<std::size_t>(Tier::town)];
  const auto& county = plan.by_tier[static_cast<std::size_t>(Tier::county)];
  CHECK(grid.unchanged == 1);  // W1
  CHECK(grid.updated == 1);    // W4, retired and back
  CHECK(town.updated == 1);    // W2 moved
  CHECK(county.added == 1);    // W5
  CHECK(county.unchanged == 0);
  CHECK(county.retired == 0);  // W3 absent but no prune
  REQUIRE(plan.to_put.size() == 3);
  CHECK(plan.to_put[0].code == "W2");
  CHECK(plan.to_put[0].units == std::vector<std::string>{"Z1"});
  CHECK(plan.to_put[1].code == "W4");
  CHECK(plan.to_put[2].code == "W5");
  CHECK(plan.to_retire.empty());
}

TEST_CASE("plan_workers with prune retires active workers left out") {
  const WorkerEntry w1 = make(Tier::grid, {"G1"}, std::nullopt, "", "W1");
  const WorkerEntry w2 = make(Tier::town, {"T1"}, std::nullopt, "", "W2");
  const WorkerEntry w3 = make(Tier::county, {"Z1"}, Deployment::resident, "", "W3");
  const std::vector<StoredWorker> existing = {stored(w1), stored(w2), stored(w3, /*retired=*/true)};
  Diagnostics d;
  const WorkerPlan plan = plan_workers(existing, {w1}, true, d);
  CHECK(d.empty());
  CHECK(plan.to_retire == std::vector<std::string>{"W2"});
  CHECK(plan.by_tier[static_cast<std::size_t>(Tier::town)].retired == 1);
  CHECK(plan.by_tier[static_cast<std::size_t>(Tier::county)].retired == 0);
  CHECK(plan.to_put.empty());
  CHECK(plan.changes());
}

TEST_CASE("plan_workers: nothing new is no change") {
  const WorkerEntry w1 = make(Tier::grid, {"G1"});
  Diagnostics d;
  const WorkerPlan plan = plan_workers({stored(w1)}, {w1}, true, d);
  CHECK_FALSE(plan.changes());
  CHECK(plan.by_tier[0].unchanged == 1);
}

TEST_CASE("plan_workers: a code given twice names the first line") {
  const WorkerEntry first = make(Tier::grid, {"G1"}, std::nullopt, "", "W7", 3);
  const WorkerEntry second = make(Tier::grid, {"G2"}, std::nullopt, "", "W7", 11);
  Diagnostics d;
  (void)plan_workers({}, {first, second}, false, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 11);
  CHECK(d.list()[0].field == "code");
  CHECK(contains(d.list()[0].reason, "W7"));
  CHECK(contains(d.list()[0].reason, "workers.csv:3"));
}

TEST_CASE("serves_within: a worker sent to a unit or below it, not above or beside") {
  auto su = [](std::string code, Level level, std::string parent) {
    StoredUnit s;
    s.unit.code = std::move(code);
    s.unit.name = s.unit.code;
    s.unit.level = level;
    s.unit.parent = std::move(parent);
    return s;
  };
  const UnitTree tree({su("C", Level::county, ""), su("T1", Level::town, "C"),
                       su("Z1", Level::zone, "T1"), su("Z2", Level::zone, "T1"),
                       su("T2", Level::town, "C")});
  Worker cluster;
  cluster.units = {"Z1", "Z2"};
  CHECK(serves_within(cluster, tree, "Z2"));
  CHECK(serves_within(cluster, tree, "T1"));
  CHECK(serves_within(cluster, tree, "C"));
  CHECK_FALSE(serves_within(cluster, tree, "T2"));
  Worker town;
  town.units = {"T1"};
  CHECK_FALSE(serves_within(town, tree, "Z1"));     // sent to the town, not into the zone
  CHECK_FALSE(serves_within(Worker{}, tree, "C"));  // an on-call worker is sent nowhere
}
