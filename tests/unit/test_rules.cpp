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

// ---- rules 9 and 13 to 16 on the 2026 calendar -----------------------------------------------

namespace {

/// A local time at +08:00 (the built-in policy's timezone).
Timestamp local(const char* text) {
  const auto t = parse_time(text, std::chrono::hours(8));
  REQUIRE(t.has_value());
  return *t;
}

/// A time as the policy shows it, or "none".
std::string shown(const std::optional<Timestamp>& t) {
  return t ? format_time(*t, std::chrono::hours(8)) : std::string("none");
}

/// The world's policy on the built-in 2026 calendar (中秋 09-25..27, 国庆 10-01..07, 09-20 and
/// 10-10 worked), with case limits (办结时限): dispute 2wd, fire 24h natural, the others
/// [deadlines].case (15wd).
void use_2026(World& w) {
  w.pol.calendar = default_policy().calendar;
  REQUIRE(w.pol.deadlines.case_limit == Duration::days_of_work(15));
  REQUIRE(w.pol.deadlines.max_extension == Duration::days_of_work(10));
  REQUIRE(w.pol.backfill == Duration(hours(24)));
  for (Category& c : w.pol.categories) {
    if (c.code == "dispute") c.limit = Duration::days_of_work(2);
    if (c.code == "fire") c.limit = Duration(hours(24));
  }
}

/// A case reported by admin at `at`.
Case reported(World& w, std::string category, Timestamp at, std::string grid = "G1",
              Source source = Source::patrol) {
  const Actor admin = Actor::admin();
  Case c = draft(std::move(category), std::move(grid), source);
  c.reported_at = at;
  return apply(c, decide_report(c, w.ctx(admin, at)).get());
}

Move move_of(EventType type) {
  Move m;
  m.type = type;
  return m;
}

const Duration k_1wd = Duration::days_of_work(1);
const Duration k_2wd = Duration::days_of_work(2);

}  // namespace

// ---- rule 9: due (办结时限) ---------------------------------------------------------------------

TEST_CASE("rule 9: decide_report gives a patrol problem a due from its category's limit") {
  World w;
  use_2026(w);
  const Actor a = as(g1);
  const Timestamp thu = local("2026-09-24T09:00:00");

  // No limit of its own: [deadlines].case, 15 working days: 09-28..30, 10-08..10, 10-12..16,
  // 10-19..22.
  const Decision litter = decide_report(draft("litter"), w.ctx(a, thu));
  REQUIRE(litter.allowed());
  CHECK(shown(litter.get().due) == "2026-10-23T00:00:00+08:00");
  CHECK(litter.get().due == w.pol.after(thu, w.pol.deadlines.case_limit));
  CHECK(litter.get().deadline == thu + hours(24));  // the stage limit is another clock

  // 2wd: 09-25 is 中秋, 09-26/27 the weekend, so 09-28 and 09-29.
  const Decision dispute = decide_report(draft("dispute"), w.ctx(a, thu));
  REQUIRE(dispute.allowed());
  CHECK(shown(dispute.get().due) == "2026-09-30T00:00:00+08:00");
  CHECK(apply(draft("dispute"), dispute.get()).due == local("2026-09-30T00:00:00"));

  // 24h natural.
  const Decision fire = decide_report(draft("fire"), w.ctx(a, thu));
  REQUIRE(fire.allowed());
  CHECK(shown(fire.get().due) == "2026-09-25T09:00:00+08:00");

  // [deadlines].case is the policy's, not a constant.
  w.pol.deadlines.case_limit = Duration::days_of_work(3);
  CHECK(shown(decide_report(draft("litter"), w.ctx(a, thu)).get().due) ==
        "2026-10-01T00:00:00+08:00");
}

TEST_CASE("rule 9: an info case and a hotline or petition case get no due at their report") {
  World w;
  use_2026(w);
  const Timestamp thu = local("2026-09-24T09:00:00");
  const Actor a = as(g1);
  const Case info = draft("dispute", "G1", Source::patrol, Kind::info);
  const Decision d = decide_report(info, w.ctx(a, thu));
  REQUIRE(d.allowed());
  CHECK_FALSE(d.get().due.has_value());
  CHECK_FALSE(apply(info, d.get()).due.has_value());

  const Actor county = as(cz1);
  for (Source s : {Source::hotline, Source::petition}) {
    const Case dr = draft("dispute", "G1", s);
    const Decision in = decide_report(dr, w.ctx(county, thu));
    REQUIRE(in.allowed());
    CHECK_FALSE(in.get().due.has_value());
    CHECK(in.get().deadline == thu + hours(168));  // the county platform's stage limit runs
    CHECK_FALSE(apply(dr, in.get()).due.has_value());
  }
}

