"""gridctl units tree | list | show over the example county (expectations computed from
examples/layout.csv and workers.csv, not copied from gridctl's output)."""

import re
import unittest

from gridctl_harness import (COUNTY_CODE, LEVELS, NOT_FOUND, OK, USAGE, GridctlTestCase,
                             example_ancestors, example_counts, example_units, layout_rows,
                             worker_rows)

TOWN = "371327001"        # 十字路街道
ZONE = "371327100Z02"     # 大店镇第二片区
GRID = "37132700100101"   # 东湖社区第1网格
LIST_COLUMNS = ["code", "name", "level", "parent", "grids", "households", "population"]


def under(code):
    """Codes of the units in code's subtree (itself included)."""
    return {c for c in example_units() if code in example_ancestors(c)}


def sizes(code):
    """(grids, households, population) of code's subtree, from the example CSV."""
    grids = households = population = 0
    for r in layout_rows():
        if code in example_ancestors(r["grid_code"]):
            grids += 1
            households += int(r["households"])
            population += int(r["population"])
    return grids, households, population


class UnitsTree(GridctlTestCase):
    template = "full"

    def test_whole_tree_has_every_unit(self):
        r = self.assertOk(self.gridctl("units", "tree"))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), sum(example_counts().values()))
        self.assertIn("莒南县", lines[0])
        self.assertIn(COUNTY_CODE, lines[0])

    def test_depth_1_shows_the_towns(self):
        r = self.assertOk(self.gridctl("units", "tree", "--depth", "1"))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 1 + 14)
        towns = {c: u for c, u in example_units().items() if u["level"] == "town"}
        for code, u in towns.items():
            self.assertTrue(any(code in l and u["name"] in l for l in lines[1:]), code)

    def test_depth_0_is_the_root_alone(self):
        r = self.assertOk(self.gridctl("units", "tree", "--depth", "0"))
        self.assertEqual(len(r.stdout.splitlines()), 1)

    def test_subtree_of_a_town(self):
        r = self.assertOk(self.gridctl("units", "tree", TOWN))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), len(under(TOWN)))
        self.assertIn("十字路街道", lines[0])
        self.assertNotIn("大店镇", r.stdout)

    def test_children_are_indented_below_their_parent(self):
        r = self.assertOk(self.gridctl("units", "tree", ZONE))
        lines = r.stdout.splitlines()
        # Every village line is less indented than the grid lines that follow it.
        village = re.compile(r"(?<![0-9A-Za-z])371327100002(?![0-9A-Za-z])")
        first_village = next(i for i, l in enumerate(lines) if village.search(l))
        self.assertGreater(len(lines), first_village + 1)
        indent = lambda s: len(s) - len(s.lstrip(" │├└─"))
        self.assertGreater(indent(lines[first_village + 1]), indent(lines[first_village]))

    def test_json_is_nested(self):
        r = self.assertOk(self.gridctl("units", "tree", "--format", "json"))
        root = r.json()
        self.assertEqual((root["code"], root["level"]), (COUNTY_CODE, "county"))
        count = {}

        def walk(node, parent_level):
            count[node["level"]] = count.get(node["level"], 0) + 1
            if parent_level is not None:
                self.assertEqual(LEVELS.index(node["level"]), LEVELS.index(parent_level) + 1)
            for child in node.get("children", []) or []:
                walk(child, node["level"])

        walk(root, None)
        self.assertEqual(count, example_counts())

    def test_json_depth_1(self):
        root = self.assertOk(self.gridctl("units", "tree", "--depth", "1", "--format", "json")).json()
        self.assertEqual(len(root["children"]), 14)
        self.assertFalse(any(c.get("children") for c in root["children"]))

    def test_unknown_code_is_not_found(self):
        r = self.gridctl("units", "tree", "999999999")
        self.assertRc(r, NOT_FOUND)
        self.assertTrue(r.errors())

    def test_negative_depth_is_usage_error(self):
        self.assertRc(self.gridctl("units", "tree", "--depth", "-1"), USAGE)


