"""The PostgreSQL store's own promises (docs/design.md §14): many counties in one database, each
command scoped to one (--county, $GRIDCTL_COUNTY), and exit 7 naming host and database, never
the password, when the server cannot be used. Runs when the suite runs on PostgreSQL."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from gridctl_harness import (BUSY, COUNTY_CODE, COUNTY_NAME, NOT_FOUND, OK, ON_POSTGRESQL,
                             UNUSABLE, USAGE, GridctlTestCase, base_env, example, pg_create,
                             pg_sql, pg_url, run)

OTHER_CODE, OTHER_NAME = "371328", "临沭县"
PASSWORD = "s3cret-pw"


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class Counties(GridctlTestCase):
    """Two counties in one database."""

    def setUp(self):
        super().setUp()
        self.assertOk(self.gridctl("init", "--county-code", COUNTY_CODE, "--county-name",
                                   COUNTY_NAME))
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        self.assertOk(self.gridctl("init", "--county-code", OTHER_CODE, "--county-name",
                                   OTHER_NAME))

    def status(self, *args, env=None):
        return self.assertOk(self.gridctl(*args, "status", "--format", "json", env=env)).json()

    def test_a_second_init_adds_a_county(self):
        rows = pg_sql("SELECT county FROM counties ORDER BY county", self.box.db).split()
        self.assertEqual(rows, [COUNTY_CODE, OTHER_CODE])

    def test_without_county_the_command_names_both(self):
        r = self.gridctl("status")
        self.assertRc(r, USAGE)
        self.assertIn(COUNTY_CODE, r.stderr)
        self.assertIn(OTHER_CODE, r.stderr)
        self.assertIn("--county", r.stderr)

    def test_each_county_sees_only_its_own(self):
        self.assertEqual(self.status("--county", COUNTY_CODE)["units"]["grid"], 949)
        self.assertEqual(self.status("--county", OTHER_CODE)["units"]["grid"], 0)
        shown = self.gridctl("--county", OTHER_CODE, "units", "show", "37132710020901")
        self.assertRc(shown, NOT_FOUND)

    def test_county_from_the_environment(self):
        env = base_env(GRIDCTL_COUNTY=COUNTY_CODE)
        self.assertEqual(self.status(env=env)["units"]["grid"], 949)

    def test_a_county_not_in_the_database_is_not_found(self):
        r = self.gridctl("--county", "999999", "status")
        self.assertRc(r, NOT_FOUND)
        self.assertIn("999999", r.stderr)

    def test_same_county_again_changes_nothing(self):
        r = self.gridctl("init", "--county-code", OTHER_CODE, "--county-name", OTHER_NAME)
        self.assertOk(r)
        self.assertIn("nothing changed", r.stderr)


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class Unusable(unittest.TestCase):
    """Exit 7 naming host and database, never the password."""

    def assertUnusable(self, url, *words):
        r = run(["--db", url, "status"])
        self.assertEqual(r.rc, UNUSABLE, str(r))
        self.assertTrue(r.errors(), str(r))
        for word in words:
            self.assertIn(word, r.stderr)
        self.assertNotIn(PASSWORD, r.stderr + r.stdout)
        self.assertNotIn("wrong-pw", r.stderr + r.stdout)
        return r

    def test_no_server(self):
        url = "postgresql://gridgov_pw:wrong-pw@/gridgov?host=/nonexistent/socket-dir"
        self.assertUnusable(url, "gridgov", "/nonexistent/socket-dir")

    def test_wrong_password(self):
        db = pg_create()
        name = db.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        host = db.split("host=", 1)[1].split("&")[0]
        url = f"postgresql://gridgov_pw:wrong-pw@/{name}?host={host}"
        self.assertUnusable(url, name, "password authentication failed")

    def test_right_password_works_and_is_never_printed(self):
        db = pg_create()
        name = db.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        host = db.split("host=", 1)[1].split("&")[0]
        url = f"postgresql://gridgov_pw:{PASSWORD}@/{name}?host={host}"
        r = run(["--db", url, "init", "--county-code", COUNTY_CODE, "--county-name", COUNTY_NAME])
        self.assertEqual(r.rc, OK, str(r))
        self.assertIn(name, r.stderr)
        self.assertNotIn(PASSWORD, r.stderr + r.stdout)

    def test_another_applications_database(self):
        db = pg_create()
        pg_sql("CREATE TABLE orders (id integer)", db)
        name = db.split("://", 1)[1].split("/", 1)[1].split("?")[0]
        r = self.assertUnusable(db, name, "not a gridgov database")
        self.assertEqual(pg_sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", db)
                         .strip(), "1", "nothing was created")

    def test_a_newer_schema(self):
        db = pg_create()
        self.assertEqual(run(["--db", db, "init", "--county-code", COUNTY_CODE, "--county-name",
                              COUNTY_NAME]).rc, OK)
        pg_sql("UPDATE gridgov_meta SET value = '999' WHERE key = 'schema_version'", db)
        self.assertUnusable(db, "999", "newer")
        self.assertEqual(pg_sql("SELECT value FROM gridgov_meta WHERE key = 'schema_version'", db)
                         .strip(), "999", "left untouched")

    def test_an_empty_database_is_not_a_gridgov_one_yet(self):
        db = pg_create()
        r = run(["--db", db, "status"])
        self.assertEqual(r.rc, NOT_FOUND, str(r))


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class SilentServer(unittest.TestCase):
    """A server that takes the connection and never answers (a host dropping packets, a hung
    server): the command gives up after the connect timeout, 10 s unless the URL or
    $PGCONNECT_TIMEOUT says otherwise, and exits 7 naming where it tried."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="gg-silent-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(self.server.close)
        self.server.bind(os.path.join(self.dir, ".s.PGSQL.5432"))
        self.server.listen(8)  # never accepted: the kernel completes the connection, no reply

    def timed(self, url, env=None):
        start = time.monotonic()
        r = run(["--db", url, "status"], env=env, timeout=120)
        elapsed = time.monotonic() - start
        self.assertEqual(r.rc, UNUSABLE, str(r))
        self.assertIn(self.dir, r.stderr)
        self.assertIn("timeout", r.stderr)
        return elapsed

    def test_the_default_timeout_is_ten_seconds(self):
        elapsed = self.timed(f"postgresql:///gridgov?host={self.dir}",
                             base_env(PGCONNECT_TIMEOUT=None))
        self.assertGreaterEqual(elapsed, 9.5)
        self.assertLess(elapsed, 60)

    def test_the_urls_timeout_wins(self):
        env = base_env(PGCONNECT_TIMEOUT="30")
        self.assertLess(self.timed(f"postgresql:///gridgov?host={self.dir}&connect_timeout=2",
                                   env), 8)

    def test_the_environments_timeout_is_honoured(self):
        self.assertLess(self.timed(f"postgresql:///gridgov?host={self.dir}",
                                   base_env(PGCONNECT_TIMEOUT="2")), 8)


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class ConcurrentWriters(GridctlTestCase):
    """Writers of one county wait for each other; none loses another's case."""

    template = "full"

    def test_eight_writers_lose_nothing(self):
        grids = ["37132710020901", "37132710123401", "37132711223201", "37132710823302"]
        results = []

        def writer(k):
            for i in range(5):
                results.append(self.gridctl(
                    "log", "--as", "admin", "--grid", grids[(k + i) % len(grids)], "--kind",
                    "info", "--source", "platform", "--category", "public_order", "--title",
                    f"w{k}-{i}"))

        threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = [r.rc for r in results]
        self.assertTrue(all(c in (OK, BUSY) for c in codes), [str(r) for r in results
                                                             if r.rc not in (OK, BUSY)][:2])
        written = codes.count(OK)
        total = self.assertOk(self.gridctl("status", "--format", "json")).json()
        stored = int(pg_sql("SELECT count(*) FROM cases", self.box.db))
        self.assertEqual(stored, written)
        ids = pg_sql("SELECT count(DISTINCT id) FROM cases", self.box.db)
        self.assertEqual(int(ids), written)
        self.assertIsNotNone(total)


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class ChangedOutside(GridctlTestCase):
    """A schema changed behind gridctl's back is exit 7, named, and left untouched, as an SQLite
    file's is (test_db_errors.py): the catalog is compared with the migrations' schema."""

    template = "full"

    def refused(self, args, pattern):
        before = self.box.dump()
        r = self.gridctl(*args)
        self.assertRc(r, UNUSABLE)
        self.assertErrorFormat(r)
        self.assertIn("is unusable: ", r.stderr)
        self.assertRegex(r.stderr, pattern)
        self.assertIn("(the database was left untouched)", r.stderr)
        self.assertEqual(self.box.dump(), before, "the database was changed")
        return r

    def log(self):
        return ["log", "--grid", "37132700100101", "--category", "environment_sanitation",
                "--title", "楼道垃圾", "--as", "W0001"]

    def test_a_trigger_rewriting_an_events_actor(self):
        pg_sql("CREATE FUNCTION forge() RETURNS trigger LANGUAGE plpgsql AS "
               "'BEGIN NEW.actor := ''admin''; RETURN NEW; END'; "
               "CREATE TRIGGER forge BEFORE INSERT ON events FOR EACH ROW "
               "EXECUTE FUNCTION forge()", self.box.db)
        self.refused(self.log(), r'unexpected trigger "forge" on table "events" '
                                 r"\(gridgov did not create it\)")
        self.refused(["status"], r'unexpected trigger "forge"')

    def test_a_table_copying_titles(self):
        pg_sql("CREATE TABLE hidden (title text)", self.box.db)
        self.refused(self.log(), r'unexpected table "hidden" \(gridgov did not create it\)')

    def test_a_check_loosened(self):
        pg_sql("ALTER TABLE cases DROP CONSTRAINT cases_status_check, ADD CONSTRAINT "
               "cases_status_check CHECK (status <> '')", self.box.db)
        self.refused(["status"], r'constraint "cases_status_check" of table "cases" is not as '
                                 r"gridgov's schema version \d+ has it \(it was changed outside "
                                 r"gridgov\)")

    def test_an_index_dropped(self):
        pg_sql("DROP INDEX events_at", self.box.db)
        self.refused(["stats", "monthly", "--month", "2026-10"], r'index "events_at" is missing')

    def test_a_database_restored_from_pg_dump_passes(self):
        # A restore lays the tables out anew (events loses the column migration 3 dropped, so
        # its later columns move up): the check compares positions and definitions, not the
        # catalog's numbers.
        dumped = subprocess.run(["pg_dump", "--no-owner", self.box.db], check=True,
                                stdout=subprocess.PIPE).stdout
        restored = pg_create()
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", restored], input=dumped,
                       check=True, stdout=subprocess.DEVNULL)
        before = self.assertOk(self.gridctl("stats", "monthly", "--month", "2026-10",
                                            "--format", "json")).stdout
        after = self.assertOk(run(["--db", restored, "stats", "monthly", "--month", "2026-10",
                                   "--format", "json"])).stdout
        self.assertEqual(after, before)
        self.assertOk(run(["--db", restored, "audit", "verify"]))

    def test_statistics_and_a_vacuum_are_allowed(self):
        pg_sql("ANALYZE", self.box.db)
        pg_sql("VACUUM", self.box.db)
        self.assertOk(self.gridctl("status"))
        self.assertOk(self.gridctl(*self.log()))


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class OneConnection(GridctlTestCase):
    """A period's statistics group the settled cases on a second connection, in the first's
    snapshot (docs/design.md §14); a role allowed a single connection gets the same figures."""

    template = "full"

    def test_statistics_on_one_connection_are_the_same(self):
        pg_sql("DO $$ BEGIN CREATE ROLE gridgov_one LOGIN CONNECTION LIMIT 1; "
               "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        pg_sql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO gridgov_one", self.box.db)
        base, _, query = self.box.db.partition("?")
        params = [p for p in query.split("&") if p and not p.startswith("user=")]
        one = base + "?" + "&".join(params + ["user=gridgov_one"])
        for args in (["--by", "town"], ["--by", "department"], ["--by", "category"]):
            command = ["stats", "monthly", "--month", "2026-10", *args, "--format", "json"]
            two = self.assertOk(self.gridctl(*command)).stdout
            r = run(["--db", one, *command])
            self.assertEqual(r.rc, OK, str(r))
            self.assertEqual(r.stdout, two, args)
            self.assertGreater(len(two), 100)
        # The role really has one connection: a second one at once is refused.
        holder = subprocess.Popen(["psql", "-X", "-q", one, "-c", "SELECT pg_sleep(60)"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while pg_sql("SELECT count(*) FROM pg_stat_activity WHERE usename = 'gridgov_one'")\
                    .strip() != "1":
                self.assertLess(time.monotonic(), deadline, "psql never connected")
                time.sleep(0.05)
            r = run(["--db", one, "status"])
            self.assertEqual(r.rc, UNUSABLE, str(r))
            self.assertIn("too many connections", r.stderr)
        finally:
            pg_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                   "WHERE usename = 'gridgov_one'")
            holder.wait()


@unittest.skipUnless(ON_POSTGRESQL, "PostgreSQL only (GRIDGOV_TEST_STORE=postgresql)")
class PlannerStatistics(GridctlTestCase):
    """A write whose imports at least double its county's cases (a first load) ends with ANALYZE
    of cases and events (docs/design.md §14): autovacuum, waiting for a tenth of a table shared
    by many counties to change, may never tell the planner of a new county's rows."""

    template = "full"

    def setUp(self):
        super().setUp()
        with open(example("cases.csv"), encoding="utf-8") as f:
            self.header, *self.lines = f.read().splitlines(keepends=True)

    def analyzed(self):
        """How often cases and events were analysed by a command (not by autovacuum)."""
        out = pg_sql("SELECT analyze_count FROM pg_stat_user_tables WHERE relname IN "
                     "('cases', 'events') ORDER BY relname", self.box.db)
        return [int(n) for n in out.split()]

    def imports(self, first, count, *extra):
        path = self.box.write(f"cases-{first}-{count}.csv",
                              self.header + "".join(self.lines[first:first + count]))
        return self.assertOk(self.gridctl("import", "cases", path, *extra))

    def test_a_load_that_doubles_the_county_is_analysed(self):
        self.assertEqual(self.analyzed(), [0, 0])
        self.imports(0, 100)                 # into a county without cases
        self.assertEqual(self.analyzed(), [1, 1])
        self.imports(100, 140)               # 140 < 50 + 100: not yet
        self.assertEqual(self.analyzed(), [1, 1])
        self.imports(240, 400, "--dry-run")  # nothing written, nothing analysed
        self.assertEqual(self.analyzed(), [1, 1])
        self.imports(240, 400)               # 400 ≥ 50 + 240
        self.assertEqual(self.analyzed(), [2, 2])


if __name__ == "__main__":
    unittest.main()
