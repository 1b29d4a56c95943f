"""Services sunk to the grid (职能下沉, docs/design.md §12): the policy's [[services]], `log --kind
service --service`, `services list`, `stats monthly --by service`, the cases file's service column,
and the migration from schema 6."""

import csv
import io
import os
import sqlite3
import tomllib
import unittest

from gridctl_harness import (skip_on_postgresql, INPUT, NOT_FOUND, OK, REFUSED, USAGE, GridctlTestCase, Sandbox,
                             database_at_schema, diags, example)

GRID = "37132700100101"  # W0001's grid
AT = "2026-10-10T10:00"


def example_services():
    with open(example("policy.toml"), "rb") as f:
        return tomllib.load(f)["services"]


class LogService(GridctlTestCase):
    template = "full"

    def log(self, *extra, title="上门代办养老认证"):
        return self.gridctl("log", "--grid", GRID, "--category", "livelihood_services", "--title",
                            title, "--as", "W0001", "--at", AT, *extra)

    def test_a_service_delivered_is_closed_at_once_with_its_service(self):
        r = self.assertOk(self.log("--kind", "service", "--service", "pension_certification",
                                   "--format", "json"))
        case = r.json()
        self.assertEqual((case["kind"], case["service"], case["status"]),
                         ("service", "pension_certification", "closed"))
        self.assertIsNone(case["due"])
        shown = self.assertOk(self.gridctl("case", "show", str(case["id"]), "--format",
                                           "json")).json()
        self.assertEqual((shown["kind"], shown["service"]), ("service", "pension_certification"))

    def test_service_by_name_implies_kind_service(self):
        r = self.assertOk(self.log("--service", "政策咨询", "--format", "json"))
        self.assertEqual((r.json()["kind"], r.json()["service"]), ("service", "policy_advice"))

    def test_a_problem_has_no_service_column_value(self):
        r = self.assertOk(self.log("--format", "json", title="垃圾堆放"))
        self.assertEqual((r.json()["kind"], r.json()["service"]), ("problem", None))

    def test_unknown_service_is_not_found_and_nothing_is_written(self):
        before = self.box.dump()
        r = self.log("--service", "no_such_service")
        self.assertRc(r, NOT_FOUND)
        self.assertIn("unknown service no_such_service", r.stderr)
        self.assertErrorFormat(r)
        self.assertEqual(self.box.dump(), before)

    def test_a_service_needs_its_service_and_only_a_service_names_one(self):
        before = self.box.dump()
        for extra in (["--kind", "service"], ["--kind", "problem", "--service", "id_card"],
                      ["--kind", "info", "--service", "id_card"]):
            r = self.log(*extra)
            self.assertRc(r, USAGE, str(extra))
            self.assertIn("service", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_a_delivered_service_takes_no_further_move(self):
        case_id = self.assertOk(self.log("--service", "id_card")).stdout.strip()
        r = self.gridctl("escalate", case_id, "--reason", "村居无权", "--as", "W0001", "--at",
                         "2026-10-10T11:00")
        self.assertRc(r, REFUSED)
        self.assertIn("service case", r.stderr)


class ServicesList(GridctlTestCase):
    template = "init"

    def test_lists_the_policy_services_in_order(self):
        rows = self.assertOk(self.gridctl("services", "list", "--format", "json")).json()
        want = example_services()
        self.assertGreaterEqual(len(want), 12)
        self.assertEqual([r["code"] for r in rows], [s["code"] for s in want])
        self.assertEqual(list(rows[0]), ["code", "name", "level", "department",
                                         "department_name"])
        policy = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        departments = {d["code"]: d["name"] for d in policy["departments"]}
        for r, s in zip(rows, want):
            self.assertEqual((r["name"], r["level"]), (s["name"], s["level"]))
            self.assertEqual(r["department"], s.get("department"))
            self.assertEqual(r["department_name"], departments.get(s.get("department")))
        self.assertEqual(policy["services"], rows)

    def test_csv_has_a_row_per_service(self):
        r = self.assertOk(self.gridctl("services", "list", "--format", "csv"))
        self.assertEqual(len(r.csv_rows()), len(example_services()))


class StatsByService(GridctlTestCase):
    template = "full"

    def test_counts_equal_a_recount_from_export_cases(self):
        logged = [("policy_advice", GRID, "W0001"), ("policy_advice", GRID, "W0001"),
                  ("id_card", GRID, "W0001"), ("subsistence_allowance", "37132700100102", "W0002")]
        for i, (service, grid, worker) in enumerate(logged):
            self.assertOk(self.gridctl("log", "--grid", grid, "--category", "livelihood_services",
                                       "--service", service, "--title", f"服务{i}", "--as", worker,
                                       "--at", f"2026-10-1{i}T09:00"))
        self.assertOk(self.gridctl("log", "--grid", GRID, "--category", "environment_sanitation",
                                   "--title", "垃圾", "--as", "W0001", "--at", "2026-10-12T09:00"))
        for by in ("service", "服务事项"):
            rows = self.assertOk(self.gridctl("stats", "monthly", "--month", "2026-10", "--by", by,
                                              "--format", "json")).json()
            exported = self.assertOk(self.gridctl("export", "cases", "--from", "2026-10-01",
                                                  "--to", "2026-10-31", "--format", "csv"))
            recount = {}
            for row in csv.DictReader(io.StringIO(exported.stdout)):
                recount[row["service"]] = recount.get(row["service"], 0) + 1
            by_group = {r["group"]: r for r in rows[:-1]}
            for s in example_services():
                self.assertEqual(by_group[s["code"]]["reported"], recount.get(s["code"], 0),
                                 s["code"])
                self.assertEqual(by_group[s["code"]]["problems"], 0)
            self.assertEqual(by_group[""]["reported"], recount.get("", 0))
            self.assertEqual(by_group["policy_advice"]["reported"], 2)
            self.assertEqual(rows[-1]["reported"], 5)
            self.assertEqual(rows[-1]["problems"], 1)  # services are never problems


class ServicesInCasesFiles(GridctlTestCase):
    template = "full"

    def test_export_and_import_carry_the_service(self):
        self.assertOk(self.gridctl("log", "--grid", GRID, "--category", "livelihood_services",
                                   "--service", "id_card", "--title", "身份证代办", "--as", "W0001",
                                   "--at", AT))
        for fmt in ("csv", "ndjson"):
            exported = self.assertOk(self.gridctl("export", "cases", "--format", fmt)).stdout
            other = Sandbox("full")
            self.addCleanup(other.cleanup)
            path = other.write("cases." + fmt, exported)
            r = other.gridctl("import", "cases", path)
            self.assertEqual(r.rc, OK, str(r))
            got = other.gridctl("case", "list", "--format", "json").json()
            self.assertEqual(len(got), 1)
            shown = other.gridctl("case", "show", str(got[0]["id"]), "--format", "json").json()
            self.assertEqual((shown["kind"], shown["service"], shown["status"]),
                             ("service", "id_card", "closed"))

    def test_import_refuses_an_unknown_service_and_writes_nothing(self):
        path = self.box.write("cases.csv",
                              "ext_id,source,grid,category,kind,service,title,reporter,reported_at\n"
                              f"S-1,patrol,{GRID},livelihood_services,service,nope,代办,W0001,"
                              "2026-10-10T10:00:00+08:00\n")
        before = self.box.dump()
        r = self.gridctl("import", "cases", path)
        self.assertRc(r, INPUT)
        found = [(d.line, d.col, d.field, d.reason) for d in diags(r, path)]
        self.assertIn((2, 55, "service", "unknown service nope"), found, r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_export_events_names_the_service(self):
        self.assertOk(self.gridctl("log", "--grid", GRID, "--category", "livelihood_services",
                                   "--service", "legal_aid", "--title", "法律援助", "--as", "W0001",
                                   "--at", AT))
        self.assertOk(self.gridctl("log", "--grid", GRID, "--category", "environment_sanitation",
                                   "--title", "垃圾", "--as", "W0001", "--at", AT))
        rows = self.assertOk(self.gridctl("export", "events", "--from", "2026-10-01", "--to",
                                          "2026-10-31", "--format", "csv")).csv_rows()
        self.assertEqual(sorted((r["kind"], r["service"]) for r in rows),
                         [("problem", ""), ("service", "legal_aid")])


class PolicyRejections(GridctlTestCase):
    template = "init"

    def check_rejected(self, services: str, line: int, col: int, field: str, reason: str):
        with open(example("policy.toml"), encoding="utf-8") as f:
            text = f.read()
        path = self.box.write("policy.toml", text + "\n" + services)
        first = text.count("\n") + 2  # the line `services` starts at
        before = self.box.dump()
        r = self.gridctl("policy", "load", path)
        self.assertRc(r, INPUT)
        found = [(d.line, d.col, d.field, d.reason) for d in diags(r, path)]
        self.assertIn((first + line - 1, col, field, reason), found, r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_each_problem_at_its_line_and_column(self):
        self.check_rejected('[[services]]\ncode = "x"\nname = "咨询"\nlevel = "street"\n', 4, 9,
                            "services[15].level",
                            'unknown level "street" (expected town, zone, village or grid)')
        self.check_rejected('[[services]]\ncode = "x"\nname = "咨询"\nlevel = "town"\n'
                            'department = "tax"\n', 5, 14, "services[15].department",
                            'unknown department "tax"')
        self.check_rejected('[[services]]\ncode = "x"\nname = "咨询"\nlevel = "town"\nfee = 1\n', 5,
                            7, "services[15].fee", 'unknown key "fee"')
        self.check_rejected('[[services]]\nname = "咨询"\nlevel = "town"\n', 1, 1,
                            "services[15].code", "missing code")
        self.check_rejected('[[services]]\ncode = "id_card"\nname = "身份证"\nlevel = "town"\n', 2,
                            8, "services[15].code", "service id_card is defined twice")


@skip_on_postgresql("upgrades an SQLite file of schema 6")
class MigrationFromSchema6(unittest.TestCase):
    """A database at schema 6 (made here by the migrations' own SQL, as the previous gridctl
    made it) opens with every case kept, and takes service cases afterwards."""

    def setUp(self):
        self.box = Sandbox()
        self.addCleanup(self.box.cleanup)
        database_at_schema(self.box.db, 6, """
INSERT INTO units (id, code, name, level, depth, parent_id) VALUES
  (1, '371327', '莒南县', 'county', 0, NULL), (2, '371327001', '十字路街道', 'town', 1, 1),
  (3, '371327001Z01', '第一片区', 'zone', 2, 2), (4, '371327001001', '一村', 'village', 3, 3),
  (5, '37132700100101', '一村一网格', 'grid', 4, 4);
INSERT INTO workers (id, code, name, tier) VALUES (1, 'W0001', '刘文', 'grid');
INSERT INTO worker_units (worker_id, position, unit_id) VALUES (1, 0, 5);
INSERT INTO cases (id, kind, source, category, title, grid_id, reporter, reported_at, status,
                   level, unit_id, deadline, due, last_counted_at) VALUES
  (1, 'problem', 'patrol', 'environment_sanitation', '楼道垃圾', 5, 'W0001', 1791600000, 'open',
   'grid', 5, 1791686400, 1792900000, 1791600000),
  (2, 'info', 'patrol', 'public_order', '治安巡逻', 5, 'W0001', 1791603600, 'closed', 'grid', 5,
   NULL, NULL, 1791603600);
INSERT INTO events (id, case_id, type, at, recorded_at, actor, level, unit_id, deadline, due)
  VALUES (1, 1, 'report', 1791600000, 1791600000, 'W0001', 'grid', 5, 1791686400, 1792900000),
         (2, 2, 'report', 1791603600, 1791603600, 'W0001', 'grid', 5, NULL, NULL);
""")

    def test_every_case_is_kept_and_service_cases_follow(self):
        r = self.box.gridctl("case", "list", "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual([(c["id"], c["title"]) for c in r.json()], [(1, "楼道垃圾"), (2, "治安巡逻")])
        with sqlite3.connect(self.box.db) as db:
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 11)
            self.assertEqual(db.execute("PRAGMA foreign_key_check").fetchall(), [])
            rows = db.execute("SELECT id, kind, service, status FROM cases ORDER BY id").fetchall()
            events = db.execute("SELECT count(*) FROM events").fetchone()[0]
            indexes = {n for (n,) in db.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'cases' "
                "AND name NOT LIKE 'sqlite_%'")}
        self.assertEqual(rows, [(1, "problem", None, "open"), (2, "info", None, "closed")])
        self.assertEqual(events, 2)
        self.assertEqual(indexes, {"cases_status", "cases_grid", "cases_unit", "cases_reported",
                                   "cases_service"})
        shown = self.box.gridctl("case", "show", "1", "--format", "json").json()
        self.assertEqual((shown["status"], shown["kind"]), ("open", "problem"))
        logged = self.box.gridctl("log", "--grid", "37132700100101", "--category",
                                  "livelihood_services", "--service", "door_to_door", "--title",
                                  "上门服务", "--as", "W0001", "--at", "2026-10-10T10:00")
        self.assertEqual(logged.rc, OK, str(logged))
        self.assertEqual(logged.stdout.strip(), "3")


if __name__ == "__main__":
    unittest.main()
