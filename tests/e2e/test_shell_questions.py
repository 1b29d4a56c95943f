"""End-to-end tests of the analyst's questions from the shell (issue 11, items 9-11): one unit's
statistics (`--unit` by code or name), Chinese level words wherever a level is taken, `units show`
by name, `--month this|last`, the filters of `case list` on `export cases`, `--count-by`,
`--sort`, `--limit`, the town of each grid in `stats quota`, `--columns`, `--lang zh`, `--bom`,
blank rates without a denominator, and an info case's `closed_at`.

The database is the example county with its season of cases (examples/cases.csv), imported once.
Every expectation is derived from another command's output, never written down.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import shutil
import subprocess
import unittest

from gridctl_harness import (GRIDCTL, NOT_FOUND, OK, USAGE, SharedSandboxCase, base_env,
                             faketime_env, file_bytes)

TOWN_NAME = "石莲子镇"
MONTH = "2026-08"


class ShellQuestions(SharedSandboxCase):
    maxDiff = 4000

    @classmethod
    def prepare(cls):
        units = cls.box.gridctl("units", "list", "--format", "json")
        assert units.rc == OK, units
        cls.units = units.json()
        cls.policy = cls.box.gridctl("policy", "show", "--format", "json").json()

    def ok(self, *args: str):
        r = self.box.gridctl(*args)
        self.assertEqual(r.rc, OK, str(r))
        return r

    def json(self, *args: str):
        return self.ok(*args, "--format", "json").json()

    def town_code(self) -> str:
        [code] = [u["code"] for u in self.units if u["name"] == TOWN_NAME]
        return code

    def within(self, code: str, ancestor: str) -> bool:
        parent = {u["code"]: u["parent"] for u in self.units}
        while code:
            if code == ancestor:
                return True
            code = parent.get(code)
        return False

    # -- item 9: one unit's subtree, Chinese levels, names, relative months --

    def test_stats_unit_is_its_row_of_the_county(self):
        town = self.town_code()
        by_town = {r["group"]: r for r in self.json("stats", "monthly", "--month", MONTH)}
        by_zone = {r["group"]: r for r in
                   self.json("stats", "monthly", "--month", MONTH, "--by", "zone")}
        mine = self.json("stats", "monthly", "--month", MONTH, "--by", "zone",
                         "--unit", TOWN_NAME)
        # Its total row is the town's row of the county's report, named for the town.
        self.assertEqual(mine[-1], by_town[town])
        zones = [r["group"] for r in mine[:-1]]
        self.assertEqual(sorted(zones), sorted(g for g in by_zone if self.within(g, town)))
        self.assertTrue(zones)
        for r in mine[:-1]:
            self.assertEqual(r, by_zone[r["group"]])
        # By code, the same report.
        self.assertEqual(self.json("stats", "monthly", "--month", MONTH, "--by", "zone",
                                   "--unit", town), mine)
        summary = self.json("stats", "summary", "--from", "2026-08-01", "--to", "2026-08-31",
                            "--unit", town)
        self.assertEqual(summary[-1]["reported"], by_town[town]["reported"])

    def test_stats_unit_unknown_is_not_found(self):
        r = self.box.gridctl("stats", "monthly", "--month", MONTH, "--unit", "无此镇")
        self.assertEqual(r.rc, NOT_FOUND, str(r))

    def test_chinese_level_words(self):
        for zh, en in (("镇街", "town"), ("片区", "zone"), ("村居", "village"), ("网格", "grid")):
            with self.subTest(level=zh):
                self.assertEqual(self.json("stats", "monthly", "--month", MONTH, "--by", zh),
                                 self.json("stats", "monthly", "--month", MONTH, "--by", en))
                self.assertEqual(self.json("units", "list", "--level", zh),
                                 self.json("units", "list", "--level", en))
        self.assertEqual(self.json("case", "list", "--level", "镇街", "--status", "open"),
                         self.json("case", "list", "--level", "town", "--status", "open"))
        self.assertEqual(
            self.json("stats", "monthly", "--month", MONTH, "--by", "镇街,事项类别"),
            self.json("stats", "monthly", "--month", MONTH, "--by", "town,category"))
        town = self.town_code()
        self.assertEqual(self.json("agenda", "镇街", TOWN_NAME, "--date", "2026-09-30"),
                         self.json("agenda", "town", town, "--date", "2026-09-30"))

    def test_units_show_by_name(self):
        self.assertEqual(self.json("units", "show", TOWN_NAME),
                         self.json("units", "show", self.town_code()))
        names = collections.Counter(u["name"] for u in self.units)
        shared = next(n for n, k in names.items() if k > 1)
        r = self.box.gridctl("units", "show", shared)
        self.assertEqual(r.rc, USAGE, str(r))
        for u in self.units:
            if u["name"] == shared:
                self.assertIn(u["code"], r.stderr)
        r = self.box.gridctl("units", "show", "无此镇")
        self.assertEqual(r.rc, NOT_FOUND, str(r))

    def faketime(self, clock: str, *args: str):
        if not shutil.which("faketime"):
            self.skipTest("faketime is not installed (scripts/setup installs it)")
        p = subprocess.run([GRIDCTL, "--db", self.box.db, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=faketime_env("@" + clock, TZ="UTC"), timeout=60)
        self.assertEqual(p.returncode, OK, p.stderr.decode())
        return json.loads(p.stdout)

    def test_month_this_and_last_in_the_policy_timezone(self):
        # 2026-09-30T16:30Z is 2026-10-01T00:30 in +08:00: this month is October there.
        self.assertEqual(self.faketime("2026-09-30 16:30:00", "stats", "monthly", "--month",
                                       "last", "--format", "json"),
                         self.json("stats", "monthly", "--month", "2026-09"))
        self.assertEqual(self.faketime("2026-09-30 15:30:00", "stats", "quota", "--month",
                                       "this", "--format", "json"),
                         self.json("stats", "quota", "--month", "2026-09"))

    # -- item 10: one filter for list and export; count, sort, limit --

    def test_export_cases_takes_the_filters_of_case_list(self):
        dep = next(d["code"] for d in self.policy["departments"])
        for filters in (["--unit", TOWN_NAME, "--status", "closed"],
                        ["--source", "hotline", "--from", "2026-08-01", "--to", "2026-08-31"],
                        ["--category", self.policy["categories"][0]["name"]],
                        ["--department", dep], ["--level", "片区"],
                        ["--overdue", "--at", "2026-09-30T18:00:00+08:00"]):
            with self.subTest(filters=filters):
                listed = [c["id"] for c in self.json("case", "list", *filters)]
                out = self.ok("export", "cases", "--format", "ndjson", *filters).stdout
                exported = [json.loads(line)["id"] for line in out.splitlines()]
                self.assertEqual(exported, listed)
                rows = self.ok("export", "cases", *filters).csv_rows()
                self.assertEqual([int(r["id"]) for r in rows], listed)
        self.assertTrue(self.json("case", "list", "--unit", TOWN_NAME, "--status", "closed"))

    def test_count_by_sort_limit(self):
        cases = self.json("case", "list", "--unit", TOWN_NAME)
        counts = self.json("case", "list", "--unit", TOWN_NAME, "--count-by", "category")
        self.assertEqual({r["category"]: r["count"] for r in counts},
                         dict(collections.Counter(c["category"] for c in cases)))
        self.assertEqual([r["count"] for r in counts],
                         sorted((r["count"] for r in counts), reverse=True))
        top = self.json("case", "list", "--unit", TOWN_NAME, "--count-by", "category",
                        "--limit", "2")
        self.assertEqual(top, counts[:2])
        newest = self.json("case", "list", "--unit", TOWN_NAME, "--sort=-reported_at",
                           "--limit", "5")
        want = sorted(cases, key=lambda c: c["reported_at"], reverse=True)[:5]
        self.assertEqual([c["reported_at"] for c in newest], [c["reported_at"] for c in want])
        self.assertEqual(self.json("case", "list", "--unit", TOWN_NAME, "--sort", "reported_at",
                                   "--desc", "--limit", "5"), newest)
        # People's table sorts by a field it does not show.
        r = self.ok("case", "list", "--unit", TOWN_NAME, "--sort", "reported_at", "--limit", "3")
        self.assertEqual(len(r.stdout.splitlines()), 4)
        at = "2026-09-30T18:00:00+08:00"
        listed = self.json("supervise", "--at", at)
        by_dep = self.json("supervise", "--at", at, "--count-by", "department")
        self.assertEqual({r["department"]: r["count"] for r in by_dep},
                         dict(collections.Counter(c["department"] for c in listed)))
        r = self.box.gridctl("case", "list", "--sort", "nope")
        self.assertEqual(r.rc, USAGE, str(r))
        self.assertIn("reported_at", r.stderr)

    def test_quota_town_sort_limit(self):
        rows = self.json("stats", "quota", "--month", MONTH, "--unit", TOWN_NAME,
                         "--sort", "quota_rate", "--limit", "4")
        everything = self.json("stats", "quota", "--month", MONTH, "--unit", TOWN_NAME)
        self.assertEqual(len(rows), 4)
        self.assertEqual(rows, sorted(everything, key=lambda r: r["quota_rate"])[:4])
        for r in everything:
            self.assertEqual((r["town"], r["town_name"]), (self.town_code(), TOWN_NAME))
            self.assertTrue(self.within(r["group"], self.town_code()))

    # -- item 11: output for people --

    def test_columns(self):
        r = self.ok("case", "list", "--unit", TOWN_NAME, "--columns", "id,reported_at,status",
                    "--format", "csv")
        self.assertEqual(r.stdout.splitlines()[0], "id,reported_at,status")
        r = self.ok("--columns", "group,resolution_rate", "stats", "monthly", "--month", MONTH)
        self.assertEqual(r.stdout.splitlines()[0].split(), ["group", "resolution_rate"])
        r = self.box.gridctl("units", "list", "--columns", "code,nope")
        self.assertEqual(r.rc, USAGE, str(r))
        self.assertIn("nope", r.stderr)
        self.assertIn("population", r.stderr)  # the known columns are listed

    def test_bom_lang_zh_csv_opens_as_excel_reads_it(self):
        path = self.box.path("cases.csv")
        with open(path, "wb") as f:
            p = subprocess.run([GRIDCTL, "--db", self.box.db, "export", "cases", "--unit",
                                TOWN_NAME, "--lang", "zh", "--bom"], stdout=f,
                               stderr=subprocess.PIPE, env=base_env(), timeout=60)
        self.assertEqual(p.returncode, OK, p.stderr.decode())
        raw = file_bytes(path)
        self.assertEqual(raw[:3], b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")  # what Excel does with a BOM
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        english = {c["id"]: c for c in self.json("case", "list", "--unit", TOWN_NAME)}
        self.assertEqual(len(rows), len(english))
        departments = {d["code"]: d["name"] for d in self.policy["departments"]}
        categories = {c["code"]: c["name"] for c in self.policy["categories"]}
        statuses = {"open": "办理中", "resolved": "已办结", "closed": "已结案", "void": "已作废"}
        seen_department = False
        for row in rows:
            c = english[int(row["事务编号"])]
            self.assertEqual(row["事项类别"], categories[c["category"]])
            self.assertEqual(row["状态"], statuses[c["status"]])
            self.assertEqual(row["部门"], departments[c["department"]] if c["department"] else "")
            seen_department = seen_department or bool(c["department"])
        self.assertTrue(seen_department)
        # The table for people says the same words.
        r = self.ok("case", "list", "--unit", TOWN_NAME, "--lang", "zh", "--limit", "1")
        self.assertTrue(r.stdout.startswith("事务编号"))

    def test_rate_without_problems_is_blank_for_people(self):
        rows = self.json("stats", "monthly", "--month", MONTH, "--by", "zone")
        empty = [r["group"] for r in rows if r["problems"] == 0]
        self.assertTrue(empty)
        for r in rows:
            if r["problems"] == 0:  # docs/design.md §7: 0 in JSON
                self.assertEqual(r["resolution_rate"], 0.0)
        by_csv = {r["group"]: r for r in
                  self.ok("stats", "monthly", "--month", MONTH, "--by", "zone", "--format",
                          "csv").csv_rows()}
        for g in empty:
            self.assertEqual((by_csv[g]["resolution_rate"], by_csv[g]["on_time_rate"]), ("", ""))
        table = self.ok("stats", "monthly", "--month", MONTH, "--by", "zone", "--columns",
                        "group,resolution_rate").stdout.splitlines()
        for line in table[1:]:
            if line.split()[0] in empty:
                self.assertEqual(line.split(), [line.split()[0]])

    def test_info_case_closed_at_is_its_report_time(self):
        rows = self.ok("export", "cases", "--unit", TOWN_NAME).csv_rows()
        infos = [r for r in rows if r["kind"] == "info" and r["status"] == "closed"]
        self.assertTrue(infos)
        for r in infos:
            self.assertEqual(r["closed_at"], r["reported_at"], r["id"])


if __name__ == "__main__":
    unittest.main()
