"""Changes you can review (issue 11, items 6-8): `import --dry-run` and `--changes` list each
change; `policy load --dry-run` lists the settings it changes; a policy dropping categories that
cases use is refused; `import --prune` retires a grid and its worker together; `workers retire`."""

import csv
import io
import json
import unittest

from gridctl_harness import (INPUT, NOT_FOUND, OK, REFUSED, GridctlTestCase, example,
                             layout_rows, worker_rows)

GRID = "37132700100101"  # 东湖社区第1网格, served by grid worker W0001 alone
GRID_WORKER = "W0001"
VILLAGE = "371327001001"  # 东湖社区, in zone 371327001Z01
CHANGE_FIELDS = ["kind", "change", "level", "code", "name", "field", "old", "new"]
SETTING_FIELDS = ["setting", "change", "old", "new"]


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def row(kind, change, level, code, name, field=None, old=None, new=None) -> dict:
    return dict(zip(CHANGE_FIELDS, [kind, change, level, code, name, field, old, new]))


def policy_text() -> str:
    with open(example("policy.toml"), encoding="utf-8") as f:
        return f.read()


def without_category(text: str, code: str) -> str:
    start = text.index(f'[[categories]]\ncode = "{code}"')
    end = text.find("[[categories]]", start + 1)
    return text[:start] + (text[end:] if end >= 0 else "")


class ImportChanges(GridctlTestCase):
    template = "full"

    def test_layout_dry_run_lists_each_change(self):
        rows = layout_rows()
        second = next(r for r in rows if r["grid_code"] == "37132700100102")
        other_zone = next(r for r in rows if r["town_code"] == "371327001"
                          and r["zone_code"] != "371327001Z01")
        edited = []
        for r in rows:
            r = dict(r)
            if r["grid_code"] == "37132700100102":
                r["grid_name"] = "东湖社区二网格"
            if r["village_code"] == VILLAGE:  # the village moves to another zone of its town
                r["zone_code"], r["zone_name"] = other_zone["zone_code"], other_zone["zone_name"]
            edited.append(r)
        path = self.box.write("l.csv", as_csv(edited))
        before = self.box.dump()
        r = self.assertOk(self.gridctl("import", "layout", "--dry-run", path, "--format", "json"))
        self.assertEqual(r.json(), [
            row("unit", "moved", "village", VILLAGE, "东湖社区", "parent", "371327001Z01",
                other_zone["zone_code"]),
            row("unit", "renamed", "grid", "37132700100102", "东湖社区二网格", "name",
                second["grid_name"], "东湖社区二网格"),
        ])
        self.assertEqual(self.box.dump(), before)
        self.assertRegex(r.stderr, r"dry run: would have 0 added, 2 updated, .* nothing written")

    def test_workers_dry_run_lists_fields_old_and_new(self):
        rows = [dict(r) for r in worker_rows() if r["code"] != "W0003"]
        rows[0]["phone"] = "13900000000"
        rows.append({"code": "W9001", "name": "张三", "tier": "grid", "unit": GRID,
                     "deployment": "", "department": "", "phone": ""})
        path = self.box.write("w.csv", as_csv(rows))
        r = self.assertOk(self.gridctl("import", "workers", "--prune", "--dry-run", path,
                                       "--format", "json"))
        old_phone = worker_rows()[0]["phone"]
        self.assertEqual(r.json(), [
            row("worker", "changed", "grid", "W0001", "刘文", "phone", old_phone, "13900000000"),
            row("worker", "added", "grid", "W9001", "张三"),
            row("worker", "retired", "grid", "W0003", "许洋"),
        ])

    def test_real_import_prints_counts_and_lists_changes_with_the_flag(self):
        rows = [dict(r) for r in worker_rows()]
        rows[1]["name"] = "窦子杰二"
        path = self.box.write("w.csv", as_csv(rows))
        plain = self.assertOk(self.gridctl("import", "workers", path, "--format", "csv"))
        self.assertEqual(plain.csv_rows()[0]["kind"], "worker")
        self.assertIn("updated", plain.csv_rows()[0])  # the counts table
        rows[1]["name"] = "窦子杰三"
        path = self.box.write("w.csv", as_csv(rows))
        listed = self.assertOk(self.gridctl("import", "workers", path, "--changes",
                                            "--format", "csv"))
        self.assertEqual(listed.stdout.splitlines()[0], ",".join(CHANGE_FIELDS))
        self.assertEqual(listed.csv_rows(), [
            {"kind": "worker", "change": "changed", "level": "grid", "code": "W0002",
             "name": "窦子杰三", "field": "name", "old": "窦子杰二", "new": "窦子杰三"}])
        counts = self.assertOk(self.gridctl("import", "workers", path, "--dry-run", "--counts",
                                            "--format", "csv"))
        self.assertIn("unchanged", counts.csv_rows()[0])

    def test_changes_and_counts_exclude_each_other(self):
        r = self.gridctl("import", "workers", "--changes", "--counts", example("workers.csv"))
        self.assertRc(r, 2)

    def test_change_list_in_every_format(self):
        rows = layout_rows()
        both = [self.box.write("l.csv", as_csv([r for r in rows if r["grid_code"] != GRID])),
                self.box.write("w.csv", as_csv([r for r in worker_rows()
                                                if r["code"] != GRID_WORKER]))]
        j = self.assertOk(self.gridctl("import", "--prune", "--dry-run", *both,
                                       "--format", "json")).json()
        nd = self.assertOk(self.gridctl("import", "--prune", "--dry-run", *both,
                                        "--format", "ndjson")).stdout.splitlines()
        self.assertEqual([json.loads(l) for l in nd], j)
        md = self.assertOk(self.gridctl("import", "--prune", "--dry-run", *both,
                                        "--format", "md")).stdout.splitlines()
        self.assertEqual([c.strip() for c in md[0].strip("|").split("|")], CHANGE_FIELDS)
        self.assertEqual(len(md), 2 + len(j))
        self.assertEqual([(x["kind"], x["change"], x["code"]) for x in j],
                         [("unit", "retired", GRID), ("worker", "retired", GRID_WORKER)])


