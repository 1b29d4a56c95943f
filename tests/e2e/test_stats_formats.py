"""End-to-end tests of `gridctl stats monthly|summary|quota` output (docs/design.md §6, §7): the columns,
every output format, one- and two-way groupings, `--below`, and usage errors (exit 2).

The numbers themselves are checked by test_stats_recount.py; here they only have to agree across
formats and add up. The database is the example county with its season of cases
(examples/cases.csv, July to September 2026), imported once.
"""

from __future__ import annotations

import csv
import json
import unittest

from gridctl_harness import (COUNTY_CODE, COUNTY_NAME, OK, REFUSED, USAGE, Sandbox,
                             SharedSandboxCase, display_width, example, example_counts,
                             token_columns)

COLUMNS = ["group", "name", "reported", "problems", "closed", "closed_on_time",
           "resolution_rate", "on_time_rate", "escalated", "referred", "whistles", "rework",
           "overdue_open", "stage_late", "extended", "suspended_open", "supervised",
           "supervision_overdue", "verified_by_admin", "median_hours_to_close", "quota_days_met",
           "quota_rate", "reported_by_party_members", "handled_by_party_members"]
COUNTS = ["reported", "problems", "closed", "closed_on_time", "escalated", "referred",
          "whistles", "rework", "overdue_open", "stage_late", "extended", "suspended_open",
          "supervised", "supervision_overdue", "verified_by_admin"]
FLOATS = {"resolution_rate", "on_time_rate", "median_hours_to_close", "quota_rate"}
NUMERIC = COLUMNS[2:]
SOURCES = ["patrol", "hotline", "surveillance", "petition", "platform"]
MONTH = "2026-08"


