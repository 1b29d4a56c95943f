// lib/pg_schema_check.hpp, from inside the library: the check of a PostgreSQL schema against
// the one gridgov's migrations make (docs/design.md §14). Runs on $GRIDGOV_TEST_PG.
#include "pg_schema_check.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gridgov/audit.hpp"
#include "gridgov/store.hpp"
#include "gridgov/version.hpp"
#include "pg_connection.hpp"
#include "pg_schema.hpp"

using namespace gridgov;
using detail::PgConnection;

#ifndef GRIDGOV_NO_POSTGRESQL_TESTS

namespace {

/// A URL whose search path is a new, empty schema of the test server.
std::string fresh_schema_url(const std::string& name) {
  const char* base = std::getenv("GRIDGOV_TEST_PG");
  REQUIRE_MESSAGE((base && *base),
                  "GRIDGOV_TEST_PG is not set: scripts/test starts a "
                  "PostgreSQL server and sets it to its URL");
  const std::string schema = name + std::to_string(::getpid());
  PgConnection admin(base);
  admin.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  return std::string(base) + (std::string(base).find('?') == std::string::npos ? "?" : "&") +
         "options=-csearch_path%3D" + schema;
}

}  // namespace

TEST_CASE("the digest compiled in is the newest schema's, as PostgreSQL 15 describes it") {
  PgConnection db(fresh_schema_url("digest"));
  const auto major = db.query("SELECT current_setting('server_version_num')::int / 10000");
  if (major.int64(0, 0) != 15) {
    MESSAGE("the server is PostgreSQL ", major.int64(0, 0), ", not 15: the digest is 15's");
    return;
  }
  db.exec("BEGIN");
  const std::string text = detail::pg_expected_schema(db, pg_schema_version());
  db.exec("ROLLBACK");
  // A new migration changes it: the message gives the new digest, and what it describes.
  const std::string digest = to_hex(sha256(text));
  const std::string hint = "k_pg_schema_digest should be " + digest + ", of\n" + text;
  CHECK_MESSAGE(digest == detail::k_pg_schema_digest, hint);
}

TEST_CASE("a schema gridgov made passes, and one changed outside gridgov is named") {
  const std::string url = fresh_schema_url("check");
  (void)open_store(url, {.create = true});  // makes and commits the newest schema
  PgConnection db(url);
  auto fault = [&](int version = pg_schema_version()) {
    db.exec("BEGIN");
    auto f = detail::pg_schema_fault(db, version);
    db.exec("ROLLBACK");
    return f.value_or("");
  };
  CHECK(fault() == "");
  // The check itself leaves nothing behind (its expected schema is built and rolled back).
  CHECK(fault(pg_schema_version() - 1) != "");
  CHECK(db.query("SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema()")
            .int64(0, 0) == 0);
  SUBCASE("an older version is compared with its own migrations") {
    // Schema 5 added cases_patrol: to schema 4's eyes, it is one index too many.
    CHECK(fault(4) == R"(unexpected index "cases_patrol" (gridgov did not create it))");
  }
  SUBCASE("a trigger") {
    db.exec(
        "CREATE FUNCTION forge() RETURNS trigger LANGUAGE plpgsql AS "
        "'BEGIN NEW.actor := ''admin''; RETURN NEW; END'; CREATE TRIGGER forge BEFORE INSERT "
        "ON events FOR EACH ROW EXECUTE FUNCTION forge()");
    CHECK(fault() == R"(unexpected trigger "forge" on table "events" (gridgov did not create it))");
  }
  SUBCASE("a rule") {
    db.exec("CREATE RULE keep AS ON DELETE TO cases DO INSTEAD NOTHING");
    CHECK(fault() == R"(unexpected rule "keep" on table "cases" (gridgov did not create it))");
  }
  SUBCASE("a table, named before its columns") {
    db.exec("CREATE TABLE hidden (title text)");
    CHECK(fault() == R"(unexpected table "hidden" (gridgov did not create it))");
  }
  SUBCASE("a table inheriting one of gridgov's, whose rows a read of it would see") {
    db.exec("CREATE SCHEMA IF NOT EXISTS elsewhere" + std::to_string(::getpid()) +
            "; CREATE TABLE elsewhere" + std::to_string(::getpid()) + ".more () INHERITS (events)");
    CHECK(fault().find("inheriting from table \"events\"") != std::string::npos);
    db.exec("DROP SCHEMA elsewhere" + std::to_string(::getpid()) + " CASCADE");
  }
  SUBCASE("a check loosened") {
    db.exec(
        "ALTER TABLE cases DROP CONSTRAINT cases_status_check, ADD CONSTRAINT "
        "cases_status_check CHECK (status <> '')");
    CHECK(fault() == R"(constraint "cases_status_check" of table "cases" is not as gridgov's )"
                     R"(schema version )" +
                         std::to_string(pg_schema_version()) +
                         R"( has it (it was changed outside gridgov))");
  }
  SUBCASE("a column's default") {
    db.exec("ALTER TABLE events ALTER COLUMN late_record SET DEFAULT true");
    CHECK(fault().starts_with(R"(column "late_record" of table "events" is not as)"));
  }
  SUBCASE("an index's included columns made keys") {
    db.exec(
        "DROP INDEX events_tallied; CREATE INDEX events_tallied ON events (county, at, case_id, "
        "type, actor, department) WHERE type IN ('whistle', 'rework', 'supervise') OR "
        "(type = 'close' AND actor = 'admin')");
    CHECK(fault().starts_with(R"(index "events_tallied" is not as)"));
  }
  SUBCASE("an index dropped") {
    db.exec("DROP INDEX events_at");
    CHECK(fault() == R"(index "events_at" is missing)");
  }
  SUBCASE("a change on a server that cannot build the schema to compare is refused, saying so") {
    db.exec(
        "CREATE RULE keep AS ON DELETE TO cases DO INSTEAD NOTHING; "
        "SET default_transaction_read_only = on");
    const std::string f = fault();
    CHECK(f.starts_with("its schema could not be compared with gridgov's schema version " +
                        std::to_string(pg_schema_version()) +
                        ", which this server could not build to compare ("));
    CHECK(f.find("read-only transaction") != std::string::npos);
  }
  SUBCASE("row security switched on") {
    db.exec("ALTER TABLE events ENABLE ROW LEVEL SECURITY");
    CHECK(fault().starts_with(R"(table "events" is not as)"));
  }
}

#endif
