#include "gridgov/unit_tree.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace gridgov;

namespace {

StoredUnit su(std::string code, Level level, std::string parent,
              std::optional<long long> households = std::nullopt,
              std::optional<long long> population = std::nullopt, bool retired = false) {
  StoredUnit s;
  s.unit.code = code;
  s.unit.name = "name of " + code;
  s.unit.level = level;
  s.unit.parent = std::move(parent);
  s.unit.households = households;
  s.unit.population = population;
  s.retired = retired;
  return s;
}

// C ─ T1 ─ Z1 ─ V1 ─ G1 (100 households, 300 people), G2 (50, no population)
//   │         └ V2 ─ G3 (no figures), G9 (retired, 1000)
//   ├ T2
//   └ T9 (retired)
std::vector<StoredUnit> sample() {
  return {su("C", Level::county, ""),
          su("T1", Level::town, "C"),
          su("T2", Level::town, "C"),
          su("T9", Level::town, "C", std::nullopt, std::nullopt, true),
          su("Z1", Level::zone, "T1"),
          su("V1", Level::village, "Z1"),
          su("V2", Level::village, "Z1"),
          su("G1", Level::grid, "V1", 100, 300),
          su("G2", Level::grid, "V1", 50),
          su("G3", Level::grid, "V2"),
          su("G9", Level::grid, "V2", 1000, 3000, true)};
}

std::vector<std::string> codes(const std::vector<const Unit*>& units) {
  std::vector<std::string> out;
  for (const Unit* u : units) out.push_back(u->code);
  return out;
}

}  // namespace

TEST_CASE("UnitTree leaves retired units out") {
  const UnitTree tree(sample());
  CHECK(tree.units().size() == 9);
  CHECK(tree.find("T9") == nullptr);
  CHECK(tree.find("G9") == nullptr);
  REQUIRE(tree.find("G1") != nullptr);
  CHECK(tree.find("G1")->households == 100);
}

TEST_CASE("UnitTree::children lists active children in order") {
  const UnitTree tree(sample());
  CHECK(codes(tree.children("C")) == std::vector<std::string>{"T1", "T2"});
  CHECK(codes(tree.children("V1")) == std::vector<std::string>{"G1", "G2"});
  CHECK(codes(tree.children("V2")) == std::vector<std::string>{"G3"});
  CHECK(tree.children("G1").empty());
  CHECK(tree.children("nope").empty());
}

TEST_CASE("UnitTree::below counts the units of each level under a unit") {
  const UnitTree tree(sample());
  const auto c = tree.below("C");
  CHECK(c[index(Level::county)] == 0);
  CHECK(c[index(Level::town)] == 2);
  CHECK(c[index(Level::zone)] == 1);
  CHECK(c[index(Level::village)] == 2);
  CHECK(c[index(Level::grid)] == 3);
  const auto z = tree.below("Z1");
  CHECK(z[index(Level::town)] == 0);
  CHECK(z[index(Level::village)] == 2);
  CHECK(z[index(Level::grid)] == 3);
  CHECK(tree.below("V2")[index(Level::grid)] == 1);
  CHECK(tree.below("T2") == std::array<long long, 5>{});
  CHECK(tree.below("G1") == std::array<long long, 5>{});
  CHECK(tree.below("nope") == std::array<long long, 5>{});
}

TEST_CASE("UnitTree::size sums households and population over active grids") {
  const UnitTree tree(sample());
  CHECK(tree.size("C") == std::pair<std::optional<long long>, std::optional<long long>>{150, 300});
  CHECK(tree.size("V1").first == 150);
  CHECK(tree.size("V1").second == 300);
  CHECK(tree.size("G2").first == 50);
  CHECK_FALSE(tree.size("G2").second.has_value());
  // V2's only active grid has no figures; the retired G9 does not count.
  CHECK_FALSE(tree.size("V2").first.has_value());
  CHECK_FALSE(tree.size("V2").second.has_value());
  CHECK_FALSE(tree.size("T2").first.has_value());
  CHECK_FALSE(tree.size("nope").first.has_value());
}

TEST_CASE("UnitTree::path runs from the county down to the unit") {
  const UnitTree tree(sample());
  CHECK(codes(tree.path("G1")) == std::vector<std::string>{"C", "T1", "Z1", "V1", "G1"});
  CHECK(codes(tree.path("C")) == std::vector<std::string>{"C"});
  CHECK(tree.path("nope").empty());
  CHECK(tree.path("G9").empty());
}

TEST_CASE("UnitTree::within tells whether a unit lies in a subtree") {
  const UnitTree tree(sample());
  CHECK(tree.within("G1", "C"));
  CHECK(tree.within("G1", "T1"));
  CHECK(tree.within("G1", "V1"));
  CHECK(tree.within("G1", "G1"));
  CHECK_FALSE(tree.within("G1", "V2"));
  CHECK_FALSE(tree.within("G1", "T2"));
  CHECK_FALSE(tree.within("T1", "G1"));
  CHECK_FALSE(tree.within("nope", "C"));
  CHECK_FALSE(tree.within("G9", "V2"));
}

