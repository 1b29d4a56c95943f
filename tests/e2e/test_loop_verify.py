"""End-to-end tests of whistle (rule 6), verification and rework (rules 7, 8), void and reopen,
and the refusals of moves that make no sense in a case's state."""

from __future__ import annotations

import unittest

from gridctl_harness import NOT_FOUND, USAGE
from test_loop_basics import (GRID, GRID2_WORKER, GRID_WORKER, HOUSING_WORKER, OTHER_TOWN_WORKER,
                              TOWN, TOWN_WORKER, VILLAGE, WHISTLE_WORKER, WHISTLE_WORKER2, ZONE,
                              LoopTestCase, at_plus)


class Whistle(LoopTestCase):

    def _at(self, level: str, category: str = "illegal_construction") -> int:
        cid = self.log(category, at="2026-10-03T09:15")
        times = {"village": ["2026-10-03T10:00"],
                 "zone": ["2026-10-03T10:00", "2026-10-03T11:00"],
                 "town": ["2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00"]}
        for at in times.get(level, []):
            self.escalate(cid, at)
        self.assertState(cid, level=level)
        return cid

    def test_whistle_at_zone_records_the_worker_and_leaves_the_case(self):
        cid = self._at("zone")
        before = self.show(cid)
        self.move("whistle", cid, "--worker", WHISTLE_WORKER, as_=TOWN_WORKER,
                  at="2026-10-04T09:00")
        c = self.assertState(cid, whistled=[WHISTLE_WORKER], status="open", level="zone",
                             unit=ZONE, department=None, deadline=before["deadline"])
        e = c["events"][-1]
        self.assertEqual((e["type"], e["worker"], e["actor"], e["level"], e["unit"]),
                         ("whistle", WHISTLE_WORKER, TOWN_WORKER, "zone", ZONE))
        self.assertEqual(len(c["events"]), len(before["events"]) + 1)

    def test_whistle_at_town(self):
        cid = self._at("town")
        self.move("whistle", cid, "--worker", WHISTLE_WORKER, as_=TOWN_WORKER,
                  at="2026-10-04T09:00")
        self.move("whistle", cid, "--worker", WHISTLE_WORKER2, as_="admin",
                  at="2026-10-04T09:30")
        c = self.assertState(cid, level="town", unit=TOWN,
                             whistled=[WHISTLE_WORKER, WHISTLE_WORKER2])
        self.assertEqual([e["worker"] for e in c["events"] if e["type"] == "whistle"],
                         [WHISTLE_WORKER, WHISTLE_WORKER2])

    def test_whistle_at_grid_or_village_is_refused(self):
        cid = self._at("grid")
        self.refused("whistle", str(cid), "--worker", WHISTLE_WORKER, "--as", "admin",
                     "--at", "2026-10-04T09:00", words=("whistle", f"case {cid}"))
        self.escalate(cid, "2026-10-04T10:00")
        self.refused("whistle", str(cid), "--worker", WHISTLE_WORKER, "--as", "admin",
                     "--at", "2026-10-04T11:00", words=("whistle",))
        self.assertState(cid, whistled=[], level="village", unit=VILLAGE)

    def test_only_an_on_call_worker_is_whistled(self):
        cid = self._at("zone")
        for worker in (HOUSING_WORKER, GRID_WORKER, TOWN_WORKER):
            self.refused("whistle", str(cid), "--worker", worker, "--as", TOWN_WORKER,
                         "--at", "2026-10-04T09:00", words=(worker,))
        self.refused("whistle", str(cid), "--worker", "C9999", "--as", TOWN_WORKER,
                     "--at", "2026-10-04T09:00", rc=NOT_FOUND)
        self.assertState(cid, whistled=[])

    def test_a_grid_worker_may_not_whistle(self):
        cid = self._at("zone")
        self.refused("whistle", str(cid), "--worker", WHISTLE_WORKER, "--as", GRID_WORKER,
                     "--at", "2026-10-04T09:00", words=(GRID_WORKER,))

    def test_the_whistled_worker_may_then_act_on_the_case(self):
        cid = self._at("zone", "public_facilities")   # authority zone
        self.refused("resolve", str(cid), "--note", "x", "--as", WHISTLE_WORKER,
                     "--at", "2026-10-04T08:00", words=(WHISTLE_WORKER,))
        self.move("whistle", cid, "--worker", WHISTLE_WORKER, as_=TOWN_WORKER,
                  at="2026-10-04T09:00")
        self.move("resolve", cid, "--note", "已修复", as_=WHISTLE_WORKER, at="2026-10-04T15:00")
        self.assertState(cid, status="resolved", level="zone")


