"""Supervision and assessment from the shell (README "Supervision and assessment"):
`import attendance`, `attendance`, `assess` and `subsidies` end to end — what each prints, in
every format, and what each refuses. tests/e2e/test_assessment_recount.py recomputes the figures
independently; these tests pin the behaviours around them."""

from __future__ import annotations

import subprocess
import unittest

import gridctl_harness as harness
from gridctl_harness import (COUNTY_CODE, GridctlTestCase, diags, example, faketime_env)

MONTH = "2026-09"
# A policy of the example county with indicators and subsidies this test controls.
SECTIONS = """
[[assessment.indicators]]
field = "resolution_rate"
weight = 40
target = 0.8

[[assessment.indicators]]
field = "rework_rate"
weight = 20
ceiling = 0.5

[[assessment.indicators]]
field = "attendance_rate"
weight = 40
target = 1

[subsidies]
resident_monthly = 2200
cluster_monthly = "3300.50"
whistle_daily = 80.5
"""


def example_policy_without(*tables: str) -> str:
    """examples/policy.toml without the tables named (`assessment`, `subsidies`): each from its
    header line to the next header of another table."""
    out, skipping = [], False
    with open(example("policy.toml"), encoding="utf-8") as f:
        for line in f:
            header = line.strip().startswith("[")
            if header:
                name = line.strip().strip("[]").split(".")[0].strip()
                skipping = name in tables
            if not skipping:
                out.append(line)
    return "".join(out)


def at_clock(db: str, when_utc: str, *args: str) -> subprocess.CompletedProcess:
    """gridctl run with its clock at `when_utc` (libfaketime), for a command without --at."""
    return subprocess.run([harness.GRIDCTL, "--db", db, *args],
                          env=faketime_env("@" + when_utc, TZ="UTC"), capture_output=True,
                          text=True)