TEST_CASE("rule 9: an intake case's due runs from its first dispatch, a second keeps it") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  const Case hot = reported(w, "dispute", local("2026-09-24T09:00:00"), "G1", Source::hotline);
  REQUIRE_FALSE(hot.due.has_value());

  // Dispatched on Monday 09-28: 2wd are 09-29 and 09-30.
  const Timestamp mon = local("2026-09-28T10:00:00");
  const Decision first = decide_dispatch(hot, w.ctx(admin, mon), "", "justice");
  REQUIRE(first.allowed());
  CHECK(shown(first.get().due) == "2026-10-01T00:00:00+08:00");
  const Case at_justice = apply(hot, first.get());
  CHECK(at_justice.due == local("2026-10-01T00:00:00"));

  // Sent on to the zone two days later (still an intake case at the county): due stays.
  const Decision second =
      decide_dispatch(at_justice, w.ctx(admin, local("2026-09-30T16:00:00")), "Z1", "");
  REQUIRE(second.allowed());
  CHECK(second.get().unit == "Z1");
  CHECK(shown(second.get().due) == "2026-10-01T00:00:00+08:00");
  CHECK(apply(at_justice, second.get()).due == first.get().due);

  // A first dispatch to a unit starts it the same way; a petition too.
  const Decision to_zone = decide_dispatch(hot, w.ctx(admin, mon), "Z1", "");
  REQUIRE(to_zone.allowed());
  CHECK(shown(to_zone.get().due) == "2026-10-01T00:00:00+08:00");
  const Case pet = reported(w, "litter", local("2026-09-24T09:00:00"), "G3", Source::petition);
  const Decision pet_d = decide_dispatch(pet, w.ctx(admin, mon), "G3", "");
  REQUIRE(pet_d.allowed());
  CHECK(pet_d.get().due == w.pol.after(mon, Duration::days_of_work(15)));
}

TEST_CASE("rule 9: escalate, rework and reopen keep the case's due") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  const Case c = reported(w, "dispute", local("2026-09-24T09:00:00"));
  const Timestamp due = local("2026-09-30T00:00:00");
  REQUIRE(c.due == due);

  const Timestamp up_at = local("2026-09-24T12:00:00");
  const Decision up = decide_escalate(c, w.ctx(admin, up_at));
  REQUIRE(up.allowed());
  CHECK(up.get().deadline == up_at + hours(48));              // the stage limit starts again...
  CHECK(shown(up.get().due) == "2026-09-30T00:00:00+08:00");  // ...the case's does not
  const Case village = apply(c, up.get());
  CHECK(village.due == due);

  const Case resolved =
      apply(village, decide_resolve(village, w.ctx(admin, local("2026-09-25T10:00:00"))).get());
  REQUIRE(resolved.status == Status::resolved);
  CHECK(resolved.due == due);

  const Timestamp rework_at = local("2026-09-28T10:00:00");
  const Decision rework = decide_close(resolved, w.ctx(admin, rework_at), true);
  REQUIRE(rework.allowed());
  CHECK(rework.get().type == EventType::rework);
  CHECK(rework.get().deadline == rework_at + hours(48));
  CHECK(shown(rework.get().due) == "2026-09-30T00:00:00+08:00");
  CHECK(apply(resolved, rework.get()).due == due);

  const Case closed =
      apply(resolved, decide_close(resolved, w.ctx(admin, local("2026-09-28T11:00:00"))).get());
  REQUIRE(closed.status == Status::closed);
  const Timestamp reopen_at = local("2026-10-12T10:00:00");
  const Decision reopen = decide_reopen(closed, w.ctx(admin, reopen_at));
  REQUIRE(reopen.allowed());
  CHECK(reopen.get().deadline == reopen_at + hours(48));
  CHECK(shown(reopen.get().due) == "2026-09-30T00:00:00+08:00");
  CHECK(apply(closed, reopen.get()).due == due);
}

// ---- rule 13: extend (延期) ---------------------------------------------------------------------

