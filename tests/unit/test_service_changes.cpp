// The changes an import or a policy load makes, listed for review; retiring a grid with its
// worker in one import; `workers retire`; a policy that drops categories cases use.

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "county.hpp"
#include "gridgov/service.hpp"
#include "helpers.hpp"

using namespace gridgov;
using namespace gridgov::testing;

namespace {

const Timestamp k_now(std::chrono::seconds(1'790'000'000));

/// T1 ─ Z1 ─ V1 ─ G1, G2; T1 ─ Z1 ─ V2 ─ G3.
LayoutInput layout() {
  LayoutInput in;
  in.entries = {
      le("T1", Level::town, "", "大店镇"),        le("Z1", Level::zone, "T1", "第一片区"),
      le("V1", Level::village, "Z1", "东湖社区"), le("G1", Level::grid, "V1", "第1网格"),
      le("G2", Level::grid, "V1", "第2网格"),     le("V2", Level::village, "Z1", "西湖村"),
      le("G3", Level::grid, "V2", "第3网格")};
  return in;
}

LayoutInput without(LayoutInput in, const std::string& code) {
  std::erase_if(in.entries, [&](const LayoutEntry& e) { return e.unit.code == code; });
  return in;
}

LayoutEntry& entry(LayoutInput& in, const std::string& code) {
  for (auto& e : in.entries)
    if (e.unit.code == code) return e;
  throw std::logic_error("no entry " + code);
}

/// A grid worker of `unit` (county.hpp's, with a phone and the unit's field named).
WorkerEntry we(std::string code, std::string unit, std::string phone = "") {
  WorkerEntry e = gridgov::testing::we(std::move(code), Tier::grid, {std::move(unit)});
  e.worker.phone = std::move(phone);
  e.unit_at.field = "unit";
  return e;
}

/// A store with the county, layout() and workers W1 (G1), W2 (G2), W3 (G3).
std::unique_ptr<Store> changes_store() {
  auto s = open_store(":memory:", {.create = true});
  Unit county;
  county.code = "371327";
  county.name = "莒南县";
  county.level = Level::county;
  REQUIRE(init_county(*s, county, k_now));
  const std::vector<WorkerEntry> workers = {we("W1", "G1"), we("W2", "G2"), we("W3", "G3")};
  const LayoutInput in = layout();
  (void)import_files(*s, &in, &workers, {}, k_now);
  return s;
}

/// A problem of `category` reported in `grid`.
void add_case(Store& s, const std::string& grid, const std::string& category, Status status) {
  Case c;
  c.source = Source::patrol;
  c.category = category;
  c.title = "邻里纠纷";
  c.grid = grid;
  c.reporter = "W1";
  c.reported_at = k_now;
  c.level = Level::grid;
  c.unit = grid;
  c.status = status;
  c.deadline = k_now + std::chrono::hours(24);
  c.due = c.deadline;
  (void)s.add_case(c);
}

Change change(std::string kind, std::string what, std::string level, std::string code,
              std::string name, std::string field = "", std::string from = "",
              std::string to = "") {
  return Change{std::move(kind), std::move(what),  std::move(level), std::move(code),
                std::move(name), std::move(field), std::move(from),  std::move(to)};
}

}  // namespace

TEST_CASE("import_files lists each change: added, renamed, moved, changed, retired") {
  auto s = changes_store();
  LayoutInput in = without(layout(), "G3");
  in.entries.push_back(le("G4", Level::grid, "V2", "第4网格"));
  entry(in, "G1").unit.name = "东湖一网格";
  entry(in, "G2").unit.parent = "V2";
  entry(in, "G2").unit.households = 120;
  const std::vector<WorkerEntry> workers = {we("W1", "G1", "13900000000"), we("W2", "G4"),
                                            we("W4", "G1")};
  const ImportReport r = import_files(*s, &in, &workers, {.prune = true}, k_now);
  const std::vector<Change> expected = {
      change("unit", "renamed", "grid", "G1", "东湖一网格", "name", "第1网格", "东湖一网格"),
      change("unit", "moved", "grid", "G2", "第2网格", "parent", "V1", "V2"),
      change("unit", "changed", "grid", "G2", "第2网格", "households", "", "120"),
      change("unit", "added", "grid", "G4", "第4网格"),
      change("unit", "retired", "grid", "G3", "第3网格"),
      change("worker", "changed", "grid", "W1", "张三", "phone", "", "13900000000"),
      change("worker", "changed", "grid", "W2", "张三", "unit", "G2", "G4"),
      change("worker", "added", "grid", "W4", "张三"),
      change("worker", "retired", "grid", "W3", "张三"),
  };
  CHECK(r.changes() == expected);
  CHECK(r.layout->written);
  CHECK(r.workers->written);
}

TEST_CASE("import_files: a dry run lists the same changes as the real import, writes nothing") {
  auto s = changes_store();
  LayoutInput in = layout();
  entry(in, "G1").unit.name = "东湖一网格";
  const ImportReport dry = import_files(*s, &in, nullptr, {.dry_run = true}, k_now);
  CHECK_FALSE(dry.layout->written);
  CHECK(s->find_unit("G1")->unit.name == "第1网格");
  const ImportReport real = import_files(*s, &in, nullptr, {}, k_now);
  CHECK(dry.changes() == real.changes());
  CHECK(real.changes().size() == 1);
}

TEST_CASE("import_files: a unit coming back is listed as restored") {
  auto s = changes_store();
  (void)retire_workers(*s, {"W3"}, k_now, false);
  (void)import_layout(*s, without(layout(), "G3"), {.prune = true}, k_now);
  REQUIRE(s->find_unit("G3")->retired);
  const LayoutReport r = import_layout(*s, layout(), {}, k_now);
  CHECK(r.changes == std::vector<Change>{change("unit", "restored", "grid", "G3", "第3网格")});
}

TEST_CASE("import_files with prune retires a grid and its worker the two files leave out") {
  auto s = changes_store();
  const LayoutInput in = without(layout(), "G3");
  const std::vector<WorkerEntry> workers = {we("W1", "G1"), we("W2", "G2")};
  const ImportReport r = import_files(*s, &in, &workers, {.prune = true}, k_now);
  CHECK(r.layout->by_level[index(Level::grid)].retired == 1);
  CHECK(r.workers->by_tier[0].retired == 1);
  CHECK(s->find_unit("G3")->retired);
  CHECK(s->find_worker("W3")->retired);
}

TEST_CASE("import_files with prune: a worker the file moves away frees the grid") {
  auto s = changes_store();
  const LayoutInput in = without(layout(), "G3");
  const std::vector<WorkerEntry> workers = {we("W3", "G2")};  // no prune of workers needed
  (void)import_files(*s, &in, &workers, {.prune = true}, k_now);
  CHECK(s->find_unit("G3")->retired);
  CHECK_FALSE(s->find_worker("W3")->retired);
  CHECK(s->find_worker("W3")->worker.units == std::vector<std::string>{"G2"});
}

TEST_CASE("import_files with prune: a unit an active worker still serves is refused, naming it") {
  auto s = changes_store();
  const LayoutInput in = without(without(layout(), "G3"), "G2");
  const std::vector<WorkerEntry> workers = {we("W1", "G1"), we("W3", "G3"), we("W5", "G3")};
  const auto e = error_of([&] { (void)import_files(*s, &in, &workers, {.prune = true}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "G3 (workers W3, W5)"));
  CHECK_FALSE(contains(e->what(), "G2"));  // W2 is retired by the same import: G2 may go
  CHECK_FALSE(s->find_unit("G2")->retired);
  CHECK_FALSE(s->find_worker("W2")->retired);
  // The layout alone names the worker too.
  const auto alone = error_of([&] { (void)import_layout(*s, in, {.prune = true}, k_now); });
  REQUIRE(alone.has_value());
  CHECK(contains(alone->what(), "G2 (worker W2)"));
}

TEST_CASE("import_files with prune: a unit with cases is refused whatever the workers file says") {
  auto s = changes_store();
  add_case(*s, "G3", "dispute", Status::closed);
  const LayoutInput in = without(layout(), "G3");
  const std::vector<WorkerEntry> workers = {we("W1", "G1"), we("W2", "G2")};
  const auto e = error_of([&] { (void)import_files(*s, &in, &workers, {.prune = true}, k_now); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "G3 (cases)"));
  CHECK_FALSE(s->find_worker("W3")->retired);
}

TEST_CASE("import_workers: a worker placed in a retired unit is told it is retired") {
  auto s = changes_store();
  (void)retire_workers(*s, {"W3"}, k_now, false);
  (void)import_layout(*s, without(layout(), "G3"), {.prune = true}, k_now);
  const auto e = error_of([&] { (void)import_workers(*s, {we("W9", "G3")}, {}); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  REQUIRE(e->diagnostics().size() == 1);
  CHECK(e->diagnostics()[0].reason == "unit G3 is retired");
  const auto unknown = error_of([&] { (void)import_workers(*s, {we("W9", "G99")}, {}); });
  REQUIRE(unknown.has_value());
  CHECK(unknown->diagnostics()[0].reason == "unknown unit G99");
}

TEST_CASE("import_files: a worker placed in a unit the same import retires is told so") {
  auto s = changes_store();
  const LayoutInput in = without(layout(), "G3");
  const std::vector<WorkerEntry> workers = {we("W1", "G1"), we("W2", "G2")};
  // W3 moves into G2's place while G2 is... kept; W9 goes to G3, which the layout leaves out.
  std::vector<WorkerEntry> with_w9 = workers;
  with_w9.push_back(we("W9", "G3"));
  const auto e = error_of([&] { (void)import_files(*s, &in, &with_w9, {.prune = true}, k_now); });
  REQUIRE(e.has_value());
  // W9 would serve G3, so pruning G3 is refused first, naming W9.
  CHECK(e->code() == ErrorCode::refused);
  CHECK(contains(e->what(), "G3 (worker W9)"));
}

TEST_CASE("retire_workers retires in one transaction, unknown codes are not_found") {
  auto s = changes_store();
  const WorkerReport dry = retire_workers(*s, {"W1", "W2"}, k_now, true);
  CHECK(dry.by_tier[0].retired == 2);
  CHECK_FALSE(dry.written);
  CHECK_FALSE(s->find_worker("W1")->retired);

  const auto e = error_of([&] { (void)retire_workers(*s, {"W1", "X1", "X2"}, k_now, false); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
  CHECK(contains(e->what(), "X1, X2"));
  CHECK_FALSE(s->find_worker("W1")->retired);  // nothing written

  const WorkerReport r = retire_workers(*s, {"W1", "W1"}, k_now, false);
  CHECK(r.written);
  CHECK(r.changes == std::vector<Change>{change("worker", "retired", "grid", "W1", "张三")});
  CHECK(s->find_worker("W1")->retired);
  const WorkerReport again = retire_workers(*s, {"W1"}, k_now, false);
  CHECK_FALSE(again.written);
  CHECK(again.by_tier[0].unchanged == 1);
  CHECK(again.changes.empty());
}

TEST_CASE("load_policy: dropping a category that cases use is refused, naming it and the count") {
  auto s = changes_store();
  add_case(*s, "G1", "dispute", Status::open);
  add_case(*s, "G2", "dispute", Status::closed);
  std::string text(default_policy_text());
  const auto at = text.find("[[categories]]\ncode = \"dispute\"");
  REQUIRE(at != std::string::npos);
  text.erase(at, text.find("[[categories]]", at + 1) - at);
  for (bool dry : {true, false}) {
    const auto e = error_of([&] { (void)load_policy(*s, text, "p.toml", k_now, dry); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::refused);
    CHECK(contains(e->what(), "dispute 矛盾纠纷 (2 cases, 1 open or resolved)"));
  }
  CHECK(s->policy()->version == 1);
}

TEST_CASE("load_policy: dropping a category no case uses loads") {
  auto s = changes_store();
  add_case(*s, "G1", "fire_hazard", Status::open);
  std::string text(default_policy_text());
  const auto at = text.find("[[categories]]\ncode = \"dispute\"");
  text.erase(at, text.find("[[categories]]", at + 1) - at);
  const PolicyReport r = load_policy(*s, text, "p.toml", k_now);
  CHECK(r.written);
  CHECK(r.changes == std::vector<SettingChange>{{"category.dispute", "removed", "矛盾纠纷", ""}});
}

TEST_CASE("load_policy reports the setting changes, and none for the same text") {
  auto s = changes_store();
  std::string text(default_policy_text());
  auto replace = [&](const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("daily_reports_per_grid = 2", "daily_reports_per_grid = 3");
  replace("name = \"矛盾纠纷\"", "name = \"矛盾纠纷调解\"");
  replace("name = \"县住房和城乡建设局\"", "name = \"县住建局\"");
  const PolicyReport dry = load_policy(*s, text, "p.toml", k_now, true);
  const std::vector<SettingChange> expected = {
      {"daily_reports_per_grid", "changed", "2", "3"},
      {"department.housing", "renamed", "县住房和城乡建设局", "县住建局"},
      {"category.dispute", "renamed", "矛盾纠纷", "矛盾纠纷调解"},
  };
  CHECK(dry.changes == expected);
  CHECK(dry.version == 2);
  CHECK_FALSE(dry.unchanged);
  CHECK_FALSE(dry.written);

  const PolicyReport same =
      load_policy(*s, std::string(default_policy_text()), "p.toml", k_now, true);
  CHECK(same.unchanged);
  CHECK(same.version == 1);
  CHECK(same.changes.empty());
}

TEST_CASE("policy_changes: categories added and removed are one row, fields of kept ones each") {
  Policy a = default_policy();
  Policy b = a;
  b.categories.erase(b.categories.begin());
  b.categories.push_back(
      Category{"noise", "噪声扰民", Level::village, "", std::nullopt, false, std::nullopt});
  b.categories.front().urgent = !b.categories.front().urgent;
  b.categories.front().authority = Level::town;
  const auto changes = policy_changes(a, b);
  REQUIRE(changes.size() == 4);
  CHECK(changes[0].setting == "category." + a.categories[0].code);
  CHECK(changes[0].change == "removed");
  CHECK(changes[1] == SettingChange{"category.noise", "added", "", "噪声扰民"});
  CHECK(changes[2].setting == "category." + b.categories.front().code + ".authority");
  CHECK(changes[2].new_value == "town");
  CHECK(changes[3].setting == "category." + b.categories.front().code + ".urgent");
  CHECK(policy_changes(a, a).empty());
}