class UnitsList(GridctlTestCase):
    template = "full"

    def rows(self, *args):
        return self.assertOk(self.gridctl("units", "list", *args, "--format", "csv")).csv_rows()

    def test_columns(self):
        r = self.assertOk(self.gridctl("units", "list", "--format", "csv"))
        self.assertEqual(r.stdout.splitlines()[0].split(","), LIST_COLUMNS)

    def test_all_units(self):
        self.assertEqual(len(self.rows()), sum(example_counts().values()))

    def test_each_level(self):
        for level in LEVELS:
            with self.subTest(level=level):
                rows = self.rows("--level", level)
                self.assertEqual(len(rows), example_counts()[level])
                self.assertEqual({r["level"] for r in rows}, {level})

    def test_under_a_town(self):
        rows = self.rows("--under", TOWN)
        codes = {r["code"] for r in rows}
        self.assertTrue(under(TOWN) - {TOWN} <= codes <= under(TOWN), "wrong subtree")

    def test_grids_under_a_zone(self):
        rows = self.rows("--level", "grid", "--under", ZONE)
        want = {c for c in under(ZONE) if example_units()[c]["level"] == "grid"}
        self.assertEqual({r["code"] for r in rows}, want)

    def test_town_sizes(self):
        rows = {r["code"]: r for r in self.rows("--level", "town")}
        for code, r in rows.items():
            grids, households, population = sizes(code)
            self.assertEqual((int(r["grids"]), int(r["households"]), int(r["population"])),
                             (grids, households, population), code)
            self.assertEqual(r["parent"], COUNTY_CODE)
            self.assertEqual(r["name"], example_units()[code]["name"])

    def test_county_row_totals(self):
        rows = self.rows("--level", "county")
        self.assertEqual(len(rows), 1)
        grids, households, population = sizes(COUNTY_CODE)
        self.assertEqual(int(rows[0]["grids"]), 949)
        self.assertEqual((int(rows[0]["households"]), int(rows[0]["population"])),
                         (households, population))

    def test_unknown_level_is_usage_error(self):
        r = self.gridctl("units", "list", "--level", "province")
        self.assertRc(r, USAGE)
        self.assertTrue(r.errors())

    def test_unknown_under_is_not_found(self):
        self.assertRc(self.gridctl("units", "list", "--under", "999999999"), NOT_FOUND)


class UnitsShow(GridctlTestCase):
    template = "full"

    def show(self, code):
        return self.assertOk(self.gridctl("units", "show", code, "--format", "json")).json()

    def test_town(self):
        u = self.show(TOWN)
        self.assertEqual((u["code"], u["name"], u["level"]), (TOWN, "十字路街道", "town"))
        self.assertEqual((u["parent"], u["parent_name"]), (COUNTY_CODE, "莒南县"))
        codes = under(TOWN)
        lower = {level: sum(1 for c in codes if example_units()[c]["level"] == level)
                 for level in ("zone", "village", "grid")}
        self.assertEqual({"zones": u["zones"], "villages": u["villages"], "grids": u["grids"]},
                         {"zones": lower["zone"], "villages": lower["village"],
                          "grids": lower["grid"]})
        grids, households, population = sizes(TOWN)
        self.assertEqual((u["households"], u["population"]), (households, population))

    def test_county_counts_every_level(self):
        u = self.show(COUNTY_CODE)
        self.assertEqual((u["towns"], u["zones"], u["villages"], u["grids"]), (14, 111, 702, 949))
        self.assertIn(u["parent"], (None, ""))

    def test_grid(self):
        u = self.show(GRID)
        self.assertEqual((u["name"], u["level"], u["parent"], u["parent_name"]),
                         ("东湖社区第1网格", "grid", "371327001001", "东湖社区"))
        self.assertEqual((u["households"], u["population"]), (433, 1326))

    def test_path_names_every_ancestor_in_order(self):
        u = self.show(GRID)
        names = [example_units()[c]["name"] for c in reversed(example_ancestors(GRID))]
        pos = -1
        for n in names:
            nxt = u["path"].find(n, pos + 1)
            self.assertGreater(nxt, pos, f"{n} not in order in {u['path']!r}")
            pos = nxt

    def test_workers_of_a_town(self):
        """Workers serving within the town: its grid and town workers and the county workers
        resident in or clustered over its zones."""
        codes = under(TOWN)
        want = sum(1 for w in worker_rows()
                   if any(unit in codes for unit in w["unit"].split(";") if unit))
        self.assertEqual(self.show(TOWN)["workers"], want)

    def test_workers_of_a_grid_include_its_grid_worker(self):
        self.assertGreaterEqual(self.show(GRID)["workers"], 1)

    def test_record_fields(self):
        u = self.show(TOWN)
        for key in ("code", "name", "level", "parent", "parent_name", "path", "zones", "villages",
                    "grids", "households", "population", "workers"):
            self.assertIn(key, u)

    def test_unknown_code_is_not_found(self):
        r = self.gridctl("units", "show", "999999999")
        self.assertRc(r, NOT_FOUND)
        self.assertIn("999999999", r.stderr)

    def test_missing_code_is_usage_error(self):
        self.assertRc(self.gridctl("units", "show"), USAGE)

    def test_units_without_subcommand_is_usage_error(self):
        self.assertRc(self.gridctl("units"), USAGE)


if __name__ == "__main__":
    unittest.main()
