#include "gridgov/rules.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;
using std::chrono::hours;

namespace {

StoredUnit su(std::string code, Level level, std::string parent) {
  StoredUnit s;
  s.unit.code = code;
  s.unit.name = "name of " + code;
  s.unit.level = level;
  s.unit.parent = std::move(parent);
  return s;
}

// C ─ T1 ─ Z1 ─ V1 ─ G1, G2
//   │    └ Z2 ─ V2 ─ G3
//   └ T2 ─ Z3 ─ V3 ─ G4
std::vector<StoredUnit> layout() {
  return {su("C", Level::county, ""),     su("T1", Level::town, "C"),
          su("T2", Level::town, "C"),     su("Z1", Level::zone, "T1"),
          su("Z2", Level::zone, "T1"),    su("Z3", Level::zone, "T2"),
          su("V1", Level::village, "Z1"), su("V2", Level::village, "Z2"),
          su("V3", Level::village, "Z3"), su("G1", Level::grid, "V1"),
          su("G2", Level::grid, "V1"),    su("G3", Level::grid, "V2"),
          su("G4", Level::grid, "V3")};
}

Category cat(std::string code, Level authority, std::string department,
             std::optional<std::chrono::minutes> deadline = std::nullopt, bool urgent = false) {
  Category c;
  c.code = code;
  c.name = "name of " + code;
  c.authority = authority;
  c.department = std::move(department);
  c.deadline = deadline;
  c.urgent = urgent;
  return c;
}

/// Level limits 24h / 48h / 72h / 5d / 7d, verification 6h (all different, to tell them apart).
Policy policy() {
  Policy p;
  p.deadlines.level[index(Level::grid)] = hours(24);
  p.deadlines.level[index(Level::village)] = hours(48);
  p.deadlines.level[index(Level::zone)] = hours(72);
  p.deadlines.level[index(Level::town)] = hours(120);
  p.deadlines.level[index(Level::county)] = hours(168);
  p.deadlines.verification = hours(6);
  p.departments = {{"housing", "住建局"}, {"justice", "司法局"}, {"emergency", "应急局"}};
  p.categories = {cat("litter", Level::grid, ""),  // resolvable in the grid, no department
                  cat("dispute", Level::village, "justice"),
                  cat("construction", Level::town, "housing", hours(36)),
                  cat("fire", Level::zone, "emergency", hours(12), true),
                  cat("orphan", Level::town, "")};
  return p;
}

Worker worker(std::string code, Tier tier, std::vector<std::string> units,
              std::optional<Deployment> deployment = std::nullopt, std::string department = "") {
  Worker w;
  w.code = code;
  w.name = "name of " + code;
  w.tier = tier;
  w.units = std::move(units);
  w.deployment = deployment;
  w.department = std::move(department);
  return w;
}

Actor as(const Worker& w) { return Actor{w.code, w}; }

const Worker g1 = worker("g1", Tier::grid, {"G1"});
const Worker g3 = worker("g3", Tier::grid, {"G3"});
const Worker t1 = worker("t1", Tier::town, {"Z1"});  // a town worker sent down to zone Z1
const Worker t2 = worker("t2", Tier::town, {"T2"});
const Worker cz1 = worker("cz1", Tier::county, {"Z1"}, Deployment::resident, "housing");
const Worker cz3 = worker("cz3", Tier::county, {"Z3"}, Deployment::resident, "housing");
const Worker cj3 = worker("cj3", Tier::county, {"Z3"}, Deployment::resident, "justice");
const Worker cj1 = worker("cj1", Tier::county, {"Z1"}, Deployment::resident, "justice");
const Worker ccl = worker("ccl", Tier::county, {"Z1", "Z2"}, Deployment::cluster, "justice");
const Worker cw = worker("cw", Tier::county, {}, Deployment::whistle, "emergency");

/// A tree, a policy and an actor bundled so that tests can build RuleContexts in one line.
struct World {
  UnitTree tree{layout()};
  Policy pol = policy();
  Actor actor = Actor::admin();

  RuleContext ctx(const Actor& a, Timestamp at) {
    RuleContext c{tree, pol, a, at};
    c.workers = [](const std::string& code) -> std::optional<Worker> {
      for (const Worker* w : {&g1, &g3, &t1, &t2, &cz1, &cz3, &cj3, &cj1, &ccl, &cw})
        if (w->code == code) return *w;
      return std::nullopt;
    };
    return c;
  }
};

Case draft(std::string category, std::string grid = "G1", Source source = Source::patrol,
           Kind kind = Kind::problem) {
  Case c;
  c.id = 1;
  c.kind = kind;
  c.source = source;
  c.category = std::move(category);
  c.title = "title";
  c.grid = std::move(grid);
  c.reporter = "g1";
  c.reported_at = k_t0;
  return c;
}

/// A case reported now and then standing at `level` (unit = the grid's ancestor at that level).
Case at_level(World& w, std::string category, Level level, std::string grid = "G1",
              Source source = Source::patrol) {
  const Actor admin = Actor::admin();
  Case c = draft(std::move(category), std::move(grid), source);
  c = apply(c, decide_report(c, w.ctx(admin, k_t0)).get());
  c.status = Status::open;
  c.level = level;
  c.department.clear();
  c.unit.clear();
  if (level != Level::county)
    for (const Unit* u : w.tree.path(c.grid))
      if (u->level == level) c.unit = u->code;
  return c;
}

/// A case referred to `department` (level county, no unit).
Case at_department(World& w, std::string category, std::string department,
                   std::string grid = "G1") {
  Case c = at_level(w, std::move(category), Level::county, std::move(grid));
  c.department = std::move(department);
  return c;
}

Case with(Case c, Status s) {
  c.status = s;
  return c;
}

}  // namespace

// ---- rule 1 and 5: report --------------------------------------------------------------------

TEST_CASE("decide_report: a patrol case starts open at its grid with the grid's deadline") {
  World w;
  const Actor a = as(g1);
  const Decision d = decide_report(draft("litter"), w.ctx(a, at_h(1)));
  REQUIRE(d.allowed());
  const Event& e = d.get();
  CHECK(e.type == EventType::report);
  CHECK(e.level == Level::grid);
  CHECK(e.unit == "G1");
  CHECK(e.department.empty());
  CHECK(e.from_unit.empty());
  CHECK(e.actor == "g1");
  CHECK(e.at == at_h(1));
  CHECK(e.deadline == at_h(1 + 24));
  const Case c = apply(draft("litter"), e);
  CHECK(c.status == Status::open);
  CHECK(c.level == Level::grid);
  CHECK(c.unit == "G1");
}

TEST_CASE("decide_report: the category's deadline overrides the grid level's") {
  World w;
  const Actor a = as(g1);
  const Decision d = decide_report(draft("construction"), w.ctx(a, at_h(0)));
  CHECK(d.get().deadline == at_h(36));
}

