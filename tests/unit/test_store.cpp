#include "gridgov/store.hpp"

#include <doctest/doctest.h>

#include "gridgov/version.hpp"
#include "helpers.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;
namespace fs = std::filesystem;

namespace {

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Overwrites the big-endian 32-bit integer at `offset` of the SQLite header.
void patch_header(const std::string& path, std::size_t offset, std::uint32_t value) {
  std::string bytes = bytes_of(path);
  REQUIRE(bytes.size() >= 100);
  REQUIRE(bytes.compare(0, 16, std::string("SQLite format 3\0", 16)) == 0);
  for (int i = 0; i < 4; ++i)
    bytes[offset + static_cast<std::size_t>(i)] = static_cast<char>((value >> (24 - 8 * i)) & 0xff);
  write_bytes(path, bytes);
}

Unit unit(std::string code, Level level, std::string parent,
          std::optional<long long> households = std::nullopt) {
  Unit u;
  u.code = code;
  u.name = "名称" + code;
  u.level = level;
  u.parent = std::move(parent);
  u.households = households;
  return u;
}

/// C ─ T1 ─ Z1 ─ V1 ─ G1, G2;  T1 ─ Z2;  C ─ T2
void add_tree(Store& s) {
  s.add_unit(unit("C", Level::county, ""));
  s.add_unit(unit("T2", Level::town, "C"));
  s.add_unit(unit("T1", Level::town, "C"));
  s.add_unit(unit("Z2", Level::zone, "T1"));
  s.add_unit(unit("Z1", Level::zone, "T1"));
  s.add_unit(unit("V1", Level::village, "Z1"));
  s.add_unit(unit("G2", Level::grid, "V1", 20));
  s.add_unit(unit("G1", Level::grid, "V1", 10));
}

/// The backends the conformance suite runs on: each gives a fresh empty store, and opens the
/// database named by a scratch file path as its own URL (a new backend adds a struct here).
struct SqliteBackend {
  static int newest_schema() { return schema_version(); }
  static std::unique_ptr<Store> fresh() { return open_store(":memory:", {.create = true}); }
  static std::unique_ptr<Store> open(const std::string& path, const OpenOptions& options = {}) {
    return open_store("sqlite:" + path, options);
  }
};
/// PostgreSQL, on the server $GRIDGOV_TEST_PG names (scripts/test starts a throwaway one, and
/// these tests fail without it): each store is a schema of its own in that database, named after
/// the scratch path (and this process), so that opening a path again opens the same store.
struct PgBackend {
  static int newest_schema() { return pg_schema_version(); }
  static std::string url(const std::string& name) {
    const char* base = std::getenv("GRIDGOV_TEST_PG");
    REQUIRE_MESSAGE((base && *base),
                    "GRIDGOV_TEST_PG is not set: scripts/test starts a PostgreSQL server and "
                    "sets it to its URL");
    const std::string schema = "t" + std::to_string(::getpid()) + "_" +
                               std::to_string(std::hash<std::string>{}(name) % 1000000007);
    std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(base), &PQfinish);
    REQUIRE_MESSAGE(PQstatus(c.get()) == CONNECTION_OK, PQerrorMessage(c.get()));
    PQsetNoticeProcessor(
        c.get(), [](void*, const char*) {}, nullptr);
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexec(c.get(), ("CREATE SCHEMA IF NOT EXISTS " + schema).c_str()), &PQclear);
    REQUIRE(PQresultStatus(r.get()) == PGRES_COMMAND_OK);
    return std::string(base) + (std::string(base).find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema;
  }
  static std::unique_ptr<Store> fresh() {
    static int n = 0;
    return open_store(url("fresh " + std::to_string(++n)), {.create = true});
  }
  static std::unique_ptr<Store> open(const std::string& path, const OpenOptions& options = {}) {
    return open_store(url(path), options);
  }
};
#ifdef GRIDGOV_NO_POSTGRESQL_TESTS
#define GRIDGOV_BACKENDS SqliteBackend
#else
#define GRIDGOV_BACKENDS SqliteBackend, PgBackend
#endif

/// A new store of backend B at `path`, holding the small tree (add_tree), committed.
template <class B>
std::unique_ptr<Store> open_with_tree(const std::string& path) {
  auto s = B::open(path, {.create = true});
  auto tx = s->begin_write();
  add_tree(*s);
  tx->commit();
  return s;
}

Worker worker(std::string code, Tier tier, std::vector<std::string> units,
              std::optional<Deployment> deployment = std::nullopt, std::string department = "") {
  Worker w;
  w.code = std::move(code);
  w.name = "张三";
  w.tier = tier;
  w.units = std::move(units);
  w.deployment = deployment;
  w.department = std::move(department);
  return w;
}

}  // namespace

TEST_CASE_TEMPLATE("a new store has the newest schema version", B, GRIDGOV_BACKENDS) {
  CHECK(B::newest_schema() >= 1);
  CHECK(B::fresh()->schema_version() == B::newest_schema());
}

TEST_CASE_TEMPLATE("a new store has no county, units, workers or policy", B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  CHECK_FALSE(s->county().has_value());
  CHECK(s->units().empty());
  CHECK(s->workers().empty());
  CHECK_FALSE(s->policy().has_value());
  const Counts c = s->counts();
  CHECK(c.units == std::array<long long, 5>{});
  CHECK(c.workers == std::array<long long, 3>{});
  CHECK(c.open + c.resolved + c.closed + c.voided == 0);
}

