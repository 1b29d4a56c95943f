"""A database made by the previous release (0.1.0, schema version 1: tests/data/upgrade/v1.db,
made by make.sh beside it) opens with this gridctl, keeps every case and event, and is
migrated forward when this build's schema is newer (docs/design.md §8)."""

import shutil
import sqlite3
import unittest

from gridctl_harness import ON_POSTGRESQL, OK, Sandbox, data


def setUpModule():
    if ON_POSTGRESQL:
        raise unittest.SkipTest("SQLite only: upgrades SQLite files of older schemas")


class Upgrade(unittest.TestCase):
    def setUp(self):
        self.box = Sandbox()
        self.addCleanup(self.box.cleanup)
        shutil.copyfile(data("upgrade/v1.db"), self.box.db)

    def test_every_case_and_event_is_kept(self):
        r = self.box.gridctl("status", "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(r.json()["cases"], {"open": 1, "resolved": 0, "closed": 3, "void": 1})
        cases = self.box.gridctl("case", "list", "--format", "json").json()
        self.assertEqual([c["title"] for c in cases], ["楼道垃圾", "邻里纠纷", "违建", "重复", "未处理"])
        history = self.box.gridctl("case", "history", "2", "--format", "json").json()
        self.assertEqual([e["type"] for e in history],
                         ["report", "escalate", "resolve", "rework", "resolve", "close"])
        referred = self.box.gridctl("case", "show", "3", "--format", "json").json()
        self.assertEqual((referred["department"], referred["whistled"]), ("housing", ["C0002"]))

    def test_statistics_of_the_old_cases(self):
        r = self.box.gridctl("stats", "monthly", "--month", "2026-10", "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        total = r.json()[-1]
        self.assertEqual((total["reported"], total["problems"], total["closed"]), (5, 4, 3))
        self.assertEqual((total["rework"], total["whistles"], total["referred"]), (1, 1, 1))

    def test_opening_migrates_it_to_the_current_schema_version(self):
        self.assertEqual(self.box.gridctl("status").rc, OK)
        with sqlite3.connect(self.box.db) as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            events = db.execute("SELECT count(*) FROM events").fetchone()[0]
            late = db.execute("SELECT count(*) FROM events WHERE late_record = 1").fetchone()[0]
            counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("units", "workers", "worker_units", "cases")]
            dangling = db.execute("PRAGMA foreign_key_check").fetchall()
            tables = " ".join(r[0] for r in db.execute(
                "SELECT sql FROM sqlite_schema WHERE type = 'table'"))
            facts = db.execute("SELECT id, last_counted_at IS NOT NULL, escalated, referred, "
                               "coalesce(last_department, '') FROM cases ORDER BY id").fetchall()
            resolvers = db.execute(
                "SELECT id, resolved_by, (SELECT actor FROM events WHERE case_id = c.id AND "
                "type = 'resolve' ORDER BY id DESC LIMIT 1) FROM cases c ORDER BY id").fetchall()
        self.assertEqual(version, 11)
        self.assertEqual(events, 19)
        self.assertEqual(late, 0)  # old events are not late records
        # Migration 3 rebuilt units, workers, cases and events: every row kept, every reference
        # whole, and no enumeration checked by `IN (…)` (a temporary index per insert).
        self.assertEqual(counts[3], 5)
        self.assertTrue(all(n > 0 for n in counts), counts)
        self.assertEqual(dangling, [])
        self.assertNotIn("IN ('", tables)
        # Migration 8 added the boundaries and the cases' points (none known: NULL).
        self.assertIn("CREATE TABLE boundaries", tables)
        with sqlite3.connect(self.box.db) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM cases WHERE lon IS NOT NULL OR "
                                        "lat IS NOT NULL").fetchone()[0], 0)
        # Migration 4 gave every case the facts of its history that statistics read.
        self.assertEqual([f[1] for f in facts], [1] * 5)
        self.assertEqual(facts[1][2], 1)  # case 2 was escalated
        self.assertEqual(facts[2][2:], (1, 1, "housing"))  # case 3 was referred to housing
        # Migration 8 kept on each row who recorded its last resolve.
        self.assertTrue(any(r[1] for r in resolvers), resolvers)
        self.assertEqual([r[1] for r in resolvers], [r[2] for r in resolvers])

    def test_old_cases_get_their_due_from_the_report_and_the_policy_in_force(self):
        # The policy in force is 0.1.0's built-in one: no category limits, so [deadlines].case's
        # default 15 working days, and no calendar, so Monday to Friday.
        cases = self.box.gridctl("case", "list", "--format", "json").json()
        self.assertEqual({c["id"]: c["due"] for c in cases}, {
            1: "2026-10-24T00:00:00+08:00",  # reported Sat 10-03: 10-05 … 10-23
            2: "2026-10-24T00:00:00+08:00",
            3: "2026-10-28T00:00:00+08:00",  # Tue 10-06: 10-07 … 10-27
            4: "2026-10-29T00:00:00+08:00",
            5: "2026-10-30T00:00:00+08:00",  # Thu 10-08: 10-09 … 10-29
        })
        # Every event from the report on carries it, so that replaying them gives the row.
        history = self.box.gridctl("case", "history", "5", "--format", "json").json()
        self.assertEqual([e["due"] for e in history], ["2026-10-30T00:00:00+08:00"])
        self.assertTrue(all(not c["suspended"] and c["extended"] is None for c in cases))
        # Case 5, open, was due 10-30: overdue at October's end; on 10-29, not yet.
        oct_ = self.box.gridctl("stats", "monthly", "--month", "2026-10", "--format", "json")
        self.assertEqual(oct_.json()[-1]["overdue_open"], 1)
        show = self.box.gridctl("case", "show", "5", "--at", "2026-10-29T12:00", "--format",
                                "json").json()
        self.assertFalse(show["overdue"])
        self.assertEqual(oct_.json()[-1]["closed_on_time"], 3)

    def test_the_upgraded_database_takes_the_new_moves(self):
        r = self.box.gridctl("extend", "5", "--by", "2wd", "--reason", "等待调解",
                             "--as", "admin", "--at", "2026-10-20T09:00", "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual((r.json()["due"], r.json()["extended"]),
                         ("2026-11-03T00:00:00+08:00", "2wd"))


if __name__ == "__main__":
    unittest.main()