TEST_CASE("rule 13: decide_extend moves due by working days or by natural time") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  Case c = at_level(w, "litter", Level::grid);
  c.due = local("2026-09-30T00:00:00");  // the end of 09-29
  const Timestamp asked = local("2026-09-29T10:00:00");

  // 2wd after the day that ended (09-29): 09-30, then 国庆, then 10-08.
  const Decision wd = decide_extend(c, w.ctx(admin, asked), k_2wd);
  REQUIRE(wd.allowed());
  const Event& e = wd.get();
  CHECK(e.type == EventType::extend);
  CHECK(e.at == asked);
  CHECK(e.actor == "admin");
  CHECK(e.extension == k_2wd);
  CHECK(shown(e.due) == "2026-10-09T00:00:00+08:00");
  CHECK(e.due == w.pol.moved_out(*c.due, k_2wd));
  CHECK(e.deadline == c.deadline);  // the stage limit is not extended
  CHECK(e.level == c.level);
  CHECK(e.unit == c.unit);
  const Case after = apply(c, e);
  CHECK(after.due == local("2026-10-09T00:00:00"));
  CHECK(after.extensions == std::vector<Duration>{k_2wd});
  CHECK(after.status == Status::open);

  // The calendar header's own example: a due of 10-14T00:00 by 2wd is 10-16T00:00.
  Case mid = c;
  mid.due = local("2026-10-14T00:00:00");
  CHECK(shown(decide_extend(mid, w.ctx(admin, asked), k_2wd).get().due) ==
        "2026-10-16T00:00:00+08:00");
  // A due in the middle of a day ends that day first: 10-14T15:00 by 1wd is 10-16T00:00.
  mid.due = local("2026-10-14T15:00:00");
  CHECK(shown(decide_extend(mid, w.ctx(admin, asked), k_1wd).get().due) ==
        "2026-10-16T00:00:00+08:00");

  // Natural time is added as it is.
  const Decision nat = decide_extend(c, w.ctx(admin, asked), Duration(hours(36)));
  REQUIRE(nat.allowed());
  CHECK(shown(nat.get().due) == "2026-10-01T12:00:00+08:00");

  // A second extension adds to the first.
  const Decision again = decide_extend(after, w.ctx(admin, asked), Duration(hours(36)));
  REQUIRE(again.allowed());
  CHECK(shown(again.get().due) == "2026-10-10T12:00:00+08:00");
  CHECK(apply(after, again.get()).extensions == std::vector<Duration>{k_2wd, Duration(hours(36))});
}

TEST_CASE("rule 13: decide_extend is for admin and a worker above the case's holder") {
  World w;
  use_2026(w);
  const Timestamp at = local("2026-09-22T10:00:00");
  const Actor admin = Actor::admin();
  const Actor town1 = as(t1);  // a town worker at zone Z1 (above G1's village and grid)
  const Actor town2 = as(t2);  // a town worker at town T2
  const Actor holder = as(g1);
  const Case grid = at_level(w, "litter", Level::grid);
  REQUIRE(grid.due.has_value());
  REQUIRE(*grid.due > at);

  CHECK(decide_extend(grid, w.ctx(admin, at), k_1wd).allowed());
  CHECK(decide_extend(grid, w.ctx(town1, at), k_1wd).allowed());
  CHECK(decide_extend(at_level(w, "litter", Level::village), w.ctx(town1, at), k_1wd).allowed());
  CHECK(decide_extend(at_level(w, "litter", Level::zone, "G4"), w.ctx(town2, at), k_1wd).allowed());

  // The grid's own worker holds the case: not above it.
  const Decision own = decide_extend(grid, w.ctx(holder, at), k_1wd);
  CHECK_FALSE(own.allowed());
  CHECK(own.rule == "authorisation");
  CHECK(own.field == Field::actor);
  CHECK(contains(own.reason, "g1"));
  // A town worker's unit must be above the case's level and contain its grid.
  CHECK(decide_extend(at_level(w, "litter", Level::zone), w.ctx(town1, at), k_1wd).rule ==
        "authorisation");
  CHECK(decide_extend(at_level(w, "litter", Level::grid, "G4"), w.ctx(town1, at), k_1wd).rule ==
        "authorisation");
  CHECK(decide_extend(at_level(w, "litter", Level::town, "G4"), w.ctx(town2, at), k_1wd).rule ==
        "authorisation");

  // At a department: not its own county workers, but those of another department.
  const Case referred = at_department(w, "construction", "housing", "G1");
  REQUIRE(referred.due.has_value());
  for (const Worker* wk : {&cz3, &cz1}) {  // housing, elsewhere and in the case's own zone
    const Actor a = as(*wk);
    const Decision d = decide_extend(referred, w.ctx(a, at), k_1wd);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "authorisation");
    CHECK(contains(d.reason, "housing"));
  }
  const Actor justice = as(cj3);
  CHECK(decide_extend(referred, w.ctx(justice, at), k_1wd).allowed());
  CHECK(decide_extend(referred, w.ctx(admin, at), k_1wd).allowed());
  CHECK(is_above_holder(cj3, referred, w.tree));
  CHECK_FALSE(is_above_holder(cz3, referred, w.tree));
  CHECK(is_above_holder(cz3, grid, w.tree));  // any county worker is above a case below county
  CHECK_FALSE(is_above_holder(t1, referred, w.tree));
}