TEST_CASE_TEMPLATE("Store adds units and finds them by code", B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  REQUIRE(s->county().has_value());
  CHECK(s->county()->code == "C");
  CHECK(s->county()->level == Level::county);
  CHECK(s->county()->parent.empty());
  const auto g1 = s->find_unit("G1");
  REQUIRE(g1.has_value());
  CHECK(g1->unit == unit("G1", Level::grid, "V1", 10));
  CHECK_FALSE(g1->retired);
  CHECK_FALSE(s->find_unit("G404").has_value());
}

TEST_CASE_TEMPLATE("Store::units lists parents before children", B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  const auto units = s->units();
  std::vector<std::string> codes;
  for (const auto& u : units) codes.push_back(u.unit.code);
  CHECK(codes == std::vector<std::string>{"C", "T1", "T2", "Z1", "Z2", "V1", "G1", "G2"});
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (units[i].unit.parent.empty()) continue;
    bool parent_before = false;
    for (std::size_t j = 0; j < i; ++j) parent_before |= units[j].unit.code == units[i].unit.parent;
    CHECK(parent_before);
  }
}

TEST_CASE_TEMPLATE("Store::update_unit changes name, parent and sizes", B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  Unit moved = unit("V1", Level::village, "Z2");
  moved.name = "新村";
  moved.households = 5;
  moved.population = 15;
  s->update_unit(moved);
  const auto v1 = s->find_unit("V1");
  REQUIRE(v1.has_value());
  CHECK(v1->unit == moved);
  // The grids stay under V1.
  CHECK(s->find_unit("G1")->unit.parent == "V1");
}

TEST_CASE_TEMPLATE("Store::retire_unit keeps the unit but stops counting it and update revives it",
                   B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  s->retire_unit("G2");
  const auto g2 = s->find_unit("G2");
  REQUIRE(g2.has_value());
  CHECK(g2->retired);
  CHECK(s->units().size() == 8);
  CHECK(s->counts().units[index(Level::grid)] == 1);
  s->update_unit(unit("G2", Level::grid, "V1", 20));
  CHECK_FALSE(s->find_unit("G2")->retired);
  CHECK(s->counts().units[index(Level::grid)] == 2);
}

TEST_CASE_TEMPLATE("Store::counts counts active units by level and workers by tier", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  s->put_worker(worker("W1", Tier::grid, {"G1"}));
  s->put_worker(worker("W2", Tier::grid, {"G2"}));
  s->put_worker(worker("W3", Tier::town, {"Z1"}));
  s->put_worker(worker("W4", Tier::county, {}, Deployment::whistle, "police"));
  s->retire_worker("W2", std::nullopt);
  const Counts c = s->counts();
  CHECK(c.units == std::array<long long, 5>{1, 2, 2, 1, 2});
  CHECK(c.workers == std::array<long long, 3>{1, 1, 1});
}

TEST_CASE_TEMPLATE("Store::put_worker adds a worker with its units in order", B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  const Worker w = [] {
    Worker x = worker("W9", Tier::county, {"Z2", "Z1"}, Deployment::cluster, "housing");
    x.phone = "13900000000";
    return x;
  }();
  s->put_worker(w);
  const auto found = s->find_worker("W9");
  REQUIRE(found.has_value());
  CHECK(found->worker == w);
  CHECK_FALSE(found->retired);
  CHECK_FALSE(s->find_worker("W0").has_value());
}

TEST_CASE_TEMPLATE("Store::put_worker replaces the units and makes the worker active again", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  s->put_worker(worker("W1", Tier::county, {"Z1", "Z2"}, Deployment::cluster));
  s->retire_worker("W1", std::nullopt);
  CHECK(s->find_worker("W1")->retired);
  s->put_worker(worker("W1", Tier::county, {"Z2"}, Deployment::resident));
  const auto w = s->find_worker("W1");
  REQUIRE(w.has_value());
  CHECK_FALSE(w->retired);
  CHECK(w->worker.units == std::vector<std::string>{"Z2"});
  CHECK(w->worker.deployment == Deployment::resident);
  CHECK(s->workers().size() == 1);
}

TEST_CASE_TEMPLATE("Store::workers lists every worker in code order, retired ones included", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  s->put_worker(worker("W2", Tier::grid, {"G2"}));
  s->put_worker(worker("W1", Tier::grid, {"G1"}));
  s->put_worker(worker("W3", Tier::county, {}, Deployment::whistle));
  s->retire_worker("W2", std::nullopt);
  const auto all = s->workers();
  REQUIRE(all.size() == 3);
  CHECK(all[0].worker.code == "W1");
  CHECK(all[1].worker.code == "W2");
  CHECK(all[1].retired);
  CHECK(all[2].worker.code == "W3");
  CHECK(all[2].worker.units.empty());
  CHECK(all[2].worker.phone.empty());
}

TEST_CASE_TEMPLATE("Store::units_in_use lists active units active workers serve", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  CHECK(s->units_in_use().empty());
  s->put_worker(worker("W1", Tier::grid, {"G1"}));
  s->put_worker(worker("W2", Tier::county, {"Z1", "Z2"}, Deployment::cluster));
  CHECK(s->units_in_use() == std::set<std::string, std::less<>>{"G1", "Z1", "Z2"});
  s->retire_worker("W2", std::nullopt);
  CHECK(s->units_in_use() == std::set<std::string, std::less<>>{"G1"});
  s->put_worker(worker("W1", Tier::grid, {"G2"}));
  CHECK(s->units_in_use() == std::set<std::string, std::less<>>{"G2"});
}

