"""The case row is a projection of its events (docs/design.md §3): after a scenario of moves over several
cases, each `cases` row's status, level, unit, department, deadline and rework are what its
events imply, read straight from the database with the sqlite3 module."""

from __future__ import annotations

import sqlite3
import unittest

from gridctl_harness import skip_on_postgresql
from test_loop_basics import (COUNTY_WORKER, GRID, GRID2, GRID2_WORKER, GRID_WORKER, GRID_Z2,
                              GRID_Z2_WORKER, HOUSING_WORKER, OTHER_GRID, OTHER_GRID_WORKER,
                              TOWN_WORKER, WHISTLE_WORKER, WHISTLE_WORKER2, ZONE, LoopTestCase)

STATUS_AFTER = {"resolve": "resolved", "close": "closed", "void": "void", "rework": "open",
                "reopen": "open", "escalate": "open", "refer": "open", "dispatch": "open"}


class Projection(LoopTestCase):

    def scenario(self) -> int:
        """Some 25 moves over eight cases; returns how many moves succeeded."""
        moves = 0

        def mv(verb, cid, *args, as_="admin", at):
            nonlocal moves
            self.move(verb, cid, *args, as_=as_, at=at)
            moves += 1

        # 1: illegal construction, the README's climb, whistles, referral, rework, close
        a = self.log("illegal_construction", GRID, GRID_WORKER, "2026-10-03T09:15")
        mv("escalate", a, "--reason", "r", as_=GRID_WORKER, at="2026-10-03T10:00")
        mv("escalate", a, "--reason", "r", as_=GRID_WORKER, at="2026-10-03T16:00")
        mv("whistle", a, "--worker", WHISTLE_WORKER, as_=TOWN_WORKER, at="2026-10-04T09:00")
        mv("escalate", a, "--reason", "r", as_=TOWN_WORKER, at="2026-10-04T11:00")
        mv("whistle", a, "--worker", WHISTLE_WORKER2, as_=TOWN_WORKER, at="2026-10-04T12:00")
        mv("escalate", a, "--reason", "r", as_=TOWN_WORKER, at="2026-10-05T09:00")
        mv("resolve", a, "--note", "n", as_=HOUSING_WORKER, at="2026-10-08T15:00")
        mv("close", a, "--fail", "--note", "未拆", as_=GRID_WORKER, at="2026-10-09T10:00")
        mv("resolve", a, "--note", "n", as_=HOUSING_WORKER, at="2026-10-10T15:00")
        mv("close", a, as_=GRID_WORKER, at="2026-10-11T10:00")
        # 2: hotline, dispatched to a zone, reworked twice, closed, reopened
        b = self.intake("environment_sanitation", "12345-77", GRID, at="2026-10-10T08:30")
        mv("dispatch", b, "--to", ZONE, as_=COUNTY_WORKER, at="2026-10-10T09:00")
        mv("resolve", b, "--note", "n", as_=TOWN_WORKER, at="2026-10-10T15:00")
        mv("close", b, "--fail", "--note", "f1", as_=GRID_WORKER, at="2026-10-11T09:00")
        mv("resolve", b, "--note", "n", as_=TOWN_WORKER, at="2026-10-11T16:00")
        mv("close", b, "--fail", "--note", "f2", as_=GRID_WORKER, at="2026-10-12T09:00")
        mv("resolve", b, "--note", "n", as_=TOWN_WORKER, at="2026-10-12T16:00")
        mv("close", b, as_=GRID_WORKER, at="2026-10-13T09:00")
        mv("reopen", b, "--reason", "复发", as_=GRID_WORKER, at="2026-10-20T09:00")
        # 3: self-handled in the grid
        c = self.log("environment_sanitation", GRID2, GRID2_WORKER, "2026-10-03T09:00")
        mv("close", c, as_=GRID2_WORKER, at="2026-10-03T11:00")
        # 4: voided duplicate of 3
        d = self.log("environment_sanitation", GRID2, GRID2_WORKER, "2026-10-03T09:05")
        mv("void", d, "--reason", "重复", "--duplicate-of", str(c), as_=GRID2_WORKER,
           at="2026-10-03T09:30")
        # 5: urgent, straight to zone, resolved there, waiting for verification
        e = self.log("safety_hazard", GRID_Z2, GRID_Z2_WORKER, "2026-10-05T07:00")
        mv("escalate", e, "--to", "zone", "--reason", "r", as_=GRID_Z2_WORKER,
           at="2026-10-05T07:10")
        mv("resolve", e, "--note", "n", as_=TOWN_WORKER, at="2026-10-05T12:00")
        # 6: petition dispatched to a department, still open
        f = self.intake("petition_matter", "XF-77", OTHER_GRID, "petition", "admin",
                        "2026-10-06T10:00")
        mv("dispatch", f, "--department", "petition", as_=COUNTY_WORKER, at="2026-10-06T11:00")
        # 7: info case, and a patrol case left at village
        self.log("livelihood_services", OTHER_GRID, OTHER_GRID_WORKER, "2026-10-06T12:00", "民情",
                 "--kind", "info")
        g = self.log("dispute", OTHER_GRID, OTHER_GRID_WORKER, "2026-10-06T12:30")
        mv("escalate", g, "--reason", "r", as_=OTHER_GRID_WORKER, at="2026-10-06T13:00")
        # a few refusals on the way change nothing
        self.refused("escalate", str(a), "--reason", "x", "--as", "admin",
                     "--at", "2026-10-12T09:00")
        self.refused("resolve", str(g), "--note", "x", "--as", GRID_WORKER,
                     "--at", "2026-10-07T09:00")
        return moves

    @skip_on_postgresql("reads the file's rows with sqlite3")
    def test_case_rows_equal_their_events(self):
        moves = self.scenario()
        self.assertGreaterEqual(moves, 20)
        db = sqlite3.connect(f"file:{self.box.db}?mode=ro", uri=True)
        self.addCleanup(db.close)
        db.row_factory = sqlite3.Row
        cases = db.execute("SELECT * FROM cases ORDER BY id").fetchall()
        self.assertEqual(len(cases), 8)
        codes = dict(db.execute("SELECT id, code FROM units").fetchall())
        total_events = 0
        for row in cases:
            with self.subTest(case=row["id"]):
                events = db.execute("SELECT * FROM events WHERE case_id = ? ORDER BY id",
                                    (row["id"],)).fetchall()
                total_events += len(events)
                self.assertTrue(events)
                self.assertEqual(events[0]["type"], "report")
                ats = [e["at"] for e in events]
                self.assertEqual(ats, sorted(ats), "events are in time order")
                self.assertEqual(events[0]["at"], row["reported_at"])
                last = events[-1]
                # where the case stands and its deadline: the last event's
                self.assertEqual(row["level"], last["level"])
                self.assertEqual(row["unit_id"], last["unit_id"])
                self.assertEqual(row["department"], last["department"])
                self.assertEqual(row["deadline"], last["deadline"])
                # status: the last status-changing event
                status = "closed" if row["kind"] == "info" else "open"
                for e in events[1:]:
                    status = STATUS_AFTER.get(e["type"], status)
                self.assertEqual(row["status"], status)
                self.assertEqual(row["rework"],
                                 sum(1 for e in events if e["type"] == "rework"))
                # each event starts where the one before left the case
                for before, after in zip(events, events[1:]):
                    self.assertEqual((after["from_level"], after["from_unit_id"],
                                      after["from_department"]),
                                     (before["level"], before["unit_id"],
                                      before["department"]), dict(after))
                # and `case show` says the same as the row
                shown = self.show(row["id"])
                self.assertEqual(
                    (shown["status"], shown["level"], shown["unit"], shown["department"],
                     shown["rework"], len(shown["events"])),
                    (row["status"], row["level"], codes.get(row["unit_id"]), row["department"],
                     row["rework"], len(events)))
                self.assertEqual(shown["whistled"],
                                 [e["worker"] for e in events if e["type"] == "whistle"])
        self.assertEqual(total_events, moves + 8)

    def test_expected_end_states(self):
        self.scenario()
        rows = self.run_ok("case", "list", "--format", "json").json()
        got = [(c["status"], c["level"], c["unit"], c["department"], c["rework"])
               for c in rows]
        self.assertEqual(got, [
            ("closed", "county", None, "housing", 1),       # a
            ("open", "zone", ZONE, None, 2),                # b, reopened
            ("closed", "grid", GRID2, None, 0),             # c
            ("void", "grid", GRID2, None, 0),               # d
            ("resolved", "zone", "371327001Z02", None, 0),  # e
            ("open", "county", None, "petition", 0),        # f
            ("closed", "grid", OTHER_GRID, None, 0),        # info
            ("open", "village", "371327100001", None, 0),   # g
        ])


if __name__ == "__main__":
    unittest.main()