TEST_CASE("rule 13: an extension is asked before due passes, and while the case has one") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  Case c = at_level(w, "litter", Level::grid);
  c.due = local("2026-09-30T00:00:00");

  CHECK(decide_extend(c, w.ctx(admin, local("2026-09-30T00:00:00")), k_1wd).allowed());
  const Decision late = decide_extend(c, w.ctx(admin, local("2026-09-30T00:00:01")), k_1wd);
  CHECK_FALSE(late.allowed());
  CHECK(late.rule == "extension");
  CHECK(late.field == Field::at);
  CHECK(late.code == ErrorCode::refused);
  CHECK(contains(late.reason, "2026-09-30T00:00:00+08:00"));

  // An intake case not yet dispatched has no due to move.
  const Case hot = at_level(w, "litter", Level::county, "G1", Source::hotline);
  REQUIRE_FALSE(hot.due.has_value());
  const Decision none = decide_extend(hot, w.ctx(admin, local("2026-09-22T10:00:00")), k_1wd);
  CHECK_FALSE(none.allowed());
  CHECK(none.rule == "extension");

  // Not on a closed case.
  CHECK(decide_extend(with(c, Status::closed), w.ctx(admin, local("2026-09-29T10:00:00")), k_1wd)
            .rule == "state");
}

TEST_CASE("rule 13: a case's extensions total at most the policy's max_extension") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  const Timestamp at = local("2026-09-29T10:00:00");
  Case c = at_level(w, "litter", Level::grid);
  c.due = local("2026-09-30T00:00:00");
  c.extensions = {Duration::days_of_work(8)};

  CHECK(decide_extend(c, w.ctx(admin, at), k_2wd).allowed());  // 10wd: the cap itself
  const Decision over = decide_extend(c, w.ctx(admin, at), Duration::days_of_work(3));
  CHECK_FALSE(over.allowed());
  CHECK(over.rule == "extension");
  CHECK(over.field == Field::by);
  CHECK(over.error().field() == "by");
  CHECK(contains(over.reason, "11wd"));
  CHECK(contains(over.reason, "10wd"));

  // Natural time against a cap in working days: each started day is one working day.
  c.extensions = {Duration::days_of_work(9)};
  CHECK(decide_extend(c, w.ctx(admin, at), Duration(hours(24))).allowed());
  const Decision nat = decide_extend(c, w.ctx(admin, at), Duration(hours(25)));
  CHECK_FALSE(nat.allowed());
  CHECK(nat.rule == "extension");
  CHECK(nat.field == Field::by);

  // The cap is the policy's.
  w.pol.deadlines.max_extension = Duration::days_of_work(12);
  CHECK(decide_extend(c, w.ctx(admin, at), Duration::days_of_work(3)).allowed());
}

TEST_CASE("rule 13: exceeds_cap counts natural days against a cap in working days") {
  const Duration cap = Duration::days_of_work(10);
  CHECK_FALSE(exceeds_cap({}, cap));
  CHECK_FALSE(exceeds_cap({Duration::days_of_work(10)}, cap));
  CHECK(exceeds_cap({Duration::days_of_work(11)}, cap));
  CHECK_FALSE(exceeds_cap({Duration::days_of_work(4), Duration::days_of_work(6)}, cap));
  CHECK(exceeds_cap({Duration::days_of_work(4), Duration::days_of_work(7)}, cap));
  // Each started natural day counts as one working day.
  CHECK_FALSE(exceeds_cap({Duration(hours(240))}, cap));
  CHECK(exceeds_cap({Duration(hours(240) + std::chrono::minutes(1))}, cap));
  CHECK_FALSE(exceeds_cap({Duration(std::chrono::minutes(1))}, Duration::days_of_work(1)));
  CHECK(exceeds_cap({Duration(std::chrono::minutes(1)), Duration(std::chrono::minutes(1))},
                    Duration::days_of_work(1)));
  CHECK(exceeds_cap({Duration::days_of_work(9), Duration(hours(25))}, cap));
  CHECK_FALSE(exceeds_cap({Duration::days_of_work(9), Duration(hours(24))}, cap));
  // Against a natural cap, a working day counts as one day.
  const Duration natural_cap = Duration(hours(72));
  CHECK_FALSE(exceeds_cap({Duration::days_of_work(3)}, natural_cap));
  CHECK(exceeds_cap({Duration::days_of_work(3), Duration(std::chrono::minutes(1))}, natural_cap));
  CHECK(exceeds_cap({Duration(hours(73))}, natural_cap));
}