TEST_CASE("decide_report: an info case is closed at once, has no deadline and never escalates") {
  World w;
  const Actor a = as(g1);
  const Case dr = draft("litter", "G1", Source::patrol, Kind::info);
  const Decision d = decide_report(dr, w.ctx(a, at_h(0)));
  REQUIRE(d.allowed());
  CHECK_FALSE(d.get().deadline.has_value());
  const Case c = apply(dr, d.get());
  CHECK(c.status == Status::closed);
  const Decision up = decide_escalate(c, w.ctx(a, at_h(1)));
  CHECK_FALSE(up.allowed());
  CHECK(up.rule == "state");
  CHECK(contains(up.reason, "info"));
  const Actor admin = Actor::admin();
  CHECK_FALSE(decide_escalate(c, w.ctx(admin, at_h(1))).allowed());
  CHECK_FALSE(decide_resolve(c, w.ctx(admin, at_h(1))).allowed());
  CHECK_FALSE(decide_reopen(c, w.ctx(admin, at_h(1))).allowed());
}

TEST_CASE("decide_report: hotline and petition cases start at county level with no handler") {
  World w;
  const Actor a = as(cz1);
  for (Source s : {Source::hotline, Source::petition}) {
    const Case dr = draft("litter", "G3", s);
    const Decision d = decide_report(dr, w.ctx(a, at_h(0)));
    REQUIRE(d.allowed());
    CHECK(d.get().level == Level::county);
    CHECK(d.get().unit.empty());
    CHECK(d.get().department.empty());
    CHECK(d.get().deadline == at_h(168));  // the county level's limit
    const Case c = apply(dr, d.get());
    CHECK(c.status == Status::open);
    CHECK(c.level == Level::county);
    CHECK(c.unit.empty());
  }
  const Decision fire = decide_report(draft("fire", "G1", Source::hotline), w.ctx(a, at_h(0)));
  CHECK(fire.get().deadline == at_h(12));
}

TEST_CASE("decide_report: surveillance and platform cases start at their grid like patrol") {
  World w;
  const Actor admin = Actor::admin();
  for (Source s : {Source::surveillance, Source::platform}) {
    const Decision d = decide_report(draft("litter", "G3", s), w.ctx(admin, at_h(0)));
    CHECK(d.get().level == Level::grid);
    CHECK(d.get().unit == "G3");
  }
}

TEST_CASE("decide_report: unknown grid, a non-grid unit or an unknown category is not_found") {
  World w;
  const Actor admin = Actor::admin();
  const Decision nogrid = decide_report(draft("litter", "G404"), w.ctx(admin, k_t0));
  CHECK_FALSE(nogrid.allowed());
  CHECK(nogrid.code == ErrorCode::not_found);
  const Decision village = decide_report(draft("litter", "V1"), w.ctx(admin, k_t0));
  CHECK_FALSE(village.allowed());
  CHECK(village.code == ErrorCode::not_found);
  const Decision nocat = decide_report(draft("no_such"), w.ctx(admin, k_t0));
  CHECK_FALSE(nocat.allowed());
  CHECK(nocat.code == ErrorCode::not_found);
  CHECK(contains(nocat.reason, "no_such"));
}

TEST_CASE("decide_report: workers report only in their scope and intake only from the county") {
  World w;
  const Actor a3 = as(g3);
  const Decision other = decide_report(draft("litter", "G1"), w.ctx(a3, k_t0));
  CHECK_FALSE(other.allowed());
  CHECK(other.rule == "authorisation");
  CHECK(other.code == ErrorCode::refused);
  CHECK(contains(other.reason, "g3"));

  const Actor a1 = as(g1);
  const Decision hot = decide_report(draft("litter", "G1", Source::hotline), w.ctx(a1, k_t0));
  CHECK_FALSE(hot.allowed());
  CHECK(hot.rule == "authorisation");

  const Actor at1 = as(t1);
  CHECK(decide_report(draft("litter", "G3"), w.ctx(at1, k_t0)).allowed());
}

// ---- rule 2: authority -----------------------------------------------------------------------

TEST_CASE("decide_resolve: below the category's authority is refused (escalate first)") {
  World w;
  const Actor a = as(g1);
  const Case c = at_level(w, "construction", Level::grid);
  const Decision d = decide_resolve(c, w.ctx(a, at_h(1)));
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "authority");
  CHECK(d.code == ErrorCode::refused);
  CHECK(contains(d.reason, "escalate"));
  CHECK(contains(d.reason, "town"));

  const Actor admin = Actor::admin();
  for (Level l : {Level::grid, Level::village, Level::zone})
    CHECK(decide_resolve(at_level(w, "construction", l), w.ctx(admin, at_h(1))).rule ==
          "authority");
  CHECK(decide_resolve(at_level(w, "construction", Level::town), w.ctx(admin, at_h(1))).allowed());
}

TEST_CASE("decide_resolve: at or above the authority resolves with the verification deadline") {
  World w;
  const Actor a = as(g1);
  const Decision grid = decide_resolve(at_level(w, "litter", Level::grid), w.ctx(a, at_h(2)));
  REQUIRE(grid.allowed());
  CHECK(grid.get().type == EventType::resolve);
  CHECK(grid.get().deadline == at_h(2 + 6));
  CHECK(grid.get().level == Level::grid);
  CHECK(grid.get().unit == "G1");

  const Case v = at_level(w, "dispute", Level::village);
  const Decision village = decide_resolve(v, w.ctx(a, at_h(3)));
  REQUIRE(village.allowed());
  const Case after = apply(v, village.get());
  CHECK(after.status == Status::resolved);
  CHECK(after.deadline == at_h(3 + 6));
  CHECK(after.unit == "V1");

  CHECK(decide_resolve(at_level(w, "dispute", Level::grid), w.ctx(a, at_h(3))).rule == "authority");
}

// ---- rule 3: level by level ------------------------------------------------------------------

TEST_CASE("decide_escalate goes grid, village, zone, town one level at a time") {
  World w;
  const Actor admin = Actor::admin();
  Case c = at_level(w, "litter", Level::grid);
  const std::vector<std::pair<Level, std::string>> path = {
      {Level::village, "V1"}, {Level::zone, "Z1"}, {Level::town, "T1"}};
  const std::vector<int> limits = {48, 72, 120};
  int hour = 1;
  for (std::size_t i = 0; i < path.size(); ++i, ++hour) {
    const Decision d = decide_escalate(c, w.ctx(admin, at_h(hour)));
    REQUIRE(d.allowed());
    const Event& e = d.get();
    CHECK(e.type == EventType::escalate);
    CHECK(e.from_level == c.level);
    CHECK(e.from_unit == c.unit);
    CHECK(e.level == path[i].first);
    CHECK(e.unit == path[i].second);
    CHECK(e.department.empty());
    CHECK(e.deadline == at_h(hour + limits[i]));
    c = apply(c, e);
  }
  CHECK(c.level == Level::town);
  CHECK(c.unit == "T1");
}