TEST_CASE("UnitTree::ancestor_at finds the unit of a level above a unit, or itself") {
  const UnitTree tree(sample());
  REQUIRE(tree.ancestor_at("G1", Level::zone) != nullptr);
  CHECK(tree.ancestor_at("G1", Level::zone)->code == "Z1");
  CHECK(tree.ancestor_at("G1", Level::county)->code == "C");
  CHECK(tree.ancestor_at("G1", Level::grid)->code == "G1");
  CHECK(tree.ancestor_at("V2", Level::village)->code == "V2");
}

TEST_CASE("UnitTree::ancestor_at is nullptr above the level, for unknown and retired units") {
  const UnitTree tree(sample());
  CHECK(tree.ancestor_at("T1", Level::zone) == nullptr);
  CHECK(tree.ancestor_at("C", Level::town) == nullptr);
  CHECK(tree.ancestor_at("V1", Level::grid) == nullptr);
  CHECK(tree.ancestor_at("nope", Level::town) == nullptr);
  CHECK(tree.ancestor_at("G9", Level::town) == nullptr);
  CHECK(tree.ancestor_at("T2", Level::zone) == nullptr);  // a town without zones
}

TEST_CASE("UnitTree::town_of, zone_of and village_of name a unit's town, zone and village") {
  const UnitTree tree(sample());
  for (const char* code : {"G1", "G2", "V1", "Z1", "T1"}) {
    CAPTURE(code);
    REQUIRE(tree.town_of(code) != nullptr);
    CHECK(tree.town_of(code)->code == "T1");
  }
  CHECK(tree.zone_of("G3")->code == "Z1");
  CHECK(tree.zone_of("V2")->code == "Z1");
  CHECK(tree.zone_of("Z1")->code == "Z1");
  CHECK(tree.village_of("G1")->code == "V1");
  CHECK(tree.village_of("G3")->code == "V2");
  CHECK(tree.village_of("V2")->code == "V2");
  CHECK(tree.town_of("T2")->code == "T2");
}

TEST_CASE("UnitTree::town_of, zone_of and village_of are nullptr above their level") {
  const UnitTree tree(sample());
  CHECK(tree.town_of("C") == nullptr);
  CHECK(tree.zone_of("T1") == nullptr);
  CHECK(tree.zone_of("C") == nullptr);
  CHECK(tree.village_of("Z1") == nullptr);
  CHECK(tree.village_of("T2") == nullptr);
  CHECK(tree.town_of("nope") == nullptr);
  CHECK(tree.village_of("G9") == nullptr);  // retired
}

TEST_CASE("unit_tree_fault: none in a tree whose parents each lie above their children") {
  CHECK_FALSE(unit_tree_fault(sample()).has_value());
  // A missing parent ends a walk; it is no fault (a CSV layout's town before its county).
  CHECK_FALSE(unit_tree_fault({su("T1", Level::town, ""), su("Z1", Level::zone, "T1"),
                               su("V1", Level::village, "nope")})
                  .has_value());
}

TEST_CASE("unit_tree_fault names a unit whose parent is not above it: a cycle always has one") {
  // T1 placed under its own grid G1: C ─ … and T1 → G1 → V1 → Z1 → T1.
  auto units = sample();
  units[1] = su("T1", Level::town, "G1");
  CHECK(unit_tree_fault(units) ==
        "unit T1 (town) has parent G1 (grid), which is not above it (do the units' parents form "
        "a cycle?)");
  // Two towns, each the other's parent.
  CHECK(unit_tree_fault({su("T1", Level::town, "T2"), su("T2", Level::town, "T1")}).has_value());
  // A unit its own parent.
  CHECK(unit_tree_fault({su("G1", Level::grid, "G1")}).has_value());
  // Through retired units too: they keep their parents.
  CHECK(unit_tree_fault({su("V1", Level::village, "G9"), su("G9", Level::grid, "V1", {}, {}, true)})
            .has_value());
}

TEST_CASE("UnitTree refuses units whose parents form a cycle: no walk of it can be endless") {
  auto units = sample();
  units[1] = su("T1", Level::town, "G1");
  try {
    const UnitTree tree(units);
    FAIL("a tree with a cycle was built");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::unusable);
    CHECK(std::string(e.what()) ==
          "the unit tree is broken: unit T1 (town) has parent G1 (grid), which is not above it "
          "(do the units' parents form a cycle?)");
  }
}

TEST_CASE("UnitTree counts below correctly whatever order the units come in") {
  auto units = sample();
  std::reverse(units.begin(), units.end());  // children before parents
  const UnitTree tree(units);
  CHECK(tree.below("C")[index(Level::grid)] == 3);
  CHECK(tree.below("Z1")[index(Level::village)] == 2);
}