class PruneTogether(GridctlTestCase):
    template = "full"

    def files(self, keep_worker: bool = False):
        layout = self.box.write("l.csv", as_csv([r for r in layout_rows()
                                                 if r["grid_code"] != GRID]))
        workers = self.box.write("w.csv", as_csv([r for r in worker_rows()
                                                  if keep_worker or r["code"] != GRID_WORKER]))
        return layout, workers

    def test_layout_alone_is_refused_naming_the_worker(self):
        layout, _ = self.files()
        before = self.box.dump()
        r = self.gridctl("import", "layout", "--prune", layout)
        self.assertRc(r, REFUSED)
        self.assertIn(f"{GRID} (worker {GRID_WORKER})", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_layout_and_workers_retire_both(self):
        layout, workers = self.files()
        r = self.assertOk(self.gridctl("import", "--prune", layout, workers, "--format", "csv"))
        retired = {(x["kind"], x["level"]): int(x["retired"]) for x in r.csv_rows()}
        self.assertEqual(retired[("unit", "grid")], 1)
        self.assertEqual(retired[("worker", "grid")], 1)
        w = self.assertOk(self.gridctl("workers", "show", GRID_WORKER, "--format", "json")).json()
        self.assertTrue(w["retired"])
        grids = self.assertOk(self.gridctl("units", "list", "--level", "grid",
                                           "--format", "csv")).csv_rows()
        self.assertNotIn(GRID, {g["code"] for g in grids})

    def test_a_worker_the_files_keep_is_named(self):
        layout, workers = self.files(keep_worker=True)
        before = self.box.dump()
        r = self.gridctl("import", "--prune", layout, workers)
        self.assertRc(r, REFUSED)
        self.assertIn(f"{GRID} (worker {GRID_WORKER})", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_a_worker_placed_in_a_retired_unit_is_told_so(self):
        layout, workers = self.files()
        self.assertOk(self.gridctl("import", "--prune", layout, workers))
        w = self.box.write("new.csv", "code,name,tier,unit,deployment,department,phone\n"
                                      f"W9001,张三,grid,{GRID},,,\n")
        r = self.gridctl("import", "workers", w)
        self.assertRc(r, INPUT)
        self.assertIn("new.csv:2:", r.stderr)
        self.assertIn(f"unit {GRID} is retired", r.stderr)
        self.assertNotIn("unknown unit", r.stderr)


class WorkersRetire(GridctlTestCase):
    template = "full"

    def test_retires_and_lists(self):
        r = self.assertOk(self.gridctl("workers", "retire", "W0001", "W0002", "--format", "json"))
        self.assertEqual([(x["change"], x["code"]) for x in r.json()],
                         [("retired", "W0001"), ("retired", "W0002")])
        for code in ("W0001", "W0002"):
            self.assertTrue(self.gridctl("workers", "show", code, "--format", "json").json()
                            ["retired"])
        # Again: nothing to change, still exit 0.
        again = self.assertOk(self.gridctl("workers", "retire", "W0001", "--format", "json"))
        self.assertEqual(again.json(), [])
        self.assertIn("1 retired already", again.stderr)

    def test_dry_run_writes_nothing(self):
        before = self.box.dump()
        r = self.assertOk(self.gridctl("workers", "retire", "W0001", "--dry-run",
                                       "--format", "csv"))
        self.assertEqual([x["code"] for x in r.csv_rows()], ["W0001"])
        self.assertIn("dry run", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_unknown_code_is_not_found_and_nothing_is_written(self):
        before = self.box.dump()
        r = self.gridctl("workers", "retire", "W0001", "NOPE1", "NOPE2")
        self.assertRc(r, NOT_FOUND)
        self.assertIn("NOPE1, NOPE2", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_then_the_grid_can_be_pruned(self):
        self.assertOk(self.gridctl("workers", "retire", GRID_WORKER))
        layout = self.box.write("l.csv", as_csv([r for r in layout_rows()
                                                 if r["grid_code"] != GRID]))
        self.assertOk(self.gridctl("import", "layout", "--prune", layout))


class PolicyChanges(GridctlTestCase):
    template = "full"

    def version(self) -> int:
        return self.gridctl("policy", "show", "--format", "json").json()["version"]

    def test_dry_run_lists_setting_changes(self):
        text = policy_text().replace("daily_reports_per_grid = 2", "daily_reports_per_grid = 3")
        text = text.replace('name = "矛盾纠纷"', 'name = "矛盾纠纷调解"')
        text = without_category(text, "fire_hazard")
        path = self.box.write("p.toml", text)
        before = self.box.dump()
        r = self.assertOk(self.gridctl("policy", "load", "--dry-run", path, "--format", "json"))
        self.assertEqual(r.json(), [
            {"setting": "daily_reports_per_grid", "change": "changed", "old": "2", "new": "3"},
            {"setting": "category.dispute", "change": "renamed", "old": "矛盾纠纷",
             "new": "矛盾纠纷调解"},
            {"setting": "category.fire_hazard", "change": "removed", "old": "消防隐患",
             "new": None},
        ])
        self.assertRegex(r.stderr, r"would be policy version \d+ \(3 setting change")
        self.assertEqual(self.box.dump(), before)
        # The real load with --changes lists the same rows.
        real = self.assertOk(self.gridctl("policy", "load", "--changes", path, "--format", "json"))
        self.assertEqual(real.json(), r.json())

    def test_same_text_claims_no_new_version(self):
        path = self.box.write("p.toml", policy_text())
        self.assertOk(self.gridctl("policy", "load", path))
        v = self.version()
        before = self.box.dump()
        dry = self.assertOk(self.gridctl("policy", "load", "--dry-run", path))
        self.assertEqual(dry.stdout, "")
        self.assertIn(f"is version {v} already; no new version", dry.stderr)
        self.assertNotIn("would be", dry.stderr)
        real = self.assertOk(self.gridctl("policy", "load", path))
        self.assertIn(f"is version {v} already; no new version", real.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_dropping_a_category_cases_use_is_refused(self):
        self.assertOk(self.gridctl("log", "--grid", GRID, "--category", "fire_hazard",
                                   "--title", "消防通道堵塞", "--as", GRID_WORKER))
        path = self.box.write("p.toml", without_category(policy_text(), "fire_hazard"))
        before = self.box.dump()
        for args in (["policy", "load", path], ["policy", "load", "--dry-run", path],
                     ["policy", "check", path]):
            r = self.gridctl(*args)
            self.assertRc(r, REFUSED, " ".join(args))
            self.assertIn("fire_hazard 消防隐患 (1 case, 1 open or resolved)", r.stderr)
        self.assertEqual(self.box.dump(), before)
        # Dropping one that no case uses still loads.
        other = self.box.write("q.toml", without_category(policy_text(), "dispute"))
        self.assertOk(self.gridctl("policy", "load", other))

    def test_dropping_a_department_workers_come_from_is_one_error(self):
        """One error for the department, however many workers come from it (not one each)."""
        workers = self.gridctl("workers", "list", "--format", "json").json()
        justice = sorted(w["code"] for w in workers if w.get("department") == "justice")
        self.assertGreater(len(justice), 3)
        text = policy_text().replace('department = "justice"', 'department = "civil_affairs"')
        text = text.replace('[[departments]]\ncode = "justice"\nname = "县司法局"\n\n', "")
        self.assertNotIn('"justice"', text)
        path = self.box.write("p.toml", text)
        before = self.box.dump()
        r = self.gridctl("policy", "load", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r.stderr)
        self.assertIn(f"department justice is missing, but {len(justice)} workers "
                      f"({justice[0]}, {justice[1]}, {justice[2]} and {len(justice) - 3} more) "
                      "come from it", r.stderr)
        self.assertEqual(self.box.dump(), before)


if __name__ == "__main__":
    unittest.main()
