"""gridctl status: the counts of units, workers and cases, in a fixed JSON shape (docs/design.md §6)."""

import json
import unittest

from gridctl_harness import skip_on_postgresql, NOT_FOUND, OK, GridctlTestCase, Sandbox, example

SHAPE = [("units", ["county", "town", "zone", "village", "grid"]),
         ("workers", ["grid", "town", "county"]),
         ("cases", ["open", "resolved", "closed", "void"])]


class Status(GridctlTestCase):

    def status(self, box=None):
        r = (box or self.box).gridctl("status", "--format", "json")
        self.assertRc(r, OK)
        return r

    def test_exact_key_order(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        pairs = json.loads(self.status(box).stdout, object_pairs_hook=lambda p: p)
        self.assertEqual([k for k, _ in pairs], [k for k, _ in SHAPE])
        for (group, keys), (_, inner) in zip(SHAPE, pairs):
            self.assertEqual([k for k, _ in inner], keys, group)
            for _, v in inner:
                self.assertIsInstance(v, int)

    def test_full_example(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        self.assertEqual(self.status(box).json(), {
            "units": {"county": 1, "town": 14, "zone": 111, "village": 702, "grid": 949},
            "workers": {"grid": 949, "town": 590, "county": 912},
            "cases": {"open": 0, "resolved": 0, "closed": 0, "void": 0}})

    def test_after_init(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        st = self.status(box).json()
        self.assertEqual(st["units"], {"county": 1, "town": 0, "zone": 0, "village": 0, "grid": 0})
        self.assertEqual(st["workers"], {"grid": 0, "town": 0, "county": 0})

    def test_after_layout(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        st = self.status(box).json()
        self.assertEqual(st["units"]["grid"], 949)
        self.assertEqual(st["workers"], {"grid": 0, "town": 0, "county": 0})

    def test_ndjson_is_one_line(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        r = box.gridctl("status", "--format", "ndjson")
        self.assertRc(r, OK)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 1)
        self.assertEqual(json.loads(lines[0]), self.status(box).json())

    def test_csv_has_every_count(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        r = box.gridctl("status", "--format", "csv")
        self.assertRc(r, OK)
        text = r.stdout
        for n in ("949", "590", "912", "702", "111", "14"):
            self.assertIn(n, text)

    def test_table_has_every_count(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        r = box.gridctl("status")
        self.assertRc(r, OK)
        for n in ("949", "590", "912", "702", "111"):
            self.assertIn(n, r.stdout)

    @skip_on_postgresql("the message names the file ./gridgov.db")
    def test_no_database_is_not_found(self):
        r = self.gridctl("status")
        self.assertRc(r, NOT_FOUND)
        self.assertTrue(r.errors())
        self.assertIn("gridgov.db", r.stderr)

    def test_status_writes_nothing(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        self.status(box)
        self.assertEqual(box.dump(), before)


if __name__ == "__main__":
    unittest.main()