TEST_CASE("decide_escalate: every move takes the category's deadline when it has one") {
  World w;
  const Actor admin = Actor::admin();
  for (Level l : {Level::grid, Level::village, Level::zone}) {
    const Decision d = decide_escalate(at_level(w, "construction", l), w.ctx(admin, at_h(10)));
    CHECK(d.get().deadline == at_h(10 + 36));
  }
  const Decision refer =
      decide_escalate(at_level(w, "construction", Level::town), w.ctx(admin, at_h(10)));
  CHECK(refer.get().deadline == at_h(10 + 36));
}

TEST_CASE("decide_escalate: skipping levels is refused unless the category is urgent") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "dispute", Level::grid);
  for (Level to : {Level::zone, Level::town}) {
    const Decision d = decide_escalate(c, w.ctx(admin, at_h(1)), to);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "level-by-level");
    CHECK(d.code == ErrorCode::refused);
  }
  const Decision refer = decide_escalate(c, w.ctx(admin, at_h(1)), Level::county);
  CHECK_FALSE(refer.allowed());
  CHECK(refer.rule == "level-by-level");
  const Decision dep = decide_escalate(c, w.ctx(admin, at_h(1)), std::nullopt, "justice");
  CHECK_FALSE(dep.allowed());
  CHECK(dep.rule == "level-by-level");
  // `to` naming the next level is the ordinary step.
  const Decision next = decide_escalate(c, w.ctx(admin, at_h(1)), Level::village);
  REQUIRE(next.allowed());
  CHECK(next.get().unit == "V1");
}

TEST_CASE("decide_escalate: an urgent category may skip levels, up to a county referral") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "fire", Level::grid);
  const Decision zone = decide_escalate(c, w.ctx(admin, at_h(1)), Level::zone);
  REQUIRE(zone.allowed());
  CHECK(zone.get().type == EventType::escalate);
  CHECK(zone.get().unit == "Z1");
  CHECK(zone.get().deadline == at_h(1 + 12));
  const Decision town = decide_escalate(c, w.ctx(admin, at_h(1)), Level::town);
  REQUIRE(town.allowed());
  CHECK(town.get().unit == "T1");
  const Decision county = decide_escalate(c, w.ctx(admin, at_h(1)), Level::county);
  REQUIRE(county.allowed());
  CHECK(county.get().type == EventType::refer);
  CHECK(county.get().department == "emergency");
  CHECK(county.get().unit.empty());
  // Without `to`, an urgent case still goes one level.
  CHECK(decide_escalate(c, w.ctx(admin, at_h(1))).get().unit == "V1");
}

TEST_CASE("decide_escalate: `to` at or below the case's level is refused") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "fire", Level::zone);
  for (Level to : {Level::zone, Level::village, Level::grid}) {
    const Decision d = decide_escalate(c, w.ctx(admin, at_h(1)), to);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "level-by-level");
  }
}

TEST_CASE("decide_escalate at county level is refused") {
  World w;
  const Actor admin = Actor::admin();
  const Decision dep =
      decide_escalate(at_department(w, "construction", "housing"), w.ctx(admin, at_h(1)));
  CHECK_FALSE(dep.allowed());
  CHECK(dep.rule == "level-by-level");
  CHECK(dep.code == ErrorCode::refused);
  CHECK(contains(dep.reason, "county"));
  const Decision intake = decide_escalate(at_level(w, "fire", Level::county, "G1", Source::hotline),
                                          w.ctx(admin, at_h(1)), Level::county);
  CHECK_FALSE(intake.allowed());
  CHECK(intake.rule == "level-by-level");
}

// ---- rule 4: town calls, county responds -----------------------------------------------------

TEST_CASE("decide_escalate from town refers to the department given") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "construction", Level::town);
  const Decision d = decide_escalate(c, w.ctx(admin, at_h(5)), std::nullopt, "justice");
  REQUIRE(d.allowed());
  const Event& e = d.get();
  CHECK(e.type == EventType::refer);
  CHECK(e.from_level == Level::town);
  CHECK(e.from_unit == "T1");
  CHECK(e.level == Level::county);
  CHECK(e.unit.empty());
  CHECK(e.department == "justice");
  const Case after = apply(c, e);
  CHECK(after.department == "justice");
  CHECK(after.level == Level::county);
}

TEST_CASE("decide_escalate from town refers to the category's department by default") {
  World w;
  const Actor admin = Actor::admin();
  const Decision d = decide_escalate(at_level(w, "dispute", Level::town), w.ctx(admin, at_h(5)));
  REQUIRE(d.allowed());
  CHECK(d.get().type == EventType::refer);
  CHECK(d.get().department == "justice");
  CHECK(d.get().deadline == at_h(5 + 168));  // a department case: the county level's limit
  const Decision to =
      decide_escalate(at_level(w, "dispute", Level::town), w.ctx(admin, at_h(5)), Level::county);
  CHECK(to.get().department == "justice");
}

TEST_CASE("decide_escalate from town with no department anywhere is refused") {
  World w;
  const Actor admin = Actor::admin();
  const Decision d = decide_escalate(at_level(w, "orphan", Level::town), w.ctx(admin, at_h(5)));
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "town-calls-county-responds");
  CHECK(d.code == ErrorCode::refused);
  CHECK(contains(d.reason, "department"));
  CHECK(decide_escalate(at_level(w, "orphan", Level::town), w.ctx(admin, at_h(5)), std::nullopt,
                        "housing")
            .allowed());
}

TEST_CASE("decide_escalate to an unknown department is not_found") {
  World w;
  const Actor admin = Actor::admin();
  const Decision d = decide_escalate(at_level(w, "dispute", Level::town), w.ctx(admin, at_h(5)),
                                     std::nullopt, "nasa");
  CHECK_FALSE(d.allowed());
  CHECK(d.code == ErrorCode::not_found);
  CHECK(contains(d.reason, "nasa"));
}

// ---- rule 5: dispatch ------------------------------------------------------------------------

TEST_CASE("decide_dispatch sends an intake case down to a unit containing its grid") {
  World w;
  const Actor a = as(cz1);
  const Case c = at_level(w, "litter", Level::county, "G1", Source::hotline);
  const std::vector<std::tuple<std::string, Level, int>> targets = {{"T1", Level::town, 120},
                                                                    {"Z1", Level::zone, 72},
                                                                    {"V1", Level::village, 48},
                                                                    {"G1", Level::grid, 24}};
  for (const auto& [unit, level, limit] : targets) {
    const Decision d = decide_dispatch(c, w.ctx(a, at_h(2)), unit, "");
    REQUIRE(d.allowed());
    CHECK(d.get().type == EventType::dispatch);
    CHECK(d.get().level == level);
    CHECK(d.get().unit == unit);
    CHECK(d.get().department.empty());
    CHECK(d.get().deadline == at_h(2 + limit));
    CHECK(apply(c, d.get()).status == Status::open);
  }
}

