"""Rule 16 (docs/design.md §3): times. Nothing is recorded before it happens (rule `future`:
the clock plus five minutes at most), times are ISO 8601 with every field at its width, and
years outside 2000–2099 are refused, on the command line and in files alike."""

import os
import shutil
import subprocess
import unittest

from gridctl_harness import (GRIDCTL, INPUT, OK, REFUSED, USAGE, GridctlTestCase, diags,
                             faketime_env)

GRID = "37132700100101"  # W0001's grid
HEADER = "ext_id,source,grid,category,kind,title,description,reporter,reported_at\n"


class Times(GridctlTestCase):
    template = "full"

    def log(self, at, **kw):
        return self.gridctl("log", "--grid", GRID, "--category", "dispute", "--title", "纠纷",
                            "--as", "W0001", "--at", at, **kw)

    def test_a_report_in_the_future_is_refused_and_writes_nothing(self):
        before = self.box.dump()
        r = self.log("2099-06-01T09:00")
        self.assertRc(r, REFUSED)
        self.assertIn("gridctl: error: future:", r.stderr)
        self.assertIn("(see --at)", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_a_move_in_the_future_is_refused(self):
        cid = self.assertOk(self.log("2026-10-03T09:00")).stdout.strip()
        r = self.gridctl("escalate", cid, "--reason", "x", "--as", "W0001", "--at", "2099-01-01")
        self.assertRc(r, REFUSED)
        self.assertIn("future", r.stderr)
        self.assertEqual(len(self.assertOk(self.gridctl("case", "history", cid, "--format",
                                                        "json")).json()), 1)

    def test_five_minutes_ahead_of_the_clock_is_allowed_six_are_not(self):
        if not shutil.which("faketime"):
            self.skipTest("faketime (Debian's faketime) is not installed; scripts/setup installs it")

        def log_at(at):
            return subprocess.run(
                [GRIDCTL, "--db", self.box.db, "log", "--grid", GRID, "--category", "dispute",
                 "--title", "纠纷", "--as", "W0001", "--at", at],
                capture_output=True, text=True, env=faketime_env("2026-10-05 04:00:00", TZ="UTC"),
                timeout=60)
        # The clock says 2026-10-05 04:00 UTC, 12:00 at +08:00.
        ok = log_at("2026-10-05T12:05:00+08:00")
        self.assertEqual(ok.returncode, OK, ok.stderr)
        late = log_at("2026-10-05T12:06:00+08:00")
        self.assertEqual(late.returncode, REFUSED, late.stderr)
        self.assertIn("future", late.stderr)

    def test_malformed_and_out_of_range_times_are_usage_errors_naming_the_option(self):
        for bad in ("2026-10-3T9:5", "+2026-10-03", "1999-12-31T10:00", "9999-01-01",
                    "2026-10-03T09", "2026/10/3 9:5", "2026/13/03", ""):
            with self.subTest(at=bad):
                r = self.log(bad)
                self.assertRc(r, USAGE)
                self.assertIn("--at " + (bad or "''"), r.stderr)

    def test_an_imported_row_from_the_future_or_before_2000_is_rejected_at_its_column(self):
        before = self.box.dump()
        rows = (HEADER +
                f"H1,hotline,{GRID},dispute,problem,纠纷,,admin,2026-10-01T09:00\n"
                f"H2,hotline,{GRID},dispute,problem,纠纷,,admin,2099-10-01T09:00\n"
                f"H3,hotline,{GRID},dispute,problem,纠纷,,admin,1999-10-01T09:00\n")
        path = self.box.write("cases.csv", rows)
        r = self.gridctl("import", "cases", path)
        self.assertRc(r, INPUT)
        found = {(d.line, d.field) for d in diags(r, path)}
        self.assertEqual(found, {(3, "reported_at"), (4, "reported_at")}, r.stderr)
        self.assertIn("future", r.stderr)
        self.assertEqual(self.box.dump(), before)


if __name__ == "__main__":
    unittest.main()
