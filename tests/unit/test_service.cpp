#include "gridgov/service.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <optional>
#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;

namespace {

const Timestamp k_now(std::chrono::seconds(1'790'000'000));

std::unique_ptr<Store> memory_store() { return open_store(":memory:", {.create = true}); }

Unit county_unit(std::string code = "371327", std::string name = "莒南县") {
  Unit u;
  u.code = std::move(code);
  u.name = std::move(name);
  u.level = Level::county;
  return u;
}

LayoutEntry le(std::string code, std::string name, Level level, std::string parent, int line = 2) {
  LayoutEntry e;
  e.unit.code = std::move(code);
  e.unit.name = std::move(name);
  e.unit.level = level;
  e.unit.parent = std::move(parent);
  e.code_at = Location{"layout.csv", line, 1, "code"};
  e.name_at = Location{"layout.csv", line, 5, "name"};
  e.parent_at = Location{"layout.csv", line, 9, "parent"};
  return e;
}

/// A CSV-style layout (towns without a parent): T1 ─ Z1 ─ V1 ─ G1, G2; T1 ─ Z2 ─ V2 ─ G3.
LayoutInput basic_layout() {
  LayoutInput in;
  in.entries = {le("T1", "大店镇", Level::town, ""),        le("Z1", "第一片区", Level::zone, "T1"),
                le("V1", "东湖社区", Level::village, "Z1"), le("G1", "第1网格", Level::grid, "V1"),
                le("G2", "第2网格", Level::grid, "V1"),     le("Z2", "第二片区", Level::zone, "T1"),
                le("V2", "西湖村", Level::village, "Z2"),   le("G3", "第3网格", Level::grid, "V2")};
  in.entries[3].unit.households = 100;
  return in;
}

LayoutInput without(LayoutInput in, const std::string& code) {
  std::erase_if(in.entries, [&](const LayoutEntry& e) { return e.unit.code == code; });
  return in;
}

WorkerEntry we(std::string code, Tier tier, std::vector<std::string> units,
               std::optional<Deployment> deployment = std::nullopt, std::string department = "",
               int line = 2) {
  WorkerEntry e;
  e.worker.code = std::move(code);
  e.worker.name = "张三";
  e.worker.tier = tier;
  e.worker.units = std::move(units);
  e.worker.deployment = deployment;
  e.worker.department = std::move(department);
  for (Location* at : {&e.code_at, &e.tier_at, &e.unit_at, &e.deployment_at, &e.department_at})
    *at = Location{"workers.csv", line, 1, ""};
  e.unit_at.field = "unit";
  e.department_at.field = "department";
  return e;
}

/// A store with the county and basic_layout() imported.
std::unique_ptr<Store> ready_store() {
  auto s = memory_store();
  REQUIRE(init_county(*s, county_unit(), k_now));
  const LayoutReport r = import_layout(*s, basic_layout(), {}, k_now);
  REQUIRE(r.written);
  return s;
}

long long active(Store& s, Level level) { return s.counts().units[index(level)]; }

}  // namespace

// ---- init_county -----------------------------------------------------------------------------

TEST_CASE("init_county creates the county and stores the built-in policy") {
  auto s = memory_store();
  CHECK(init_county(*s, county_unit(), k_now));
  REQUIRE(s->county().has_value());
  CHECK(s->county()->code == "371327");
  CHECK(s->county()->name == "莒南县");
  const auto p = s->policy();
  REQUIRE(p.has_value());
  CHECK(p->version == 1);
  CHECK(p->source == "built-in");
  CHECK(p->text == default_policy_text());
  CHECK(p->loaded_at == k_now);
}

TEST_CASE("init_county twice with the same county changes nothing") {
  auto s = memory_store();
  REQUIRE(init_county(*s, county_unit(), k_now));
  CHECK_FALSE(init_county(*s, county_unit(), k_now + std::chrono::hours(1)));
  CHECK(s->units().size() == 1);
  CHECK(s->policy()->version == 1);
}

TEST_CASE("init_county with another county is refused") {
  auto s = memory_store();
  REQUIRE(init_county(*s, county_unit(), k_now));
  const auto e = error_of([&] { (void)init_county(*s, county_unit("370000", "别的县"), k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(s->county()->code == "371327");
  CHECK(s->units().size() == 1);
}

// ---- import_layout ---------------------------------------------------------------------------

TEST_CASE("import_layout adds a CSV layout under the database's county") {
  auto s = memory_store();
  REQUIRE(init_county(*s, county_unit(), k_now));
  const LayoutReport r = import_layout(*s, basic_layout(), {}, k_now);
  CHECK(r.written);
  CHECK(r.by_level[index(Level::town)].added == 1);
  CHECK(r.by_level[index(Level::zone)].added == 2);
  CHECK(r.by_level[index(Level::village)].added == 2);
  CHECK(r.by_level[index(Level::grid)].added == 3);
  CHECK(s->find_unit("T1")->unit.parent == "371327");
  CHECK(s->find_unit("G1")->unit.households == 100);
  CHECK(s->counts().units == std::array<long long, 5>{1, 1, 2, 2, 3});
}

TEST_CASE("import_layout dry run reports the plan and writes nothing") {
  auto s = memory_store();
  REQUIRE(init_county(*s, county_unit(), k_now));
  const LayoutReport r = import_layout(*s, basic_layout(), {.dry_run = true}, k_now);
  CHECK_FALSE(r.written);
  CHECK(r.by_level[index(Level::grid)].added == 3);
  CHECK(s->units().size() == 1);
  CHECK_FALSE(s->find_unit("G1").has_value());
}

TEST_CASE("import_layout of the same input again has only unchanged units") {
  auto s = ready_store();
  const LayoutReport r = import_layout(*s, basic_layout(), {}, k_now);
  CHECK_FALSE(r.written);
  for (Level level : {Level::town, Level::zone, Level::village, Level::grid}) {
    CAPTURE(level);
    const ChangeCounts& c = r.by_level[index(level)];
    CHECK(c.added == 0);
    CHECK(c.updated == 0);
    CHECK(c.retired == 0);
    CHECK(c.unchanged > 0);
  }
  CHECK(r.by_level[index(Level::grid)].unchanged == 3);
}

TEST_CASE("import_layout updates renamed units and keeps households the file omits") {
  auto s = ready_store();
  LayoutInput in = basic_layout();
  in.entries[3].unit.households.reset();  // G1
  in.entries[4].unit.name = "第二网格";   // G2
  const LayoutReport r = import_layout(*s, in, {}, k_now);
  CHECK(r.written);
  CHECK(r.by_level[index(Level::grid)].updated == 1);
  CHECK(r.by_level[index(Level::grid)].unchanged == 2);
  CHECK(s->find_unit("G2")->unit.name == "第二网格");
  CHECK(s->find_unit("G1")->unit.households == 100);
}

TEST_CASE("import_layout with prune retires units the file leaves out") {
  auto s = ready_store();
  const LayoutReport r =
      import_layout(*s, without(without(basic_layout(), "G3"), "V2"), {.prune = true}, k_now);
  CHECK(r.written);
  CHECK(r.by_level[index(Level::grid)].retired == 1);
  CHECK(r.by_level[index(Level::village)].retired == 1);
  CHECK(s->find_unit("G3")->retired);
  CHECK(s->find_unit("V2")->retired);
  CHECK_FALSE(s->find_unit("Z2")->retired);
  CHECK_FALSE(s->find_unit("371327")->retired);
  // Without prune, the same file leaves them alone.
  auto t = ready_store();
  (void)import_layout(*t, without(basic_layout(), "G3"), {}, k_now);
  CHECK_FALSE(t->find_unit("G3")->retired);
}

TEST_CASE("import_layout: a prune that would retire units in use is refused and writes nothing") {
  auto s = ready_store();
  (void)import_workers(*s, {we("W1", Tier::grid, {"G2"})}, {});
  LayoutInput in = without(basic_layout(), "G2");
  in.entries[0].unit.name = "大店街道";  // a change that must not land either
  const auto e = error_of([&] { (void)import_layout(*s, in, {.prune = true}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "G2"));
  CHECK_FALSE(s->find_unit("G2")->retired);
  CHECK(s->find_unit("T1")->unit.name == "大店镇");
}

TEST_CASE("import_layout: a retired unit coming back is updated and active again") {
  auto s = ready_store();
  (void)import_layout(*s, without(basic_layout(), "G3"), {.prune = true}, k_now);
  REQUIRE(s->find_unit("G3")->retired);
  const LayoutReport r = import_layout(*s, basic_layout(), {}, k_now);
  CHECK(r.by_level[index(Level::grid)].updated == 1);
  CHECK_FALSE(s->find_unit("G3")->retired);
}

TEST_CASE("import_layout: a code at another level is an input error and writes nothing") {
  auto s = ready_store();
  LayoutInput in = without(basic_layout(), "Z1");  // Z1 comes only once, as a grid
  in.entries.push_back(le("G9", "新网格", Level::grid, "V1", 10));
  in.entries.push_back(le("Z1", "第一片区", Level::grid, "V2", 11));
  const auto e = error_of([&] { (void)import_layout(*s, in, {}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  REQUIRE_FALSE(e->diagnostics().empty());
  CHECK(e->diagnostics()[0].line == 11);
  CHECK(contains(e->diagnostics()[0].reason, "zone"));
  CHECK_FALSE(s->find_unit("G9").has_value());
  CHECK(s->find_unit("Z1")->unit.level == Level::zone);
}

TEST_CASE("import_layout: a layout naming its county creates it in an empty database") {
  auto s = memory_store();
  LayoutInput in = basic_layout();
  in.county = le("371327", "莒南县", Level::county, "");
  const LayoutReport r = import_layout(*s, in, {}, k_now);
  CHECK(r.written);
  CHECK(r.by_level[index(Level::county)].added == 1);
  REQUIRE(s->county().has_value());
  CHECK(s->county()->code == "371327");
  CHECK(s->find_unit("T1")->unit.parent == "371327");
  REQUIRE(s->policy().has_value());
  CHECK(s->policy()->source == "built-in");
}

TEST_CASE("import_layout: a dry run of a layout naming its county writes nothing") {
  auto s = memory_store();
  LayoutInput in = basic_layout();
  in.county = le("371327", "莒南县", Level::county, "");
  const LayoutReport r = import_layout(*s, in, {.dry_run = true}, k_now);
  CHECK_FALSE(r.written);
  CHECK(r.by_level[index(Level::county)].added == 1);
  CHECK(r.by_level[index(Level::grid)].added == 3);
  CHECK_FALSE(s->county().has_value());
  CHECK(s->units().empty());
  CHECK_FALSE(s->policy().has_value());
}

TEST_CASE("import_layout: a layout naming another county is an input error") {
  auto s = ready_store();
  LayoutInput in = basic_layout();
  in.county = le("370000", "别的县", Level::county, "");
  const auto e = error_of([&] { (void)import_layout(*s, in, {}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  CHECK_FALSE(s->find_unit("370000").has_value());
}

TEST_CASE("import_layout without any county is not_found") {
  auto s = memory_store();
  const auto e = error_of([&] { (void)import_layout(*s, basic_layout(), {}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
  CHECK(s->units().empty());
}

TEST_CASE("import_layout stops listing problems at max_errors") {
  auto s = ready_store();
  LayoutInput in;
  for (const char* code : {"Z1", "V1", "G1", "G2"})
    in.entries.push_back(le(code, "x", Level::town, ""));  // each at another level in the database
  const auto e = error_of([&] { (void)import_layout(*s, in, {.max_errors = 3}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  CHECK(e->diagnostics().size() == 3);
  CHECK(e->more() == 1);
  CHECK(s->counts().units[index(Level::town)] == 1);
}

// ---- import_workers --------------------------------------------------------------------------

TEST_CASE("import_workers stores workers and whistle workers named with the county serve none") {
  auto s = ready_store();
  const WorkerReport r =
      import_workers(*s,
                     {we("W1", Tier::grid, {"G1"}), we("W2", Tier::town, {"Z1"}),
                      we("W3", Tier::county, {"Z1", "Z2"}, Deployment::cluster, "housing"),
                      we("W4", Tier::county, {"371327"}, Deployment::whistle, "police")},
                     {});
  CHECK(r.written);
  CHECK(r.by_tier[static_cast<std::size_t>(Tier::grid)].added == 1);
  CHECK(r.by_tier[static_cast<std::size_t>(Tier::town)].added == 1);
  CHECK(r.by_tier[static_cast<std::size_t>(Tier::county)].added == 2);
  CHECK(s->counts().workers == std::array<long long, 3>{1, 1, 2});
  CHECK(s->find_worker("W3")->worker.units == std::vector<std::string>{"Z1", "Z2"});
  CHECK(s->find_worker("W4")->worker.units.empty());

  const WorkerReport again =
      import_workers(*s,
                     {we("W1", Tier::grid, {"G1"}),
                      we("W4", Tier::county, {"371327"}, Deployment::whistle, "police")},
                     {});
  CHECK_FALSE(again.written);
  CHECK(again.by_tier[static_cast<std::size_t>(Tier::grid)].unchanged == 1);
  CHECK(again.by_tier[static_cast<std::size_t>(Tier::county)].unchanged == 1);
}

TEST_CASE("import_workers: an unknown unit is an input error and writes nothing") {
  auto s = ready_store();
  const auto e = error_of([&] {
    (void)import_workers(
        *s, {we("W1", Tier::grid, {"G1"}), we("W2", Tier::grid, {"G404"}, {}, "", 3)}, {});
  });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  REQUIRE(e->diagnostics().size() == 1);
  CHECK(e->diagnostics()[0].line == 3);
  CHECK(contains(e->diagnostics()[0].reason, "G404"));
  CHECK(s->workers().empty());
}

TEST_CASE("import_workers: an unknown department is an input error") {
  auto s = ready_store();
  const auto e = error_of([&] {
    (void)import_workers(*s, {we("W1", Tier::county, {"Z1"}, Deployment::resident, "nasa")}, {});
  });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  CHECK(s->workers().empty());
}

TEST_CASE("import_workers: a retired unit cannot be served") {
  auto s = ready_store();
  (void)import_layout(*s, without(basic_layout(), "G3"), {.prune = true}, k_now);
  const auto e = error_of([&] { (void)import_workers(*s, {we("W1", Tier::grid, {"G3"})}, {}); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
}

TEST_CASE("import_workers dry run writes nothing") {
  auto s = ready_store();
  const WorkerReport r = import_workers(*s, {we("W1", Tier::grid, {"G1"})}, {.dry_run = true});
  CHECK_FALSE(r.written);
  CHECK(r.by_tier[0].added == 1);
  CHECK(s->workers().empty());
}

TEST_CASE("import_workers with prune retires workers left out") {
  auto s = ready_store();
  (void)import_workers(*s, {we("W1", Tier::grid, {"G1"}), we("W2", Tier::grid, {"G2"})}, {});
  const WorkerReport r = import_workers(*s, {we("W1", Tier::grid, {"G1"})}, {.prune = true});
  CHECK(r.written);
  CHECK(r.by_tier[0].retired == 1);
  CHECK(s->find_worker("W2")->retired);
  CHECK_FALSE(s->find_worker("W1")->retired);
}

TEST_CASE("import_workers before any county is not_found") {
  auto s = memory_store();
  const auto e = error_of([&] { (void)import_workers(*s, {we("W1", Tier::grid, {"G1"})}, {}); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
}

// ---- policy ----------------------------------------------------------------------------------

TEST_CASE("current_policy is the built-in one before any load") {
  auto s = memory_store();
  CHECK(current_policy(*s) == default_policy());
  REQUIRE(init_county(*s, county_unit(), k_now));
  CHECK(current_policy(*s) == default_policy());
}

TEST_CASE("load_policy stores a new version but not the same text again") {
  auto s = ready_store();
  const PolicyReport same = load_policy(*s, std::string(default_policy_text()), "p.toml", k_now);
  CHECK_FALSE(same.written);
  CHECK(same.version == 1);
  CHECK(s->policy()->version == 1);

  const std::string text =
      policy_text_with("daily_reports_per_grid = 2", "daily_reports_per_grid = 3");
  const PolicyReport r = load_policy(*s, text, "p.toml", k_now);
  CHECK(r.written);
  CHECK(r.version == 2);
  CHECK(s->policy()->version == 2);
  CHECK(s->policy()->source == "p.toml");
  CHECK(s->policy()->text == text);
  CHECK(current_policy(*s).daily_reports_per_grid == 3);

  const PolicyReport again = load_policy(*s, text, "p.toml", k_now);
  CHECK_FALSE(again.written);
  CHECK(again.version == 2);
}

TEST_CASE("load_policy dry run writes nothing") {
  auto s = ready_store();
  const std::string text = policy_text_with("auto_escalate = false", "auto_escalate = true");
  const PolicyReport r = load_policy(*s, text, "p.toml", k_now, /*dry_run=*/true);
  CHECK_FALSE(r.written);
  CHECK(s->policy()->version == 1);
  CHECK_FALSE(current_policy(*s).auto_escalate);
}

TEST_CASE("load_policy: a bad policy is an input error with line and column") {
  auto s = ready_store();
  const std::string text = policy_text_with("grid = \"24h\"", "grid = \"a day\"");
  const auto e = error_of([&] { (void)load_policy(*s, text, "p.toml", k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  REQUIRE(e->diagnostics().size() == 1);
  CHECK(e->diagnostics()[0].file == "p.toml");
  CHECK(e->diagnostics()[0].line > 1);
  CHECK(e->diagnostics()[0].column == 8);
  CHECK(s->policy()->version == 1);
}

TEST_CASE("load_policy: dropping a department a worker comes from is an input error") {
  auto s = ready_store();
  (void)import_workers(*s, {we("W1", Tier::county, {"Z1"}, Deployment::resident, "water")}, {});
  // Drop the water department and the category that refers to it.
  std::string text =
      policy_text_with("[[departments]]\ncode = \"water\"\nname = \"县水利局\"\n", "");
  const auto cat = text.find("[[categories]]\ncode = \"water_conservancy\"");
  REQUIRE(cat != std::string::npos);
  text.erase(cat, text.find("[[categories]]", cat + 1) - cat);
  {
    Diagnostics d;
    (void)parse_policy(text, "p.toml", d);
    REQUIRE(d.empty());  // the text itself is a good policy
  }
  const auto e = error_of([&] { (void)load_policy(*s, text, "p.toml", k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  REQUIRE_FALSE(e->diagnostics().empty());
  CHECK(contains(e->diagnostics()[0].reason, "water"));
  CHECK(contains(e->diagnostics()[0].reason, "W1"));
  CHECK(s->policy()->version == 1);

  // Once the worker is retired, the same policy loads.
  (void)import_workers(*s, {}, {.prune = true});
  CHECK(load_policy(*s, text, "p.toml", k_now).written);
}

// ---- import_files ----------------------------------------------------------------------------

TEST_CASE("import_files: workers may serve units the same import adds") {
  auto s = ready_store();
  LayoutInput in = basic_layout();
  in.entries.push_back(le("G4", "第4网格", Level::grid, "V2"));
  const std::vector<WorkerEntry> workers = {we("W1", Tier::grid, {"G4"})};
  const ImportReport r = import_files(*s, &in, &workers, {}, k_now);
  REQUIRE(r.layout.has_value());
  REQUIRE(r.workers.has_value());
  CHECK(r.layout->by_level[index(Level::grid)].added == 1);
  CHECK(r.workers->by_tier[0].added == 1);
  CHECK(s->find_unit("G4").has_value());
  CHECK(s->find_worker("W1").has_value());
}

TEST_CASE("import_files is all or nothing: a bad worker rolls back the layout") {
  auto s = ready_store();
  LayoutInput in = basic_layout();
  in.entries.push_back(le("G4", "第4网格", Level::grid, "V2"));
  in.entries[0].unit.name = "大店街道";
  const std::vector<WorkerEntry> workers = {we("W1", Tier::grid, {"G4"}),
                                            we("W2", Tier::grid, {"G404"})};
  const auto e = error_of([&] { (void)import_files(*s, &in, &workers, {}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  CHECK_FALSE(s->find_unit("G4").has_value());
  CHECK(s->find_unit("T1")->unit.name == "大店镇");
  CHECK(s->workers().empty());
  CHECK(active(*s, Level::grid) == 3);
}

TEST_CASE("import_files dry run writes neither layout nor workers") {
  auto s = ready_store();
  LayoutInput in = basic_layout();
  in.entries.push_back(le("G4", "第4网格", Level::grid, "V2"));
  const std::vector<WorkerEntry> workers = {we("W1", Tier::grid, {"G4"})};
  const ImportReport r = import_files(*s, &in, &workers, {.dry_run = true}, k_now);
  REQUIRE(r.workers.has_value());
  CHECK(r.workers->by_tier[0].added == 1);  // planned against the layout of the same command
  CHECK_FALSE(s->find_unit("G4").has_value());
  CHECK(s->workers().empty());
}
