"""gridctl workers list | show over the example county (expectations from examples/workers.csv)."""

import unittest

from gridctl_harness import (NOT_FOUND, OK, USAGE, GridctlTestCase, example_ancestors,
                             example_units, worker_rows)

LIST_COLUMNS = ["code", "name", "tier", "deployment", "department", "units", "phone"]
TOWN = "371327100"  # 大店镇
GRID = "37132700100101"


def within(unit_field: str, code: str) -> bool:
    return any(code in example_ancestors(u) for u in unit_field.split(";") if u)


class WorkersList(GridctlTestCase):
    template = "full"

    def rows(self, *args):
        r = self.gridctl("workers", "list", *args, "--format", "csv")
        self.assertRc(r, OK)
        return r.csv_rows()

    def codes(self, *args):
        return {r["code"] for r in self.rows(*args)}

    def test_columns(self):
        r = self.assertOk(self.gridctl("workers", "list", "--format", "csv"))
        self.assertEqual(r.stdout.splitlines()[0].split(","), LIST_COLUMNS)

    def test_all(self):
        self.assertEqual(self.codes(), {w["code"] for w in worker_rows()})

    def test_by_tier(self):
        for tier, n in (("grid", 949), ("town", 590), ("county", 912)):
            with self.subTest(tier=tier):
                rows = self.rows("--tier", tier)
                self.assertEqual(len(rows), n)
                self.assertEqual({r["tier"] for r in rows}, {tier})

    def test_by_deployment(self):
        for dep in ("resident", "cluster", "whistle"):
            with self.subTest(deployment=dep):
                want = {w["code"] for w in worker_rows() if w["deployment"] == dep}
                self.assertTrue(want)
                self.assertEqual(self.codes("--deployment", dep), want)

    def test_by_department(self):
        want = {w["code"] for w in worker_rows() if w["department"] == "police"}
        self.assertTrue(want)
        self.assertEqual(self.codes("--department", "police"), want)

    def test_by_department_name(self):
        """A department by the policy's name lists the same workers as by its code."""
        self.assertEqual(self.codes("--department", "县公安局"), self.codes("--department", "police"))

    def test_by_unit_name(self):
        """A town by its unique name lists the same workers as by its code."""
        name = example_units()[TOWN]["name"]
        self.assertEqual(self.codes("--unit", name), self.codes("--unit", TOWN))

    def test_by_unit_town(self):
        want = {w["code"] for w in worker_rows() if within(w["unit"], TOWN)}
        self.assertTrue(want)
        self.assertEqual(self.codes("--unit", TOWN), want)

    def test_by_unit_grid(self):
        want = {w["code"] for w in worker_rows() if within(w["unit"], GRID)}
        self.assertIn("W0001", want)
        self.assertEqual(self.codes("--unit", GRID), want)

    def test_filters_combine(self):
        want = {w["code"] for w in worker_rows()
                if w["tier"] == "county" and w["deployment"] == "cluster"
                and w["department"] == "police" and within(w["unit"], TOWN)}
        self.assertTrue(want)
        self.assertEqual(self.codes("--tier", "county", "--deployment", "cluster",
                                    "--department", "police", "--unit", TOWN), want)

    def test_rows_as_in_the_file(self):
        got = {r["code"]: r for r in self.rows("--tier", "county")}
        for w in worker_rows():
            if w["tier"] != "county":
                continue
            g = got[w["code"]]
            self.assertEqual((g["name"], g["deployment"], g["department"], g["units"], g["phone"]),
                             (w["name"], w["deployment"], w["department"], w["unit"], w["phone"]))

    def test_unknown_tier_is_usage_error(self):
        self.assertRc(self.gridctl("workers", "list", "--tier", "village"), USAGE)

    def test_unknown_deployment_is_usage_error(self):
        self.assertRc(self.gridctl("workers", "list", "--deployment", "remote"), USAGE)

    def test_unknown_unit_is_not_found(self):
        self.assertRc(self.gridctl("workers", "list", "--unit", "999999999"), NOT_FOUND)

    def test_unit_with_no_workers_gives_an_empty_list(self):
        box_rows = self.rows("--department", "no_such_department")
        self.assertEqual(box_rows, [])
        r = self.assertOk(self.gridctl("workers", "list", "--department", "nobody",
                                       "--format", "csv"))
        self.assertEqual(r.stdout.splitlines(), [",".join(LIST_COLUMNS)])


class WorkersShow(GridctlTestCase):
    template = "full"

    def show(self, code):
        return self.assertOk(self.gridctl("workers", "show", code, "--format", "json")).json()

    @staticmethod
    def units(value):
        return value if isinstance(value, list) else [u for u in (value or "").split(";") if u]

    def test_grid_worker(self):
        w = self.show("W0001")
        self.assertEqual((w["code"], w["name"], w["tier"]), ("W0001", "刘文", "grid"))
        self.assertEqual(self.units(w["units"]), [GRID])
        self.assertEqual(w["phone"], "15179160770")
        self.assertIn(w["deployment"], (None, ""))
        self.assertIn(w["department"], (None, ""))

    def test_town_worker(self):
        w = self.show("T0001")
        self.assertEqual((w["tier"], self.units(w["units"])), ("town", ["371327001Z01"]))

    def test_cluster_worker(self):
        w = self.show("C0601")
        self.assertEqual((w["tier"], w["deployment"], w["department"]),
                         ("county", "cluster", "transport"))
        self.assertEqual(self.units(w["units"]), ["371327001Z01", "371327001Z06", "371327001Z11"])

    def test_whistle_worker_serves_no_unit(self):
        w = self.show("C0851")
        self.assertEqual((w["deployment"], w["department"]), ("whistle", "housing"))
        self.assertEqual(self.units(w["units"]), [])

    def test_every_field_of_the_list_is_shown(self):
        w = self.show("C0001")
        for key in LIST_COLUMNS:
            self.assertIn(key, w)

    def test_unknown_worker_is_not_found(self):
        r = self.gridctl("workers", "show", "X9999")
        self.assertRc(r, NOT_FOUND)
        self.assertIn("X9999", r.stderr)

    def test_missing_code_is_usage_error(self):
        self.assertRc(self.gridctl("workers", "show"), USAGE)


class RetiredWorkers(GridctlTestCase):
    template = "full"

    def test_pruned_worker_only_with_retired(self):
        text = "code,name,tier,unit,deployment,department,phone\n"
        keep = [w for w in worker_rows() if w["code"] != "W0001"]
        text += "".join(",".join(w[k] for k in ("code", "name", "tier", "unit", "deployment",
                                                 "department", "phone")) + "\n" for w in keep)
        path = self.box.write("w.csv", text)
        self.assertOk(self.gridctl("import", "workers", "--prune", path))
        listed = self.assertOk(self.gridctl("workers", "list", "--format", "csv")).csv_rows()
        self.assertNotIn("W0001", {r["code"] for r in listed})
        self.assertEqual(len(listed), len(keep))
        all_rows = self.assertOk(self.gridctl("workers", "list", "--retired", "--format",
                                              "csv")).csv_rows()
        self.assertIn("W0001", {r["code"] for r in all_rows})
        self.assertEqual(len(all_rows), len(worker_rows()))
        w = self.assertOk(self.gridctl("workers", "show", "W0001", "--format", "json")).json()
        self.assertIn(w.get("retired"), (True, 1, "true"))
        st = self.gridctl("status", "--format", "json").json()
        self.assertEqual(st["workers"]["grid"], 948)


if __name__ == "__main__":
    unittest.main()
