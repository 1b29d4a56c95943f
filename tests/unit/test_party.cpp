// The party chain (gridgov/party.hpp): kinds, and the checks and plan of a party import.

#include "gridgov/party.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace gridgov;

namespace {

/// C ─ T1 ─ Z1 ─ V1 ─ G1; T2 ─ Z2 ─ V2 ─ G2
const std::map<std::string, PartyUnit, std::less<>> k_units = {
    {"T1", {Level::town, "C"}},     {"Z1", {Level::zone, "T1"}}, {"V1", {Level::village, "Z1"}},
    {"G1", {Level::grid, "V1"}},    {"T2", {Level::town, "C"}},  {"Z2", {Level::zone, "T2"}},
    {"V2", {Level::village, "Z2"}}, {"G2", {Level::grid, "V2"}}};
const std::set<std::string, std::less<>> k_workers = {"W1", "T0001"};

PartyEntry entry(std::string code, PartyKind kind, std::string unit, std::string parent, int line,
                 std::string secretary = "") {
  PartyEntry e;
  e.org = PartyOrg{std::move(code),     "组织", kind, std::move(unit), std::move(parent),
                   std::move(secretary)};
  e.code_at = Location{"party.csv", line, 1, "code"};
  e.kind_at = Location{"party.csv", line, 10, "kind"};
  e.unit_at = Location{"party.csv", line, 20, "unit"};
  e.parent_at = Location{"party.csv", line, 30, "parent"};
  e.secretary_at = Location{"party.csv", line, 40, "secretary"};
  return e;
}

/// The whole chain of T1.
std::vector<PartyEntry> chain() {
  return {entry("PT1", PartyKind::town_committee, "T1", "", 2),
          entry("PZ1", PartyKind::zone_committee, "Z1", "PT1", 3, "T0001"),
          entry("PV1", PartyKind::village_branch, "V1", "PZ1", 4),
          entry("PG1", PartyKind::grid_group, "G1", "PV1", 5, "W1")};
}

std::vector<std::string> messages(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.list()) out.push_back(x.to_string());
  return out;
}

}  // namespace

TEST_CASE("party kinds: code names and Chinese names, and the level each leads") {
  CHECK(parse_party_kind("zone_committee") == PartyKind::zone_committee);
  CHECK(parse_party_kind("镇街党(工)委") == PartyKind::town_committee);
  CHECK(parse_party_kind("街道党工委") == PartyKind::town_committee);
  CHECK(parse_party_kind("村（社区）党支部") == PartyKind::village_branch);
  CHECK(parse_party_kind("党小组") == PartyKind::grid_group);
  CHECK_FALSE(parse_party_kind("党组"));
  CHECK(party_level(PartyKind::village_branch) == Level::village);
  for (auto k : {PartyKind::town_committee, PartyKind::zone_committee, PartyKind::village_branch,
                 PartyKind::grid_group}) {
    CHECK(parse_party_kind(to_string(k)) == k);
    CHECK(parse_party_kind(to_zh(k)) == k);
  }
}

TEST_CASE("a whole chain plans as added, parents before children") {
  Diagnostics d;
  auto in = chain();
  std::swap(in[0], in[3]);  // the file's order does not matter
  const PartyPlan plan = plan_party({}, in, k_units, k_workers, false, d);
  CHECK(d.empty());
  REQUIRE(plan.to_put.size() == 4);
  CHECK(plan.to_put[0].code == "PT1");
  CHECK(plan.to_put[3].code == "PG1");
  CHECK(plan.by_kind[static_cast<std::size_t>(PartyKind::grid_group)].added == 1);
}

TEST_CASE("a broken chain names the line and both codes") {
  Diagnostics d;
  auto in = chain();
  in.push_back(entry("PT2", PartyKind::town_committee, "T2", "", 6));
  in.push_back(entry("PZ2", PartyKind::zone_committee, "Z2", "PT1", 7));  // Z2 lies in T2
  (void)plan_party({}, in, k_units, k_workers, false, d);
  REQUIRE(d.list().size() == 1);
  CHECK(messages(d)[0] ==
        "party.csv:7:30: parent: broken chain: PZ2 leads Z2, whose parent unit is T2, but its "
        "parent PT1 leads T1");
}

