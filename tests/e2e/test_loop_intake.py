"""End-to-end tests of hotline and petition cases (rule 5, intake dispatch): they start at the
county platform, are dispatched down, and always need the grid's verification."""

from __future__ import annotations

import unittest

from gridctl_harness import NOT_FOUND, REFUSED, USAGE
from test_loop_basics import (COUNTY_WORKER, GRID, GRID2_WORKER, GRID_WORKER, HOUSING_WORKER,
                              OTHER_TOWN, TOWN, TOWN_WORKER, VILLAGE, ZONE, ZONE2, LoopTestCase,
                              at_plus)


class Intake(LoopTestCase):

    def test_hotline_case_starts_at_the_county_platform(self):
        cid = self.intake("environment_sanitation", "12345-20261010-0042",
                          at="2026-10-10T08:30")
        c = self.assertState(cid, at="2026-10-10T08:30", kind="problem", source="hotline",
                             ext_id="12345-20261010-0042", status="open", level="county",
                             unit=None, department=None, reporter=COUNTY_WORKER, grid=GRID,
                             deadline=at_plus("2026-10-10T08:30", days=7), overdue=False)
        e = c["events"][0]
        self.assertEqual((e["type"], e["level"], e["unit"], e["department"]),
                         ("report", "county", None, None))

    def test_petition_case_logged_by_admin_starts_at_the_county_platform(self):
        cid = self.intake("petition_matter", "XF-2026-0001", source="petition", as_="admin",
                          at="2026-10-10T08:30")
        self.assertState(cid, source="petition", ext_id="XF-2026-0001", level="county",
                         unit=None, department=None, reporter="admin",
                         deadline=at_plus("2026-10-10T08:30", days=15))

    def test_grid_and_town_workers_may_not_log_intake_cases(self):
        for actor in (GRID_WORKER, TOWN_WORKER):
            self.refused("log", "--grid", GRID, "--category", "environment_sanitation",
                         "--source", "hotline", "--ext-id", "12345-1", "--title", "x",
                         "--as", actor, "--at", "2026-10-10T08:30", words=(actor,))

    def test_same_source_and_ext_id_twice_is_refused(self):
        cid = self.intake("environment_sanitation", "12345-0042")
        self.refused("log", "--grid", GRID, "--category", "environment_sanitation",
                     "--source", "hotline", "--ext-id", "12345-0042", "--title", "again",
                     "--as", COUNTY_WORKER, "--at", "2026-10-10T09:00",
                     words=("12345-0042", str(cid)))
        # the same number from another source is another case
        other = self.intake("environment_sanitation", "12345-0042", source="petition")
        self.assertNotEqual(cid, other)

    def test_dispatch_to_a_zone(self):
        cid = self.intake("environment_sanitation", "12345-1", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--to", ZONE, as_=COUNTY_WORKER, at="2026-10-10T09:00")
        c = self.assertState(cid, status="open", level="zone", unit=ZONE, department=None,
                             deadline=at_plus("2026-10-10T09:00", hours=72))
        e = c["events"][-1]
        self.assertEqual((e["type"], e["actor"], e["level"], e["unit"]),
                         ("dispatch", COUNTY_WORKER, "zone", ZONE))

    def test_dispatch_to_a_town_village_or_grid(self):
        for ext, unit, level, limit in (("a", TOWN, "town", dict(days=5)),
                                        ("b", VILLAGE, "village", dict(hours=48)),
                                        ("c", GRID, "grid", dict(hours=24))):
            cid = self.intake("environment_sanitation", ext, at="2026-10-10T08:30")
            self.move("dispatch", cid, "--to", unit, as_=COUNTY_WORKER, at="2026-10-10T09:00")
            self.assertState(cid, level=level, unit=unit, department=None,
                             deadline=at_plus("2026-10-10T09:00", **limit))

    def test_dispatch_to_a_department(self):
        cid = self.intake("illegal_construction", "12345-2", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--department", "housing", as_=COUNTY_WORKER,
                  at="2026-10-10T09:00")
        c = self.assertState(cid, status="open", level="county", unit=None,
                             department="housing", deadline=at_plus("2026-10-10T09:00", days=5))
        self.assertEqual(c["events"][-1]["type"], "dispatch")
        # the department's worker resolves it, the grid verifies it
        self.move("resolve", cid, "--note", "已处理", as_=HOUSING_WORKER, at="2026-10-11T09:00")
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-12T09:00")
        self.assertState(cid, status="closed", department="housing", deadline=None)

    def test_dispatch_refusals(self):
        cid = self.intake("environment_sanitation", "12345-3", at="2026-10-10T08:30")
        base = ["dispatch", str(cid), "--at", "2026-10-10T09:00"]
        self.refused(*base, "--to", OTHER_TOWN, "--as", COUNTY_WORKER, words=(OTHER_TOWN,))
        self.refused(*base, "--to", ZONE2, "--as", COUNTY_WORKER, words=(ZONE2,))
        self.refused(*base, "--to", "999999", "--as", COUNTY_WORKER, rc=NOT_FOUND)
        self.refused(*base, "--department", "no_such_dept", "--as", COUNTY_WORKER,
                     rc=NOT_FOUND)
        self.refused(*base, "--to", ZONE, "--as", TOWN_WORKER, words=(TOWN_WORKER,))
        self.refused(*base, "--to", ZONE, "--as", GRID_WORKER, words=(GRID_WORKER,))
        self.refused(*base, "--as", COUNTY_WORKER, rc=USAGE)                # neither
        self.refused(*base, "--to", ZONE, "--department", "housing", "--as", COUNTY_WORKER,
                     rc=USAGE)                                                # both
        self.assertState(cid, level="county", unit=None, department=None)

    def test_dispatch_of_a_case_below_the_county_is_refused(self):
        cid = self.intake("environment_sanitation", "12345-4", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--to", ZONE, as_=COUNTY_WORKER, at="2026-10-10T09:00")
        self.refused("dispatch", str(cid), "--to", GRID, "--as", COUNTY_WORKER,
                     "--at", "2026-10-10T10:00", words=("intake-dispatch",))
        patrol = self.log("environment_sanitation", at="2026-10-10T08:00")
        self.refused("dispatch", str(patrol), "--to", ZONE, "--as", "admin",
                     "--at", "2026-10-10T10:00")

    def test_any_county_worker_dispatches_at_the_platform(self):
        # C0007 serves another zone and comes from department market: at the county platform
        # any county worker may act.
        cid = self.intake("environment_sanitation", "12345-8", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--to", ZONE, as_="C0007", at="2026-10-10T09:00")
        self.assertState(cid, level="zone", unit=ZONE)

    def test_dispatch_to_a_department_without_a_category_deadline(self):
        cid = self.intake("environment_sanitation", "12345-9", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--department", "enforcement", as_=COUNTY_WORKER,
                  at="2026-10-10T09:00")
        self.assertState(cid, level="county", unit=None, department="enforcement",
                         deadline=at_plus("2026-10-10T09:00", days=7))

    def test_a_referred_patrol_case_is_not_dispatched(self):
        # `dispatch` "sends an intake case from the county platform down" (README); a patrol case
        # referred to a department is neither an intake case nor at the county platform.
        cid = self.log("road_traffic", at="2026-10-03T09:15")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00",
                   "2026-10-03T13:00"):
            self.escalate(cid, at)
        self.assertState(cid, level="county", department="transport")
        self.refused("dispatch", str(cid), "--to", GRID, "--as", COUNTY_WORKER,
                     "--at", "2026-10-04T09:00", words=(f"case {cid}",))
        self.assertState(cid, level="county", unit=None, department="transport")

    def test_intake_case_is_not_resolved_before_dispatch(self):
        cid = self.intake("environment_sanitation", "12345-5", at="2026-10-10T08:30")
        self.refused("resolve", str(cid), "--note", "x", "--as", "admin",
                     "--at", "2026-10-10T09:00", words=(f"case {cid}",))
        self.assertState(cid, status="open", level="county")

    def test_hotline_case_at_grid_level_cannot_be_closed_directly(self):
        cid = self.intake("environment_sanitation", "12345-6", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--to", GRID, as_=COUNTY_WORKER, at="2026-10-10T09:00")
        self.refused("close", str(cid), "--as", GRID_WORKER, "--at", "2026-10-10T10:00",
                     words=("verification", GRID_WORKER, f"case {cid}"))
        self.refused("close", str(cid), "--as", "admin", "--at", "2026-10-10T10:00")
        self.assertState(cid, status="open", level="grid", unit=GRID)
        self.move("resolve", cid, "--note", "已清理", as_=GRID_WORKER, at="2026-10-10T11:00")
        self.assertState(cid, status="resolved", deadline=at_plus("2026-10-10T11:00", hours=24))
        # Rule 7: the grid worker did the work, so the town verifies.
        self.move("close", cid, "--note", "核查通过", as_=TOWN_WORKER, at="2026-10-10T12:00")
        c = self.assertState(cid, status="closed", deadline=None)
        self.assertEqual([e["type"] for e in c["events"]],
                         ["report", "dispatch", "resolve", "close"])

    def test_readme_hotline_story_with_rework(self):
        hid = self.log("environment_sanitation", GRID, COUNTY_WORKER, "2026-10-10T08:30",
                       "楼道垃圾堆放", "--source", "hotline", "--ext-id", "12345-20261010-0042")
        self.move("dispatch", hid, "--to", ZONE, as_=COUNTY_WORKER, at="2026-10-10T09:00")
        self.move("resolve", hid, "--note", "已清理", as_=TOWN_WORKER, at="2026-10-10T15:00")
        self.move("close", hid, "--fail", "--note", "仍有堆放", as_=GRID_WORKER,
                  at="2026-10-11T09:00")
        c = self.assertState(hid, status="open", level="zone", unit=ZONE, rework=1,
                             deadline=at_plus("2026-10-11T09:00", hours=72))
        e = c["events"][-1]
        self.assertEqual((e["type"], e["actor"], e["note"]), ("rework", GRID_WORKER, "仍有堆放"))
        self.move("resolve", hid, "--note", "彻底清理", as_=TOWN_WORKER, at="2026-10-11T16:00")
        self.move("close", hid, as_=GRID_WORKER, at="2026-10-12T09:00")
        c = self.assertState(hid, status="closed", rework=1, deadline=None)
        self.assertEqual([e["type"] for e in c["events"]],
                         ["report", "dispatch", "resolve", "rework", "resolve", "close"])

    def test_another_grid_worker_may_not_verify(self):
        cid = self.intake("environment_sanitation", "12345-7", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--to", ZONE, as_=COUNTY_WORKER, at="2026-10-10T09:00")
        self.move("resolve", cid, "--note", "x", as_=TOWN_WORKER, at="2026-10-10T10:00")
        self.refused("close", str(cid), "--as", GRID2_WORKER, "--at", "2026-10-10T11:00",
                     rc=REFUSED, words=("verification", GRID2_WORKER))


if __name__ == "__main__":
    unittest.main()