class ImportAttendance(GridctlTestCase):
    template = "full"

    def test_chinese_headers_and_kinds_are_read_and_a_second_import_adds_nothing(self):
        path = self.box.write("a.csv", "网格员,时间,网格,类型\n"
                                       "W0001,2026-09-01 08:30,37132700100101,签到\n"
                                       "W0001,2026/9/1 17:00,37132700100101,巡查\n"
                                       "T0001,2026-09-02T09:00:00+08:00,37132700100101,\n")
        r = self.assertOk(self.gridctl("import", "attendance", path, "--format", "json"))
        self.assertEqual(r.json(), [{"kind": "attendance", "file": path, "added": 3,
                                     "present": 0, "rejected": 0}])
        self.assertIn("3 rows: 3 added, 0 already present", r.stderr)
        again = self.assertOk(self.gridctl("import", path, "--format", "json"))  # told by header
        self.assertEqual((again.json()[0]["added"], again.json()[0]["present"]), (0, 3))

    def test_every_bad_row_is_named_and_nothing_is_written(self):
        before = self.box.dump()
        path = self.box.write("bad.csv", "worker,at,grid,kind\n"
                                         "W0001,2026-09-01 08:30,37132700100101,checkin\n"
                                         "W9999,2026-09-01 08:30,37132700100101,checkin\n"
                                         "W0001,2026-09-31 08:30,37132700100101,checkin\n"
                                         "W0001,2026-09-02 08:30,371327001,checkin\n"
                                         "W0001,2026-09-03 08:30,37132700100101,chekin\n")
        r = self.gridctl("import", "attendance", path)
        self.assertRc(r, 3)
        found = {(d.line, d.field) for d in diags(r, path)}
        self.assertEqual(found, {(3, "worker"), (4, "at"), (5, "grid"), (6, "kind")}, r)
        self.assertIn("371327001 is a town, not a grid", r.stderr)
        self.assertIn("did you mean checkin?", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_a_dry_run_counts_and_writes_nothing(self):
        before = self.box.dump()
        path = self.box.write("a.csv", "worker,at,grid\nW0001,2026-09-01 08:30,37132700100101\n")
        r = self.assertOk(self.gridctl("import", "attendance", "--dry-run", path))
        self.assertIn("dry run", r.stderr)
        self.assertEqual(self.box.dump(), before)


class AttendanceFigures(GridctlTestCase):
    template = "full"

    def setUp(self):
        super().setUp()
        # W0001 serves 37132700100101. 09-05 is a Saturday, 09-25 a holiday (中秋), 09-20 a
        # make-up Sunday; 37132700100102 lies outside W0001's scope.
        self.assertOk(self.gridctl("import", "attendance", self.box.write("a.csv", (
            "worker,at,grid,kind\n"
            "W0001,2026-09-01 08:30,37132700100101,checkin\n"
            "W0001,2026-09-01 15:00,37132700100101,patrol\n"
            "W0001,2026-09-05 09:00,37132700100101,patrol\n"
            "W0001,2026-09-20 09:00,37132700100102,checkin\n"
            "W0001,2026-09-25 09:00,37132700100101,patrol\n"
            "W0001,2026-10-01 09:00,37132700100101,checkin\n"))))

    def row(self, rows, key, code):
        return next(r for r in rows if r[key] == code)

    def test_a_workers_month(self):
        rows = self.assertOk(self.gridctl("attendance", "--month", MONTH, "--format", "json")).json()
        w = self.row(rows, "worker", "W0001")
        self.assertEqual(list(w), ["worker", "name", "unit", "workdays", "days_present",
                                   "patrol_days", "grids_covered", "attendance_rate",
                                   "out_of_scope"])
        self.assertEqual((w["workdays"], w["days_present"], w["patrol_days"], w["grids_covered"],
                          w["out_of_scope"]), (22, 2, 3, 2, 1))
        self.assertAlmostEqual(w["attendance_rate"], 2 / 22)
        # A worker with no record at all: every working day absent.
        none = self.row(rows, "worker", "T0001")
        self.assertEqual((none["workdays"], none["days_present"], none["attendance_rate"]),
                         (22, 0, 0))

    def test_town_rows_sum_their_workers_and_the_total_sums_all(self):
        workers = self.assertOk(self.gridctl("attendance", "--month", MONTH, "--format",
                                             "json")).json()
        towns = self.assertOk(self.gridctl("attendance", "--month", MONTH, "--by", "镇街",
                                           "--format", "json")).json()
        self.assertEqual(list(towns[0])[:2], ["group", "name"])
        total = towns[-1]
        self.assertEqual(total["group"], COUNTY_CODE)
        for field in ("workdays", "days_present", "patrol_days", "grids_covered", "out_of_scope"):
            self.assertEqual(total[field], sum(w[field] for w in workers), field)
        self.assertEqual(len(towns), 15)  # 14 towns and the county
        town = self.row(towns, "group", "371327001")
        self.assertGreaterEqual(town["days_present"], 2)
        self.assertAlmostEqual(town["attendance_rate"], town["days_present"] / town["workdays"])

    def test_csv_leaves_a_rate_without_working_days_blank(self):
        # 10-01..07 is the National Day holiday: a worker retired on 10-08 served no working day
        # of October.
        r = at_clock(self.box.db, "2026-10-08 02:00:00", "workers", "retire", "W0002")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = self.assertOk(self.gridctl("attendance", "--month", "2026-10", "--format",
                                          "csv")).csv_rows()
        w = self.row(rows, "worker", "W0002")
        self.assertEqual((w["workdays"], w["attendance_rate"]), ("0", ""))

    def test_a_worker_retired_mid_month_counts_the_days_before(self):
        r = at_clock(self.box.db, "2026-09-16 02:00:00", "workers", "retire", "W0001")
        self.assertEqual(r.returncode, 0, r.stderr)
        shown = self.assertOk(self.gridctl("workers", "show", "W0001", "--format", "json")).json()
        self.assertEqual(shown["retired_at"], "2026-09-16T10:00:00+08:00")
        w = self.row(self.assertOk(self.gridctl("attendance", "--month", MONTH, "--format",
                                                "json")).json(), "worker", "W0001")
        self.assertEqual((w["workdays"], w["days_present"]), (11, 1))  # 09-01..09-15
        later = self.assertOk(self.gridctl("attendance", "--month", "2026-10", "--format",
                                           "json")).json()
        self.assertNotIn("W0001", [x["worker"] for x in later])


class Assessment(GridctlTestCase):
    template = "full"

    def load(self, text: str) -> None:
        self.assertOk(self.gridctl("policy", "load", self.box.write("p.toml", text)))

    def test_without_indicators_or_subsidies_the_commands_say_so(self):
        self.load(example_policy_without("assessment", "subsidies"))
        a = self.gridctl("assess", "--month", MONTH, "--by", "town")
        self.assertRc(a, 4)
        self.assertIn("[[assessment.indicators]]", a.stderr)
        s = self.gridctl("subsidies", "--month", MONTH)
        self.assertRc(s, 4)
        self.assertIn("[subsidies]", s.stderr)

    def test_scores_ranks_and_the_flat_csv(self):
        self.load(example_policy_without("assessment", "subsidies") + SECTIONS)
        version = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        rows = self.assertOk(self.gridctl("assess", "--month", MONTH, "--by", "town", "--format",
                                          "json")).json()
        self.assertEqual(len(rows), 14)
        first = rows[0]
        self.assertEqual(list(first), ["group", "name", "score", "rank", "policy_version",
                                       "indicators"])
        self.assertEqual([i["field"] for i in first["indicators"]],
                         ["resolution_rate", "rework_rate", "attendance_rate"])
        self.assertEqual(list(first["indicators"][0]), ["field", "value", "weight", "points"])
        # No cases this month: no resolution or rework rate; attendance 0 of every working day,
        # so every town scores 0 on the one indicator that has a value, and all tie at rank 1.
        for r in rows:
            self.assertIsNone(r["indicators"][0]["value"])
            self.assertIsNone(r["indicators"][1]["points"])
            self.assertEqual(r["indicators"][2]["value"], 0)
            self.assertEqual((r["score"], r["rank"]), (0, 1))
            self.assertGreaterEqual(r["policy_version"], 2)
        self.assertIsInstance(version, (dict, list))
        csv_rows = self.assertOk(self.gridctl("assess", "--month", MONTH, "--by", "town",
                                              "--format", "csv")).csv_rows()
        self.assertEqual(list(csv_rows[0]), [
            "group", "name", "score", "rank", "policy_version", "resolution_rate_value",
            "resolution_rate_points", "rework_rate_value", "rework_rate_points",
            "attendance_rate_value", "attendance_rate_points"])
        departments = self.assertOk(self.gridctl("assess", "--month", MONTH, "--by", "部门",
                                                 "--format", "json")).json()
        self.assertTrue(departments)
        self.assertTrue(all(d["group"] != "" for d in departments))

    def test_a_town_that_attends_outranks_one_that_does_not_and_the_score_is_scaled(self):
        self.load(example_policy_without("assessment", "subsidies") + SECTIONS)
        # Every worker of 十字路街道 (371327001) present on every working day of September.
        workers = [w for w in harness.worker_rows() if w["unit"].startswith("371327001")
                   and w["tier"] != "county"]
        days = [d for d in range(1, 31) if d not in (5, 6, 12, 13, 19, 25, 26, 27)]
        lines = ["worker,at,grid"]
        grid = "37132700100101"
        for w in workers:
            for d in days:
                lines.append(f"{w['code']},2026-09-{d:02d} 08:00,{grid}")
        self.assertOk(self.gridctl("import", "attendance", self.box.write("a.csv",
                                                                          "\n".join(lines))))
        rows = self.assertOk(self.gridctl("assess", "--month", MONTH, "--by", "town", "--format",
                                          "json")).json()
        top = rows[0]
        self.assertEqual((top["group"], top["rank"]), ("371327001", 1))
        attendance = top["indicators"][2]
        self.assertEqual(attendance["field"], "attendance_rate")
        # The only indicator with a value carries the whole score, scaled from 40 to 100.
        self.assertAlmostEqual(top["score"], round(min(attendance["value"], 1) * 100, 2))
        self.assertTrue(all(r["rank"] == 2 for r in rows[1:]), rows[1:3])


class Subsidies(GridctlTestCase):
    template = "full"

    def setUp(self):
        super().setUp()
        self.assertOk(self.gridctl("policy", "load", self.box.write(
            "p.toml", example_policy_without("assessment", "subsidies") + SECTIONS)))

    def test_the_statement_is_exact_to_the_fen_and_adds_up(self):
        r = at_clock(self.box.db, "2026-09-16 02:00:00", "workers", "retire", "C0001")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = self.assertOk(self.gridctl("subsidies", "--month", MONTH, "--format",
                                          "json")).json()
        self.assertEqual(list(rows[0]), ["worker", "name", "deployment", "department", "days",
                                         "amount"])
        county = {w["code"]: w for w in harness.worker_rows() if w["tier"] == "county"}
        people = [x for x in rows if x["worker"]]
        # Every county worker serving in the month, whistle workers too (0.00 when not whistled).
        self.assertEqual({x["worker"] for x in people}, set(county))
        fen = lambda s: int(s.replace(".", ""))  # noqa: E731
        for x in people:
            self.assertRegex(x["amount"], r"^\d+\.\d\d$")
            if x["deployment"] == "whistle":
                self.assertEqual((x["days"], x["amount"]), (0, "0.00"))
                continue
            monthly = 220000 if x["deployment"] == "resident" else 330050
            self.assertEqual(fen(x["amount"]), (2 * monthly * x["days"] + 22) // 44, x)
        retired = next(x for x in people if x["worker"] == "C0001")
        self.assertEqual((retired["days"], retired["amount"]), (11, "1100.00"))
        totals = [x for x in rows if not x["worker"]]
        self.assertIsNone(totals[-1]["department"])
        self.assertEqual(fen(totals[-1]["amount"]), sum(fen(x["amount"]) for x in people))
        for t in totals[:-1]:
            self.assertEqual(fen(t["amount"]), sum(fen(x["amount"]) for x in people
                                                  if x["department"] == t["department"]))
        csv_rows = self.assertOk(self.gridctl("subsidies", "--month", MONTH, "--format",
                                              "csv")).csv_rows()
        self.assertEqual([c["amount"] for c in csv_rows], [x["amount"] for x in rows])

    def test_a_whistle_worker_is_paid_per_day_whistled(self):
        whistle = next(w["code"] for w in harness.worker_rows() if w["deployment"] == "whistle")
        # Whistled from the zone (rule 6) twice on 09-03 and once on 09-04: two days.
        for at in ("2026-09-03T09:00:00+08:00", "2026-09-03T15:00:00+08:00",
                   "2026-09-04T09:00:00+08:00"):
            cid = self.assertOk(self.gridctl("log", "--grid", "37132700100101", "--category",
                                             "dispute", "--source", "hotline", "--title", "纠纷",
                                             "--as", "admin", "--at", at)).stdout.strip()
            self.assertOk(self.gridctl("dispatch", cid, "--to", "371327001Z01", "--as", "admin",
                                       "--at", at))
            self.assertOk(self.gridctl("whistle", cid, "--worker", whistle, "--as", "admin",
                                       "--at", at))
        rows = self.assertOk(self.gridctl("subsidies", "--month", MONTH, "--format",
                                          "json")).json()
        row = next(x for x in rows if x["worker"] == whistle)
        self.assertEqual((row["deployment"], row["days"], row["amount"]), ("whistle", 2, "161.00"))


if __name__ == "__main__":
    unittest.main()