class Close(LoopTestCase):

    def test_grid_worker_closes_an_open_grid_case_of_authority_grid_directly(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("close", cid, "--note", "自行处置", as_=GRID_WORKER, at="2026-10-03T10:00")
        c = self.assertState(cid, status="closed", level="grid", unit=GRID, deadline=None,
                             overdue=False, rework=0)
        self.assertEqual([e["type"] for e in c["events"]], ["report", "close"])
        self.assertEqual(c["events"][-1]["actor"], GRID_WORKER)

    def test_open_grid_case_above_grid_authority_is_not_closed_directly(self):
        cid = self.log("illegal_construction")
        self.refused("close", str(cid), "--as", GRID_WORKER, "--at", "2026-10-03T10:00",
                     words=(GRID_WORKER, f"case {cid}"))
        self.assertState(cid, status="open")

    def test_open_case_above_grid_is_resolved_first(self):
        cid = self.log("environment_sanitation")
        self.escalate(cid, "2026-10-03T10:00", GRID_WORKER)
        self.refused("close", str(cid), "--as", GRID_WORKER, "--at", "2026-10-03T11:00",
                     words=("verification", f"case {cid}"))

    def test_close_by_a_worker_outside_the_grid_is_refused(self):
        cid = self.log("environment_sanitation")
        for actor in (GRID2_WORKER, OTHER_TOWN_WORKER, "C0007"):
            self.refused("close", str(cid), "--as", actor, "--at", "2026-10-03T10:00",
                         words=("verification", actor, f"case {cid}"))
        self.move("resolve", cid, "--note", "x", as_=GRID_WORKER, at="2026-10-03T10:00")
        for actor in (GRID2_WORKER, OTHER_TOWN_WORKER):
            self.refused("close", str(cid), "--as", actor, "--at", "2026-10-03T11:00",
                         words=("verification", actor))
        self.assertState(cid, status="resolved")

    def test_close_fail_on_a_resolved_case_is_rework(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T09:30")
        self.move("resolve", cid, "--note", "已清理", as_=GRID_WORKER, at="2026-10-03T10:00")
        self.move("close", cid, "--fail", "--note", "仍有垃圾", as_=TOWN_WORKER,
                  at="2026-10-03T12:00")
        c = self.assertState(cid, status="open", level="village", unit=VILLAGE, rework=1,
                             deadline=at_plus("2026-10-03T12:00", hours=48))
        self.assertEqual(c["events"][-1]["type"], "rework")
        self.move("resolve", cid, "--note", "再清理", as_=GRID_WORKER, at="2026-10-03T13:00")
        self.move("close", cid, "--fail", "--note", "还有", as_=TOWN_WORKER,
                  at="2026-10-03T14:00")
        self.assertState(cid, status="open", rework=2,
                         deadline=at_plus("2026-10-03T14:00", hours=48))

    def test_rework_deadline_uses_the_category_deadline(self):
        cid = self.log("illegal_construction", at="2026-10-03T09:15")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00"):
            self.escalate(cid, at)
        self.move("resolve", cid, "--note", "x", as_=TOWN_WORKER, at="2026-10-04T10:00")
        self.move("close", cid, "--fail", "--note", "未拆", as_=GRID_WORKER,
                  at="2026-10-05T10:00")
        self.assertState(cid, status="open", level="town", rework=1,
                         deadline=at_plus("2026-10-05T10:00", days=5))

    def test_close_fail_needs_a_note_and_a_resolved_case(self):
        cid = self.log("environment_sanitation")
        self.refused("close", str(cid), "--fail", "--note", "x", "--as", GRID_WORKER,
                     "--at", "2026-10-03T10:00", words=(f"case {cid}",))
        self.move("resolve", cid, "--note", "x", as_=GRID_WORKER, at="2026-10-03T10:00")
        self.refused("close", str(cid), "--fail", "--as", GRID_WORKER,
                     "--at", "2026-10-03T11:00", rc=USAGE)
        self.assertState(cid, status="resolved", rework=0)


class VoidAndReopen(LoopTestCase):

    def test_void_with_reason(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("void", cid, "--reason", "误报", as_=GRID_WORKER, at="2026-10-03T10:00")
        c = self.assertState(cid, status="void", deadline=None, overdue=False)
        e = c["events"][-1]
        self.assertEqual((e["type"], e["actor"]), ("void", GRID_WORKER))
        self.assertIn("误报", e["note"])

    def test_void_as_duplicate(self):
        first = self.log("environment_sanitation", at="2026-10-03T09:15")
        second = self.log("environment_sanitation", at="2026-10-03T09:20")
        self.move("void", second, "--reason", "重复上报", "--duplicate-of", str(first),
                  as_=GRID_WORKER, at="2026-10-03T10:00")
        c = self.assertState(second, status="void")
        self.assertIn(str(first), c["events"][-1]["note"])
        self.assertState(first, status="open")

    def test_void_as_duplicate_of_an_unknown_case_is_not_found(self):
        cid = self.log("environment_sanitation")
        self.refused("void", str(cid), "--reason", "x", "--duplicate-of", "9999",
                     "--as", GRID_WORKER, "--at", "2026-10-03T10:00", rc=NOT_FOUND)

    def test_void_needs_a_reason(self):
        cid = self.log("environment_sanitation")
        self.refused("void", str(cid), "--as", GRID_WORKER, "--at", "2026-10-03T10:00",
                     rc=USAGE)

    def test_reopen_a_closed_case(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-03T10:00")
        self.move("reopen", cid, "--reason", "又有垃圾", as_=GRID_WORKER, at="2026-10-05T10:00")
        c = self.assertState(cid, status="open", level="grid", unit=GRID,
                             deadline=at_plus("2026-10-05T10:00", hours=24))
        e = c["events"][-1]
        self.assertEqual((e["type"], e["note"]), ("reopen", "又有垃圾"))

    def test_reopen_a_closed_referral_goes_back_to_the_department(self):
        cid = self.log("road_traffic", at="2026-10-03T09:15")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00",
                   "2026-10-03T13:00"):
            self.escalate(cid, at)
        self.move("resolve", cid, "--note", "x", as_="admin", at="2026-10-04T10:00")
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-04T11:00")
        self.move("reopen", cid, "--reason", "复发", as_=GRID_WORKER, at="2026-10-06T11:00")
        self.assertState(cid, status="open", level="county", unit=None, department="transport",
                         deadline=at_plus("2026-10-06T11:00", days=7))


class StateRefusals(LoopTestCase):
    """Closed, void and resolved cases refuse senseless moves; the message names the state."""

    def _resolved(self) -> int:
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("resolve", cid, "--note", "x", as_=GRID_WORKER, at="2026-10-03T10:00")
        return cid

    def _closed(self) -> int:
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-03T10:00")
        return cid

    def _void(self) -> int:
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("void", cid, "--reason", "x", as_="admin", at="2026-10-03T10:00")
        return cid

    def _refuse(self, cid: int, state: str, *args: str):
        verb, rest = args[0], args[1:]
        self.refused(verb, str(cid), *rest, "--as", "admin", "--at", "2026-10-04T09:00",
                     words=("state", f"case {cid}", state))

    def test_resolved_case(self):
        cid = self._resolved()
        self._refuse(cid, "resolved", "escalate", "--reason", "x")
        self._refuse(cid, "resolved", "resolve", "--note", "x")
        self._refuse(cid, "resolved", "reopen", "--reason", "x")
        self.assertState(cid, status="resolved")

    def test_closed_case(self):
        cid = self._closed()
        self._refuse(cid, "closed", "resolve", "--note", "x")
        self._refuse(cid, "closed", "escalate", "--reason", "x")
        self._refuse(cid, "closed", "void", "--reason", "x")
        self._refuse(cid, "closed", "close")
        self._refuse(cid, "closed", "close", "--fail", "--note", "x")
        self.assertState(cid, status="closed")

    def test_void_case(self):
        cid = self._void()
        self._refuse(cid, "void", "escalate", "--reason", "x")
        self._refuse(cid, "void", "resolve", "--note", "x")
        self._refuse(cid, "void", "close")
        self._refuse(cid, "void", "reopen", "--reason", "x")
        self._refuse(cid, "void", "void", "--reason", "x")
        self.assertState(cid, status="void")

    def test_open_case_does_not_reopen(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self._refuse(cid, "open", "reopen", "--reason", "x")
        self.assertState(cid, status="open")

    def test_closed_case_is_not_whistled(self):
        cid = self.log("public_facilities", at="2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T10:00")
        self.escalate(cid, "2026-10-03T11:00")
        self.move("resolve", cid, "--note", "x", as_=TOWN_WORKER, at="2026-10-03T12:00")
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-03T13:00")
        self._refuse(cid, "closed", "whistle", "--worker", WHISTLE_WORKER)


if __name__ == "__main__":
    unittest.main()


class NotTheDoer(LoopTestCase):
    """Rule 7, the issue's three flattering closes: a housing worker closing the referred case he
    resolved, a town worker closing the 12345 case she resolved, a grid worker closing the
    hotline case sent to his grid that he resolved. Each is refused (exit 5, rule
    `verification`), and the grid's side then verifies."""

    def test_the_housing_worker_does_not_verify_his_own_referral(self):
        cid = self.log("illegal_construction", at="2026-10-03T09:15")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00"):
            self.escalate(cid, at)
        self.escalate(cid, "2026-10-03T13:00", TOWN_WORKER)  # 乡呼县应: to housing
        self.move("resolve", cid, "--note", "已拆除", as_=HOUSING_WORKER, at="2026-10-04T10:00")
        self.refused("close", str(cid), "--as", HOUSING_WORKER, "--at", "2026-10-04T11:00",
                     words=("verification", HOUSING_WORKER, "recorded the resolve"))
        self.move("close", cid, "--note", "核查通过", as_=GRID_WORKER, at="2026-10-04T12:00")
        self.assertState(cid, status="closed")

    def test_the_town_worker_does_not_verify_the_hotline_case_she_resolved(self):
        cid = self.log("environment_sanitation", GRID, "C0001", "2026-10-03T09:00", "12345工单",
                       "--source", "hotline", "--ext-id", "12345-77")
        self.move("dispatch", cid, "--to", ZONE, as_="C0001", at="2026-10-03T09:30")
        self.move("resolve", cid, "--note", "已清理", as_=TOWN_WORKER, at="2026-10-03T12:00")
        self.refused("close", str(cid), "--as", TOWN_WORKER, "--at", "2026-10-03T13:00",
                     words=("verification", TOWN_WORKER))
        self.refused("close", str(cid), "--as", HOUSING_WORKER, "--at", "2026-10-03T13:00",
                     words=("verification", "county-tier"))
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-03T14:00")
        self.assertState(cid, status="closed")

    def test_the_grid_worker_does_not_verify_the_hotline_case_he_resolved(self):
        cid = self.log("environment_sanitation", GRID, "C0001", "2026-10-03T09:00", "12345工单",
                       "--source", "hotline", "--ext-id", "12345-78")
        self.move("dispatch", cid, "--to", GRID, as_="C0001", at="2026-10-03T09:30")
        self.move("resolve", cid, "--note", "已清理", as_=GRID_WORKER, at="2026-10-03T12:00")
        self.refused("close", str(cid), "--as", GRID_WORKER, "--at", "2026-10-03T13:00",
                     words=("verification", GRID_WORKER, "recorded the resolve"))
        self.refused("close", str(cid), "--fail", "--note", "x", "--as", GRID_WORKER, "--at",
                     "2026-10-03T13:00", words=("verification",))
        # The grid's own worker did the work: the town verifies.
        self.move("close", cid, as_=TOWN_WORKER, at="2026-10-03T14:00")
        self.assertState(cid, status="closed")