TEST_CASE("decide_dispatch sends an intake case to a department at county level") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "dispute", Level::county, "G3", Source::petition);
  const Decision d = decide_dispatch(c, w.ctx(admin, at_h(2)), "", "housing");
  REQUIRE(d.allowed());
  CHECK(d.get().level == Level::county);
  CHECK(d.get().unit.empty());
  CHECK(d.get().department == "housing");
  CHECK(d.get().deadline == at_h(2 + 168));
}

TEST_CASE("decide_dispatch refuses units outside the grid's path and the county itself") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "litter", Level::county, "G1", Source::hotline);
  for (const char* unit : {"Z2", "T2", "G2", "V2"}) {
    const Decision d = decide_dispatch(c, w.ctx(admin, at_h(2)), unit, "");
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "intake-dispatch");
    CHECK(d.code == ErrorCode::refused);
  }
  const Decision county = decide_dispatch(c, w.ctx(admin, at_h(2)), "C", "");
  CHECK_FALSE(county.allowed());
  CHECK(county.rule == "intake-dispatch");
}

TEST_CASE("decide_dispatch: unknown unit or department is not_found") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "litter", Level::county, "G1", Source::hotline);
  CHECK(decide_dispatch(c, w.ctx(admin, at_h(2)), "Z404", "").code == ErrorCode::not_found);
  CHECK_FALSE(decide_dispatch(c, w.ctx(admin, at_h(2)), "Z404", "").allowed());
  CHECK(decide_dispatch(c, w.ctx(admin, at_h(2)), "", "nasa").code == ErrorCode::not_found);
  CHECK_FALSE(decide_dispatch(c, w.ctx(admin, at_h(2)), "", "nasa").allowed());
}

TEST_CASE("decide_dispatch: only cases at county level, only by county workers or admin") {
  World w;
  const Case grid = at_level(w, "litter", Level::grid);
  const Actor admin = Actor::admin();
  const Decision below = decide_dispatch(grid, w.ctx(admin, at_h(2)), "G1", "");
  CHECK_FALSE(below.allowed());
  CHECK(below.rule == "intake-dispatch");

  const Case c = at_level(w, "litter", Level::county, "G1", Source::hotline);
  for (const Worker* wk : {&g1, &t1}) {
    const Actor a = as(*wk);
    const Decision d = decide_dispatch(c, w.ctx(a, at_h(2)), "Z1", "");
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "authorisation");
    CHECK(contains(d.reason, wk->code));
  }
  const Actor a = as(cj3);
  CHECK(decide_dispatch(c, w.ctx(a, at_h(2)), "Z1", "").allowed());
}

TEST_CASE("decide_dispatch: a case referred by its town stays with its department") {
  World w;
  const Actor admin = Actor::admin();
  Case c = at_level(w, "dispute", Level::town);
  c = apply(c, decide_escalate(c, w.ctx(admin, at_h(1))).get());
  REQUIRE(c.department == "justice");
  const Decision down = decide_dispatch(c, w.ctx(admin, at_h(2)), "Z1", "");
  CHECK_FALSE(down.allowed());
  CHECK(down.rule == "intake-dispatch");
  CHECK_FALSE(decide_dispatch(c, w.ctx(admin, at_h(2)), "", "housing").allowed());
}

TEST_CASE("an intake case at the county platform cannot be resolved before dispatch") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "litter", Level::county, "G1", Source::hotline);
  const Decision d = decide_resolve(c, w.ctx(admin, at_h(2)));
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "intake-dispatch");
}

TEST_CASE("hotline and petition cases are never closed while open, even at their grid") {
  World w;
  const Actor a = as(g1);
  for (Source s : {Source::hotline, Source::petition}) {
    Case c = at_level(w, "litter", Level::county, "G1", s);
    const Actor admin = Actor::admin();
    CHECK_FALSE(decide_close(c, w.ctx(admin, at_h(1))).allowed());
    c = apply(c, decide_dispatch(c, w.ctx(admin, at_h(1)), "G1", "").get());
    CHECK(c.level == Level::grid);
    const Decision direct = decide_close(c, w.ctx(a, at_h(2)));
    CHECK_FALSE(direct.allowed());
    CHECK(direct.rule == "verification");
    CHECK(contains(direct.reason, "resolved first"));
    CHECK_FALSE(decide_close(c, w.ctx(admin, at_h(2))).allowed());

    c = apply(c, decide_resolve(c, w.ctx(a, at_h(3))).get());
    CHECK(c.status == Status::resolved);
    const Decision closed = decide_close(c, w.ctx(as(t1), at_h(4)));
    REQUIRE(closed.allowed());
    CHECK(closed.get().type == EventType::close);
    CHECK(apply(c, closed.get()).status == Status::closed);
  }
}

// ---- rule 6: whistle -------------------------------------------------------------------------

TEST_CASE("decide_whistle summons an on-call county worker and the case stays where it is") {
  World w;
  const Actor a = as(t1);
  for (Level l : {Level::zone, Level::town}) {
    Case c = at_level(w, "construction", l);
    c.deadline = at_h(50);
    const Decision d = decide_whistle(c, w.ctx(a, at_h(3)), cw);
    REQUIRE(d.allowed());
    const Event& e = d.get();
    CHECK(e.type == EventType::whistle);
    CHECK(e.worker == "cw");
    CHECK(e.level == c.level);
    CHECK(e.unit == c.unit);
    CHECK(e.department == c.department);
    const Case after = apply(c, e);
    CHECK(after.level == c.level);
    CHECK(after.unit == c.unit);
    CHECK(after.department == c.department);
    CHECK(after.deadline == at_h(50));
    CHECK(after.status == Status::open);
    CHECK(after.whistled == std::vector<std::string>{"cw"});
  }
}

TEST_CASE("decide_whistle is refused below zone level and at county level") {
  World w;
  const Actor admin = Actor::admin();
  for (Level l : {Level::grid, Level::village}) {
    const Decision d = decide_whistle(at_level(w, "construction", l), w.ctx(admin, at_h(3)), cw);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "whistle");
    CHECK(d.code == ErrorCode::refused);
  }
  const Decision dep =
      decide_whistle(at_department(w, "construction", "housing"), w.ctx(admin, at_h(3)), cw);
  CHECK_FALSE(dep.allowed());
  CHECK(dep.rule == "whistle");
}