// ---- rule 14: suspend and resume (挂账) ---------------------------------------------------------

TEST_CASE("rule 14: decide_suspend is for town and county workers whose scope holds the case") {
  World w;
  use_2026(w);
  const Case c = at_level(w, "litter", Level::grid);  // G1, town T1, zone Z1
  const Timestamp at = local("2026-09-22T10:00:00");

  for (const Worker* wk : {&t1, &cz1, &ccl}) {
    CAPTURE(wk->code);
    const Actor a = as(*wk);
    const Decision d = decide_suspend(c, w.ctx(a, at));
    REQUIRE(d.allowed());
    CHECK(d.get().type == EventType::suspend);
    CHECK(d.get().actor == wk->code);
  }
  const Actor admin = Actor::admin();
  const Decision d = decide_suspend(c, w.ctx(admin, at));
  REQUIRE(d.allowed());
  const Case s = apply(c, d.get());
  CHECK(s.suspended());
  CHECK(s.suspended_since == at);
  CHECK(s.due == c.due);
  CHECK(s.deadline == c.deadline);
  CHECK(s.status == Status::open);
  CHECK_FALSE(is_overdue(s, local("2027-01-01T00:00:00")));

  const Actor grid = as(g1);
  const Decision by_grid = decide_suspend(c, w.ctx(grid, at));
  CHECK_FALSE(by_grid.allowed());
  CHECK(by_grid.rule == "authorisation");
  CHECK(by_grid.field == Field::actor);
  for (const Worker* wk : {&t2, &cz3}) {  // another town, another zone
    CAPTURE(wk->code);
    const Actor a = as(*wk);
    CHECK(decide_suspend(c, w.ctx(a, at)).rule == "authorisation");
  }
  CHECK(decide_suspend(with(c, Status::closed), w.ctx(admin, at)).rule == "state");
}

TEST_CASE("rule 14: a suspended case refuses every move but resume and void") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  const Case open = at_level(w, "dispute", Level::zone);
  const Case s =
      apply(open, decide_suspend(open, w.ctx(admin, local("2026-09-22T10:00:00"))).get());
  REQUIRE(s.suspended());
  const RuleContext ctx = w.ctx(admin, local("2026-09-23T10:00:00"));

  for (EventType t :
       {EventType::escalate, EventType::refer, EventType::dispatch, EventType::whistle,
        EventType::resolve, EventType::close, EventType::rework, EventType::reopen,
        EventType::extend, EventType::suspend, EventType::supervise, EventType::urge}) {
    CAPTURE(to_string(t));
    Move m = move_of(t);
    m.department = "justice";
    m.unit = "Z1";
    m.worker = "cw";
    m.extension = k_1wd;
    m.supervision_by = local("2026-09-30T10:00:00");
    const Decision d = decide(s, ctx, m);
    CHECK_FALSE(d.allowed());
    CHECK(d.rule == "suspension");
    CHECK(d.code == ErrorCode::refused);
    CHECK(contains(d.reason, "2026-09-22T10:00:00+08:00"));
    CHECK(contains(d.reason, "resume"));
  }
  // The same moves are fine on the case that is not suspended.
  CHECK(decide(open, ctx, move_of(EventType::escalate)).allowed());
  CHECK(decide(open, ctx, move_of(EventType::urge)).allowed());

  const Decision resume = decide(s, ctx, move_of(EventType::resume));
  REQUIRE(resume.allowed());
  CHECK(resume.get().type == EventType::resume);
  CHECK_FALSE(apply(s, resume.get()).suspended());
  const Decision voided = decide(s, ctx, move_of(EventType::voided));
  REQUIRE(voided.allowed());
  const Case v = apply(s, voided.get());
  CHECK(v.status == Status::voided);
  CHECK_FALSE(v.suspended());
}

TEST_CASE("rule 14: resume is refused on a case not suspended, and for a grid worker") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  const Case open = at_level(w, "litter", Level::grid);
  const Decision d = decide_resume(open, w.ctx(admin, local("2026-09-22T10:00:00")));
  CHECK_FALSE(d.allowed());
  CHECK(d.rule == "suspension");
  CHECK(contains(d.reason, "not suspended"));
  CHECK(decide(open, w.ctx(admin, local("2026-09-22T10:00:00")), move_of(EventType::resume)).rule ==
        "suspension");

  const Actor town = as(t1);
  const Case s = apply(open, decide_suspend(open, w.ctx(town, local("2026-09-22T10:00:00"))).get());
  const Actor grid = as(g1);
  CHECK(decide_resume(s, w.ctx(grid, local("2026-09-23T10:00:00"))).rule == "authorisation");
  const Actor other = as(t2);
  CHECK(decide_resume(s, w.ctx(other, local("2026-09-23T10:00:00"))).rule == "authorisation");
  CHECK(decide_resume(s, w.ctx(town, local("2026-09-23T10:00:00"))).allowed());
}

