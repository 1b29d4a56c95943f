"""Imports are upserts: a second import changes nothing; --dry-run writes nothing; --prune retires
what the file leaves out, but never a unit that still has workers (docs/design.md §5)."""

import csv
import io
import os
import unittest

from gridctl_harness import (INPUT, LEVELS, NOT_FOUND, OK, REFUSED, TIERS, GridctlTestCase,
                             Sandbox, example, example_ancestors, example_counts, example_units,
                             layout_rows, worker_rows)

DROP_TOWN = "371327112"  # 坊前镇, the last town of the example


def layout_without(town: str) -> str:
    rows = layout_rows()
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(r for r in rows if r["town_code"] != town)
    return out.getvalue()


def workers_without(pred) -> str:
    rows = worker_rows()
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(r for r in rows if not pred(r))
    return out.getvalue()


def subtree_counts(code: str) -> dict:
    counts = {level: 0 for level in LEVELS}
    for c, u in example_units().items():
        if code in example_ancestors(c):
            counts[u["level"]] += 1
    return counts


def counts_of(result, kind):
    return {r["level"]: {k: int(r[k]) for k in ("added", "updated", "unchanged", "retired")}
            for r in result.csv_rows() if r["kind"] == kind}


class SecondImport(GridctlTestCase):

    def test_layout_csv_twice(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "layout", example("layout.csv"), "--format", "csv")
        self.assertRc(r, OK)
        c = counts_of(r, "unit")
        for level in LEVELS[1:]:
            self.assertEqual(c[level], {"added": 0, "updated": 0, "retired": 0,
                                        "unchanged": example_counts()[level]}, level)
        self.assertEqual(box.dump(), before)

    def test_layout_toml_twice(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.toml")))
        before = self.box.dump()
        self.assertOk(self.gridctl("import", "layout", example("layout.toml")))
        self.assertEqual(self.box.dump(), before)

    def test_layout_json_twice(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.json")))
        before = self.box.dump()
        self.assertOk(self.gridctl("import", "layout", example("layout.json")))
        self.assertEqual(self.box.dump(), before)

    def test_workers_twice(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "workers", example("workers.csv"), "--format", "csv")
        self.assertRc(r, OK)
        c = counts_of(r, "worker")
        self.assertEqual({t: c[t]["unchanged"] for t in TIERS},
                         {"grid": 949, "town": 590, "county": 912})
        self.assertEqual(sum(c[t]["added"] + c[t]["updated"] for t in TIERS), 0)
        self.assertEqual(box.dump(), before)

    def test_mixed_twice(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        self.assertRc(box.gridctl("import", example("layout.csv"), example("workers.csv")), OK)
        self.assertEqual(box.dump(), before)

    def test_nothing_to_change_is_said(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        r = box.gridctl("import", "workers", example("workers.csv"))
        self.assertRc(r, OK)
        self.assertTrue(r.stderr.strip())


class DryRun(GridctlTestCase):

    def test_layout_writes_nothing(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "layout", "--dry-run", example("layout.csv"), "--format", "csv", "--counts")
        self.assertRc(r, OK)
        c = counts_of(r, "unit")
        self.assertEqual({l: c[l]["added"] for l in LEVELS[1:]},
                         {l: example_counts()[l] for l in LEVELS[1:]})
        self.assertEqual(box.dump(), before)

    def test_workers_writes_nothing(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "workers", "--dry-run", example("workers.csv"), "--format", "csv", "--counts")
        self.assertRc(r, OK)
        c = counts_of(r, "worker")
        self.assertEqual({t: c[t]["added"] for t in TIERS}, {"grid": 949, "town": 590, "county": 912})
        self.assertEqual(box.dump(), before)

    def test_mixed_writes_nothing(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "--dry-run", example("layout.csv"), example("workers.csv"),
                        "--format", "csv", "--counts")
        self.assertRc(r, OK)
        self.assertEqual(counts_of(r, "worker")["grid"]["added"], 949)
        self.assertEqual(box.dump(), before)

    def test_dry_run_says_so(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        r = box.gridctl("import", "layout", "--dry-run", example("layout.csv"))
        self.assertRc(r, OK)
        self.assertRegex(r.stderr, r"(?i)dry|nothing written|would")

    def test_toml_without_database_creates_no_file(self):
        r = self.gridctl("import", "layout", "--dry-run", example("layout.toml"), "--format", "csv", "--counts")
        self.assertRc(r, OK)
        self.assertEqual(counts_of(r, "unit")["grid"]["added"], 949)
        self.assertFalse(self.box.created(), "--dry-run created the database")
        self.assertEqual(sorted(os.listdir(self.box.dir)), [], "--dry-run left files behind")

    def test_json_without_database_creates_no_file(self):
        r = self.gridctl("import", "layout", "--dry-run", example("layout.json"))
        self.assertRc(r, OK)
        self.assertFalse(self.box.created())

    def test_csv_without_database_is_not_found(self):
        r = self.gridctl("import", "layout", "--dry-run", example("layout.csv"))
        self.assertRc(r, NOT_FOUND)
        self.assertFalse(self.box.created())

    def test_toml_and_workers_without_database(self):
        """A dry run of a new county with its workers plans both, writes nothing."""
        r = self.gridctl("import", "--dry-run", example("layout.toml"), example("workers.csv"),
                         "--format", "csv", "--counts")
        self.assertRc(r, OK)
        self.assertEqual(counts_of(r, "worker")["county"]["added"], 912)
        self.assertFalse(self.box.created())

    def test_bad_file_in_dry_run_is_rejected(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        from gridctl_harness import data
        r = box.gridctl("import", "workers", "--dry-run", data("workers/unknown_unit.csv"))
        self.assertRc(r, INPUT)

    def test_dry_run_then_real_run_agree(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        # The same change list: the dry run's default, the real import's with --changes.
        dry = box.gridctl("import", "--dry-run", example("layout.csv"), example("workers.csv"),
                          "--format", "csv")
        real = box.gridctl("import", example("layout.csv"), example("workers.csv"),
                           "--format", "csv", "--changes")
        self.assertRc(dry, OK)
        self.assertRc(real, OK)
        self.assertEqual(dry.stdout, real.stdout)


class Prune(GridctlTestCase):

    def test_retires_units_left_out(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        path = box.write("l.csv", layout_without(DROP_TOWN))
        r = box.gridctl("import", "layout", "--prune", path, "--format", "csv")
        self.assertRc(r, OK)
        gone = subtree_counts(DROP_TOWN)
        c = counts_of(r, "unit")
        self.assertEqual({l: c[l]["retired"] for l in LEVELS}, gone)
        st = box.gridctl("status", "--format", "json").json()["units"]
        self.assertEqual(st, {l: example_counts()[l] - gone[l] for l in LEVELS})
        towns = box.gridctl("units", "list", "--level", "town", "--format", "csv").csv_rows()
        self.assertEqual(len(towns), 13)
        self.assertNotIn(DROP_TOWN, {t["code"] for t in towns})

    def test_without_prune_nothing_is_retired(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        path = box.write("l.csv", layout_without(DROP_TOWN))
        r = box.gridctl("import", "layout", path, "--format", "csv")
        self.assertRc(r, OK)
        self.assertEqual(sum(v["retired"] for v in counts_of(r, "unit").values()), 0)
        self.assertEqual(box.dump(), before)

    def test_prune_dry_run_writes_nothing(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        path = box.write("l.csv", layout_without(DROP_TOWN))
        r = box.gridctl("import", "layout", "--prune", "--dry-run", path, "--format", "csv", "--counts")
        self.assertRc(r, OK)
        self.assertEqual(counts_of(r, "unit")["grid"]["retired"], subtree_counts(DROP_TOWN)["grid"])
        self.assertEqual(box.dump(), before)

    def test_refused_when_a_unit_has_workers(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        path = box.write("l.csv", layout_without(DROP_TOWN))
        r = box.gridctl("import", "layout", "--prune", path)
        self.assertRc(r, REFUSED)
        self.assertTrue(r.errors(), str(r))
        self.assertRegex(r.stderr, DROP_TOWN[:9])  # names a unit of the town
        self.assertEqual(box.dump(), before)

    def test_refused_prune_also_in_dry_run(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        path = box.write("l.csv", layout_without(DROP_TOWN))
        r = box.gridctl("import", "layout", "--prune", "--dry-run", path)
        self.assertRc(r, REFUSED)
        self.assertEqual(box.dump(), before)

    def test_prune_after_the_workers_are_retired(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        in_town = lambda w: any(DROP_TOWN in example_ancestors(u)
                                for u in w["unit"].split(";") if u)
        # Cluster workers spanning the town and another one lose the whole assignment.
        wpath = box.write("w.csv", workers_without(in_town))
        r = box.gridctl("import", "workers", "--prune", wpath, "--format", "csv")
        self.assertRc(r, OK)
        retired = sum(1 for w in worker_rows() if in_town(w))
        self.assertGreater(retired, 0)
        self.assertEqual(sum(v["retired"] for v in counts_of(r, "worker").values()), retired)
        lpath = box.write("l.csv", layout_without(DROP_TOWN))
        r = box.gridctl("import", "layout", "--prune", lpath)
        self.assertRc(r, OK)
        self.assertEqual(box.gridctl("status", "--format", "json").json()["units"]["town"], 13)

    def test_retired_unit_takes_no_workers(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("import", "layout", "--prune",
                                  box.write("l.csv", layout_without(DROP_TOWN))), OK)
        grid = next(r["grid_code"] for r in layout_rows() if r["town_code"] == DROP_TOWN)
        path = box.write("w.csv", "code,name,tier,unit,deployment,department,phone\n"
                                  f"W9001,测试甲,grid,{grid},,,\n")
        before = box.dump()
        r = box.gridctl("import", "workers", path)
        self.assertRc(r, INPUT)
        self.assertIn(grid, r.stderr)
        self.assertEqual(box.dump(), before)

    def test_reimport_brings_retired_units_back(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        path = box.write("l.csv", layout_without(DROP_TOWN))
        self.assertRc(box.gridctl("import", "layout", "--prune", path), OK)
        r = box.gridctl("import", "layout", example("layout.csv"), "--format", "csv")
        self.assertRc(r, OK)
        c = counts_of(r, "unit")
        gone = subtree_counts(DROP_TOWN)
        self.assertEqual({l: c[l]["added"] + c[l]["updated"] for l in LEVELS[1:]},
                         {l: gone[l] for l in LEVELS[1:]})
        self.assertEqual(box.gridctl("status", "--format", "json").json()["units"],
                         example_counts())

    def test_prune_with_the_whole_file_retires_nothing(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        self.assertRc(box.gridctl("import", "layout", "--prune", example("layout.csv")), OK)
        self.assertRc(box.gridctl("import", "workers", "--prune", example("workers.csv")), OK)
        self.assertEqual(box.dump(), before)

    def test_prune_workers(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        path = box.write("w.csv", workers_without(lambda w: w["tier"] == "town"))
        r = box.gridctl("import", "workers", "--prune", path, "--format", "csv")
        self.assertRc(r, OK)
        c = counts_of(r, "worker")
        self.assertEqual((c["town"]["retired"], c["grid"]["retired"], c["county"]["retired"]),
                         (590, 0, 0))
        self.assertEqual(box.gridctl("status", "--format", "json").json()["workers"],
                         {"grid": 949, "town": 0, "county": 912})


if __name__ == "__main__":
    unittest.main()
