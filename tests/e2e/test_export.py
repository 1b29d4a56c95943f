"""End-to-end tests of `gridctl export cases|events` (docs/design.md §6): csv, json, ndjson and open311
(GeoReport v2 service requests), `--from/--to`, the round trip through `import cases`, and
streaming: exporting the example season (175,000 cases) stays in roughly constant memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import unittest

from gridctl_harness import (GRIDCTL, OK, Sandbox, SharedSandboxCase, base_env, data, example,
                             example_units)

TZ = dt.timezone(dt.timedelta(hours=8))

IMPORT_COLUMNS = ["ext_id", "source", "grid", "category", "kind", "title", "description",
                  "reporter", "reported_at", "status", "level", "department", "resolved_at",
                  "closed_at", "events"]
EVENT_COLUMNS = ["case_id", "kind", "source", "grid", "category", "reported_at", "type", "at",
                 "recorded_at", "actor", "from_level", "from_unit", "from_department", "level",
                 "unit", "department", "worker", "deadline", "note", "due", "extension", "by",
                 "late_record", "service",
                 # The chain's (docs/design.md §15): every field of an event's encoding, and its link.
                 "event_id", "ext_id", "title", "description", "reporter", "lon", "lat", "prev_hash",
                 "hash"]
EVENT_FIELDS = ["type", "at", "recorded_at", "actor", "level", "unit", "department", "note",
                "worker", "deadline", "due", "extension", "by", "late_record"]
OPEN311_FIELDS = ["service_request_id", "status", "status_notes", "service_name",
                  "service_code", "agency_responsible", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address"]

GRID = "37132700100101"


def local_date(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text).astimezone(TZ).date()


def build_small(box: Sandbox) -> None:
    """The basic cases file plus a few live cases across the July/August boundary: a whistle, a
    rework, a referral, a void and an info case."""
    def ok(*args):
        r = box.gridctl(*args)
        assert r.rc == OK, r
        return r

    ok("import", "cases", data("cases/basic.csv"))
    cid = ok("log", "--grid", GRID, "--category", "illegal_construction", "--title", "违建",
             "--description", "楼顶, \"加盖\"\n两间", "--as", "W0001",
             "--at", "2026-07-31T22:30").stdout.strip()
    for args in (["escalate", cid, "--reason", "a", "--as", "W0001", "--at", "2026-07-31T23:00"],
                 ["escalate", cid, "--reason", "b", "--as", "W0001", "--at", "2026-08-01T09:00"],
                 ["whistle", cid, "--worker", "C0851", "--as", "T0001", "--at",
                  "2026-08-01T10:00"],
                 ["escalate", cid, "--reason", "c", "--as", "T0001", "--at", "2026-08-01T11:00"],
                 ["escalate", cid, "--reason", "乡呼县应", "--as", "T0001", "--at",
                  "2026-08-01T12:00"],
                 ["resolve", cid, "--note", "已拆除", "--as", "C0006", "--at", "2026-08-03T12:00"],
                 ["close", cid, "--fail", "--note", "仍有", "--as", "W0001", "--at",
                  "2026-08-03T13:00"],
                 ["resolve", cid, "--note", "彻底拆除", "--as", "C0006", "--at",
                  "2026-08-04T12:00"],
                 ["close", cid, "--note", "核查通过", "--as", "W0001", "--at", "2026-08-05T09:00"]):
        ok(*args)
    ok("log", "--grid", GRID, "--category", "livelihood_services", "--kind", "info",
       "--title", "咨询", "--as", "W0001", "--at", "2026-08-01T00:30")
    vid = ok("log", "--grid", GRID, "--category", "dispute", "--source", "platform",
             "--title", "重复上报", "--as", "W0001", "--at", "2026-08-01T08:00").stdout.strip()
    ok("void", vid, "--reason", "重复", "--as", "W0001", "--at", "2026-08-01T09:00")
    ok("log", "--grid", GRID, "--category", "dispute", "--source", "hotline", "--ext-id",
       "12345-0801-1", "--title", "噪音", "--as", "C0001", "--at", "2026-07-31T23:59:59")


class ExportSmall(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.box = Sandbox("full")
        try:
            build_small(cls.box)
            r = cls.box.gridctl("case", "list", "--format", "json")
            assert r.rc == OK, r
            cls.ids = [c["id"] for c in r.json()]
            cls.shown = {}
            for cid in cls.ids:
                r = cls.box.gridctl("case", "show", str(cid), "--format", "json")
                assert r.rc == OK, r
                cls.shown[cid] = r.json()
            r = cls.box.gridctl("policy", "show", "--format", "json")
            cls.policy = r.json()
        except BaseException:
            cls.box.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()

    def export(self, *args: str):
        r = self.box.gridctl("export", *args)
        self.assertEqual(r.rc, OK, str(r))
        return r

    def all_events(self) -> list[tuple[int, dict]]:
        return [(cid, e) for cid in self.ids for e in self.shown[cid]["events"]]

    # -- cases --
    def test_cases_csv(self):
        r = self.export("cases", "--format", "csv")
        header = r.stdout.splitlines()[0].split(",")
        for col in IMPORT_COLUMNS:
            self.assertIn(col, header)
        rows = r.csv_rows()
        self.assertEqual(len(rows), len(self.ids))
        for row in rows:
            c = self.shown[int(row["id"])]
            text = lambda v: "" if v is None else str(v)
            for k in ("source", "grid", "category", "kind", "title", "description", "reporter",
                      "reported_at", "status", "level", "department"):
                self.assertEqual(row[k], text(c[k]), (k, c["id"]))
            # A case logged live has no ext_id; its id names it on re-import (README).
            self.assertEqual(row["ext_id"], c["ext_id"] or "")
            self.assertEqual(row["id"], str(c["id"]))
            for k in ("unit", "deadline", "rework"):
                if k in row:
                    self.assertEqual(row[k], text(c[k]), (k, c["id"]))
            events = c["events"]
            resolves = [e["at"] for e in events if e["type"] == "resolve"]
            closes = [e["at"] for e in events if e["type"] == "close"]
            self.assertEqual(row["resolved_at"], resolves[-1] if resolves else "", c["id"])
            # An info case closes when it is recorded: its report time (issue 11).
            closed = closes[-1] if closes else c["reported_at"] if c["kind"] == "info" else ""
            self.assertEqual(row["closed_at"], closed if c["status"] == "closed" else "", c["id"])
            self.assertEqual(json.loads(row["events"]), events, c["id"])

    def test_cases_csv_quotes_commas_quotes_and_newlines(self):
        rows = self.export("cases").csv_rows()  # csv is the default
        descs = [r["description"] for r in rows]
        self.assertIn("楼顶, \"加盖\"\n两间", descs)

    def test_cases_json_is_the_case_objects(self):
        got = self.export("cases", "--format", "json").json()
        self.assertEqual([c["id"] for c in got], self.ids)
        for c in got:
            shown = self.shown[c["id"]]
            self.assertEqual(c, shown)

    def test_cases_ndjson(self):
        r = self.export("cases", "--format", "ndjson")
        lines = r.stdout.splitlines()
        self.assertEqual([json.loads(x) for x in lines],
                         self.export("cases", "--format", "json").json())

    def test_global_format_applies(self):
        r = self.box.gridctl("--format", "json", "export", "cases")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(r.json(), self.export("cases", "--format", "json").json())

    # -- events --
    def test_events_json(self):
        got = self.export("events", "--format", "json").json()
        expected = self.all_events()
        self.assertEqual(len(got), len(expected))
        got_by_case = {}
        for e in got:
            self.assertEqual(list(e.keys()), EVENT_COLUMNS)
            got_by_case.setdefault(e["case_id"], []).append(e)
        for cid in self.ids:
            c = self.shown[cid]
            mine = got_by_case[cid]
            self.assertEqual(len(mine), len(c["events"]))
            prev = None
            for e, shown in zip(mine, c["events"]):
                for k in EVENT_FIELDS:
                    self.assertEqual(e[k], shown[k], (cid, k))
                for k in ("kind", "source", "grid", "category", "reported_at"):
                    self.assertEqual(e[k], c[k], (cid, k))
                if prev is None:
                    self.assertIsNone(e["from_level"])
                else:
                    self.assertEqual((e["from_level"], e["from_unit"], e["from_department"]),
                                     (prev["level"], prev["unit"], prev["department"]), cid)
                prev = e

    def test_events_are_oldest_first(self):
        # README: `export events` writes the events that happened in the period, oldest first.
        # The fixture imports July cases, then logs live ones: insertion order is not time order.
        got = self.export("events", "--format", "json").json()
        ats = [dt.datetime.fromisoformat(e["at"]) for e in got]
        out_of_order = [(got[i - 1]["case_id"], got[i - 1]["at"], got[i]["case_id"], got[i]["at"])
                        for i in range(1, len(ats)) if ats[i] < ats[i - 1]]
        self.assertEqual(out_of_order, [], "events out of time order (case, at, next case, at)")

    def test_json_is_an_array_with_one_object_per_line(self):
        # README: export json is an array, one case (or event) per line, so it streams.
        for what in ("cases", "events"):
            with self.subTest(what=what):
                r = self.export(what, "--format", "json")
                lines = r.stdout.splitlines()
                items = r.json()
                self.assertEqual(lines[0], "[")
                self.assertEqual(lines[-1], "]")
                self.assertEqual(len(lines), len(items) + 2)
                for line, item in zip(lines[1:-1], items):
                    self.assertEqual(json.loads(line.rstrip(",")), item)

    def test_events_csv_and_ndjson_match_json(self):
        j = self.export("events", "--format", "json").json()
        r = self.export("events", "--format", "csv")
        self.assertEqual(r.stdout.splitlines()[0], ",".join(EVENT_COLUMNS))
        rows = r.csv_rows()
        self.assertEqual(len(rows), len(j))
        for row, e in zip(rows, j):
            for k in EVENT_COLUMNS:
                v = e[k]
                want = "" if v is None else json.dumps(v) if isinstance(v, bool) else str(v)
                self.assertEqual(row[k], want, (k, e))
        nd = self.export("events", "--format", "ndjson").stdout.splitlines()
        self.assertEqual([json.loads(x) for x in nd], j)

    # -- open311 --
    def test_open311(self):
        got = self.export("cases", "--format", "open311").json()
        self.assertIsInstance(got, list)
        self.assertEqual(len(got), len(self.ids))
        units = example_units()
        cats = {c["code"]: c["name"] for c in self.policy["categories"]}
        deps = {d["code"]: d["name"] for d in self.policy["departments"]}
        for sr in got:
            for k in OPEN311_FIELDS:
                self.assertIn(k, sr)
            c = self.shown[int(sr["service_request_id"])]
            self.assertIsInstance(sr["service_request_id"], str)
            self.assertEqual(sr["status"],
                             "closed" if c["status"] in ("closed", "void") else "open", c["id"])
            self.assertEqual(sr["service_code"], c["category"])
            self.assertEqual(sr["service_name"], cats[c["category"]])
            self.assertEqual(sr["requested_datetime"], c["reported_at"])
            self.assertEqual(sr["updated_datetime"], c["events"][-1]["at"])
            self.assertEqual(sr["expected_datetime"], c["deadline"])
            if c["department"]:
                self.assertEqual(sr["agency_responsible"], deps[c["department"]])
            elif c["unit"]:
                self.assertEqual(sr["agency_responsible"], units[c["unit"]]["name"])
            self.assertIsInstance(sr["agency_responsible"], str)
            self.assertIn(units[c["grid"]]["name"], sr["address"])
            self.assertTrue(sr["status_notes"] is None or isinstance(sr["status_notes"], str))
            for k in ("requested_datetime", "updated_datetime"):
                dt.datetime.fromisoformat(sr[k])  # ISO 8601 with offset

    # -- --from / --to --
    def test_cases_from_to_is_by_local_reported_day(self):
        all_cases = self.export("cases", "--format", "json").json()
        for first, last in (("2026-08-01", "2026-08-01"), ("2026-07-31", "2026-07-31"),
                            ("2026-07-01", "2026-07-31"), ("2026-07-05", "2026-08-01")):
            with self.subTest(first=first, last=last):
                got = self.export("cases", "--from", first, "--to", last,
                                  "--format", "json").json()
                a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
                expected = [c["id"] for c in all_cases
                            if a <= local_date(c["reported_at"]) <= b]
                self.assertEqual([c["id"] for c in got], expected)
                self.assertTrue(expected)
        # The boundary: 22:30 and 23:59:59 on July 31 are July; 00:30 on August 1 is August.
        aug1 = self.export("cases", "--from", "2026-08-01", "--to", "2026-08-01",
                           "--format", "json").json()
        self.assertIn("2026-08-01T00:30:00+08:00", [c["reported_at"] for c in aug1])
        self.assertNotIn("2026-07-31T22:30:00+08:00", [c["reported_at"] for c in aug1])

    def test_cases_from_only_and_to_only(self):
        all_cases = self.export("cases", "--format", "json").json()
        got = self.export("cases", "--from", "2026-07-06", "--format", "json").json()
        self.assertEqual([c["id"] for c in got],
                         [c["id"] for c in all_cases
                          if local_date(c["reported_at"]) >= dt.date(2026, 7, 6)])
        got = self.export("cases", "--to", "2026-07-05", "--format", "json").json()
        self.assertEqual([c["id"] for c in got],
                         [c["id"] for c in all_cases
                          if local_date(c["reported_at"]) <= dt.date(2026, 7, 5)])

    def test_events_from_to_is_by_event_time(self):
        all_events = self.export("events", "--format", "json").json()
        for first, last in (("2026-08-01", "2026-08-01"), ("2026-08-03", "2026-08-31")):
            with self.subTest(first=first, last=last):
                got = self.export("events", "--from", first, "--to", last,
                                  "--format", "json").json()
                a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
                expected = [e for e in all_events if a <= local_date(e["at"]) <= b]
                self.assertEqual(got, expected)
                self.assertTrue(expected)
        # An August event of a July case is in August's export.
        got = self.export("events", "--from", "2026-08-01", "--to", "2026-08-31",
                          "--format", "json").json()
        self.assertTrue(any(local_date(e["reported_at"]).month == 7 for e in got))

    def test_bad_dates_are_usage_errors(self):
        for args in (["--from", "2026-08-xx"], ["--to", "yesterday"]):
            r = self.box.gridctl("export", "cases", *args)
            self.assertEqual(r.rc, 2, str(r))

    def test_unknown_format_is_a_usage_error(self):
        r = self.box.gridctl("export", "cases", "--format", "xml")
        self.assertEqual(r.rc, 2, str(r))

    # -- round trips --
    def test_csv_export_imports_again_to_the_same_cases(self):
        r = self.export("cases", "--format", "csv")
        other = Sandbox("full")
        self.addCleanup(other.cleanup)
        path = other.write("export.csv", r.stdout_bytes)
        imp = other.gridctl("import", "cases", path)
        self.assertEqual(imp.rc, OK, str(imp))
        mine = self.export("cases", "--format", "json").json()
        theirs = other.gridctl("export", "cases", "--format", "json").json()
        self.assertEqual(len(mine), len(theirs))
        strip = lambda c: {**{k: v for k, v in c.items() if k not in ("ext_id", "events")},
                           "events": [{k: v for k, v in e.items() if k != "recorded_at"}
                                      for e in c["events"]]}
        for a, b in zip(mine, theirs):
            self.assertEqual(strip(a), strip(b))
        again = other.gridctl("import", "cases", path)
        self.assertEqual(again.rc, OK, str(again))
        self.assertIn("already present", again.stderr)

    def test_ndjson_export_imports_again(self):
        # import cases reads NDJSON, and takes the fields an export adds (id, unit, deadline,
        # overdue, rework) as information only: gridctl's own NDJSON export should go back in,
        # like its CSV export does (docs/design.md §5: importing the same export twice adds nothing).
        r = self.export("cases", "--format", "ndjson")
        other = Sandbox("full")
        self.addCleanup(other.cleanup)
        path = other.write("export.ndjson", r.stdout_bytes)
        imp = other.gridctl("import", "cases", path)
        self.assertEqual(imp.rc, OK, str(imp))
        for month in ("2026-07", "2026-08"):
            a = self.box.gridctl("stats", "monthly", "--month", month, "--format", "json")
            b = other.gridctl("stats", "monthly", "--month", month, "--format", "json")
            self.assertEqual(a.json(), b.json())


class ExportEmpty(unittest.TestCase):

    def test_empty_database(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        r = box.gridctl("export", "cases", "--format", "json")
        self.assertEqual((r.rc, r.json()), (OK, []))
        r = box.gridctl("export", "events", "--format", "json")
        self.assertEqual((r.rc, r.json()), (OK, []))
        r = box.gridctl("export", "cases", "--format", "ndjson")
        self.assertEqual((r.rc, r.stdout), (OK, ""))
        r = box.gridctl("export", "cases", "--format", "open311")
        self.assertEqual((r.rc, r.json()), (OK, []))
        r = box.gridctl("export", "cases", "--format", "csv")
        self.assertEqual(r.rc, OK)
        self.assertEqual(len(r.stdout.splitlines()), 1)
        self.assertEqual(r.csv_rows(), [])


# A child process that runs gridctl and reports the largest resident set of its children
# (only gridctl), in KiB.
_MAXRSS = ("import resource, subprocess, sys\n"
           "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
           "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")


class ExportSeason(SharedSandboxCase):
    """The example season (examples/cases.csv): every row exports, in roughly constant memory
    (docs/design.md §10: memory stays flat; the export streams one case at a time)."""

    LIMIT_KIB = 60 * 1024

    @classmethod
    def prepare(cls):
        with open(example("cases.csv"), encoding="utf-8", newline="") as f:
            months = [row["reported_at"][:7] for row in csv.DictReader(f)]
        cls.rows = len(months)
        cls.september = months.count("2026-09")

    def maxrss(self, *args: str) -> int:
        p = subprocess.run([sys.executable, "-c", _MAXRSS, GRIDCTL, "--db", self.box.db, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=base_env(),
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        rc, kib = p.stdout.split()
        self.assertEqual(int(rc), 0, f"gridctl {' '.join(args)} failed")
        return int(kib)

    def test_every_case_exports(self):
        # Under the sanitizers (some ten times slower) one month of the season, else all of it.
        span, rows = ((), self.rows)
        if os.environ.get("GRIDGOV_SANITIZED"):
            span, rows = ("--from", "2026-09-01", "--to", "2026-09-30"), self.september
        r = self.box.gridctl("export", "cases", *span, "--format", "csv")
        self.assertEqual(r.rc, OK)
        self.assertEqual(len(r.csv_rows()), rows)
        r = self.box.gridctl("export", "cases", *span, "--format", "ndjson")
        self.assertEqual(r.rc, OK)
        self.assertEqual(len(r.stdout.splitlines()), rows)

    @unittest.skipIf(os.environ.get("GRIDGOV_SANITIZED"),
                     "AddressSanitizer's shadow memory and quarantine swamp the measure")
    def test_export_memory_is_flat(self):
        for what, formats in (("cases", ("csv", "json", "ndjson", "open311")),
                              ("events", ("csv", "json", "ndjson"))):
            for fmt in formats:
                with self.subTest(what=what, format=fmt):
                    kib = self.maxrss("export", what, "--format", fmt)
                    self.assertLess(kib, self.LIMIT_KIB,
                                    f"export {what} --format {fmt}: max RSS {kib} KiB")


if __name__ == "__main__":
    unittest.main()