TEST_CASE("rule 14: resume moves natural limits by the time the case was suspended") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  // fire: due 24h, stage deadline 12h, both natural.
  const Case c = reported(w, "fire", local("2026-09-24T09:00:00"));
  REQUIRE(shown(c.due) == "2026-09-25T09:00:00+08:00");
  REQUIRE(shown(c.deadline) == "2026-09-24T21:00:00+08:00");
  const Case s = apply(c, decide_suspend(c, w.ctx(admin, local("2026-09-24T11:00:00"))).get());
  const Decision d = decide_resume(s, w.ctx(admin, local("2026-09-24T14:30:00")));
  REQUIRE(d.allowed());
  CHECK(shown(d.get().due) == "2026-09-25T12:30:00+08:00");
  CHECK(shown(d.get().deadline) == "2026-09-25T00:30:00+08:00");
  const Case r = apply(s, d.get());
  CHECK_FALSE(r.suspended());
  CHECK(r.due == local("2026-09-25T12:30:00"));
  CHECK(r.deadline == local("2026-09-25T00:30:00"));

  // Resumed at the very time it was suspended: nothing moves.
  const Decision at_once = decide_resume(s, w.ctx(admin, local("2026-09-24T11:00:00")));
  REQUIRE(at_once.allowed());
  CHECK(at_once.get().due == c.due);
  CHECK(at_once.get().deadline == c.deadline);
}

TEST_CASE("rule 14: resume moves a working-day due by the working days that passed") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  // litter: due 15wd (10-23T00:00), stage deadline 24h natural (09-25T09:00).
  const Case c = reported(w, "litter", local("2026-09-24T09:00:00"));
  REQUIRE(shown(c.due) == "2026-10-23T00:00:00+08:00");
  REQUIRE(shown(c.deadline) == "2026-09-25T09:00:00+08:00");

  // Suspended Thursday 09-24 10:00, resumed Tuesday 09-29 15:00: 09-25 is 中秋 and 09-26/27 the
  // weekend, so two working days passed (09-28, 09-29).
  const Timestamp since = local("2026-09-24T10:00:00");
  const Timestamp until = local("2026-09-29T15:00:00");
  CHECK(working_days_between(w.pol.calendar, w.pol.utc_offset, since, until) == 2);
  const Case s = apply(c, decide_suspend(c, w.ctx(admin, since)).get());
  const Decision d = decide_resume(s, w.ctx(admin, until));
  REQUIRE(d.allowed());
  // 10-23T00:00 ends 10-22; two working days on: 10-23, 10-26.
  CHECK(shown(d.get().due) == "2026-10-27T00:00:00+08:00");
  CHECK(d.get().due == w.pol.moved_out(*c.due, k_2wd));
  // The natural stage deadline moves by the natural 5d5h.
  CHECK(shown(d.get().deadline) == "2026-09-30T14:00:00+08:00");

  // Over a weekend only, no working day passes: the due stays, the natural deadline moves.
  Case weekend = c;
  weekend.due = local("2026-10-23T00:00:00");
  weekend.deadline = local("2026-10-17T09:00:00");
  const Case ws =
      apply(weekend, decide_suspend(weekend, w.ctx(admin, local("2026-10-16T18:00:00"))).get());
  const Decision wr = decide_resume(ws, w.ctx(admin, local("2026-10-18T10:00:00")));
  REQUIRE(wr.allowed());
  CHECK(shown(wr.get().due) == "2026-10-23T00:00:00+08:00");
  CHECK(shown(wr.get().deadline) == "2026-10-19T01:00:00+08:00");  // 40 hours

  // Over 国庆, the make-up Saturday 10-10 counts: 09-30 to 10-10 is 10-08, 10-09, 10-10.
  const Case hs =
      apply(weekend, decide_suspend(weekend, w.ctx(admin, local("2026-09-30T09:00:00"))).get());
  const Decision hr = decide_resume(hs, w.ctx(admin, local("2026-10-10T09:00:00")));
  REQUIRE(hr.allowed());
  CHECK(shown(hr.get().due) == "2026-10-28T00:00:00+08:00");  // 10-23, 10-26, 10-27
}

// ---- rule 15: supervise (限期督办) and urge (催办) ----------------------------------------------