TEST_CASE("decide_whistle summons only whistle-deployed county workers, once each") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "construction", Level::zone);
  for (const Worker* wk : {&cz1, &ccl, &g1, &t1}) {
    const Decision d = decide_whistle(c, w.ctx(admin, at_h(3)), *wk);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "whistle");
    CHECK(contains(d.reason, wk->code));
  }
  // A town-tier worker marked `whistle` is still not an on-call county worker.
  Worker fake = t1;
  fake.deployment = Deployment::whistle;
  CHECK_FALSE(decide_whistle(c, w.ctx(admin, at_h(3)), fake).allowed());

  const Case once = apply(c, decide_whistle(c, w.ctx(admin, at_h(3)), cw).get());
  const Decision twice = decide_whistle(once, w.ctx(admin, at_h(4)), cw);
  CHECK_FALSE(twice.allowed());
  CHECK(twice.rule == "whistle");
}

TEST_CASE("decide_whistle: the one who blows it must be authorised on the case") {
  World w;
  const Case c = at_level(w, "construction", Level::zone);  // zone Z1 of town T1
  const Actor other_town = as(t2);
  const Decision d = decide_whistle(c, w.ctx(other_town, at_h(3)), cw);
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "authorisation");
  const Actor grid_worker = as(g1);
  CHECK(decide_whistle(c, w.ctx(grid_worker, at_h(3)), cw).rule == "authorisation");
}

TEST_CASE("a whistle worker acts only on cases they were whistled to") {
  World w;
  const Actor a = as(cw);
  const Case c = at_level(w, "construction", Level::town);
  const auto before = check_authorised(c, w.ctx(a, at_h(3)));
  REQUIRE(before.has_value());
  CHECK(before->rule == "authorisation");
  CHECK_FALSE(decide_resolve(c, w.ctx(a, at_h(3))).allowed());

  const Actor admin = Actor::admin();
  const Case whistled = apply(c, decide_whistle(c, w.ctx(admin, at_h(3)), cw).get());
  CHECK_FALSE(check_authorised(whistled, w.ctx(a, at_h(4))).has_value());
  CHECK(decide_resolve(whistled, w.ctx(a, at_h(4))).allowed());
  // …and only on that case: another case in the same town stays out of reach.
  CHECK(check_authorised(at_level(w, "construction", Level::town, "G3"), w.ctx(a, at_h(4)))
            .has_value());
}

TEST_CASE("a whistle worker not whistled to a case may not void it") {
  World w;
  const Actor a = as(cw);
  const Decision d = decide_void(at_level(w, "litter", Level::grid), w.ctx(a, at_h(3)));
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "authorisation");
}

// ---- rule 7 and 8: verification and rework --------------------------------------------------

TEST_CASE("decide_close: the grid worker closes an open grid case directly (self-handled)") {
  World w;
  const Actor a = as(g1);
  const Case c = at_level(w, "litter", Level::grid);
  const Decision d = decide_close(c, w.ctx(a, at_h(2)));
  REQUIRE(d.allowed());
  CHECK(d.get().type == EventType::close);
  CHECK(d.get().level == Level::grid);
  CHECK(d.get().unit == "G1");
  const Case after = apply(c, d.get());
  CHECK(after.status == Status::closed);
  CHECK_FALSE(after.deadline.has_value());
}

TEST_CASE("decide_close: no self-handling when the category may not be resolved at grid") {
  World w;
  const Actor a = as(g1);
  const Decision d = decide_close(at_level(w, "dispute", Level::grid), w.ctx(a, at_h(2)));
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "authority");
  const Actor admin = Actor::admin();
  CHECK_FALSE(
      decide_close(at_level(w, "construction", Level::grid), w.ctx(admin, at_h(2))).allowed());
}

TEST_CASE("decide_close: an open case above grid level must be resolved first") {
  World w;
  const Actor admin = Actor::admin();
  for (Level l : {Level::village, Level::zone, Level::town}) {
    const Decision d = decide_close(at_level(w, "litter", l), w.ctx(admin, at_h(2)));
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "verification");
    CHECK(contains(d.reason, "resolves it first"));
  }
  const Decision dep =
      decide_close(at_department(w, "construction", "housing"), w.ctx(admin, at_h(2)));
  CHECK_FALSE(dep.allowed());
  CHECK(dep.rule == "verification");
}

TEST_CASE("rule 7: the grid verifies, never the hand that did the work") {
  World w;
  // Referred to housing from grid G1 (zone Z1, town T1) and resolved there by cz1.
  Case c = at_department(w, "construction", "housing");
  c = apply(c, decide_resolve(c, w.ctx(as(cz1), at_h(1))).get());
  REQUIRE(c.resolved_by == "cz1");
  auto verdict = [&](const Worker& wk) { return decide_close(c, w.ctx(as(wk), at_h(2))); };

  // The grid's own worker verifies.
  CHECK(verdict(g1).allowed());
  CHECK(decide_close(c, w.ctx(as(g1), at_h(2)), true).allowed());  // or sends it back
  // The doer never does, nor any county worker: the housing worker did the work.
  for (const Worker* wk : {&cz1, &cj1, &ccl}) {
    const Decision d = verdict(*wk);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "verification");
    CHECK(d.field == Field::actor);
    CHECK(contains(d.reason, wk->code));
  }
  CHECK(contains(verdict(cz1).reason, "recorded the resolve"));
  CHECK(contains(verdict(cj1).reason, "county-tier"));
  // Workers of another grid or town do not verify.
  CHECK(contains(verdict(g3).reason, "does not serve grid G1"));
  CHECK(contains(verdict(t2).reason, "does not serve the zone or town"));
  // The town worker of Z1 steps in only when the grid's worker resolved it or there is none.
  CHECK(contains(verdict(t1).reason, "has its own grid worker"));
  const Actor town = as(t1);
  RuleContext none = w.ctx(town, at_h(2));  // the context keeps a reference to the actor
  none.grid_has_worker = [](const std::string& grid) { return grid != "G1"; };
  CHECK(decide_close(c, none).allowed());
  Case by_grid = at_level(w, "dispute", Level::village);
  by_grid = apply(by_grid, decide_resolve(by_grid, w.ctx(as(g1), at_h(1))).get());
  CHECK_FALSE(decide_close(by_grid, w.ctx(as(g1), at_h(2))).allowed());
  CHECK(decide_close(by_grid, w.ctx(as(t1), at_h(2))).allowed());
  // admin may verify (and is counted for it).
  CHECK(decide_close(c, w.ctx(Actor::admin(), at_h(2))).allowed());
}

TEST_CASE("rule 7: a worker whistled to the case does not verify it") {
  World w;
  Case c = at_level(w, "fire", Level::zone);
  c = apply(c, decide_whistle(c, w.ctx(as(t1), at_h(1)), cw).get());
  c = apply(c, decide_resolve(c, w.ctx(as(t1), at_h(2))).get());
  const Decision d = decide_close(c, w.ctx(as(cw), at_h(3)));
  CHECK_FALSE(d.allowed());
  CHECK(contains(d.reason, "whistled"));
}

