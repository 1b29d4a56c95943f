"""gridctl import workers: the example's 949/590/912 workers, upserts, the good corpus (docs/design.md §5)."""

import os
import unittest

from gridctl_harness import (INPUT, NOT_FOUND, OK, TIERS, GridctlTestCase, Sandbox, data, diags,
                             example, file_bytes, worker_rows)

W_HEADER = "code,name,tier,unit,deployment,department,phone\n"


def worker_counts(result):
    return {r["level"]: r for r in result.csv_rows() if r["kind"] == "worker"}


class ImportExampleWorkers(GridctlTestCase):
    template = "layout"

    def status_workers(self):
        return self.assertOk(self.gridctl("status", "--format", "json")).json()["workers"]

    def test_example_counts(self):
        self.assertOk(self.gridctl("import", "workers", example("workers.csv")))
        self.assertEqual(self.status_workers(), {"grid": 949, "town": 590, "county": 912})

    def test_output_rows_per_tier(self):
        r = self.assertOk(self.gridctl("import", "workers", example("workers.csv"),
                                       "--format", "csv"))
        rows = worker_counts(r)
        self.assertEqual(list(rows), TIERS)
        self.assertEqual({t: int(rows[t]["added"]) for t in TIERS},
                         {"grid": 949, "town": 590, "county": 912})
        self.assertFalse([x for x in r.csv_rows() if x["kind"] == "unit"], "unit rows shown")

    def test_auto_kind_from_header(self):
        self.assertOk(self.gridctl("import", example("workers.csv")))
        self.assertEqual(self.status_workers(), {"grid": 949, "town": 590, "county": 912})

    def test_stdin(self):
        r = self.gridctl("import", "workers", "-", input=file_bytes(example("workers.csv")))
        self.assertRc(r, OK)
        self.assertEqual(self.status_workers(), {"grid": 949, "town": 590, "county": 912})

    def test_auto_kind_from_stdin(self):
        r = self.gridctl("import", "-", input=file_bytes(example("workers.csv")))
        self.assertRc(r, OK)
        self.assertEqual(self.status_workers(), {"grid": 949, "town": 590, "county": 912})

    def test_every_worker_stored_as_given(self):
        self.assertOk(self.gridctl("import", "workers", example("workers.csv")))
        got = {r["code"]: r for r in
               self.assertOk(self.gridctl("workers", "list", "--format", "csv")).csv_rows()}
        self.assertEqual(set(got), {w["code"] for w in worker_rows()})
        for w in worker_rows():
            g = got[w["code"]]
            for key in ("name", "tier", "unit", "deployment", "department", "phone"):
                column = "units" if key == "unit" else key
                self.assertEqual(g[column], w[key], f"{w['code']} {key}")

    def test_changed_phone_is_an_update(self):
        self.assertOk(self.gridctl("import", "workers", example("workers.csv")))
        text = file_bytes(example("workers.csv")).decode()
        self.assertIn("W0001,刘文,grid,37132700100101,,,15179160770", text)
        text = text.replace("W0001,刘文,grid,37132700100101,,,15179160770",
                            "W0001,刘文,grid,37132700100101,,,13900000000")
        path = self.box.write("w.csv", text)
        r = self.assertOk(self.gridctl("import", "workers", path, "--format", "csv"))
        rows = worker_counts(r)
        self.assertEqual(int(rows["grid"]["updated"]), 1)
        self.assertEqual(int(rows["grid"]["unchanged"]), 948)
        self.assertEqual(int(rows["town"]["unchanged"]), 590)
        w = self.gridctl("workers", "show", "W0001", "--format", "json").json()
        self.assertEqual(w["phone"], "13900000000")

    def test_worker_moved_to_another_grid(self):
        self.assertOk(self.gridctl("import", "workers", example("workers.csv")))
        path = self.box.write("w.csv", W_HEADER + "W0001,刘文,grid,37132700100102,,,15179160770\n")
        r = self.assertOk(self.gridctl("import", "workers", path, "--format", "csv"))
        self.assertEqual(int(worker_counts(r)["grid"]["updated"]), 1)
        w = self.gridctl("workers", "show", "W0001", "--format", "json").json()
        self.assertEqual(w["units"], "37132700100102")

    def test_partial_file_leaves_the_others_alone(self):
        self.assertOk(self.gridctl("import", "workers", example("workers.csv")))
        path = self.box.write("w.csv", W_HEADER + "W9001,新人,grid,37132700100101,,,\n")
        self.assertOk(self.gridctl("import", "workers", path))
        self.assertEqual(self.status_workers(), {"grid": 950, "town": 590, "county": 912})

    def test_department_from_a_loaded_policy(self):
        """After loading a policy with a new department, workers may come from it."""
        policy = file_bytes(example("policy.toml")).decode() + \
            '\n[[departments]]\ncode = "tourism"\nname = "县文化和旅游局"\n'
        p = self.box.write("policy.toml", policy)
        self.assertOk(self.gridctl("policy", "load", p))
        path = self.box.write("w.csv", W_HEADER +
                              "C9001,测试丙,county,371327001Z01,resident,tourism,\n")
        self.assertOk(self.gridctl("import", "workers", path))
        w = self.gridctl("workers", "show", "C9001", "--format", "json").json()
        self.assertEqual(w["department"], "tourism")


