"""gridctl migrate: a county copied from an SQLite file into the sandbox's database (an SQLite
file, or a PostgreSQL database when the suite runs there), with every figure and export the
same; and stats summary --all-counties (docs/design.md §14)."""

import os
import shutil
import subprocess
import sys
import unittest

from gridctl_harness import (COUNTY_CODE, COUNTY_NAME, NOT_FOUND, OK, ON_POSTGRESQL, REFUSED,
                             REPO, UNUSABLE, USAGE, GridctlTestCase, Sandbox, example, run,
                             template)

# The commands whose output must not change with the copy (json: every field).
FIGURES = [
    ["status"],
    ["stats", "summary"],
    ["stats", "monthly", "--month", "2026-07", "--by", "town"],
    ["stats", "monthly", "--month", "2026-08", "--by", "town"],
    ["stats", "monthly", "--month", "2026-09", "--by", "town"],
    ["stats", "monthly", "--month", "2026-09", "--by", "department"],
    ["stats", "monthly", "--month", "2026-09", "--by", "category,source"],
    ["stats", "quota", "--month", "2026-09"],
    ["supervise", "list"],
    ["assess", "--month", "2026-09", "--by", "town"],
    ["export", "cases"],
    ["export", "events"],
    ["units", "show", "371327100"],
    ["workers", "list"],
    ["case", "show", "4242"],
]


def figures(db: str) -> dict:
    out = {}
    for args in FIGURES:
        r = run(["--db", db, "--format", "json", *args], timeout=300)
        assert r.rc == OK, str(r)
        out[" ".join(args)] = r.stdout
    return out