TEST_CASE_TEMPLATE("Store::add_policy numbers versions upwards and policy() is the newest", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  const Timestamp t1(std::chrono::seconds(1'790'000'000));
  const Timestamp t2 = t1 + std::chrono::hours(1);
  CHECK(s->add_policy(StoredPolicy{0, t1, "built-in", "timezone = \"+08:00\"\n"}) == 1);
  CHECK(s->add_policy(StoredPolicy{0, t2, "policy.toml", "# 新\ntimezone = \"+05:30\"\n"}) == 2);
  const auto p = s->policy();
  REQUIRE(p.has_value());
  CHECK(p->version == 2);
  CHECK(p->loaded_at == t2);
  CHECK(p->source == "policy.toml");
  CHECK(p->text == "# 新\ntimezone = \"+05:30\"\n");
  CHECK(s->add_policy(StoredPolicy{0, t2, "again", "x"}) == 3);
}

TEST_CASE_TEMPLATE("Store::policy_version is 0, then the newest version", B, GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  CHECK(s->policy_version() == 0);
  (void)s->add_policy(StoredPolicy{0, k_t0, "a", "x"});
  (void)s->add_policy(StoredPolicy{0, k_t0, "b", "y"});
  CHECK(s->policy_version() == 2);
}

namespace {

/// A problem reported in G1 at `at`, and its report event.
std::pair<Case, Event> reported(Timestamp at, std::string ext_id = "") {
  Case c;
  c.source = ext_id.empty() ? Source::patrol : Source::hotline;
  c.ext_id = std::move(ext_id);
  c.category = "dispute";
  c.title = "邻里纠纷";
  c.grid = "G1";
  c.reporter = "W1";
  c.reported_at = at;
  c.level = Level::grid;
  c.unit = "G1";
  c.deadline = at + std::chrono::hours(24);
  c.due = at + std::chrono::hours(24);
  Event e;
  e.type = EventType::report;
  e.at = at;
  e.recorded_at = at;
  e.actor = "W1";
  e.level = Level::grid;
  e.unit = "G1";
  e.deadline = c.deadline;
  e.due = c.due;
  return {c, e};
}

}  // namespace

TEST_CASE_TEMPLATE("Store keeps cases and their events, Reporting streams them", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  auto [c1, r1] = reported(at_h(0));
  c1.id = s->add_case(c1);
  r1.case_id = c1.id;
  (void)s->add_event(c1, r1);
  auto [c2, r2] = reported(at_h(30), "12345-1");
  c2.id = s->add_case(c2);
  r2.case_id = c2.id;
  (void)s->add_event(c2, r2);
  Event up = r1;
  up.type = EventType::escalate;
  up.at = at_h(2);
  up.recorded_at = at_h(2);
  up.from_unit = "G1";
  up.level = Level::village;
  up.unit = "V1";
  up.note = "上报";
  (void)s->add_event(c1, up);
  c1.level = Level::village;
  c1.unit = "V1";
  s->update_case(c1);

  CHECK(s->find_case(c1.id) == c1);
  CHECK(s->find_case_id(Source::hotline, "12345-1") == c2.id);
  CHECK_FALSE(s->find_case_id(Source::patrol, "12345-1").has_value());
  const auto events = s->events(c1.id);
  REQUIRE(events.size() == 2);
  CHECK(events[1].note == "上报");
  CHECK(events[1].from_unit == "G1");
  CHECK(s->events_between(EventType::escalate, at_h(1), at_h(3)).size() == 1);

  CaseFilter at_village;
  at_village.level = Level::village;
  CHECK(s->cases(at_village).size() == 1);
  CaseFilter in_z1;
  in_z1.unit = "Z1";
  CHECK(s->cases(in_z1).size() == 2);
  CaseFilter overdue;
  overdue.overdue_at = at_h(25);
  CHECK(s->cases(overdue).size() == 1);
  CaseFilter stage_overdue;
  stage_overdue.stage_overdue_at = at_h(25);
  CHECK(s->cases(stage_overdue).size() == 1);
  CHECK(s->counts().open == 2);

  Reporting& r = s->reporting();
  CHECK(r.reported_range() == std::pair{at_h(0), at_h(30)});
  std::vector<std::pair<long long, std::size_t>> seen;
  r.for_each_case(at_h(0), at_h(40), at_h(1), [&](const Case& c, const std::vector<Event>& e) {
    seen.emplace_back(c.id, e.size());
  });
  // Events at or after `until` have not happened yet; a case with none is not streamed.
  CHECK(seen == std::vector<std::pair<long long, std::size_t>>{{c1.id, 1}});
  std::vector<EventType> types;
  r.for_each_event(at_h(0), at_h(40),
                   [&](const Case&, const Event& e, const Link&) { types.push_back(e.type); });
  CHECK(types == std::vector<EventType>{EventType::report, EventType::escalate, EventType::report});
  // One patrol report on G1, by W1, who is not (yet) a worker of G1: it does not count.
  GridQuota not_counted;
  not_counted.not_grid_worker = 1;
  CHECK(r.quota(at_h(0), at_h(48), std::chrono::hours(8), 1) ==
        std::map<std::string, GridQuota>{{"G1", not_counted}});
  // W1 patrols G1: the quota of 1 is met that local day, of 2 never.
  s->put_worker(worker("W1", Tier::grid, {"G1"}));
  GridQuota one;
  one.days_met = 1;
  one.valid = 1;
  CHECK(r.quota(at_h(0), at_h(48), std::chrono::hours(8), 1) ==
        std::map<std::string, GridQuota>{{"G1", one}});
  one.days_met = 0;
  CHECK(r.quota(at_h(0), at_h(48), std::chrono::hours(8), 2) ==
        std::map<std::string, GridQuota>{{"G1", one}});
}

// ---- transactions (the conformance suite goes on)
// ----------------------------------------------------------------------------

TEST_CASE_TEMPLATE("Store keeps a case's facts with it, and a bulk load leaves the same store", B,
                   GRIDGOV_BACKENDS) {
  TempDir dir;
  const std::string path = dir.path("bulk.db");
  (void)open_with_tree<B>(path);
  auto s = B::open(path);
  {
    auto tx = s->begin_write();
    s->begin_bulk();  // no case yet: the store may set indexes aside
    for (int i = 0; i < 3; ++i) {
      auto [c, e] = reported(at_h(i), "12345-" + std::to_string(i));
      Event up = e;
      up.type = EventType::refer;
      up.at = up.recorded_at = at_h(i + 1);
      up.level = Level::county;
      up.unit.clear();
      up.department = "housing";
      c = replay(c, {e, up});
      c.id = s->add_case(c);
      e.case_id = up.case_id = c.id;
      (void)s->add_event(c, e);
      (void)s->add_event(c, up);
      CHECK(s->find_case(c.id) == c);  // the facts come back as written
      CHECK(c.facts.referred);
      CHECK(c.facts.last_department == "housing");
      CHECK(c.facts.last_counted_at == at_h(i + 1));
    }
    s->end_bulk();
    tx->commit();
  }
  // What a report reads works, and the database opens whole (its schema is checked on open).
  CaseFilter at_county;
  at_county.level = Level::county;
  CHECK(s->cases(at_county).size() == 3);
  CHECK_NOTHROW((void)B::open(path));
  // With cases stored, a second bulk load sets nothing aside: a rollback or a commit alike.
  auto tx = s->begin_write();
  s->begin_bulk();
  s->end_bulk();
  tx->commit();
  CHECK_NOTHROW((void)B::open(path));
}

TEST_CASE_TEMPLATE("a write transaction not committed is rolled back", B, GRIDGOV_BACKENDS) {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = B::open(path, {.create = true});
    {
      auto tx = s->begin_write();
      s->add_unit(unit("C", Level::county, ""));
      CHECK(s->find_unit("C").has_value());  // visible inside the transaction
    }
    CHECK_FALSE(s->find_unit("C").has_value());
  }
  auto again = B::open(path);
  CHECK_FALSE(again->county().has_value());
}

TEST_CASE_TEMPLATE("a committed write transaction persists", B, GRIDGOV_BACKENDS) {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = B::open(path, {.create = true});
    auto tx = s->begin_write();
    add_tree(*s);
    s->put_worker(worker("W1", Tier::grid, {"G1"}));
    tx->commit();
  }
  auto again = B::open(path);
  REQUIRE(again->county().has_value());
  CHECK(again->units().size() == 8);
  REQUIRE(again->find_worker("W1").has_value());
  CHECK(again->find_worker("W1")->worker.units == std::vector<std::string>{"G1"});
}