TEST_CASE("rule 15: decide_supervise is the county's and sets a time still to come") {
  World w;
  use_2026(w);
  const Case c = at_level(w, "construction", Level::town);  // T1
  const Timestamp at = local("2026-09-22T10:00:00");
  const Timestamp by = local("2026-09-25T18:00:00");

  const Actor county = as(cz1);
  const Decision d = decide_supervise(c, w.ctx(county, at), by);
  REQUIRE(d.allowed());
  CHECK(d.get().type == EventType::supervise);
  CHECK(d.get().supervision_by == by);
  CHECK(d.get().actor == "cz1");
  CHECK(d.get().due == c.due);
  CHECK(d.get().deadline == c.deadline);
  const Case s = apply(c, d.get());
  REQUIRE(s.supervision.has_value());
  CHECK(s.supervision->by == by);
  CHECK_FALSE(is_supervision_overdue(s, by));
  CHECK(is_supervision_overdue(s, by + std::chrono::seconds(1)));

  const Actor admin = Actor::admin();
  CHECK(decide_supervise(c, w.ctx(admin, at), by).allowed());
  const Actor other_county = as(cj3);  // any county-tier worker
  CHECK(decide_supervise(c, w.ctx(other_county, at), by).allowed());
  // A resolved case awaiting verification may be put under an order too.
  CHECK(decide_supervise(with(c, Status::resolved), w.ctx(admin, at), by).allowed());

  for (const Worker* wk : {&t1, &g1}) {
    CAPTURE(wk->code);
    const Actor a = as(*wk);
    const Decision no = decide_supervise(c, w.ctx(a, at), by);
    CHECK_FALSE(no.allowed());
    CHECK(no.rule == "authorisation");
    CHECK(no.field == Field::actor);
  }

  for (Timestamp when : {at, at - hours(1)}) {
    const Decision past = decide_supervise(c, w.ctx(admin, at), when);
    CHECK_FALSE(past.allowed());
    CHECK(past.rule == "supervision");
    CHECK(past.field == Field::by);
  }
  CHECK(decide_supervise(c, w.ctx(admin, at), at + std::chrono::seconds(1)).allowed());
  // The clock is when the order is recorded, when that is later than its time.
  RuleContext recorded = w.ctx(admin, at);
  recorded.recorded_at = by + hours(1);
  const Decision stale = decide_supervise(c, recorded, by);
  CHECK(stale.rule == "supervision");
  CHECK(stale.field == Field::by);

  for (Status st : {Status::closed, Status::voided}) {
    const Decision no = decide_supervise(with(c, st), w.ctx(admin, at), by);
    CHECK_FALSE(no.allowed());
    CHECK(no.rule == "state");
  }

  // Through decide: the move carries the time, and one without it is a usage error.
  Move m = move_of(EventType::supervise);
  m.supervision_by = by;
  m.note = "限期办结";
  const Decision via = decide(c, w.ctx(admin, at), m);
  REQUIRE(via.allowed());
  CHECK(via.get().supervision_by == by);
  CHECK(apply(c, via.get()).supervision == Supervision{by, "限期办结"});
  const Decision missing = decide(c, w.ctx(admin, at), move_of(EventType::supervise));
  CHECK(missing.rule == "supervision");
  CHECK(missing.field == Field::by);
  CHECK(missing.code == ErrorCode::usage);
}

TEST_CASE("rule 15: decide_urge is for a worker above the holder, or admin") {
  World w;
  use_2026(w);
  const Timestamp at = local("2026-09-22T10:00:00");
  const Case grid = at_level(w, "litter", Level::grid);  // held by G1

  const Actor admin = Actor::admin();
  const Decision d = decide_urge(grid, w.ctx(admin, at));
  REQUIRE(d.allowed());
  CHECK(d.get().type == EventType::urge);
  CHECK(d.get().unit == "G1");
  CHECK(d.get().due == grid.due);
  // A reminder changes nothing on the case but the moment its history last counted.
  Case urged = apply(grid, d.get());
  CHECK(urged.facts.last_counted_at == at);
  urged.facts.last_counted_at = grid.facts.last_counted_at;
  CHECK(urged == grid);

  for (const Worker* wk : {&t1, &cz1}) {
    CAPTURE(wk->code);
    const Actor a = as(*wk);
    CHECK(decide_urge(grid, w.ctx(a, at)).allowed());
  }
  const Actor holder = as(g1);
  const Decision own = decide_urge(grid, w.ctx(holder, at));
  CHECK_FALSE(own.allowed());
  CHECK(own.rule == "authorisation");
  CHECK(own.field == Field::actor);
  const Actor zone_holder = as(t1);
  CHECK(decide_urge(at_level(w, "litter", Level::zone), w.ctx(zone_holder, at)).rule ==
        "authorisation");

  const Case referred = at_department(w, "construction", "housing", "G1");
  const Actor same = as(cz3);
  CHECK(decide_urge(referred, w.ctx(same, at)).rule == "authorisation");
  const Actor other = as(cj3);
  CHECK(decide_urge(referred, w.ctx(other, at)).allowed());

  CHECK(decide_urge(with(grid, Status::closed), w.ctx(admin, at)).rule == "state");
}