class Migrate(GridctlTestCase):
    """The example season, migrated."""

    @classmethod
    def setUpClass(cls):
        # The source is always an SQLite file: the season's template, copied.
        cls.source_box = Sandbox(sqlite=True)
        if ON_POSTGRESQL:
            # The template is a PostgreSQL database here: build an SQLite one the same way.
            db = ["--db", cls.source_box.db]
            for args in (["init", "--county-code", COUNTY_CODE, "--county-name", COUNTY_NAME],
                         ["import", "layout", example("layout.csv")],
                         ["import", "workers", example("workers.csv")],
                         ["import", "cases", example("cases.csv")]):
                assert run([*db, *args], timeout=600).rc == OK
        else:
            shutil.copyfile(template("season"), cls.source_box.db)
        cls.source = cls.source_box.db
        for args in (["import", "party", example("party.csv")],
                     ["import", "boundaries", example("boundaries.geojson")],
                     ["import", "attendance", example("attendance.csv")]):
            r = run(["--db", cls.source, *args], timeout=300)
            assert r.rc == OK, str(r)
        cls.before = figures(cls.source)

    @classmethod
    def tearDownClass(cls):
        cls.source_box.cleanup()

    def migrate(self, *args: str):
        # The whole season: more than the harness's minute on a loaded machine.
        return run(["migrate", *args], cwd=self.box.dir, timeout=600)

    def assertNothingWritten(self, before: str):
        if ON_POSTGRESQL:
            self.assertEqual(self.box.dump(), before)
        else:
            self.assertFalse(self.box.created(), "a database was left behind")

    def test_every_figure_is_the_same_after(self):
        r = self.assertOk(self.migrate("--from", self.source, "--to", self.box.db))
        self.assertIn("176877 cases", r.stderr)
        self.assertIn("949 boundaries", r.stderr)
        after = figures(self.box.db)
        for command, output in self.before.items():
            with self.subTest(command=command):
                self.assertEqual(after[command], output)

    def test_a_destination_holding_the_county_is_refused_and_unchanged(self):
        self.assertOk(self.gridctl("init", "--county-code", COUNTY_CODE, "--county-name",
                                   COUNTY_NAME))
        before = self.box.dump()
        r = self.migrate("--from", self.source, "--to", self.box.db)
        self.assertRc(r, REFUSED)
        self.assertIn(COUNTY_CODE, r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_a_missing_source_is_not_found(self):
        before = self.box.dump() if ON_POSTGRESQL else ""
        r = self.migrate("--from", self.box.path("nothing.db"), "--to", self.box.db)
        self.assertRc(r, NOT_FOUND)
        self.assertFalse(os.path.exists(self.box.path("nothing.db")))
        self.assertNothingWritten(before)

    def test_a_source_not_gridgov_is_unusable(self):
        before = self.box.dump() if ON_POSTGRESQL else ""
        junk = self.box.write("junk.db", "not a database\n" * 100)
        r = self.migrate("--from", junk, "--to", self.box.db)
        self.assertRc(r, UNUSABLE)
        self.assertNothingWritten(before)

    def test_both_flags_are_required(self):
        before = self.box.dump() if ON_POSTGRESQL else ""
        self.assertRc(self.migrate("--from", self.source), USAGE)
        self.assertRc(self.migrate("--to", self.box.db), USAGE)
        self.assertNothingWritten(before)


class EventIds(GridctlTestCase):
    """Events of two cases in one second keep their order in `export events` after a copy (from
    a database of the store under test into a new one)."""

    def test_export_events_is_the_same_after(self):
        source = Sandbox("full")
        self.addCleanup(source.cleanup)
        grid, worker = "37132700100101", "W0001"
        ids = []
        for title in ("甲", "乙"):
            r = source.gridctl("log", "--grid", grid, "--category", "environment_sanitation",
                               "--title", title, "--as", worker, "--at", "2026-10-03T09:00")
            self.assertOk(r)
            ids.append(r.stdout.strip())
        for cid in reversed(ids):  # the later case's event first, in the same second
            self.assertOk(source.gridctl("escalate", cid, "--reason", "上报", "--as", worker,
                                         "--at", "2026-10-03T10:00"))
        self.assertOk(self.gridctl("migrate", "--from", source.db, "--to", self.box.db, db=False))
        before = self.assertOk(source.gridctl("export", "events")).stdout
        after = self.assertOk(self.gridctl("export", "events")).stdout
        self.assertEqual(after, before)


class AllCounties(GridctlTestCase):
    """stats summary --all-counties: one row per county, then their sum."""

    template = "season"

    def test_one_county_and_the_sum(self):
        one = self.assertOk(self.gridctl("stats", "summary", "--month", "2026-09", "--format",
                                         "json")).json()
        rows = self.assertOk(self.gridctl("stats", "summary", "--month", "2026-09",
                                          "--all-counties", "--format", "json")).json()
        self.assertEqual([r["group"] for r in rows], [COUNTY_CODE, "all"])
        self.assertEqual(rows[0], one[-1])
        for field in ("reported", "problems", "closed", "closed_on_time", "resolution_rate"):
            self.assertEqual(rows[1][field], one[-1][field], field)

    def test_lang_zh_names_the_province_row_but_json_keeps_its_words(self):
        for fmt in ("table", "csv", "md"):
            r = self.assertOk(self.gridctl("stats", "summary", "--all-counties", "--month",
                                           "2026-09", "--lang", "zh", "--format", fmt))
            self.assertIn("全部县区", r.stdout, fmt)
            self.assertNotIn("all counties", r.stdout, fmt)
        for fmt in ("json", "ndjson"):
            r = self.assertOk(self.gridctl("stats", "summary", "--all-counties", "--month",
                                           "2026-09", "--lang", "zh", "--format", fmt))
            self.assertIn('"all counties"', r.stdout, fmt)

    def test_excludes_unit(self):
        r = self.gridctl("stats", "summary", "--all-counties", "--unit", "371327100")
        self.assertRc(r, USAGE)

    @unittest.skipUnless(ON_POSTGRESQL, "two counties in one database: PostgreSQL")
    def test_two_counties_sum_their_counts(self):
        self.assertOk(self.gridctl("init", "--county-code", "371328", "--county-name", "临沭县"))
        rows = self.assertOk(self.gridctl("stats", "summary", "--month", "2026-09",
                                          "--all-counties", "--format", "json")).json()
        self.assertEqual([r["group"] for r in rows], [COUNTY_CODE, "371328", "all"])
        self.assertEqual(rows[1]["reported"], 0)
        self.assertEqual(rows[2]["reported"], rows[0]["reported"])
        self.assertEqual(rows[2]["resolution_rate"], rows[0]["resolution_rate"])

    @unittest.skipUnless(ON_POSTGRESQL, "two counties in one database: PostgreSQL")
    def test_a_second_county_migrated_in_and_the_province_row_sums_counts(self):
        # A small county of its own (the example's tree under code 371328, generated cases),
        # migrated from an SQLite file into the database that holds the season's county.
        src = Sandbox()
        self.addCleanup(src.cleanup)
        os.makedirs(src.path("county"))
        for name in ("layout.csv", "workers.csv", "policy.toml"):
            with open(example(name), encoding="utf-8") as f:
                text = f.read()
            src.write(os.path.join("county", name), text.replace(COUNTY_CODE, "371328"))
        cases = src.path("cases.csv")
        subprocess.run([sys.executable, os.path.join(REPO, "scripts", "gen-cases"), "--size", "3000",
                        "--seed", "5", "--to", "2026-09-30", "--examples", src.path("county"),
                        "--out", cases], check=True, capture_output=True, timeout=300)
        db = ["--db", src.path("other.db")]
        for args in (["init", "--county-code", "371328", "--county-name", "临沭县"],
                     ["import", "layout", src.path("county/layout.csv")],
                     ["import", "workers", src.path("county/workers.csv")],
                     ["policy", "load", src.path("county/policy.toml")],
                     ["import", "cases", cases]):
            self.assertOk(run([*db, *args], timeout=300))
        summary = ["stats", "summary", "--month", "2026-09", "--format", "json"]
        first = self.assertOk(self.gridctl("--county", COUNTY_CODE, *summary)).stdout
        other = self.assertOk(run([*db, *summary])).json()[-1]
        self.assertOk(run(["migrate", "--from", src.path("other.db"), "--to", self.box.db],
                          timeout=600))
        self.assertEqual(self.gridctl("--county", COUNTY_CODE, *summary).stdout, first)
        rows = self.assertOk(self.gridctl(*summary, "--all-counties")).json()
        self.assertEqual([r["group"] for r in rows], [COUNTY_CODE, "371328", "all"])
        self.assertEqual(rows[1], other)
        total = rows[2]
        for field in ("reported", "problems", "closed", "closed_on_time", "overdue_open"):
            self.assertEqual(total[field], rows[0][field] + rows[1][field], field)
        self.assertGreater(rows[1]["problems"], 0)
        # Rates from the summed counts, not the mean of the counties' rates.
        self.assertAlmostEqual(total["resolution_rate"], total["closed"] / total["problems"])
        self.assertNotAlmostEqual(total["resolution_rate"],
                                  (rows[0]["resolution_rate"] + rows[1]["resolution_rate"]) / 2)


if __name__ == "__main__":
    unittest.main()
