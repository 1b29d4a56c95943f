// lib/pg_connection.hpp, from inside the library: rows sent by COPY on a thread of their own
// (copy_in_ahead), which a bulk load into PostgreSQL uses. Runs on $GRIDGOV_TEST_PG.
#include "pg_connection.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "gridgov/error.hpp"

using namespace gridgov;
using detail::PgConnection;

#ifndef GRIDGOV_NO_POSTGRESQL_TESTS

namespace {

std::string test_server() {
  const char* base = std::getenv("GRIDGOV_TEST_PG");
  REQUIRE_MESSAGE((base && *base),
                  "GRIDGOV_TEST_PG is not set: scripts/test starts a "
                  "PostgreSQL server and sets it to its URL");
  return base;
}

}  // namespace

TEST_CASE("copy_in_ahead: the rows are in before the connection's next call returns") {
  PgConnection db(test_server());
  db.exec("CREATE TEMP TABLE numbers (n integer PRIMARY KEY)");
  std::string many;
  for (int i = 1; i <= 50000; ++i) many += std::to_string(i) + "\n";
  db.copy_in_ahead({{"numbers (n)", many}, {"numbers (n)", "50001\n"}});
  // Sent in order: the second COPY after the first.
  CHECK(db.query("SELECT count(*), max(n) FROM numbers").int64(0, 0) == 50001);
  db.copy_in_ahead({{"numbers (n)", "50002\n"}});
  db.copy_in("numbers (n)", "50003\n");  // waits for the rows ahead of it
  CHECK(db.query("SELECT count(*) FROM numbers").int64(0, 0) == 50003);
}

TEST_CASE("copy_in_ahead: a failure is thrown by the next call, once, and drop_ahead forgets it") {
  PgConnection db(test_server());
  db.exec("BEGIN; CREATE TEMP TABLE numbers (n integer PRIMARY KEY)");
  db.copy_in_ahead({{"numbers (n)", "1\n1\n"}});  // the same key twice
  CHECK_THROWS_AS(db.query("SELECT 1"), Error);
  db.exec("ROLLBACK");                         // thrown once: the rollback runs
  db.copy_in_ahead({{"numbers (n)", "2\n"}});  // the table went with the rollback
  db.drop_ahead();
  CHECK(db.query("SELECT to_regclass('pg_temp.numbers') IS NULL").boolean(0, 0));
}

#endif