TEST_CASE_TEMPLATE("a read snapshot sees one moment, whatever another store commits meanwhile", B,
                   GRIDGOV_BACKENDS) {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  auto reader = open_with_tree<B>(path);
  auto writer = B::open(path);
  auto add_town = [&](const std::string& code) {
    auto tx = writer->begin_write();
    writer->add_unit(unit(code, Level::town, "C"));
    tx->commit();
  };
  {
    const auto snapshot = reader->begin_read();
    CHECK(reader->units().size() == 8);  // the first read fixes the moment
    add_town("T3");
    CHECK(reader->units().size() == 8);
    CHECK_FALSE(reader->find_unit("T3").has_value());
    {
      const auto inner = reader->begin_read();  // joins the outer one
      CHECK(reader->units().size() == 8);
    }
    CHECK(reader->units().size() == 8);  // the inner one's end did not end the outer one
    // A write cannot begin inside it (its view is older than the database).
    auto e = error_of([&] { (void)reader->begin_write(); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::internal);
    CHECK(reader->units().size() == 8);
  }
  CHECK(reader->units().size() == 9);
  add_town("T4");  // without a snapshot, each read sees the latest commit
  CHECK(reader->units().size() == 10);
  {
    // Inside a write transaction, a snapshot joins it: the reads see its own writes.
    auto tx = reader->begin_write();
    reader->add_unit(unit("T5", Level::town, "C"));
    {
      const auto snapshot = reader->begin_read();
      CHECK(reader->find_unit("T5").has_value());
      auto nested = reader->begin_write();  // and a nested write still joins the transaction
      reader->add_unit(unit("T6", Level::town, "C"));
      nested->commit();
    }
    tx->commit();
  }
  CHECK(writer->units().size() == 12);
}

TEST_CASE_TEMPLATE("settled tallies expected ahead are those of the snapshot's moment", B,
                   GRIDGOV_BACKENDS) {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  auto reader = open_with_tree<B>(path);
  auto writer = B::open(path);
  auto report = [](Store& s, int hour) {
    auto [c, e] = reported(at_h(hour));
    c.id = s.add_case(c);
    e.case_id = c.id;
    (void)s.add_event(c, e);
  };
  auto add_case = [&](int hour) {
    auto tx = writer->begin_write();
    report(*writer, hour);
    tx->commit();
  };
  const Timestamp from = at_h(-1);
  const Timestamp to = at_h(200);
  const std::vector<StatsKey> by_grid = {StatsKey::grid};
  Reporting& r = reader->reporting();
  auto reported_in = [&](const std::vector<StatsKey>& keys, bool expect) {
    if (expect) r.expect_settled_tallies(from, to, to, keys);
    long long n = 0;
    r.settled_tallies(from, to, to, keys,
                      [&](const std::vector<std::string>&, const Tally& t) { n += t.reported; });
    return n;
  };
  add_case(0);
  {
    const auto snapshot = reader->begin_read();
    CHECK(reader->units().size() == 8);  // the first read fixes the moment
    add_case(1);
    CHECK(reported_in(by_grid, true) == 1);
    CHECK(reported_in(by_grid, false) == 1);
    add_case(2);
    // Expected for one grouping, asked for another: the other is read as ever.
    r.expect_settled_tallies(from, to, to, by_grid);
    CHECK(reported_in({}, false) == 1);
    // Expected and never asked for: the snapshot still ends cleanly.
    r.expect_settled_tallies(from, to, to, {});
  }
  CHECK(reported_in(by_grid, true) == 3);  // outside a snapshot, nothing runs ahead
  {
    const auto snapshot = reader->begin_read();
    CHECK(reported_in({}, true) == 3);
  }
  {
    // Inside a write, the tallies see its own rows: they are not expected ahead.
    auto tx = reader->begin_write();
    report(*reader, 3);
    const auto snapshot = reader->begin_read();
    CHECK(reported_in(by_grid, true) == 4);
  }
  CHECK(reported_in(by_grid, false) == 3);  // that write was rolled back
}

TEST_CASE_TEMPLATE("a nested write transaction joins the outer one", B, GRIDGOV_BACKENDS) {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  SUBCASE("the inner commit alone writes nothing") {
    {
      auto s = B::open(path, {.create = true});
      auto outer = s->begin_write();
      {
        auto inner = s->begin_write();
        s->add_unit(unit("C", Level::county, ""));
        inner->commit();
      }
      CHECK(s->find_unit("C").has_value());
      outer.reset();
      CHECK_FALSE(s->find_unit("C").has_value());
    }
    CHECK_FALSE(B::open(path)->county().has_value());
  }
  SUBCASE("the outer commit writes what the inner one did") {
    {
      auto s = B::open(path, {.create = true});
      auto outer = s->begin_write();
      {
        auto inner = s->begin_write();
        s->add_unit(unit("C", Level::county, ""));
        inner->commit();
      }
      s->add_unit(unit("T1", Level::town, "C"));
      outer->commit();
    }
    auto again = B::open(path);
    CHECK(again->find_unit("C").has_value());
    CHECK(again->find_unit("T1").has_value());
  }
  SUBCASE("an inner transaction not committed does not undo the outer one's work") {
    {
      auto s = B::open(path, {.create = true});
      auto outer = s->begin_write();
      s->add_unit(unit("C", Level::county, ""));
      { auto inner = s->begin_write(); }
      outer->commit();
    }
    CHECK(B::open(path)->find_unit("C").has_value());
  }
}

TEST_CASE_TEMPLATE("a store can begin a new transaction after one is rolled back", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  {
    auto tx = s->begin_write();
    s->add_unit(unit("C", Level::county, ""));
  }
  {
    auto tx = s->begin_write();
    s->add_unit(unit("C", Level::county, ""));
    tx->commit();
  }
  CHECK(s->county().has_value());
}

// ---- opening SQLite files
// ---------------------------------------------------------------------------------

TEST_CASE("opening a missing file without create is not_found") {
  TempDir dir;
  const std::string path = dir.path("missing.db");
  const auto e = error_of([&] { (void)open_store(path); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
  CHECK_FALSE(fs::exists(path));
  const auto ro = error_of([&] { (void)open_store(path, {.read_only = true}); });
  REQUIRE(ro.has_value());
  CHECK(ro->code() == ErrorCode::not_found);
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a database from a newer gridgov is unusable and left unchanged") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = open_store(path, {.create = true});
    s->add_unit(unit("C", Level::county, ""));
  }
  REQUIRE_FALSE(fs::exists(path + "-wal"));
  patch_header(path, 60, 99);  // PRAGMA user_version = 99
  const std::string before = bytes_of(path);
  const auto e = error_of([&] { (void)open_store(path); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK(e->exit_code() == 7);
  CHECK(std::string(e->what()).find("99") != std::string::npos);
  CHECK(bytes_of(path) == before);
}

TEST_CASE("another program's SQLite database is unusable and left unchanged") {
  TempDir dir;
  const std::string path = dir.path("other.db");
  {
    auto s = open_store(path, {.create = true});
    s->add_unit(unit("C", Level::county, ""));
  }
  patch_header(path, 68, 0x12345678);  // PRAGMA application_id
  const std::string before = bytes_of(path);
  const auto e = error_of([&] { (void)open_store(path, {.create = true}); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK(bytes_of(path) == before);
}

TEST_CASE("a file that is not SQLite is unusable and left unchanged") {
  TempDir dir;
  const std::string path = dir.path("notes.db");
  std::string text;
  for (int i = 0; i < 40; ++i) text += "this is a text file, not a database\n";
  write_bytes(path, text);
  const auto e = error_of([&] { (void)open_store(path); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK(bytes_of(path) == text);
}

TEST_CASE("a database reopens with its data and schema version") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = open_store(path, {.create = true});
    add_tree(*s);
  }
  {
    auto s = open_store(path, {.read_only = true});
    CHECK(s->units().size() == 8);
  }
  const std::string bytes = bytes_of(path);
  REQUIRE(bytes.size() >= 100);
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const int user_version = (b(60) << 24) | (b(61) << 16) | (b(62) << 8) | b(63);
  CHECK(user_version == open_store(path)->schema_version());
}

TEST_CASE("a read-only store refuses writes as unusable") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  { (void)open_store(path, {.create = true}); }
  auto s = open_store(path, {.read_only = true});
  const auto e = error_of([&] { s->add_unit(unit("C", Level::county, "")); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK_FALSE(open_store(path)->county().has_value());
}

TEST_CASE("a read-only store reads, and refuses a write transaction before writing anything") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = open_store(path, {.create = true});
    add_tree(*s);
  }
  const std::string before = bytes_of(path);
  auto s = open_store(path, {.read_only = true});
  CHECK(s->units().size() == 8);
  CHECK(s->counts().units[index(Level::grid)] == 2);
  const auto e = error_of([&] { (void)s->begin_write(); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK(std::string(e->what()) == "database " + path +
                                      " is read-only (opened read-only); this command writes, "
                                      "and wrote nothing");
  s.reset();
  CHECK(bytes_of(path) == before);
}

TEST_CASE("a gridgov database whose user_version was reset to 0 is unusable, not migrated over") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = open_store(path, {.create = true});
    add_tree(*s);
  }
  REQUIRE_FALSE(fs::exists(path + "-wal"));
  patch_header(path, 60, 0);  // PRAGMA user_version = 0
  const std::string before = bytes_of(path);
  for (const bool create : {false, true}) {
    const auto e = error_of([&] { (void)open_store(path, {.create = create}); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::unusable);
    CHECK(std::string(e->what()).find(
              "its schema version (PRAGMA user_version) says it is empty") != std::string::npos);
    CHECK(bytes_of(path) == before);
  }
}

TEST_CASE("a cycle of parents in the database is unusable, no walk of the tree is endless") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  auto s = open_store(path, {.create = true});
  add_tree(*s);
  s->update_unit(unit("T1", Level::town, "G1"));  // T1 → G1 → V1 → Z1 → T1
  const auto e = error_of([&] { (void)s->units(); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK(std::string(e->what()) ==
        "database " + path +
            " is unusable: unit T1 (town) has parent G1 (grid), which is not above it (do the "
            "units' parents form a cycle?)");
  // The subtree query stops after four levels down, and a subtree deeper than that is a loop.
  CaseFilter within_t1;
  within_t1.unit = "T1";
  const auto deep = error_of([&] { (void)s->cases(within_t1); });
  REQUIRE(deep.has_value());
  CHECK(deep->code() == ErrorCode::unusable);
}

TEST_CASE("a statement past the step bound is stopped as unusable") {
  TempDir dir;
  const std::string path = dir.path("gridgov.db");
  {
    auto s = open_store(path, {.create = true});
    auto tx = s->begin_write();
    s->add_unit(unit("C", Level::county, ""));
    s->add_unit(unit("T1", Level::town, "C"));
    s->add_unit(unit("Z1", Level::zone, "T1"));
    s->add_unit(unit("V1", Level::village, "Z1"));
    for (int i = 0; i < 3000; ++i) s->add_unit(unit("G" + std::to_string(i), Level::grid, "V1"));
    tx->commit();
  }
  // Opening and small statements fit in 20,000 steps; listing 3,004 units (some 50,000) does not.
  auto bounded = open_store(path, {.max_statement_steps = 20'000});
  CHECK(bounded->county().has_value());
  const auto e = error_of([&] { (void)bounded->units(); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::unusable);
  CHECK(std::string(e->what()).find("ran far longer than any of gridgov's ever needs") !=
        std::string::npos);
  // The next statement has its own budget again.
  CHECK(bounded->county().has_value());
  CHECK(open_store(path)->units().size() == 3004);
}

// ---- choosing a backend by URL, and creating a database on the first commit -----------------

TEST_CASE(
    "open_store: a path or sqlite:PATH is SQLite, postgresql:// PostgreSQL, another scheme is "
    "refused") {
  TempDir dir;
  const std::string path = dir.path("g.db");
  { auto s = open_store("sqlite:" + path, {.create = true}); }
  CHECK(fs::exists(path));
  CHECK(store_exists(path));
  CHECK(store_exists("sqlite:" + path));
  CHECK_FALSE(store_exists(dir.path("none.db")));
  CHECK(open_store(path)->schema_version() >= 1);

  for (const std::string url : {"mysql://h/d", "sqlserver://x"}) {
    const auto e = error_of([&] { (void)open_store(url, {.create = true}); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::usage);
    CHECK(contains(e->what(), "not supported"));
  }
  // PostgreSQL, where no server listens: unusable, naming the database and host, never the
  // password.
  for (const std::string url : {"postgresql://u:pw-secret@/gridgov?host=/nonexistent/dir",
                                "postgres:///gridgov?host=/nonexistent/dir&password=pw-secret"}) {
    const auto e = error_of([&] { (void)open_store(url, {.create = true}); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::unusable);
    CHECK(contains(e->what(), "database gridgov on host /nonexistent/dir"));
    CHECK_FALSE(contains(e->what(), "pw-secret"));
    CHECK_FALSE(contains(display_url(url), "pw-secret"));
  }
  CHECK(display_url("postgresql://u:pw@h:5432/d?sslmode=require&password=x") ==
        "postgresql://u@h:5432/d?sslmode=require");
  CHECK(display_url("a/b.db") == "a/b.db");
  const auto empty = error_of([&] { (void)open_store("sqlite:"); });
  REQUIRE(empty.has_value());
  CHECK(empty->code() == ErrorCode::usage);
  // A colon inside a file name is still a path.
  { auto s = open_store(dir.path("a:b.db"), {.create = true}); }
  CHECK(fs::exists(dir.path("a:b.db")));
}

TEST_CASE("on_commit: a new database appears only when its first write commits") {
  TempDir dir;
  const std::string path = dir.path("new.db");
  const OpenOptions options{.create = true, .read_only = false, .on_commit = true};
  auto count_files = [&] {
    return std::distance(fs::directory_iterator(dir.path("")), fs::directory_iterator());
  };
  SUBCASE("nothing committed: nothing left, not even the temporary file") {
    {
      auto s = open_store(path, options);
      auto tx = s->begin_write();
      add_tree(*s);
    }
    CHECK_FALSE(fs::exists(path));
    CHECK(count_files() == 0);
  }
  SUBCASE("committed: the database is in place and keeps working") {
    auto s = open_store(path, options);
    {
      auto tx = s->begin_write();
      add_tree(*s);
      tx->commit();
    }
    CHECK(fs::exists(path));
    s->put_worker(worker("W1", Tier::grid, {"G1"}));
    CHECK(s->find_worker("W1").has_value());
    s.reset();
    CHECK(open_store(path)->units().size() == 8);
    CHECK(count_files() == 1);
  }
  SUBCASE("another process made the database meanwhile: it is kept, this write is refused") {
    auto s = open_store(path, options);
    { auto other = open_store(path, {.create = true}); }
    const std::string theirs = bytes_of(path);
    auto tx = s->begin_write();
    add_tree(*s);
    const auto e = error_of([&] { tx->commit(); });
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::busy);
    CHECK(bytes_of(path) == theirs);
    tx.reset();
    s.reset();
    CHECK(count_files() == 1);
  }
}

TEST_CASE_TEMPLATE("Store::category_use counts cases per category, and the unsettled ones", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  CHECK(s->category_use().empty());
  CHECK(s->units_with_cases().empty());
  for (Status status : {Status::open, Status::resolved, Status::closed, Status::voided}) {
    auto [c, e] = reported(at_h(0));
    c.status = status;
    (void)s->add_case(c);
  }
  auto [other, e] = reported(at_h(1));
  other.category = "fire_hazard";
  other.grid = "G2";
  other.unit = "G2";
  (void)s->add_case(other);
  const auto use = s->category_use();
  REQUIRE(use.size() == 2);
  CHECK(use.at("dispute").cases == 4);
  CHECK(use.at("dispute").unsettled == 2);
  CHECK(use.at("fire_hazard").cases == 1);
  CHECK(use.at("fire_hazard").unsettled == 1);
  CHECK(s->units_with_cases() == std::set<std::string, std::less<>>{"G1", "G2"});
  s->retire_unit("G2");  // only active units
  CHECK(s->units_with_cases() == std::set<std::string, std::less<>>{"G1"});
}

TEST_CASE("quota_verdict: rule 12's reasons, told apart in order, and GridQuota::add counts them") {
  CHECK(quota_verdict(false, false, false, true) == QuotaVerdict::valid);
  CHECK(quota_verdict(true, true, true, false) == QuotaVerdict::voided);
  CHECK(quota_verdict(false, true, true, false) == QuotaVerdict::by_admin);
  CHECK(quota_verdict(false, false, true, false) == QuotaVerdict::late_record);
  CHECK(quota_verdict(false, false, false, false) == QuotaVerdict::not_grid_worker);
  GridQuota g;
  for (auto why :
       {QuotaVerdict::valid, QuotaVerdict::valid, QuotaVerdict::voided, QuotaVerdict::by_admin,
        QuotaVerdict::late_record, QuotaVerdict::not_grid_worker})
    g.add(why);
  CHECK(g == GridQuota{0, 2, 1, 1, 1, 1});
}

TEST_CASE_TEMPLATE("Store links every event into the county's chain, and verify_chain agrees", B,
                   GRIDGOV_BACKENDS) {
  auto s = B::fresh();
  add_tree(*s);
  CHECK_FALSE(s->chain_start());
  auto [c1, r1] = reported(at_h(0));
  c1 = replay(c1, {r1});  // rows as record() writes them
  c1.id = s->add_case(c1);
  r1.case_id = c1.id;
  CHECK(s->add_event(c1, r1) == 1);
  auto [c2, r2] = reported(at_h(1), "12345-9");
  c2.location = LonLat{118.8341, 35.1762};
  c2 = replay(c2, {r2});
  c2.id = s->add_case(c2);
  r2.case_id = c2.id;
  CHECK(s->add_event(c2, r2) == 2);
  Event note = r1;
  note.type = EventType::urge;
  note.at = note.recorded_at = at_h(2);
  note.note = "催办";
  note.deadline = c1.deadline;
  CHECK(s->add_event(c1, note) == 3);
  c1 = apply(c1, note);
  s->update_case(c1);

  // The chain starts at the first event, for this county, and each link follows the one before.
  const auto start = s->chain_start();
  REQUIRE(start);
  CHECK(start->county == "C");
  CHECK(start->reason == "new");
  CHECK(start->at == at_h(0));
  CHECK(start->hash == make_chain_start("C", at_h(0), "new", 0).hash);
  std::vector<Digest> hashes;
  s->for_each_link(1, [&](long long id, long long, bool exists, const Digest& h) {
    CHECK(exists);
    CHECK(id == static_cast<long long>(hashes.size()) + 1);
    hashes.push_back(h);
  });
  REQUIRE(hashes.size() == 3);
  // Only the hash is stored; each link's `prev` is read from the entry before it.
  std::map<long long, Link> links;
  s->for_each_linked_case(
      1, [&](const Case&, const std::vector<Event>& events, const std::vector<Link>& l) {
        REQUIRE(l.size() == events.size());
        for (std::size_t i = 0; i < events.size(); ++i) links[events[i].id] = l[i];
      });
  REQUIRE(links.size() == 3);
  CHECK(links[1] == Link{start->hash, hashes[0]});
  CHECK(links[2] == Link{hashes[0], hashes[1]});
  CHECK(links[3] == Link{hashes[1], hashes[2]});
  Event stored = s->events(c2.id).front();
  CHECK(link_after(hashes[0], c2, stored) == links[2]);  // the point is in the encoding
  CHECK(s->chain_head(std::nullopt)->first == 3);
  CHECK(s->chain_head(std::nullopt)->second == hashes[2]);
  CHECK(s->chain_head(at_h(2))->first == 2);  // recorded before
  CHECK_FALSE(s->chain_head(at_h(0)));

  AuditReport r = verify_chain(*s);
  CHECK_MESSAGE(r.ok(), (r.finding ? r.finding->what : ""));
  CHECK(r.events == 3);
  CHECK(r.cases == 2);
  CHECK(r.last_event == 3);
  CHECK(r.head == hashes[2]);
  // From event 3: anchored on event 2's stored hash; only case 1 has an event from there.
  r = verify_chain(*s, 3);
  CHECK(r.ok());
  CHECK(r.events == 1);
  CHECK(r.cases == 1);

  // A row written without its event is what a hand edit leaves: the replay tells.
  Case edited = c1;
  edited.status = Status::closed;
  s->update_case(edited);
  r = verify_chain(*s);
  REQUIRE_FALSE(r.ok());
  CHECK(r.finding->case_id == c1.id);
  CHECK(r.finding->what.find("status closed, its events give open") != std::string::npos);
}

TEST_CASE_TEMPLATE("a bulk load links its events as one by one, and nothing reads past them", B,
                   GRIDGOV_BACKENDS) {
  // More events than a bulk load queues at once (lib/link_ahead.cpp), two to a case.
  constexpr int k_cases = 1500;
  const auto add = [](Store& s, int i) {
    auto [c, r] = reported(at_h(i), "B-" + std::to_string(i));
    Event urge = r;
    urge.type = EventType::urge;
    urge.at = urge.recorded_at = at_h(i) + std::chrono::minutes(5);
    urge.note = "催办";
    c = replay(c, {r, urge});
    c.id = s.add_case(c);
    r.case_id = urge.case_id = c.id;
    const long long first = s.add_event(c, r);
    CHECK(s.add_event(c, urge) == first + 1);
    return c.id;
  };
  const auto hashes = [](Store& s) {
    std::vector<Digest> out;
    s.for_each_link(1, [&](long long, long long, bool, const Digest& h) { out.push_back(h); });
    return out;
  };

  auto one = B::fresh();
  add_tree(*one);
  for (int i = 0; i < k_cases; ++i) (void)add(*one, i);

  auto bulk = B::fresh();
  add_tree(*bulk);
  {
    auto tx = bulk->begin_write();
    bulk->begin_bulk();
    for (int i = 0; i < k_cases; ++i) {
      const long long id = add(*bulk, i);
      // A read in the middle sees every event added so far.
      if (i == 1000) CHECK(bulk->events(id).size() == 2);
      if (i == 1001) CHECK(bulk->chain_head(std::nullopt)->first == 2 * 1002);
    }
    bulk->end_bulk();
    tx->commit();
  }
  const auto expected = hashes(*one);
  CHECK(expected.size() == 2 * k_cases);
  CHECK(hashes(*bulk) == expected);
  AuditReport r = verify_chain(*bulk);
  CHECK_MESSAGE(r.ok(), (r.finding ? r.finding->what : ""));

  // A bulk load rolled back leaves no event, and the chain goes on from where it was.
  {
    auto tx = bulk->begin_write();
    bulk->begin_bulk();
    for (int i = k_cases; i < k_cases + 300; ++i) (void)add(*bulk, i);
  }
  CHECK(bulk->chain_head(std::nullopt)->first == 2 * k_cases);
  {
    auto tx = bulk->begin_write();
    (void)add(*bulk, k_cases + 300);
    tx->commit();
  }
  CHECK(bulk->chain_head(std::nullopt)->first == 2 * k_cases + 2);
  r = verify_chain(*bulk);
  CHECK_MESSAGE(r.ok(), (r.finding ? r.finding->what : ""));
}
