"""End-to-end tests of scripts/gen-cases, the generator of a county-period of cases for the
benchmarks (docs/design.md §10): at a tiny size it is deterministic by seed, writes the cases CSV
of docs/design.md §5.7 in the order of reported_at with ext_ids unique per source, has every
source, kind and category and events rows of each lifecycle (whistle, rework, extend, suspend,
supervise, urge) acted by named workers, scales its period with the size, and `gridctl import
cases` accepts all of it into the example county.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

from gridctl_harness import EXAMPLES, OK, REPO, GridctlTestCase, example

GEN = os.path.join(REPO, "scripts", "gen-cases")
COLUMNS = ["ext_id", "source", "grid", "category", "kind", "title", "description", "reporter",
           "reported_at", "status", "level", "department", "resolved_at", "closed_at", "events"]
SIZE = 3000
# A tiny size over a few months, so that the lifecycles have room to finish before the end.
ARGS = ["--size", str(SIZE), "--months", "3", "--to", "2026-06-30"]


def generate(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, GEN, "--examples", EXAMPLES, *args],
                          capture_output=True, timeout=120)


def read_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class GenCases(GridctlTestCase):
    template = "full"

    @classmethod
    def setUpClass(cls) -> None:
        cls.dir = tempfile.mkdtemp(prefix="gridgov-gen-")
        cls.addClassCleanup(shutil.rmtree, cls.dir, True)
        cls.file = os.path.join(cls.dir, "a.csv")
        for name, extra in (("a.csv", []), ("a2.csv", []), ("b.csv", ["--seed", "7"])):
            r = generate(*ARGS, *extra, "--out", os.path.join(cls.dir, name))
            if r.returncode != 0:
                raise AssertionError(f"gen-cases failed: {r.stderr.decode()}")
        cls.rows = read_rows(cls.file)

    def bytes_of(self, name: str) -> bytes:
        with open(os.path.join(self.dir, name), "rb") as f:
            return f.read()

    def events_rows(self) -> list[list[dict]]:
        return [json.loads(r["events"]) for r in self.rows if r["events"]]

    def test_help(self):
        r = generate("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        for option in ("--size", "--seed", "--from", "--to", "--months", "--out", "--examples"):
            self.assertIn(option, r.stdout.decode())

    def test_same_seed_same_bytes_other_seed_other_bytes(self):
        self.assertEqual(self.bytes_of("a.csv"), self.bytes_of("a2.csv"))
        self.assertNotEqual(self.bytes_of("a.csv"), self.bytes_of("b.csv"))

    def test_standard_output_is_the_same_file(self):
        r = generate(*ARGS)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, self.bytes_of("a.csv"))

    def test_header_and_size(self):
        with open(self.file, encoding="utf-8", newline="") as f:
            self.assertEqual(next(csv.reader(f)), COLUMNS)
        self.assertEqual(len(self.rows), SIZE)

    def test_chronological_within_the_period(self):
        times = [when(r["reported_at"]) for r in self.rows]
        self.assertEqual(times, sorted(times))
        tz = dt.timezone(dt.timedelta(hours=8))
        self.assertGreaterEqual(times[0], dt.datetime(2026, 4, 1, tzinfo=tz))
        self.assertLess(times[-1], dt.datetime(2026, 7, 1, tzinfo=tz))
        end = dt.datetime(2026, 7, 1, tzinfo=tz)
        for r in self.rows:   # nothing happens after the period's end
            for column in ("resolved_at", "closed_at"):
                if r[column]:
                    self.assertLess(when(r[column]), end, r)

    def test_ext_ids_unique_per_source(self):
        keys = [(r["source"], r["ext_id"]) for r in self.rows]
        self.assertEqual(len(keys), len(set(keys)))
        self.assertTrue(all(r["ext_id"] for r in self.rows))

    def test_every_source_kind_and_category(self):
        pairs = {(r["source"], r["kind"]) for r in self.rows}
        for source in ("patrol", "platform", "hotline", "surveillance"):
            for kind in ("info", "problem"):
                self.assertIn((source, kind), pairs)
        self.assertIn(("petition", "problem"), pairs)
        with open(example("policy.toml"), "rb") as f:
            categories = {c["code"] for c in tomllib.load(f)["categories"]}
        self.assertEqual({r["category"] for r in self.rows}, categories)
        statuses = {r["status"] for r in self.rows if r["kind"] == "problem"}
        self.assertLessEqual({"open", "closed", "void"}, statuses)
        self.assertTrue(any(r["department"] for r in self.rows), "no referral or dispatch to a "
                        "department")

    def test_events_rows_of_each_lifecycle(self):
        histories = self.events_rows()
        self.assertTrue(histories)
        self.assertLess(len(histories), SIZE * 0.01, "events rows are a fraction of a percent")
        types = {e["type"] for h in histories for e in h}
        self.assertLessEqual({"report", "escalate", "whistle", "resolve", "rework", "close",
                              "extend", "suspend", "supervise", "urge"}, types)
        for h in histories:
            self.assertEqual(h[0]["type"], "report")
            times = [when(e["at"]) for e in h]
            self.assertEqual(times, sorted(times), h)
            for e in h:
                self.assertNotEqual(e.get("actor", "admin"), "admin", h)
                if e["type"] == "whistle":
                    self.assertTrue(e["worker"])
                if e["type"] == "extend":
                    self.assertTrue(e["extension"].endswith("wd"))
                if e["type"] == "supervise":
                    self.assertGreater(when(e["by"]), when(e["at"]))

    def test_period_scales_with_the_size(self):
        out = os.path.join(self.dir, "scaled.csv")
        r = generate("--size", "4000", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        days = {r["reported_at"][:10] for r in read_rows(out)}
        # 4,000 rows at 700,000 a year: two days, ending on the default --to, 2026-10-31.
        self.assertEqual(days, {"2026-10-30", "2026-10-31"})

    def test_memory_is_bounded(self):
        # The generator holds one day's rows: a larger size does not grow it (Linux: KiB).
        probe = ("import resource, subprocess, sys\n"
                 "subprocess.run(sys.argv[1:], check=True)\n"
                 "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
        r = subprocess.run([sys.executable, "-c", probe, sys.executable, GEN, "--examples",
                            EXAMPLES, "--size", "20000", "--out", os.devnull],
                           capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(int(r.stdout), 60 * 1024)

    def test_gridctl_imports_every_row(self):
        r = self.gridctl("import", "cases", self.file, "--format", "csv")
        self.assertEqual(r.rc, OK, str(r))
        summary = r.csv_rows()
        self.assertEqual(len(summary), 1, str(r))
        self.assertEqual((summary[0]["added"], summary[0]["present"], summary[0]["rejected"]),
                         (str(SIZE), "0", "0"))
        r = self.gridctl("stats", "summary", "--from", "2026-04-01", "--to", "2026-06-30",
                         "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        total = r.json()[-1]
        self.assertEqual(total["reported"], SIZE)
        self.assertGreater(total["whistles"], 0)
        self.assertGreater(total["rework"], 0)
        self.assertGreater(total["extended"], 0)
        self.assertGreater(total["supervised"], 0)
        # About nine in ten problems closed within their time limit.
        self.assertGreater(total["closed_on_time"] / total["problems"], 0.75)


if __name__ == "__main__":
    unittest.main()
