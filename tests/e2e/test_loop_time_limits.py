"""End-to-end tests of rules 13–16 (docs/design.md §3): extension (延期), suspension (挂账),
supervision orders and reminders (限期督办, 催办), through gridctl on the example county.

One dispute (limit 2 working days) reported Thu 2026-10-08 09:00 in W0001's grid is due
2026-10-11T00:00+08:00: 10-09 (Fri) and 10-10 (a make-up Saturday) are its working days."""

from __future__ import annotations

import unittest

from test_loop_basics import (COUNTY_WORKER, GRID_WORKER, TOWN_WORKER, LoopTestCase, OK,
                              REFUSED, USAGE)

REPORTED = "2026-10-08T09:00"
DUE = "2026-10-11T00:00:00+08:00"


class TimeLimits(LoopTestCase):
    def setUp(self):
        super().setUp()
        self.cid = self.log("dispute", at=REPORTED)

    def test_the_due_is_set_at_the_report(self):
        c = self.show(self.cid, at="2026-10-09T10:00")
        self.assertEqual(c["due"], DUE)
        self.assertEqual((c["overdue"], c["stage_overdue"]), (False, True))  # grid stage: 24h
        self.assertEqual((c["suspended"], c["extended"], c["supervision"]), (False, None, None))

    # -- rule 13 --
    def test_extend_moves_the_due_on_working_days(self):
        r = self.move("extend", self.cid, "--by", "2wd", "--reason", "等待当事人",
                      as_=TOWN_WORKER, at="2026-10-09T10:00")
        self.assertIn("due 2026-10-14T00:00:00+08:00", r.stderr)
        c = self.show(self.cid)
        # The day that ended at the old due (10-10) does not count: 10-12 and 10-13 do.
        self.assertEqual((c["due"], c["extended"]), ("2026-10-14T00:00:00+08:00", "2wd"))
        ext = [e for e in c["events"] if e["type"] == "extend"]
        self.assertEqual([(e["extension"], e["note"], e["actor"]) for e in ext],
                         [("2wd", "等待当事人", TOWN_WORKER)])
        self.move("extend", self.cid, "--by", "1d", "--reason", "再等一天", as_="admin",
                  at="2026-10-10T10:00")
        self.assertEqual(self.show(self.cid)["extended"], "2wd+1d")

    def test_extensions_are_refused_past_the_cap_after_the_due_and_to_the_holder(self):
        base = ["extend", str(self.cid), "--reason", "理由"]
        self.refused(*base, "--by", "11wd", "--as", "admin", "--at", "2026-10-09T10:00",
                     words=("extension", "max_extension", "10wd"))
        self.move("extend", self.cid, "--by", "8wd", "--reason", "理由", at="2026-10-09T10:00")
        self.refused(*base, "--by", "3d", "--as", "admin", "--at", "2026-10-09T11:00",
                     words=("extension", "max_extension"))
        self.refused(*base, "--by", "1wd", "--as", GRID_WORKER, "--at", "2026-10-09T11:00",
                     words=("authorisation", GRID_WORKER))
        self.refused(*base, "--by", "1wd", "--as", "admin", "--at", "2026-10-30T11:00",
                     words=("extension", "due"))
        self.refused(*base, "--by", "soon", "--as", "admin", "--at", "2026-10-09T11:00",
                     rc=USAGE, words=("--by",))

    # -- rule 14 --
    def test_a_suspended_case_stops_its_clocks_and_takes_only_resume_or_void(self):
        self.move("suspend", self.cid, "--reason", "历史遗留问题，正在协调解决", as_=TOWN_WORKER,
                  at="2026-10-09T09:00")
        c = self.show(self.cid, at="2026-10-30T00:00")
        self.assertEqual((c["suspended"], c["overdue"], c["stage_overdue"]), (True, False, False))
        self.refused("escalate", str(self.cid), "--reason", "上报", "--as", "admin",
                     "--at", "2026-10-09T10:00", words=("suspension", "resume"))
        self.refused("resume", str(self.cid), "--note", "恢复", "--as", GRID_WORKER,
                     "--at", "2026-10-09T10:00", words=("authorisation",))
        # Resumed on Fri 10-16: the working days 10-10, 10-12 … 10-16 passed (6), so the due
        # moves from 10-11T00:00 (the end of 10-10) by 6 working days: 10-12 … 10-16, 10-19.
        self.move("resume", self.cid, "--note", "协调完毕", as_=TOWN_WORKER,
                  at="2026-10-16T09:00")
        c = self.show(self.cid, at="2026-10-16T10:00")
        self.assertFalse(c["suspended"])
        self.assertEqual(c["due"], "2026-10-20T00:00:00+08:00")
        # The grid's 24h stage deadline (10-09T09:00) moves by the suspended 7 days.
        self.assertEqual(c["deadline"], "2026-10-16T09:00:00+08:00")
        self.refused("resume", str(self.cid), "--note", "再次", "--as", "admin",
                     "--at", "2026-10-16T11:00", words=("suspension", "not suspended"))
        types = [e["type"] for e in c["events"]]
        self.assertEqual(types, ["report", "suspend", "resume"])

    # -- rule 15 --
    def test_a_supervision_order_goes_on_the_list_and_the_county_agenda(self):
        self.refused("supervise", "order", str(self.cid), "--by", "2026-10-20", "--note", "限期",
                     "--as", TOWN_WORKER, "--at", "2026-10-09T10:00", words=("authorisation",))
        self.refused("supervise", "order", str(self.cid), "--by", "2026-10-09T08:00", "--note",
                     "限期", "--as", COUNTY_WORKER, "--at", "2026-10-09T10:00",
                     words=("supervision", "later than the clock"))
        self.run_ok("supervise", "order", str(self.cid), "--by", "2026-10-09T18:00", "--note",
                    "限期解决", "--as", COUNTY_WORKER, "--at", "2026-10-09T10:00")
        c = self.show(self.cid, at="2026-10-09T17:00")
        self.assertEqual(c["supervision"],
                         {"by": "2026-10-09T18:00:00+08:00", "note": "限期解决", "overdue": False})
        # On the supervision list before it is overdue: the order puts it there.
        listed = self.run_ok("supervise", "--at", "2026-10-09T17:00", "--format", "json").json()
        self.assertIn(self.cid, [x["id"] for x in listed])
        rows = self.run_ok("supervise", "--at", "2026-10-09T19:00", "--format", "csv").csv_rows()
        row = next(x for x in rows if x["id"] == str(self.cid))
        self.assertEqual((row["order_by"], row["order_overdue"]),
                         ("2026-10-09T18:00:00+08:00", "true"))
        agenda = self.run_ok("agenda", "county", "--at", "2026-10-09T19:00", "--format",
                             "json").json()
        item = next(x for x in agenda if x["id"] == self.cid)
        self.assertIn("supervision_overdue", item["agenda"])

    def test_urge_is_a_reminder_from_above_the_holder(self):
        self.refused("urge", str(self.cid), "--note", "催办", "--as", GRID_WORKER,
                     "--at", "2026-10-09T10:00", words=("authorisation",))
        self.move("urge", self.cid, "--note", "请尽快办理", as_=TOWN_WORKER,
                  at="2026-10-09T10:00")
        c = self.show(self.cid)
        self.assertEqual([(e["type"], e["note"]) for e in c["events"]][-1],
                         ("urge", "请尽快办理"))
        self.assertEqual(c["status"], "open")


if __name__ == "__main__":
    unittest.main()
