#pragma once
// A small county with workers of every tier, for the tests of the use cases, statistics and
// exports.

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gridgov/service.hpp"
#include "gridgov/session.hpp"
#include "helpers.hpp"

namespace gridgov::testing {

/// A layout entry; its name is 单元CODE unless given.
inline LayoutEntry le(std::string code, Level level, std::string parent, std::string name = "") {
  LayoutEntry e;
  e.unit.code = code;
  e.unit.name = name.empty() ? "单元" + code : std::move(name);
  e.unit.level = level;
  e.unit.parent = std::move(parent);
  e.code_at = Location{"layout.csv", 2, 1, "code"};
  e.name_at = Location{"layout.csv", 2, 5, "name"};
  e.parent_at = Location{"layout.csv", 2, 9, "parent"};
  return e;
}

inline WorkerEntry we(std::string code, Tier tier, std::vector<std::string> units,
                      std::optional<Deployment> deployment = std::nullopt,
                      std::string department = "") {
  WorkerEntry e;
  e.worker.code = std::move(code);
  e.worker.name = "张三";
  e.worker.tier = tier;
  e.worker.units = std::move(units);
  e.worker.deployment = deployment;
  e.worker.department = std::move(department);
  for (Location* at : {&e.code_at, &e.tier_at, &e.unit_at, &e.deployment_at, &e.department_at})
    *at = Location{"workers.csv", 2, 1, ""};
  return e;
}

/// County C ─ T1 ─ Z1 ─ V1 ─ G1, G2
///              └ Z2 ─ V2 ─ G3
///          └ T2 ─ Z3 ─ V3 ─ G4
/// with the built-in policy and workers g1 (G1), g2 (G2), g3 (G3), g4 (G4), t1 (town, Z1),
/// t2 (town, T2), cz1 (county resident Z1, housing), cw (county whistle, emergency).
inline Session ready_store() {
  auto s = open_store(":memory:", {.create = true});
  Unit county;
  county.code = "C";
  county.name = "莒南县";
  county.level = Level::county;
  REQUIRE(init_county(*s, county, k_t0 - std::chrono::hours(100)));
  LayoutInput in;
  in.entries = {le("T1", Level::town, ""),      le("Z1", Level::zone, "T1"),
                le("V1", Level::village, "Z1"), le("G1", Level::grid, "V1"),
                le("G2", Level::grid, "V1"),    le("Z2", Level::zone, "T1"),
                le("V2", Level::village, "Z2"), le("G3", Level::grid, "V2"),
                le("T2", Level::town, ""),      le("Z3", Level::zone, "T2"),
                le("V3", Level::village, "Z3"), le("G4", Level::grid, "V3")};
  REQUIRE(import_layout(*s, in, {}, k_t0 - std::chrono::hours(100)).written);
  (void)load_policy(*s, test_policy_text(), "test-policy.toml", k_t0 - std::chrono::hours(100));
  REQUIRE(import_workers(*s,
                         {we("g1", Tier::grid, {"G1"}), we("g2", Tier::grid, {"G2"}),
                          we("g3", Tier::grid, {"G3"}), we("g4", Tier::grid, {"G4"}),
                          we("t1", Tier::town, {"Z1"}), we("t2", Tier::town, {"T2"}),
                          we("cz1", Tier::county, {"Z1"}, Deployment::resident, "housing"),
                          we("cw", Tier::county, {"C"}, Deployment::whistle, "emergency")},
                         {})
              .written);
  return Session(std::move(s));
}

}  // namespace gridgov::testing