TEST_CASE("rule 7: only the grid's own worker closes an open grid case directly") {
  World w;
  const Case c = at_level(w, "litter", Level::grid);
  CHECK(decide_close(c, w.ctx(as(g1), at_h(1))).allowed());
  CHECK(decide_close(c, w.ctx(Actor::admin(), at_h(1))).allowed());
  for (const Worker* wk : {&t1, &cz1, &g3}) {
    const Decision d = decide_close(c, w.ctx(as(*wk), at_h(1)));
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "verification");
    CHECK(contains(d.reason, "self-handled"));
  }
}

TEST_CASE("a reopen is the grid side's: scope without a whistle") {
  World w;
  Case c = at_level(w, "litter", Level::grid);
  c = apply(c, decide_close(c, w.ctx(as(g1), at_h(1))).get());
  for (const Worker* wk : {&g1, &t1, &cz1})
    CHECK(decide_reopen(c, w.ctx(as(*wk), at_h(2))).allowed());
  for (const Worker* wk : {&g3, &t2, &cw})
    CHECK_FALSE(decide_reopen(c, w.ctx(as(*wk), at_h(2))).allowed());
}

TEST_CASE("decide_close with fail sends a resolved case back to its handler as rework") {
  World w;
  const Actor a = as(g1);
  const Actor admin = Actor::admin();
  Case c = at_level(w, "dispute", Level::zone);
  c = apply(c, decide_resolve(c, w.ctx(admin, at_h(2))).get());
  REQUIRE(c.status == Status::resolved);
  const Decision d = decide_close(c, w.ctx(a, at_h(5)), true);
  REQUIRE(d.allowed());
  CHECK(d.get().type == EventType::rework);
  CHECK(d.get().level == Level::zone);
  CHECK(d.get().unit == "Z1");
  CHECK(d.get().deadline == at_h(5 + 72));
  const Case after = apply(c, d.get());
  CHECK(after.status == Status::open);
  CHECK(after.rework == 1);
  CHECK(after.level == Level::zone);
  CHECK(after.unit == "Z1");
  CHECK(after.deadline == at_h(5 + 72));

  // A second failed verification counts again.
  Case again = apply(after, decide_resolve(after, w.ctx(admin, at_h(6))).get());
  again = apply(again, decide_close(again, w.ctx(a, at_h(7)), true).get());
  CHECK(again.rework == 2);
}

TEST_CASE("rework takes the category's limit, and a department case the county level's") {
  World w;
  const Actor a = as(g1);
  Case cons = with(at_level(w, "construction", Level::town), Status::resolved);
  CHECK(decide_close(cons, w.ctx(a, at_h(5)), true).get().deadline == at_h(5 + 36));

  Case dep = with(at_department(w, "dispute", "justice"), Status::resolved);
  const Decision d = decide_close(dep, w.ctx(a, at_h(5)), true);
  REQUIRE(d.allowed());
  CHECK(d.get().department == "justice");
  CHECK(d.get().level == Level::county);
  CHECK(d.get().deadline == at_h(5 + 168));
}

TEST_CASE("decide_close with fail on an open case is refused") {
  World w;
  const Actor a = as(g1);
  const Decision d = decide_close(at_level(w, "litter", Level::grid), w.ctx(a, at_h(2)), true);
  CHECK_FALSE(d.allowed());
  CHECK(d.code == ErrorCode::refused);
}

// ---- rule 10: authorisation -----------------------------------------------------------------

TEST_CASE("check_authorised: a grid worker acts only in their grid") {
  World w;
  const Actor a = as(g1);
  CHECK_FALSE(check_authorised(at_level(w, "litter", Level::grid), w.ctx(a, k_t0)).has_value());
  const auto other = check_authorised(at_level(w, "litter", Level::grid, "G2"), w.ctx(a, k_t0));
  REQUIRE(other.has_value());
  CHECK(other->rule == "authorisation");
  CHECK(other->code == ErrorCode::refused);
  CHECK(contains(other->reason, "g1"));
  CHECK(contains(other->reason, "G2"));
  // The decide_* functions apply it.
  CHECK(decide_escalate(at_level(w, "litter", Level::grid, "G2"), w.ctx(a, k_t0)).rule ==
        "authorisation");
  CHECK(decide_resolve(at_level(w, "litter", Level::grid, "G3"), w.ctx(a, k_t0)).rule ==
        "authorisation");
}

TEST_CASE("check_authorised: a grid worker acts at grid and village level, not above") {
  World w;
  const Actor a = as(g1);
  CHECK_FALSE(check_authorised(at_level(w, "litter", Level::village), w.ctx(a, k_t0)).has_value());
  CHECK(decide_escalate(at_level(w, "litter", Level::village), w.ctx(a, k_t0)).allowed());
  for (Level l : {Level::zone, Level::town}) {
    const auto r = check_authorised(at_level(w, "litter", l), w.ctx(a, k_t0));
    REQUIRE(r.has_value());
    CHECK(r->rule == "authorisation");
    CHECK(contains(r->reason, std::string(to_string(l))));
  }
  CHECK(check_authorised(at_department(w, "dispute", "justice"), w.ctx(a, k_t0)).has_value());
  CHECK(decide_resolve(at_level(w, "litter", Level::zone), w.ctx(a, k_t0)).rule == "authorisation");
}

TEST_CASE("check_authorised: a town worker acts in the whole town up to town level") {
  World w;
  const Actor a = as(t1);  // serves zone Z1, belongs to town T1
  for (Level l : {Level::grid, Level::village, Level::zone, Level::town}) {
    CHECK_FALSE(check_authorised(at_level(w, "litter", l, "G1"), w.ctx(a, k_t0)).has_value());
    CHECK_FALSE(check_authorised(at_level(w, "litter", l, "G3"), w.ctx(a, k_t0)).has_value());
    const auto r = check_authorised(at_level(w, "litter", l, "G4"), w.ctx(a, k_t0));
    REQUIRE(r.has_value());
    CHECK(r->rule == "authorisation");
  }
  const auto county = check_authorised(at_department(w, "dispute", "justice"), w.ctx(a, k_t0));
  REQUIRE(county.has_value());
  CHECK(county->rule == "authorisation");
  // A town worker escalates from town (the referral) but does not act on it afterwards.
  CHECK(decide_escalate(at_level(w, "dispute", Level::town), w.ctx(a, k_t0)).allowed());
  CHECK_FALSE(decide_resolve(at_department(w, "dispute", "justice"), w.ctx(a, k_t0)).allowed());
}

