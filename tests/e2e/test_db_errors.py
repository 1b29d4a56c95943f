"""The database file: missing (4), not a database, foreign, newer or corrupt (7, untouched), busy
(6); missing input files (4); objects planted in it, its version reset, a cycle of parents (7);
read-only files and directories (reads work, writes 7) (docs/design.md §6, §8, §11)."""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from gridctl_harness import (ON_POSTGRESQL, BUSY, COUNTY_CODE, COUNTY_NAME, GRIDCTL, NOT_FOUND, OK, UNUSABLE,
                             GridctlTestCase, Result, Sandbox, base_env, data, dump, example,
                             file_bytes, run)


def setUpModule():
    if ON_POSTGRESQL:
        raise unittest.SkipTest("SQLite only: corrupt, foreign, read-only and locked database files (test_postgres has the server's own)")

# Commands that open an existing database (reading or writing it).
OPENERS = {
    "status": ["status"],
    "units_list": ["units", "list"],
    "units_show": ["units", "show", COUNTY_CODE],
    "workers_list": ["workers", "list"],
    "policy_show": ["policy", "show"],
    "import_layout_csv": ["import", "layout", example("layout.csv")],
    "import_workers": ["import", "workers", example("workers.csv")],
    "policy_load": ["policy", "load", example("policy.toml")],
}
# Commands that create a missing database but must not touch an unusable one.
CREATORS = {
    "init": ["init", "--county-code", COUNTY_CODE, "--county-name", COUNTY_NAME],
    "import_layout_toml": ["import", "layout", example("layout.toml")],
}


class MissingDatabase(GridctlTestCase):
    pass


def make_missing_test(args):
    def test(self):
        r = self.gridctl(*args)
        self.assertRc(r, NOT_FOUND)
        self.assertTrue(r.errors(), str(r))
        self.assertFalse(os.path.exists(self.box.db), "the command created the database")
    test.__doc__ = f"{' '.join(args)} with no database: exit 4, no file created"
    return test


for _name, _args in OPENERS.items():
    setattr(MissingDatabase, f"test_{_name}", make_missing_test(_args))


class UnusableDatabase(GridctlTestCase):
    """Each kind of bad file, through every command: exit 7, an error line, the file untouched."""

    def check(self, setup, args):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        setup(box)
        before = file_bytes(box.db)
        r = box.gridctl(*args)
        self.assertRc(r, UNUSABLE)
        self.assertTrue(r.errors(), str(r))
        self.assertIn(box.db, r.stderr, "the error does not name the database")
        self.assertEqual(file_bytes(box.db), before, "the database file was changed")
        for suffix in ("-wal", "-journal"):
            if os.path.exists(box.db + suffix):
                self.assertEqual(os.path.getsize(box.db + suffix), 0,
                                 f"a {suffix} file with content was left behind")

    @staticmethod
    def text_file(box):
        box.write("gridgov.db", "town_code,town_name\n371327001,十字路街道\n" * 20)

    @staticmethod
    def random_bytes(box):
        box.write("gridgov.db", bytes((i * 37 + 11) % 256 for i in range(8192)))

    @staticmethod
    def foreign_sqlite(box):
        con = sqlite3.connect(box.db)
        con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO customers (name) VALUES ('张三')")
        con.commit()
        con.close()

    @staticmethod
    def newer_schema(box):
        shutil.copyfile(_template("full"), box.db)
        con = sqlite3.connect(box.db)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()

    @staticmethod
    def corrupt(box):
        """A real gridgov database with its pages after the first overwritten."""
        shutil.copyfile(_template("full"), box.db)
        with open(box.db, "r+b") as f:
            size = os.path.getsize(box.db)
            page = 4096
            f.seek(page)
            f.write(bytes((i * 91 + 7) % 256 for i in range(size - page)))


    @staticmethod
    def version_reset(box):
        """gridgov's tables, but user_version reset to 0 ("empty"): never migrated over."""
        _plant(box, "PRAGMA user_version = 0")

    @staticmethod
    def planted_trigger(box):
        _plant(box, "CREATE TABLE hidden (title TEXT)",
               "CREATE TRIGGER steal AFTER INSERT ON cases BEGIN "
               "INSERT INTO hidden VALUES (new.title); END")

    @staticmethod
    def planted_view(box):
        _plant(box, "CREATE VIEW everyone AS SELECT code, name, phone FROM workers")

    @staticmethod
    def changed_index(box):
        _plant(box, "DROP INDEX cases_status",
               "CREATE INDEX cases_status ON cases (status) WHERE status <> 'void'")