class StatsFormats(SharedSandboxCase):
    maxDiff = 4000

    @classmethod
    def prepare(cls):
        r = cls.box.gridctl("policy", "show", "--format", "json")
        assert r.rc == OK, r
        cls.policy = r.json()

    def run_ok(self, *args: str):
        r = self.box.gridctl(*args)
        self.assertEqual(r.rc, OK, str(r))
        return r

    def usage(self, *args: str):
        r = self.box.gridctl(*args)
        self.assertEqual(r.rc, USAGE, str(r))
        self.assertTrue(r.errors(), f"no `gridctl: error:` line\n{r}")
        return r

    def monthly(self, by: str | None = None, month: str = MONTH, fmt: str = "json"):
        args = ["stats", "monthly", "--month", month, "--format", fmt]
        if by:
            args += ["--by", by]
        r = self.run_ok(*args)
        return r.json() if fmt == "json" else r

    # -- json --
    def test_json_rows_per_grouping(self):
        counts = example_counts()
        expected_groups = {
            "town": counts["town"], "zone": counts["zone"], "village": counts["village"],
            "grid": counts["grid"], "category": len(self.policy["categories"]),
            "source": 5,
        }
        for by, n in expected_groups.items():
            with self.subTest(by=by):
                rows = self.monthly(by)
                self.assertEqual(len(rows), n + 1)
                for row in rows:
                    self.assertEqual(list(row.keys()), COLUMNS, row)
                total = rows[-1]
                self.assertEqual((total["group"], total["name"]), (COUNTY_CODE, COUNTY_NAME))
                for f in COUNTS:
                    self.assertEqual(sum(r[f] for r in rows[:-1]), total[f], f)
                unit = by in ("town", "zone", "village", "grid")
                for r in rows[:-1]:
                    if unit:
                        self.assertIsInstance(r["quota_days_met"], int)
                        self.assertIsInstance(r["quota_rate"], float)
                    else:
                        self.assertIsNone(r["quota_days_met"], r)
                        self.assertIsNone(r["quota_rate"], r)
                if unit:
                    self.assertEqual(sum(r["quota_days_met"] for r in rows[:-1]),
                                     total["quota_days_met"])
                self.assertIsInstance(total["quota_days_met"], int)
                self.assertIsInstance(total["quota_rate"], float)
                self.assertEqual(len({r["group"] for r in rows}), len(rows), "groups unique")

    def test_json_groups_are_codes_and_names(self):
        rows = self.monthly("source")
        self.assertEqual(sorted(r["group"] for r in rows[:-1]), sorted(SOURCES))
        cats = {c["code"]: c["name"] for c in self.policy["categories"]}
        rows = self.monthly("category")
        self.assertEqual({r["group"]: r["name"] for r in rows[:-1]}, cats)
        deps = {d["code"]: d["name"] for d in self.policy["departments"]}
        rows = self.monthly("department")
        for r in rows[:-1]:
            if r["group"] in (None, ""):
                self.assertEqual(r["name"], "(none)")
            else:
                self.assertEqual(deps[r["group"]], r["name"])
        self.assertLessEqual(set(deps), {r["group"] for r in rows})

    def test_json_rates(self):
        for r in self.monthly("town"):
            p = r["problems"]
            self.assertAlmostEqual(r["resolution_rate"], r["closed"] / p if p else 0.0,
                                   delta=1e-12)
            self.assertAlmostEqual(r["on_time_rate"], r["closed_on_time"] / p if p else 0.0,
                                   delta=1e-12)
            self.assertGreaterEqual(r["closed"], r["closed_on_time"])
            self.assertGreaterEqual(r["problems"], r["closed"])
            self.assertGreaterEqual(r["reported"], r["problems"])
            self.assertEqual(r["quota_rate"] is None, r["quota_days_met"] is None)

    def test_default_grouping_is_town(self):
        self.assertEqual(self.monthly(None), self.monthly("town"))

    def test_empty_month(self):
        rows = self.monthly("source", month="2025-01")
        for r in rows:
            for f in COUNTS:
                self.assertEqual(r[f], 0, r)
            self.assertEqual((r["resolution_rate"], r["on_time_rate"]), (0.0, 0.0))
            self.assertIsNone(r["median_hours_to_close"])
        self.assertEqual((rows[-1]["quota_days_met"], rows[-1]["quota_rate"]), (0, 0.0))

    # -- other formats agree with json --
    def assert_same_as_json(self, rows_text: list[dict], rows_json: list[dict]):
        self.assertEqual(len(rows_text), len(rows_json))
        for t, j in zip(rows_text, rows_json):
            self.assertEqual(list(t.keys()), COLUMNS)
            for k in COLUMNS:
                v = j[k]
                # A rate without problems is 0 in JSON (docs/design.md §7) and blank in CSV.
                if v is None or (k in ("resolution_rate", "on_time_rate") and not j["problems"]):
                    self.assertEqual(t[k], "", (k, t))
                elif k in FLOATS:
                    self.assertAlmostEqual(float(t[k]), v, delta=1e-9, msg=(k, t))
                else:
                    self.assertEqual(t[k], str(v), (k, t))

    def test_csv_monthly_summary(self):
        for by in ("town", "category", "department", "town,category"):
            with self.subTest(by=by):
                r = self.monthly(by, fmt="csv")
                self.assertEqual(r.stdout.splitlines()[0], ",".join(COLUMNS))
                self.assert_same_as_json(r.csv_rows(), self.monthly(by))
        r = self.run_ok("stats", "summary", "--from", "2026-07-01", "--to", "2026-09-30",
                        "--format", "csv")
        j = self.run_ok("stats", "summary", "--from", "2026-07-01", "--to", "2026-09-30",
                        "--format", "json").json()
        self.assert_same_as_json(r.csv_rows(), j)

    def test_ndjson(self):
        r = self.monthly("category", fmt="ndjson")
        lines = r.stdout.splitlines()
        self.assertEqual([json.loads(x) for x in lines], self.monthly("category"))

    def test_global_format_before_the_command(self):
        r = self.run_ok("--format", "json", "stats", "monthly", "--month", MONTH)
        self.assertEqual(r.json(), self.monthly("town"))

    def test_table(self):
        r = self.monthly("town", fmt="table")
        lines = [x for x in r.stdout.splitlines() if x.strip()]
        self.assertEqual(lines[0].split(), COLUMNS)
        self.assertEqual(len(lines), 1 + example_counts()["town"] + 1)
        self.assertEqual(lines[-1].split()[:2], [COUNTY_CODE, COUNTY_NAME])
        rows = self.monthly("town")
        for line, row in zip(lines[1:], rows):
            self.assertEqual(line.split()[:4],
                             [row["group"], row["name"], str(row["reported"]),
                              str(row["problems"])])

    def test_rates_are_percentages_for_people(self):
        # README: rates are numbers from 0 to 1 in json and csv, percentages in table and md.
        j = self.monthly("town")
        i = COLUMNS.index("resolution_rate")
        t = self.monthly("town", fmt="table")
        lines = [x for x in t.stdout.splitlines() if x.strip()][1:]
        for line, row in zip(lines, j):
            cell = line.split()[i]
            self.assertRegex(cell, r"^\d+(\.\d+)?%$")
            self.assertAlmostEqual(float(cell[:-1]), row["resolution_rate"] * 100, delta=0.05)
        md = self.monthly("town", fmt="md")
        body = [x for x in md.stdout.splitlines()[2:] if x.startswith("|")]
        for line in body:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            self.assertTrue(cells[i].endswith("%"), line)
            self.assertTrue(cells[COLUMNS.index("quota_rate")].endswith("%"), line)

    def test_the_seasons_headline(self):
        # README tour: `stats summary --from 2026-07-01 --to 2026-09-30` gives the model county's
        # "2,100 problems, 95% resolved"; its items are every row, the grids' daily reports too.
        with open(example("cases.csv"), encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        s = self.run_ok("stats", "summary", "--from", "2026-07-01", "--to", "2026-09-30",
                        "--format", "json").json()[0]
        self.assertEqual(s["reported"], len(rows))
        self.assertEqual(s["problems"], sum(1 for r in rows
                                            if r["kind"] == "problem" and r["status"] != "void"))
        self.assertGreaterEqual(s["resolution_rate"], 0.95)
        self.assertEqual(round(s["problems"], -2), 2100)

    def test_table_aligns_chinese_names_by_display_width(self):
        r = self.monthly("town", fmt="table")
        lines = [x for x in r.stdout.splitlines() if x.strip()]
        starts = {token_columns(x)[2][0] for x in lines[1:]}
        # The third column (reported) starts (or, right-aligned, ends) at one display column.
        ends = {token_columns(x)[2][0] + display_width(token_columns(x)[2][1])
                for x in lines[1:]}
        self.assertTrue(len(starts) == 1 or len(ends) == 1, r.stdout)

    def test_table_numbers_are_right_aligned(self):
        # README "Output formats": in `table`, numbers are right-aligned. Rates and hours are
        # numbers too (shown as 91.7% and 37.2).
        r = self.monthly("town", fmt="table")
        lines = [x for x in r.stdout.splitlines() if x.strip()]
        header = token_columns(lines[0])
        bad = []
        for i, name in enumerate(COLUMNS):
            if name not in NUMERIC:
                continue
            ends = set()
            for x in lines[1:]:
                toks = token_columns(x)
                if len(toks) != len(COLUMNS):
                    continue  # a null cell: skip the row
                col, text = toks[i]
                ends.add(col + display_width(text))
            ends.add(header[i][0] + display_width(header[i][1]))
            if len(ends) != 1:
                bad.append(name)
        self.assertEqual(bad, [], f"columns not right-aligned:\n{r.stdout[:3000]}")

    def test_md(self):
        r = self.monthly("town", fmt="md")
        lines = r.stdout.splitlines()
        cells = [c.strip() for c in lines[0].strip().strip("|").split("|")]
        self.assertEqual(cells, COLUMNS)
        self.assertRegex(lines[1], r"^\|( *:?-+:? *\|)+$")
        body = [x for x in lines[2:] if x.strip()]
        self.assertEqual(len(body), example_counts()["town"] + 1)
        last = [c.strip() for c in body[-1].strip().strip("|").split("|")]
        self.assertEqual(last[:2], [COUNTY_CODE, COUNTY_NAME])
        self.assertEqual(len(last), len(COLUMNS))

    def test_summary_formats(self):
        j = self.run_ok("stats", "summary", "--from", "2026-08-01", "--to", "2026-08-31",
                        "--format", "json").json()
        self.assertEqual(len(j), 1)
        self.assertEqual(list(j[0].keys()), COLUMNS)
        self.assertEqual(j[0], self.monthly("town")[-1], "August as a range is the month")
        t = self.run_ok("stats", "summary", "--from", "2026-08-01", "--to", "2026-08-31")
        lines = [x for x in t.stdout.splitlines() if x.strip()]
        self.assertEqual(lines[0].split(), COLUMNS)
        self.assertEqual(lines[1].split()[:3], [COUNTY_CODE, COUNTY_NAME, str(j[0]["reported"])])
        md = self.run_ok("stats", "summary", "--from", "2026-08-01", "--to", "2026-08-31",
                         "--format", "md")
        self.assertEqual(len([x for x in md.stdout.splitlines() if x.startswith("|")]), 3)

    def test_summary_without_range_counts_every_case(self):
        j = self.run_ok("stats", "summary", "--format", "json").json()
        self.assertEqual(len(j), 1)
        with open(example("cases.csv"), encoding="utf-8") as f:
            n = sum(1 for _ in csv.DictReader(f))
        self.assertEqual(j[0]["reported"], n)

    def test_summary_from_only(self):
        a = self.run_ok("stats", "summary", "--from", "2026-09-01", "--format", "json").json()
        b = self.monthly("town", month="2026-09")[-1]
        self.assertEqual(a[0]["reported"], b["reported"])

    # -- two-way --
    def test_two_way_town_category(self):
        rows = self.monthly("town,category")
        towns = {r["group"]: r for r in self.monthly("town")[:-1]}
        cats = {c["code"]: c["name"] for c in self.policy["categories"]}
        self.assertEqual(rows[-1], self.monthly("town")[-1], "the same county total")
        body = rows[:-1]
        self.assertEqual([r["group"] for r in body], sorted(r["group"] for r in body))
        per_town = {t: 0 for t in towns}
        for r in body:
            self.assertEqual(list(r.keys()), COLUMNS)
            town, cat = r["group"].split("/")
            self.assertIn(town, towns)
            self.assertIn(cat, cats)
            self.assertEqual(r["name"], f"{towns[town]['name']}/{cats[cat]}")
            self.assertTrue(r["reported"] or r["whistles"] or r["rework"]
                            or r["verified_by_admin"], f"a pair with no cases has no row: {r}")
            self.assertIsNone(r["quota_days_met"])
            self.assertIsNone(r["quota_rate"])
            per_town[town] += r["reported"]
        for t, row in towns.items():
            self.assertEqual(per_town[t], row["reported"], t)
        for f in COUNTS:
            self.assertEqual(sum(r[f] for r in body), rows[-1][f], f)

    def test_two_way_order_of_the_groupings(self):
        a = self.monthly("town,source")
        b = self.monthly("source,town")
        flip = {"/".join(reversed(r["group"].split("/"))): r["reported"] for r in a[:-1]}
        self.assertEqual(flip, {r["group"]: r["reported"] for r in b[:-1]})
        self.assertTrue(all(r["group"].split("/")[0] in SOURCES for r in b[:-1]))

    # -- quota --
    def test_quota(self):
        rows = self.run_ok("stats", "quota", "--month", MONTH, "--format", "json").json()
        self.assertEqual(len(rows), example_counts()["grid"])
        for r in rows:
            self.assertEqual(list(r.keys()),
                             ["group", "name", "town", "town_name", "days", "quota_days_met",
                              "quota_rate",
                              "valid_reports", "admin_reports", "voided_reports",
                              "late_reports", "other_reporters"])
            self.assertEqual(r["days"], 31)
            # Rule 12: a day is met only with 2 valid reports (the built-in policy).
            self.assertLessEqual(r["quota_days_met"] * 2, r["valid_reports"])
        by_grid = {r["group"]: r for r in self.monthly("grid")[:-1]}
        for r in rows:
            for k in ("group", "name", "quota_days_met", "quota_rate"):
                self.assertIn(k, r)
            g = by_grid[r["group"]]
            self.assertEqual(r["name"], g["name"])
            self.assertEqual(r["quota_days_met"], g["quota_days_met"])
            self.assertAlmostEqual(r["quota_rate"], g["quota_rate"], delta=1e-12)
            self.assertAlmostEqual(r["quota_rate"], r["quota_days_met"] / 31, delta=1e-12)
        self.assertTrue(any(r["quota_days_met"] for r in rows))

    def test_quota_below(self):
        rows = self.run_ok("stats", "quota", "--month", MONTH, "--format", "json").json()
        below = self.run_ok("stats", "quota", "--month", MONTH, "--below", "0.1",
                            "--format", "json").json()
        self.assertEqual(below, [r for r in rows if r["quota_rate"] < 0.1])
        self.assertTrue(0 < len(below) < len(rows))
        none = self.run_ok("stats", "quota", "--month", MONTH, "--below", "0",
                           "--format", "json").json()
        self.assertEqual(none, [])

    def test_quota_formats(self):
        j = self.run_ok("stats", "quota", "--month", MONTH, "--below", "0.2",
                        "--format", "json").json()
        c = self.run_ok("stats", "quota", "--month", MONTH, "--below", "0.2",
                        "--format", "csv").csv_rows()
        self.assertEqual(len(c), len(j))
        for a, b in zip(c, j):
            self.assertEqual(a["group"], b["group"])
            self.assertEqual(int(a["quota_days_met"]), b["quota_days_met"])
            self.assertAlmostEqual(float(a["quota_rate"]), b["quota_rate"], delta=1e-9)
        t = self.run_ok("stats", "quota", "--month", MONTH, "--below", "0.2")
        lines = [x for x in t.stdout.splitlines() if x.strip()]
        self.assertEqual(len(lines), len(j) + 1)
        self.assertIn("quota_rate", lines[0].split())
        md = self.run_ok("stats", "quota", "--month", MONTH, "--below", "0.2", "--format", "md")
        self.assertEqual(len([x for x in md.stdout.splitlines() if x.startswith("|")]),
                         len(j) + 2)

    # -- usage errors --
    def test_bad_month(self):
        for month in ("2026-13", "2026-00", "2026-7", "2026-07-01", "July", "26-07", ""):
            with self.subTest(month=month):
                self.usage("stats", "monthly", "--month", month)
                self.usage("stats", "quota", "--month", month)

    def test_missing_month(self):
        self.usage("stats", "monthly")
        self.usage("stats", "quota")

    def test_unknown_by(self):
        for by in ("county", "nope", "town,nope", "town,category,source", "Town", "town,"):
            with self.subTest(by=by):
                self.usage("stats", "monthly", "--month", MONTH, "--by", by)

    def test_bad_below(self):
        for below in ("1.5", "-0.1", "half"):
            with self.subTest(below=below):
                self.usage("stats", "quota", "--month", MONTH, "--below", below)

    def test_bad_summary_range(self):
        self.usage("stats", "summary", "--from", "2026-08-xx")
        self.usage("stats", "summary", "--to", "tomorrow")
        self.usage("stats", "summary", "--from", "2026-08-02", "--to", "2026-08-01")

    def test_stats_needs_a_subcommand(self):
        # Alone, it prints its help (exit 2); an unknown one is named with the nearest.
        r = self.box.gridctl("stats")
        self.assertEqual(r.rc, USAGE, str(r))
        self.assertIn("Usage: gridctl stats", r.stdout)
        r = self.usage("stats", "yearly")
        self.assertIn("unknown command 'stats yearly'", r.errors()[0])


class PolicyTimezone(unittest.TestCase):
    """docs/design.md §7: periods are local months in the policy's timezone; rule 16: that
    timezone is fixed once the database has cases."""

    def test_months_follow_the_policy_timezone(self):
        def reported(box, month):
            r = box.gridctl("stats", "monthly", "--month", month, "--format", "json")
            self.assertEqual(r.rc, OK, str(r))
            return r.json()[-1]["reported"]

        with open(example("policy.toml"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn('timezone = "+08:00"', text)
        for tz, months in (("+08:00", (0, 1)), ("+00:00", (1, 0))):
            box = Sandbox("full")
            self.addCleanup(box.cleanup)
            path = box.write("tz.toml", text.replace('timezone = "+08:00"', f'timezone = "{tz}"'))
            r = box.gridctl("policy", "load", path)
            self.assertEqual(r.rc, OK, str(r))
            # 2026-08-01T01:00+08:00 is 2026-07-31T17:00Z.
            r = box.gridctl("log", "--grid", "37132700100101", "--category", "dispute",
                            "--title", "纠纷", "--as", "W0001", "--at", "2026-08-01T01:00:00+08:00")
            self.assertEqual(r.rc, OK, str(r))
            self.assertEqual((reported(box, "2026-07"), reported(box, "2026-08")), months, tz)

    def test_the_timezone_is_fixed_once_there_are_cases(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        r = box.gridctl("log", "--grid", "37132700100101", "--category", "dispute", "--title",
                        "纠纷", "--as", "W0001", "--at", "2026-08-01T01:00:00+08:00")
        self.assertEqual(r.rc, OK, str(r))
        before = box.dump()
        with open(example("policy.toml"), encoding="utf-8") as f:
            text = f.read()
        path = box.write("utc.toml", text.replace('timezone = "+08:00"', 'timezone = "+00:00"'))
        r = box.gridctl("policy", "load", path)
        self.assertEqual(r.rc, REFUSED, str(r))
        self.assertIn("gridctl: error: timezone:", r.stderr)
        self.assertEqual(box.dump(), before)
        # The same timezone with other settings still loads.
        path = box.write("same.toml", text.replace("auto_escalate = false", "auto_escalate = true"))
        self.assertEqual(box.gridctl("policy", "load", path).rc, OK)


if __name__ == "__main__":
    unittest.main()