TEST_CASE("check_authorised: resident and cluster county workers act in their zones") {
  World w;
  const Actor res = as(cz1);
  CHECK_FALSE(
      check_authorised(at_level(w, "litter", Level::zone, "G1"), w.ctx(res, k_t0)).has_value());
  CHECK_FALSE(
      check_authorised(at_level(w, "litter", Level::grid, "G2"), w.ctx(res, k_t0)).has_value());
  const auto out = check_authorised(at_level(w, "litter", Level::zone, "G3"), w.ctx(res, k_t0));
  REQUIRE(out.has_value());
  CHECK(out->rule == "authorisation");
  CHECK(contains(out->reason, "cz1"));

  const Actor cl = as(ccl);
  CHECK_FALSE(
      check_authorised(at_level(w, "litter", Level::zone, "G1"), w.ctx(cl, k_t0)).has_value());
  CHECK_FALSE(
      check_authorised(at_level(w, "litter", Level::town, "G3"), w.ctx(cl, k_t0)).has_value());
  CHECK(check_authorised(at_level(w, "litter", Level::town, "G4"), w.ctx(cl, k_t0)).has_value());
}

TEST_CASE("check_authorised: at a department, county workers from that department act") {
  World w;
  const Case c = at_department(w, "construction", "housing", "G1");
  const Actor same = as(cz3);  // housing, serving another town's zone
  CHECK_FALSE(check_authorised(c, w.ctx(same, k_t0)).has_value());
  CHECK(decide_resolve(c, w.ctx(same, k_t0)).allowed());
  const Actor other = as(cj3);  // justice
  const auto r = check_authorised(c, w.ctx(other, k_t0));
  REQUIRE(r.has_value());
  CHECK(r->rule == "authorisation");
  CHECK(contains(r->reason, "housing"));
  CHECK(decide_resolve(c, w.ctx(other, k_t0)).rule == "authorisation");
}

TEST_CASE(
    "check_authorised: at a department, a county worker of another department is refused "
    "even in their own zone") {
  World w;
  const Case c = at_department(w, "construction", "housing", "G1");
  const Actor other = as(cj1);  // justice, resident in Z1 which holds G1
  const auto r = check_authorised(c, w.ctx(other, k_t0));
  CHECK(r.has_value());
  CHECK(decide_resolve(c, w.ctx(other, k_t0)).rule == "authorisation");
}

TEST_CASE("check_authorised: at the county platform any county worker acts, admin anywhere") {
  World w;
  const Case intake = at_level(w, "litter", Level::county, "G1", Source::hotline);
  for (const Worker* wk : {&cz1, &cj3, &ccl}) {
    const Actor a = as(*wk);
    CHECK_FALSE(check_authorised(intake, w.ctx(a, k_t0)).has_value());
  }
  const Actor admin = Actor::admin();
  CHECK(admin.is_admin());
  CHECK(admin.code == "admin");
  for (Level l : {Level::grid, Level::village, Level::zone, Level::town})
    CHECK_FALSE(check_authorised(at_level(w, "litter", l, "G4"), w.ctx(admin, k_t0)).has_value());
  CHECK_FALSE(
      check_authorised(at_department(w, "dispute", "justice"), w.ctx(admin, k_t0)).has_value());
  CHECK_FALSE(check_verifier(with(intake, Status::resolved), w.ctx(admin, k_t0)).has_value());
  const Decision d = decide_escalate(at_level(w, "litter", Level::grid, "G4"), w.ctx(admin, k_t0));
  CHECK(d.get().actor == "admin");
}

TEST_CASE("Decision::get throws the refusal as an Error naming the rule") {
  World w;
  const Actor a = as(g3);
  const Decision d = decide_resolve(at_level(w, "litter", Level::grid), w.ctx(a, k_t0));
  REQUIRE_FALSE(d.allowed());
  try {
    (void)d.get();
    FAIL("get() did not throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::refused);
    CHECK(contains(e.what(), "authorisation: "));
    CHECK(contains(e.what(), "g3"));
  }
}

// ---- states ----------------------------------------------------------------------------------

TEST_CASE("closed and void cases refuse every move but reopen, naming their state") {
  World w;
  const Actor admin = Actor::admin();
  const Case base = at_level(w, "construction", Level::zone);
  for (Status s : {Status::closed, Status::voided}) {
    const Case c = with(base, s);
    const std::string state(to_string(s));
    const std::vector<Decision> ds = {
        decide_escalate(c, w.ctx(admin, k_t0)),    decide_dispatch(c, w.ctx(admin, k_t0), "Z1", ""),
        decide_whistle(c, w.ctx(admin, k_t0), cw), decide_resolve(c, w.ctx(admin, k_t0)),
        decide_close(c, w.ctx(admin, k_t0)),       decide_close(c, w.ctx(admin, k_t0), true),
        decide_void(c, w.ctx(admin, k_t0))};
    for (const Decision& d : ds) {
      CHECK_FALSE(d.allowed());
      CHECK(d.rule == "state");
      CHECK(d.code == ErrorCode::refused);
      CHECK(contains(d.reason, state));
    }
  }
  const Decision reopen_void = decide_reopen(with(base, Status::voided), w.ctx(admin, k_t0));
  CHECK_FALSE(reopen_void.allowed());
  CHECK(reopen_void.rule == "state");
  CHECK(contains(reopen_void.reason, "void"));
}

TEST_CASE("a resolved case refuses escalate, dispatch, whistle and resolve, naming its state") {
  World w;
  const Actor admin = Actor::admin();
  const Case c = with(at_level(w, "construction", Level::town), Status::resolved);
  const Case intake =
      with(at_level(w, "litter", Level::county, "G1", Source::hotline), Status::resolved);
  const std::vector<Decision> ds = {
      decide_escalate(c, w.ctx(admin, k_t0)), decide_whistle(c, w.ctx(admin, k_t0), cw),
      decide_resolve(c, w.ctx(admin, k_t0)), decide_dispatch(intake, w.ctx(admin, k_t0), "Z1", ""),
      decide_reopen(c, w.ctx(admin, k_t0))};
  for (const Decision& d : ds) {
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "state");
    CHECK(contains(d.reason, "resolved"));
  }
}

TEST_CASE("decide_reopen: an open case is refused, a closed one reopens with a fresh deadline") {
  World w;
  const Actor a = as(g1);
  const Case open = at_level(w, "dispute", Level::zone);
  const Decision no = decide_reopen(open, w.ctx(a, at_h(1)));
  CHECK_FALSE(no.allowed());
  CHECK(no.rule == "state");
  CHECK(contains(no.reason, "open"));

  const Case closed = with(open, Status::closed);
  const Decision d = decide_reopen(closed, w.ctx(a, at_h(9)));
  REQUIRE(d.allowed());
  CHECK(d.get().type == EventType::reopen);
  CHECK(d.get().deadline == at_h(9 + 72));
  CHECK(d.get().unit == "Z1");
  CHECK(apply(closed, d.get()).status == Status::open);

  const Actor other = as(g3);
  CHECK(decide_reopen(closed, w.ctx(other, at_h(9))).rule == "verification");
}

