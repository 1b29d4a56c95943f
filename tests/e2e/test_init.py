"""gridctl init: creates the database with the county and the built-in policy (docs/design.md §6)."""

import json
import os
import tomllib
import unittest

from gridctl_harness import (COUNTY_CODE, COUNTY_NAME, INPUT, OK, REFUSED, USAGE,
                             GridctlTestCase, example, skip_on_postgresql)


class Init(GridctlTestCase):

    def init(self, code=COUNTY_CODE, name=COUNTY_NAME, *extra):
        return self.gridctl("init", "--county-code", code, "--county-name", name, *extra)

    def status(self):
        r = self.assertOk(self.gridctl("status", "--format", "json"))
        return r.json()

    @skip_on_postgresql("the database is a file")
    def test_creates_the_database_file(self):
        self.assertFalse(self.box.created())
        self.assertOk(self.init())
        self.assertTrue(os.path.isfile(self.box.db))

    def test_database_holds_only_the_county(self):
        self.assertOk(self.init())
        st = self.status()
        self.assertEqual(st["units"], {"county": 1, "town": 0, "zone": 0, "village": 0, "grid": 0})
        self.assertEqual(st["workers"], {"grid": 0, "town": 0, "county": 0})
        self.assertEqual(st["cases"], {"open": 0, "resolved": 0, "closed": 0, "void": 0})

    def test_county_unit_is_shown(self):
        self.assertOk(self.init())
        u = self.assertOk(self.gridctl("units", "show", COUNTY_CODE, "--format", "json")).json()
        self.assertEqual(u["code"], COUNTY_CODE)
        self.assertEqual(u["name"], COUNTY_NAME)
        self.assertEqual(u["level"], "county")
        self.assertIn(u["parent"], (None, ""))

    def test_message_on_stderr_nothing_on_stdout(self):
        r = self.assertOk(self.init())
        self.assertEqual(r.stdout, "")
        self.assertNotEqual(r.stderr.strip(), "")
        self.assertNotIn("error", r.stderr)

    def test_quiet_prints_nothing(self):
        r = self.assertOk(self.gridctl("-q", "init", "--county-code", COUNTY_CODE,
                                       "--county-name", COUNTY_NAME))
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr, "")

    def test_builtin_policy_is_version_1(self):
        self.assertOk(self.init())
        p = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        self.assertEqual(p["version"], 1)

    def test_builtin_policy_is_the_model_county_policy(self):
        """examples/policy.toml says: the same text is the built-in default."""
        self.assertOk(self.init())
        p = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        with open(example("policy.toml"), "rb") as f:
            want = tomllib.load(f)
        self.assertEqual([d["code"] for d in p["departments"]],
                         [d["code"] for d in want["departments"]])
        self.assertEqual([c["code"] for c in p["categories"]],
                         [c["code"] for c in want["categories"]])
        self.assertEqual(p["daily_reports_per_grid"], want["daily_reports_per_grid"])

    def test_same_county_again_changes_nothing(self):
        self.assertOk(self.init())
        before = self.box.dump()
        r = self.init()
        self.assertRc(r, OK)
        self.assertEqual(self.box.dump(), before)

    @skip_on_postgresql("one file, one county; a PostgreSQL database holds many (test_postgres)")
    def test_another_county_is_refused(self):
        self.assertOk(self.init())
        before = self.box.dump()
        r = self.init("371328", "临沭县")
        self.assertRc(r, REFUSED)
        self.assertTrue(r.errors(), str(r))
        self.assertEqual(self.box.dump(), before)

    @skip_on_postgresql("one file, one county; a PostgreSQL database holds many (test_postgres)")
    def test_another_county_after_layout_is_refused(self):
        self.assertOk(self.init())
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        before = self.box.dump()
        self.assertRc(self.init("371328", "临沭县"), REFUSED)
        self.assertEqual(self.box.dump(), before)

    def test_missing_county_code_is_usage_error(self):
        r = self.gridctl("init", "--county-name", COUNTY_NAME)
        self.assertRc(r, USAGE)
        self.assertFalse(self.box.created())

    def test_missing_county_name_is_usage_error(self):
        r = self.gridctl("init", "--county-code", COUNTY_CODE)
        self.assertRc(r, USAGE)
        self.assertFalse(self.box.created())

    def test_bad_county_code_is_rejected_without_a_file(self):
        for code in ("371 327", "莒南", "", "x" * 33, "a/b"):
            with self.subTest(code=code):
                r = self.init(code)
                self.assertIn(r.rc, (USAGE, INPUT), str(r))
                self.assertTrue(r.errors(), str(r))
                self.assertFalse(self.box.created())

    def test_blank_county_name_is_rejected_without_a_file(self):
        for name in ("", "   ", "\u3000"):
            with self.subTest(name=name):
                r = self.init(COUNTY_CODE, name)
                self.assertIn(r.rc, (USAGE, INPUT), str(r))
                self.assertFalse(self.box.created())

    def test_county_name_is_trimmed_and_nfc(self):
        self.assertOk(self.init(COUNTY_CODE, "\u3000 Cafe\u0301县 "))
        u = self.assertOk(self.gridctl("units", "show", COUNTY_CODE, "--format", "json")).json()
        self.assertEqual(u["name"], "Caf\u00e9县")

    def test_default_database_is_gridgov_db_in_cwd(self):
        r = self.gridctl("init", "--county-code", COUNTY_CODE, "--county-name", COUNTY_NAME,
                         db=False)
        self.assertRc(r, OK)
        self.assertTrue(os.path.isfile(self.box.path("gridgov.db")))

    @skip_on_postgresql("the file's format and journal")
    def test_database_is_sqlite_with_wal(self):
        self.assertOk(self.init())
        with open(self.box.db, "rb") as f:
            self.assertEqual(f.read(16), b"SQLite format 3\x00")
        import sqlite3
        con = sqlite3.connect(self.box.db)
        try:
            self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "wal")
            self.assertGreater(con.execute("PRAGMA user_version").fetchone()[0], 0)
        finally:
            con.close()


if __name__ == "__main__":
    unittest.main()