class WorkersNeedUnits(GridctlTestCase):

    def test_no_database_is_not_found(self):
        r = self.gridctl("import", "workers", example("workers.csv"))
        self.assertRc(r, NOT_FOUND)
        self.assertFalse(self.box.created())

    def test_county_without_layout_rejects_the_units(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "workers", example("workers.csv"))
        self.assertRc(r, INPUT)
        self.assertEqual(box.dump(), before)


class ReservedCode(GridctlTestCase):
    """`admin` names the superuser role in every history: no worker may take it (any letter case,
    any surrounding space), or his moves would pass for the superuser's."""
    template = "layout"

    def test_admin_is_not_a_worker_code(self):
        for code in ("admin", "ADMIN", '" Admin "'):
            with self.subTest(code=code):
                path = self.box.write("w.csv", W_HEADER + f"{code},某人,grid,37132700100101,,,\n")
                before = self.box.dump()
                r = self.gridctl("import", "workers", path)
                self.assertRc(r, INPUT)
                ds = diags(r, path)
                self.assertEqual([(d.line, d.col, d.field) for d in ds], [(2, 1, "code")], str(r))
                self.assertIn("reserved for the admin role", ds[0].reason)
                self.assertEqual(before, self.box.dump())


class GoodWorkerFiles(GridctlTestCase):
    template = "layout"

    def show(self, code):
        r = self.gridctl("workers", "show", code, "--format", "json")
        self.assertRc(r, OK)
        return r.json()

    @staticmethod
    def units(value):
        if isinstance(value, list):
            return value
        return [u for u in (value or "").split(";") if u]

    def check_five(self):
        w = self.show("W9001")
        self.assertEqual((w["name"], w["tier"], self.units(w["units"])),
                         ("测试甲", "grid", ["37132700100101"]))
        self.assertIn(w["deployment"], (None, ""))
        w = self.show("T9001")
        self.assertEqual((w["tier"], self.units(w["units"])), ("town", ["371327001Z01"]))
        w = self.show("C9001")
        self.assertEqual((w["tier"], w["deployment"], w["department"], self.units(w["units"])),
                         ("county", "resident", "water", ["371327001Z01"]))
        w = self.show("C9002")
        self.assertEqual((w["deployment"], w["department"], self.units(w["units"])),
                         ("cluster", "police", ["371327001Z01", "371327001Z02"]))
        w = self.show("C9003")
        self.assertEqual((w["deployment"], w["department"], self.units(w["units"])),
                         ("whistle", "housing", []))
        self.assertEqual(w["phone"], "13800000005")

    def test_chinese_headers_tiers_and_deployments(self):
        r = self.gridctl("import", "workers", data("good/workers_chinese.csv"), "--format", "csv")
        self.assertRc(r, OK)
        rows = worker_counts(r)
        self.assertEqual({t: int(rows[t]["added"]) for t in TIERS},
                         {"grid": 1, "town": 1, "county": 3})
        self.check_five()

    def test_bom_crlf(self):
        self.assertOk(self.gridctl("import", "workers", data("good/workers_bom_crlf.csv")))
        self.check_five()

    def test_chinese_and_english_files_are_the_same_workers(self):
        self.assertOk(self.gridctl("import", "workers", data("good/workers_chinese.csv")))
        before = self.box.dump()
        r = self.gridctl("import", "workers", data("good/workers_bom_crlf.csv"), "--format", "csv")
        self.assertRc(r, OK)
        rows = worker_counts(r)
        self.assertEqual(sum(int(x["unchanged"]) for x in rows.values()), 5)
        self.assertEqual(self.box.dump(), before)

    def test_quoted_name_with_comma(self):
        path = self.box.write("w.csv", W_HEADER +
                              'W9001,"欧阳,明",grid,37132700100101,,,"138 0000 0001"\n')
        self.assertOk(self.gridctl("import", "workers", path))
        w = self.show("W9001")
        self.assertEqual(w["name"], "欧阳,明")
        self.assertEqual(w["phone"], "138 0000 0001")

    def test_trimmed_and_nfc_name(self):
        path = self.box.write("w.csv", W_HEADER + "W9001,\u3000Jose\u0301 ,grid,37132700100101,,,\n")
        self.assertOk(self.gridctl("import", "workers", path))
        self.assertEqual(self.show("W9001")["name"], "Jos\u00e9")

    def test_town_worker_on_a_village_and_a_grid(self):
        path = self.box.write("w.csv", W_HEADER +
                              "T9001,甲,town,371327001001,,,\nT9002,乙,town,37132700100101,,,\n"
                              "T9003,丙,town,371327001,,,\n")
        self.assertOk(self.gridctl("import", "workers", path))
        self.assertEqual(self.units(self.show("T9001")["units"]), ["371327001001"])
        self.assertEqual(self.units(self.show("T9003")["units"]), ["371327001"])


if __name__ == "__main__":
    unittest.main()