TEST_CASE("decide_void voids an open or resolved case and clears its deadline") {
  World w;
  const Actor a = as(g1);
  for (Status s : {Status::open, Status::resolved}) {
    Case c = with(at_level(w, "litter", Level::grid), s);
    c.deadline = at_h(30);
    const Decision d = decide_void(c, w.ctx(a, at_h(2)));
    REQUIRE(d.allowed());
    CHECK(d.get().type == EventType::voided);
    const Case after = apply(c, d.get());
    CHECK(after.status == Status::voided);
    CHECK_FALSE(after.deadline.has_value());
    CHECK_FALSE(is_overdue(after, at_h(100)));
  }
  const Actor other = as(g3);
  CHECK(decide_void(at_level(w, "litter", Level::grid), w.ctx(other, at_h(2))).rule ==
        "authorisation");
}

// ---- decide: the one dispatch from a move to its rule ----------------------------------------

TEST_CASE("decide sends each move to its rule and records the move's note") {
  World w;
  const Actor admin = Actor::admin();
  const auto ctx = [&](Timestamp at) {
    RuleContext c = w.ctx(admin, at);
    c.workers = [](const std::string& code) {
      return code == "cw" ? std::optional<Worker>(cw) : std::nullopt;
    };
    return c;
  };
  auto move = [](EventType type, std::string note = "n") {
    Move m;
    m.type = type;
    m.note = std::move(note);
    return m;
  };
  const Case grid = at_level(w, "dispute", Level::grid);

  const Decision up = decide(grid, ctx(at_h(1)), move(EventType::escalate, "上报"));
  REQUIRE(up.allowed());
  CHECK(up.get().type == EventType::escalate);
  CHECK(up.get().level == Level::village);
  CHECK(up.get().note == "上报");

  Move refer = move(EventType::refer);
  refer.department = "justice";
  const Decision referred = decide(at_level(w, "dispute", Level::town), ctx(at_h(1)), refer);
  REQUIRE(referred.allowed());
  CHECK(referred.get().type == EventType::refer);
  CHECK(referred.get().department == "justice");

  Move to_zone = move(EventType::dispatch);
  to_zone.unit = "Z1";
  const Case hot = at_level(w, "dispute", Level::county, "G1", Source::hotline);
  CHECK(decide(hot, ctx(at_h(1)), to_zone).get().unit == "Z1");

  Move summon = move(EventType::whistle);
  summon.worker = "cw";
  CHECK(decide(at_level(w, "dispute", Level::zone), ctx(at_h(1)), summon).get().worker == "cw");
  summon.worker = "nobody";
  const Decision unknown = decide(at_level(w, "dispute", Level::zone), ctx(at_h(1)), summon);
  CHECK(unknown.code == ErrorCode::not_found);
  CHECK(unknown.field == Field::worker);

  const Case litter = at_level(w, "litter", Level::grid);
  const Decision resolved = decide(litter, ctx(at_h(1)), move(EventType::resolve));
  CHECK(resolved.get().type == EventType::resolve);
  const Case done = apply(litter, resolved.get());
  CHECK(decide(done, ctx(at_h(2)), move(EventType::close)).get().type == EventType::close);
  CHECK(decide(done, ctx(at_h(2)), move(EventType::rework)).get().type == EventType::rework);
  const Case closed = apply(done, decide(done, ctx(at_h(2)), move(EventType::close)).get());
  CHECK(decide(closed, ctx(at_h(3)), move(EventType::reopen)).get().type == EventType::reopen);

  Move dup = move(EventType::voided, "录重了");
  dup.duplicate_of = 7;
  CHECK(decide(grid, ctx(at_h(1)), dup).get().note == "duplicate of case 7: 录重了");
  dup.duplicate_of = grid.id;
  const Decision itself = decide(grid, ctx(at_h(1)), dup);
  CHECK_FALSE(itself.allowed());
  CHECK(itself.rule == Rule::state);

  CHECK(decide(grid, ctx(at_h(1)), move(EventType::report)).rule == Rule::report);
}

TEST_CASE("a refusal names its rule and the field it concerns, and becomes an Error") {
  World w;
  Case town = at_level(w, "orphan", Level::town);
  const Decision d = decide_escalate(town, w.ctx(Actor::admin(), at_h(1)));
  REQUIRE_FALSE(d.allowed());
  CHECK(d.rule == Rule::town_calls_county_responds);
  CHECK(d.rule == "town-calls-county-responds");
  CHECK(d.field == Field::department);
  const Error e = d.error();
  CHECK(e.code() == ErrorCode::refused);
  CHECK(e.rule() == "town-calls-county-responds");
  CHECK(e.field() == "department");
  CHECK(contains(e.what(), "town-calls-county-responds: no department to refer"));
  const auto thrown = error_of([&] { (void)d.get(); });
  REQUIRE(thrown.has_value());
  CHECK(thrown->rule() == "town-calls-county-responds");

  const Decision deep = decide_escalate(at_level(w, "dispute", Level::grid),
                                        w.ctx(Actor::admin(), at_h(1)), Level::town);
  CHECK(deep.rule == Rule::level_by_level);
  CHECK(deep.field == Field::level);
  // No rule's words name a command-line flag: the library speaks of fields.
  CHECK_FALSE(contains(deep.reason, "--"));
}

TEST_CASE("every rule has a stable, distinct name") {
  std::vector<std::string> names;
  for (int r = static_cast<int>(Rule::report); r <= static_cast<int>(Rule::time); ++r)
    names.emplace_back(to_string(static_cast<Rule>(r)));
  CHECK(names == std::vector<std::string>{"report", "authorisation", "level-by-level",
                                          "town-calls-county-responds", "intake-dispatch",
                                          "whistle", "authority", "verification", "rework", "state",
                                          "time"});
}

TEST_CASE("rule 16: moves in order, and a timezone fixed once there are cases") {
  Case c;
  c.id = 4;
  CHECK_FALSE(check_in_order(c, at_h(2), at_h(2)).has_value());
  const auto early = check_in_order(c, at_h(2), at_h(1));
  REQUIRE(early.has_value());
  CHECK(early->rule == Rule::time);
  CHECK(early->field == Field::at);
  CHECK(contains(early->reason, "case 4's last event"));

  const std::chrono::minutes china(8 * 60);
  CHECK_FALSE(check_timezone(china, std::chrono::minutes(0), false).has_value());
  CHECK_FALSE(check_timezone(china, china, true).has_value());
  const auto moved = check_timezone(china, std::chrono::minutes(0), true);
  REQUIRE(moved.has_value());
  CHECK(moved->rule == Rule::timezone);
  CHECK(contains(moved->error().what(), "timezone: the database has cases recorded in +08:00"));
}