def _plant(box, *statements):
    """A copy of the full template with `statements` run on it by another program."""
    shutil.copyfile(_template("full"), box.db)
    con = sqlite3.connect(box.db)
    for sql in statements:
        con.execute(sql)
    con.commit()
    con.close()


def _template(name):
    from gridctl_harness import template
    return template(name)


KINDS = ["text_file", "random_bytes", "foreign_sqlite", "newer_schema", "corrupt",
         "version_reset", "planted_trigger", "planted_view", "changed_index"]


def make_unusable_test(kind, args):
    def test(self):
        self.check(getattr(UnusableDatabase, kind), args)
    test.__doc__ = f"{' '.join(args)} on a {kind.replace('_', ' ')}: exit 7, file untouched"
    return test


for _kind in KINDS:
    for _name, _args in {**OPENERS, **CREATORS}.items():
        setattr(UnusableDatabase, f"test_{_kind}_{_name}", make_unusable_test(_kind, _args))


class NewerSchemaDetails(GridctlTestCase):

    def test_newer_schema_dump_unchanged(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        UnusableDatabase.newer_schema(box)
        before = dump(box.db)
        r = box.gridctl("import", "layout", example("layout.csv"))
        self.assertRc(r, UNUSABLE)
        self.assertEqual(dump(box.db), before)
        con = sqlite3.connect(box.db)
        try:
            self.assertEqual(con.execute("PRAGMA user_version").fetchone()[0], 99)
        finally:
            con.close()

    def test_newer_schema_message_says_newer(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        UnusableDatabase.newer_schema(box)
        r = box.gridctl("status")
        self.assertRc(r, UNUSABLE)
        self.assertRegex(r.stderr, r"(?i)newer|version|upgrade")


GRID = "37132700100101"   # a grid of town 371327001
TOWN = "371327001"


class PlantedObjects(GridctlTestCase):
    """A database file is data, never code: triggers, views and other objects that another
    program planted in it are refused before anything runs (exit 7, the object named), and the
    database is left as it was."""

    template = "full"

    def plant(self, *statements):
        con = sqlite3.connect(self.box.db)
        for sql in statements:
            con.execute(sql)
        con.commit()
        con.close()

    def refused(self, args, pattern, timeout=60):
        before = self.box.dump()
        r = run(["--db", self.box.db, *args], cwd=self.box.dir, timeout=timeout)
        self.assertRc(r, UNUSABLE)
        self.assertErrorFormat(r)
        self.assertIn(f"database {self.box.db} is unusable: ", r.stderr)
        self.assertRegex(r.stderr, pattern)
        self.assertEqual(self.box.dump(), before, "the database was changed")
        return r

    def log(self, title="楼道垃圾"):
        return ["log", "--grid", GRID, "--category", "environment_sanitation", "--title", title,
                "--as", "W0001"]

    def test_a_trigger_copying_titles_into_a_hidden_table(self):
        self.plant("CREATE TABLE hidden (title TEXT)",
                   "CREATE TRIGGER steal AFTER INSERT ON cases BEGIN "
                   "INSERT INTO hidden VALUES (new.title); END")
        self.refused(self.log(), r'unexpected table "hidden" \(gridgov did not create it\)')
        with sqlite3.connect(self.box.db) as con:
            self.assertEqual(con.execute("SELECT count(*) FROM hidden").fetchone()[0], 0)

    def test_a_trigger_rewriting_an_events_actor(self):
        self.plant("CREATE TRIGGER forge AFTER INSERT ON events BEGIN "
                   "UPDATE events SET actor = 'admin' WHERE id = new.id; END")
        self.refused(self.log(), r'unexpected trigger "forge" \(gridgov did not create it\)')

    def test_a_trigger_un_retiring_a_worker(self):
        self.plant("CREATE TRIGGER revive AFTER UPDATE OF retired ON workers "
                   "WHEN new.retired = 1 BEGIN UPDATE workers SET retired = 0 "
                   "WHERE id = new.id; END")
        with open(example("workers.csv"), encoding="utf-8") as f:
            fewer = self.box.write("workers.csv", "".join(f.readlines()[:-1]))
        self.refused(["import", "workers", "--prune", fewer],
                     r'unexpected trigger "revive" \(gridgov did not create it\)')
        self.refused(["workers", "list"], r'unexpected trigger "revive"')

    def test_an_endless_trigger_does_not_hang_log(self):
        self.plant("CREATE TABLE sink (n INTEGER)",
                   "CREATE TRIGGER spin AFTER INSERT ON cases BEGIN INSERT INTO sink "
                   "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
                   "SELECT n FROM c; END")
        self.refused(self.log(), r'unexpected (table "sink"|trigger "spin")', timeout=20)

    def test_a_view(self):
        self.plant("CREATE VIEW everyone AS SELECT code, name, phone FROM workers")
        self.refused(["status"], r'unexpected view "everyone" \(gridgov did not create it\)')

    def test_an_index_of_gridgov_changed(self):
        self.plant("DROP INDEX cases_status",
                   "CREATE INDEX cases_status ON cases (status) WHERE status <> 'void'")
        self.refused(["status"], r'index "cases_status" is not as gridgov\'s schema version \d+ '
                                 r"has it \(it was changed outside gridgov\)")

    def test_an_index_of_gridgov_dropped(self):
        self.plant("DROP INDEX events_at")
        self.refused(["status"], r'index "events_at" is missing')

    def test_a_table_of_gridgov_rebuilt_without_its_checks(self):
        self.plant("ALTER TABLE workers RENAME TO workers_old",
                   "CREATE TABLE workers (id INTEGER PRIMARY KEY, code TEXT, name TEXT, "
                   "tier TEXT, deployment TEXT, department TEXT, phone TEXT, retired INTEGER)",
                   "DROP TABLE workers_old")
        # The rename also rewrote worker_units' reference to workers: either is named.
        self.refused(["workers", "list"], r'table "(workers|worker_units)" is not as gridgov')

    def test_sqlite_statistics_are_allowed(self):
        self.plant("ANALYZE")
        self.assertOk(self.gridctl("status"))
        self.assertOk(self.gridctl(*self.log()))

    def test_user_version_reset_to_0_is_unusable_not_migrated_over(self):
        self.plant("PRAGMA user_version = 0")
        r = self.refused(["status"], r"schema version \(PRAGMA user_version\) says it is empty")
        self.assertNotIn("already exists", r.stderr)
        self.refused(["import", "layout", example("layout.csv")], r"says it is empty")


class ParentCycle(GridctlTestCase):
    """A cycle of parents written into the database (a town under one of its own grids): every
    walk of the unit tree stops and reports the database unusable (exit 7), none hangs."""

    template = "full"

    def setUp(self):
        super().setUp()
        con = sqlite3.connect(self.box.db)
        con.execute("UPDATE units SET parent_id = (SELECT id FROM units WHERE code = ?) "
                    "WHERE code = ?", (GRID, TOWN))
        con.commit()
        con.close()

    def check(self, *args):
        before = self.box.dump()
        r = run(["--db", self.box.db, *args], cwd=self.box.dir, timeout=20)
        self.assertRc(r, UNUSABLE)
        self.assertErrorFormat(r)
        self.assertIn(f"database {self.box.db} is unusable: unit {TOWN} (town) has parent "
                      f"{GRID} (grid), which is not above it (do the units' parents form a "
                      f"cycle?)", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_units_show(self):
        self.check("units", "show", TOWN)

    def test_units_show_a_grid_below(self):
        self.check("units", "show", GRID)

    def test_units_tree(self):
        self.check("units", "tree")

    def test_units_list_under(self):
        self.check("units", "list", "--under", TOWN)

    def test_workers_list_unit(self):
        self.check("workers", "list", "--unit", TOWN)

    def test_case_list_unit(self):
        self.check("case", "list", "--unit", TOWN)

    def test_stats_by_town(self):
        self.check("stats", "monthly", "--month", "2026-10", "--by", "town")

    def test_log(self):
        self.check("log", "--grid", GRID, "--category", "environment_sanitation", "--title", "x",
                   "--as", "W0001")

    def test_import_layout(self):
        self.check("import", "layout", example("layout.csv"))

    def test_status_does_not_walk_the_tree(self):
        self.assertOk(self.gridctl("status"))


NOBODY = 65534


class ReadOnly(GridctlTestCase):
    """A database this user may read but not write (a read-only file, or a directory it cannot
    write, where SQLite cannot make the -wal and -shm files): reading works, writing is refused
    (exit 7) and the file is left as it was. Root ignores permissions, so as root the commands
    run as `nobody` (setpriv); without setpriv they are skipped."""

    template = "full"

    def setUp(self):
        super().setUp()
        self.prefix = []
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            self.prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
            probe = subprocess.run([*self.prefix, GRIDCTL, "--version"], capture_output=True) \
                if setpriv else None
            if probe is None or probe.returncode != 0:
                self.skipTest("running as root, and cannot run gridctl as nobody to test "
                              "permissions")
        os.chmod(self.box.dir, 0o755)
        for suffix in ("-wal", "-shm", "-journal"):
            self.assertFalse(os.path.exists(self.box.db + suffix))
        self.addCleanup(os.chmod, self.box.dir, 0o755)

    def read_only_directory(self):
        """The file may be written, its directory not: SQLite cannot make -wal and -shm."""
        if self.prefix:
            os.chown(self.box.db, NOBODY, NOBODY)  # the directory stays root's
        else:
            os.chmod(self.box.dir, 0o555)

    def read_only_file(self):
        os.chmod(self.box.db, 0o444)
        if self.prefix:
            os.chown(self.box.dir, NOBODY, NOBODY)

    def readable(self, name: str) -> str:
        """A copy of examples/NAME that the user gridctl runs as can read, wherever the checkout
        is (a clone under a 0700 directory from `mktemp -d` is not readable by `nobody`)."""
        where = tempfile.mkdtemp(prefix="gridgov-e2e-examples-")
        self.addCleanup(shutil.rmtree, where, True)
        os.chmod(where, 0o755)
        path = os.path.join(where, name)
        shutil.copyfile(example(name), path)
        os.chmod(path, 0o644)
        return path

    def ro(self, *args) -> Result:
        p = subprocess.run([*self.prefix, GRIDCTL, "--db", self.box.db, *args], cwd="/",
                           capture_output=True, env=base_env(), timeout=60)
        return Result(list(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"), p.stdout)

    def reads_work(self):
        before = file_bytes(self.box.db)
        status = self.assertOk(self.ro("status", "--format", "json")).json()
        self.assertEqual(status["workers"]["grid"], 949)
        self.assertOk(self.ro("units", "show", TOWN))
        self.assertOk(self.ro("workers", "list", "--unit", TOWN))
        self.assertOk(self.ro("case", "list"))
        self.assertOk(self.ro("stats", "monthly", "--month", "2026-10", "--by", "town"))
        self.assertOk(self.ro("policy", "show"))
        self.assertEqual(file_bytes(self.box.db), before)

    def writes_are_refused(self):
        before = file_bytes(self.box.db)
        r = self.ro("log", "--grid", GRID, "--category", "environment_sanitation", "--title",
                    "x", "--as", "W0001")
        self.assertRc(r, UNUSABLE)
        self.assertIn(f"database {self.box.db} is read-only (", r.stderr)
        self.assertIn("this command writes, and wrote nothing", r.stderr)
        self.assertRc(self.ro("import", "workers", self.readable("workers.csv")), UNUSABLE)
        self.assertEqual(file_bytes(self.box.db), before)

    def test_reads_work_in_a_read_only_directory(self):
        self.read_only_directory()
        self.reads_work()
        for suffix in ("-wal", "-shm", "-journal"):
            self.assertFalse(os.path.exists(self.box.db + suffix))

    def test_writes_are_refused_in_a_read_only_directory(self):
        self.read_only_directory()
        self.writes_are_refused()
        r = self.ro("log", "--grid", GRID, "--category", "environment_sanitation", "--title",
                    "x", "--as", "W0001")
        self.assertIn("its directory cannot be written", r.stderr)

    def test_reads_work_on_a_read_only_file(self):
        self.read_only_file()
        self.reads_work()

    def test_writes_are_refused_on_a_read_only_file(self):
        self.read_only_file()
        self.writes_are_refused()
        r = self.ro("policy", "load", self.readable("policy.toml"))
        self.assertRc(r, UNUSABLE)
        self.assertIn("is read-only (the file cannot be written)", r.stderr)

    def test_an_old_database_needing_an_upgrade_is_left_untouched(self):
        shutil.copyfile(data("upgrade/v1.db"), self.box.db)
        self.read_only_directory()
        before = file_bytes(self.box.db)
        r = self.ro("status")
        self.assertRc(r, UNUSABLE)
        self.assertRegex(r.stderr, re.escape(f"database {self.box.db} has schema version 1 and "
                                             "needs upgrading to ") + r"\d+, but it is read-only \(")
        self.assertEqual(file_bytes(self.box.db), before)


class OtherPaths(GridctlTestCase):

    def test_directory_as_database(self):
        os.mkdir(self.box.path("dir.db"))
        r = self.gridctl("--db", self.box.path("dir.db"), "status", db=False)
        self.assertRc(r, UNUSABLE)
        self.assertTrue(r.errors())

    def test_directory_as_database_for_init(self):
        os.mkdir(self.box.path("dir.db"))
        r = self.gridctl("--db", self.box.path("dir.db"), "init", "--county-code", COUNTY_CODE,
                         "--county-name", COUNTY_NAME, db=False)
        self.assertRc(r, UNUSABLE)

    def test_init_in_a_missing_directory(self):
        path = self.box.path("no/such/dir/gridgov.db")
        r = self.gridctl("--db", path, "init", "--county-code", COUNTY_CODE,
                         "--county-name", COUNTY_NAME, db=False)
        self.assertRc(r, UNUSABLE)
        self.assertTrue(r.errors())
        self.assertFalse(os.path.exists(path))


class MissingInputFile(GridctlTestCase):
    template = "full"

    def check(self, *args):
        before = self.box.dump()
        r = self.gridctl(*args)
        self.assertRc(r, NOT_FOUND)
        self.assertIn("nope", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_import_layout(self):
        self.check("import", "layout", self.box.path("nope.csv"))

    def test_import_layout_toml(self):
        self.check("import", "layout", self.box.path("nope.toml"))

    def test_import_workers(self):
        self.check("import", "workers", self.box.path("nope.csv"))

    def test_import_auto(self):
        self.check("import", self.box.path("nope.csv"))

    def test_second_of_two_files_missing(self):
        """The first file is good; the second is missing: nothing of the first is written."""
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "layout", example("layout.csv"), box.path("nope.csv"))
        self.assertRc(r, NOT_FOUND)
        self.assertEqual(box.dump(), before)

    def test_policy_load(self):
        self.check("policy", "load", self.box.path("nope.toml"))

    def test_policy_check(self):
        self.check("policy", "check", self.box.path("nope.toml"))

    def test_toml_layout_without_database_creates_nothing(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        r = box.gridctl("import", "layout", box.path("nope.toml"))
        self.assertRc(r, NOT_FOUND)
        self.assertFalse(os.path.exists(box.db))


class Busy(GridctlTestCase):
    """Another process holds the write lock for longer than the 5 s busy timeout."""

    template = "layout"

    def test_writer_gets_exit_6_and_writes_nothing(self):
        before = self.box.dump()
        con = sqlite3.connect(self.box.db, isolation_level=None, timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE units SET name = name WHERE 0")  # hold the RESERVED lock
            # A reader still works while the writer waits (WAL).
            r = self.gridctl("status", "--format", "json")
            self.assertRc(r, OK)
            start = time.monotonic()
            r = self.gridctl("import", "workers", example("workers.csv"))
            elapsed = time.monotonic() - start
            self.assertRc(r, BUSY)
            self.assertTrue(r.errors())
            self.assertGreater(elapsed, 2.0, "gave up without waiting for the lock")
        finally:
            con.execute("ROLLBACK")
            con.close()
        self.assertEqual(self.box.dump(), before)

    def test_writer_waits_for_a_short_lock(self):
        """A lock released after 1 s: the import waits and succeeds."""
        con = sqlite3.connect(self.box.db, isolation_level=None, timeout=0, check_same_thread=False)
        con.execute("BEGIN IMMEDIATE")

        def release():
            time.sleep(1.0)
            con.execute("ROLLBACK")
            con.close()

        t = threading.Thread(target=release)
        t.start()
        try:
            r = self.gridctl("import", "workers", example("workers.csv"))
        finally:
            t.join()
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["workers"]["grid"], 949)


if __name__ == "__main__":
    unittest.main()
