"""A database made by the previous release (0.1.0, schema version 1: tests/data/upgrade/v1.db,
made by make_v1.sh beside it) opens with this gridctl, keeps every case and event, and is
migrated forward when this build's schema is newer (docs/design.md §8)."""

import shutil
import sqlite3
import unittest

from gridctl_harness import OK, Sandbox, data


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

    def test_opening_leaves_it_at_this_build_s_schema_version(self):
        self.assertEqual(self.box.gridctl("status").rc, OK)
        with sqlite3.connect(self.box.db) as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        self.assertGreaterEqual(version, 1)
        self.assertEqual(events, 19)


if __name__ == "__main__":
    unittest.main()