TEST_CASE("each rule of the chain: level, one per unit, parents, secretaries, codes") {
  Diagnostics d;
  std::vector<PartyEntry> in = {
      entry("PT1", PartyKind::town_committee, "T1", "PX", 2),         // a parent for a town
      entry("PZ1", PartyKind::zone_committee, "V1", "PT1", 3),        // a village, not a zone
      entry("PV1", PartyKind::village_branch, "V1", "", 4),           // no parent
      entry("PV9", PartyKind::village_branch, "V1", "PZ9", 5),        // V1 again; no PZ9
      entry("PG1", PartyKind::grid_group, "G9", "PV1", 6, "nobody"),  // no G9; no such worker
      entry("PT1", PartyKind::town_committee, "T2", "", 7)};          // PT1 again
  (void)plan_party({}, in, k_units, k_workers, false, d);
  const auto m = messages(d);
  auto has = [&](const std::string& s) {
    return std::any_of(m.begin(), m.end(), [&](const std::string& x) { return x == s; });
  };
  CHECK(
      has("party.csv:2:30: parent: a town committee heads its chain: it has no parent (PX "
          "given)"));
  CHECK(
      has("party.csv:3:20: unit: a zone_committee (网格片区党委) leads a zone, but V1 is a "
          "village"));
  CHECK(
      has("party.csv:4:30: parent: missing parent: a village_branch belongs to the "
          "organisation of unit Z1"));
  CHECK(has("party.csv:5:20: unit: unit V1 already has organisation PV1 (at party.csv:4)"));
  CHECK(has("party.csv:5:30: parent: unknown parent organisation PZ9"));
  CHECK(has("party.csv:6:20: unit: unknown unit G9"));
  CHECK(has("party.csv:6:40: secretary: unknown worker nobody"));
  CHECK(has("party.csv:7:1: code: organisation PT1 is given twice; first at party.csv:2"));
}

TEST_CASE("re-importing: unchanged, changed fields, and --prune retires what is left out") {
  std::vector<StoredPartyOrg> stored;
  for (const auto& e : chain()) stored.push_back({e.org, false});
  stored.push_back({PartyOrg{"PT2", "组织", PartyKind::town_committee, "T2", "", ""}, false});
  Diagnostics d;
  auto in = chain();
  in[1].org.secretary = "";
  in[1].org.name = "新名称";
  const PartyPlan same = plan_party(stored, in, k_units, k_workers, false, d);
  CHECK(d.empty());
  CHECK(same.by_kind[0].unchanged == 1);
  CHECK(same.by_kind[1].updated == 1);
  REQUIRE(same.changes.size() == 2);
  CHECK(same.changes[0].field == "name");
  CHECK(same.changes[1].field == "secretary");
  CHECK(same.to_retire.empty());
  const PartyPlan pruned = plan_party(stored, in, k_units, k_workers, true, d);
  CHECK(d.empty());
  REQUIRE(pruned.to_retire.size() == 1);
  CHECK(pruned.to_retire[0] == "PT2");
  // Without --prune, a second organisation for a unit the database's keeps is refused.
  Diagnostics clash;
  (void)plan_party(stored, {entry("PT2B", PartyKind::town_committee, "T2", "", 9)}, k_units,
                   k_workers, false, clash);
  REQUIRE(clash.list().size() == 1);
  CHECK(messages(clash)[0] ==
        "party.csv:9:20: unit: unit T2 already has organisation PT2 (in the database; retire it "
        "with --prune)");
}

TEST_CASE("the organisation leading a unit, by unit") {
  std::vector<StoredPartyOrg> stored;
  for (const auto& e : chain()) stored.push_back({e.org, false});
  stored.push_back({PartyOrg{"OLD", "旧", PartyKind::town_committee, "T2", "", ""}, true});
  const PartyByUnit by_unit = party_by_unit(stored);
  CHECK(by_unit.size() == 4);
  CHECK(by_unit.at("Z1").code == "PZ1");
  CHECK_FALSE(by_unit.count("T2"));  // retired
}