// ---- rule 16: late records -------------------------------------------------------------------

TEST_CASE("rule 16: a move recorded more than backfill after its time is a late record") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  const Case c = at_level(w, "fire", Level::grid);
  const Timestamp at = local("2026-09-22T10:00:00");

  RuleContext late = w.ctx(admin, at);
  late.recorded_at = at + hours(24) + std::chrono::seconds(1);
  CHECK(late.late());
  CHECK(late.counted() == *late.recorded_at);
  const Decision urge = decide_urge(c, late);
  REQUIRE(urge.allowed());
  CHECK(urge.get().late_record);
  CHECK(urge.get().at == at);
  const Decision up = decide_escalate(c, late);
  REQUIRE(up.allowed());
  CHECK(up.get().late_record);

  for (const auto delay : {hours(24), hours(1), hours(0)}) {
    RuleContext timely = w.ctx(admin, at);
    timely.recorded_at = at + delay;
    CHECK_FALSE(timely.late());
    CHECK(timely.counted() == at);
    CHECK_FALSE(decide_urge(c, timely).get().late_record);
  }

  // Imports keep their source's times: no recorded_at, never late.
  RuleContext imported = w.ctx(admin, local("2026-01-05T10:00:00"));
  CHECK_FALSE(imported.recorded_at.has_value());
  CHECK_FALSE(imported.late());
  CHECK(imported.counted() == local("2026-01-05T10:00:00"));
  CHECK_FALSE(decide_urge(c, imported).get().late_record);

  // The backfill is the policy's.
  w.pol.backfill = Duration(hours(48));
  CHECK_FALSE(late.late());
  CHECK(late.counted() == at);
}

TEST_CASE("rule 16: a late record counts at its recorded time for extensions and suspensions") {
  World w;
  use_2026(w);
  const Actor admin = Actor::admin();
  Case c = at_level(w, "fire", Level::grid);
  c.due = local("2026-09-23T10:00:00");
  c.deadline = local("2026-09-23T06:00:00");

  // Asked before due, but recorded two days later: it counts after due.
  RuleContext late = w.ctx(admin, local("2026-09-23T09:00:00"));
  late.recorded_at = local("2026-09-25T09:00:00");
  const Decision ext = decide_extend(c, late, k_1wd);
  CHECK_FALSE(ext.allowed());
  CHECK(ext.rule == "extension");
  CHECK(ext.field == Field::at);
  CHECK(decide_extend(c, w.ctx(admin, local("2026-09-23T09:00:00")), k_1wd).allowed());

  // Suspended on time at 09-22T10:00, resumed at 12:00 but recorded late at 09-23T13:00 (25h
  // after): the natural clocks move by the 27 hours up to the record.
  const Case s = apply(c, decide_suspend(c, w.ctx(admin, local("2026-09-22T10:00:00"))).get());
  RuleContext resume = w.ctx(admin, local("2026-09-22T12:00:00"));
  resume.recorded_at = local("2026-09-23T13:00:00");
  const Decision r = decide_resume(s, resume);
  REQUIRE(r.allowed());
  CHECK(r.get().late_record);
  CHECK(shown(r.get().due) == "2026-09-24T13:00:00+08:00");
  CHECK(shown(r.get().deadline) == "2026-09-24T09:00:00+08:00");
  // Recorded exactly the backfill (24h) after: on time, counted at its own time.
  resume.recorded_at = local("2026-09-23T12:00:00");
  const Decision timely = decide_resume(s, resume);
  REQUIRE(timely.allowed());
  CHECK_FALSE(timely.get().late_record);
  CHECK(shown(timely.get().due) == "2026-09-23T12:00:00+08:00");

  // A late suspend, as the service stores it (recorded_at filled in), starts at its record.
  RuleContext late_suspend = w.ctx(admin, local("2026-09-22T10:00:00"));
  late_suspend.recorded_at = local("2026-09-23T11:00:00");
  Event e = decide_suspend(c, late_suspend).get();
  CHECK(e.late_record);
  e.recorded_at = *late_suspend.recorded_at;
  CHECK(apply(c, e).suspended_since == local("2026-09-23T11:00:00"));
}
