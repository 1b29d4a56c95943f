"""End-to-end tests of the closed loop (docs/design.md §3, README "The closed loop, step by step"):
`log`, level-by-level escalation, the authority rule, referrals and deadlines.

This module also holds `LoopTestCase` and the time helpers that the other test_loop_* files
import (it has no test methods of its own, so importing it runs no test twice).
"""

from __future__ import annotations

import datetime as dt
import unittest

from gridctl_harness import GridctlTestCase, Result, example
from gridctl_harness import OK, USAGE, NOT_FOUND, REFUSED  # noqa: F401

# ---- the example county ------------------------------------------------------------------

COUNTY = "371327"
TOWN = "371327001"              # 十字路街道
ZONE = "371327001Z01"           # its first zone
ZONE2 = "371327001Z02"          # another zone of the same town
VILLAGE = "371327001001"        # 东湖社区, in ZONE
GRID = "37132700100101"         # W0001's grid
GRID2 = "37132700100102"        # W0002's grid (same village)
GRID_Z2 = "37132700100501"      # W0018's grid, in ZONE2
VILLAGE_Z2 = "371327001005"
OTHER_TOWN = "371327100"        # 大店镇
OTHER_ZONE = "371327100Z01"
OTHER_GRID = "37132710000101"   # W0187's grid
OTHER_VILLAGE = "371327100001"

GRID_WORKER = "W0001"
GRID2_WORKER = "W0002"
GRID_Z2_WORKER = "W0018"
OTHER_GRID_WORKER = "W0187"
TOWN_WORKER = "T0001"           # town worker sent to ZONE
OTHER_TOWN_WORKER = "T0076"     # town worker of OTHER_TOWN
COUNTY_WORKER = "C0001"         # resident of ZONE, department water
HOUSING_WORKER = "C0006"        # resident of ZONE, department housing
TRANSPORT_WORKER = "C0002"      # resident of ZONE, department transport
MARKET_WORKER_Z2 = "C0007"      # resident of ZONE2, department market
WHISTLE_WORKER = "C0851"        # on call, housing
WHISTLE_WORKER2 = "C0852"       # on call, environment

# ---- times ---------------------------------------------------------------------------------

TZ = dt.timezone(dt.timedelta(hours=8))


def t(text: str) -> dt.datetime:
    """A local time of the policy's timezone (+08:00), e.g. t("2026-10-03T09:15")."""
    d = dt.datetime.fromisoformat(text)
    return d if d.tzinfo else d.replace(tzinfo=TZ)


def iso(d: dt.datetime) -> str:
    """As gridctl shows times: local with offset, seconds included."""
    return d.astimezone(TZ).isoformat(timespec="seconds")


def at_plus(text: str, **delta) -> str:
    """The output form of `text` + delta (timedelta keywords)."""
    return iso(t(text) + dt.timedelta(**delta))


def out(text: str) -> str:
    """The output form of an --at value."""
    return iso(t(text))


LEVEL_LIMITS = {"grid": dict(hours=24), "village": dict(hours=48), "zone": dict(hours=72),
                "town": dict(days=5), "county": dict(days=7), "verification": dict(hours=24)}

CASE_FIELDS = ["id", "kind", "source", "ext_id", "category", "title", "grid", "reporter",
               "reported_at", "status", "level", "unit", "department", "deadline", "due",
               "overdue", "stage_overdue", "suspended", "extended", "supervision", "rework"]
EVENT_FIELDS = ["type", "at", "recorded_at", "actor", "level", "unit", "department", "note",
                "due", "late_record"]
# the fields of a case judged at a time (--at, default now)
JUDGED_FIELDS = ("overdue", "stage_overdue")


class LoopTestCase(GridctlTestCase):
    """A fresh copy of the full example county per test, and short ways to drive the loop."""

    template = "full"

    # -- running --
    def run_ok(self, *args: str, env=None) -> Result:
        r = self.gridctl(*args, env=env)
        self.assertRc(r, OK)
        return r

    def log(self, category: str, grid: str = GRID, as_: str = GRID_WORKER,
            at: str = "2026-10-03T09:15", title: str = "巡查发现", *extra: str) -> int:
        r = self.gridctl("log", "--grid", grid, "--category", category, "--title", title,
                         "--as", as_, "--at", at, *extra)
        self.assertRc(r, OK)
        self.assertRegex(r.stdout, r"\A[1-9][0-9]*\n\Z", f"log prints the id alone\n{r}")
        return int(r.stdout)

    def intake(self, category: str, ext_id: str, grid: str = GRID, source: str = "hotline",
               as_: str = COUNTY_WORKER, at: str = "2026-10-10T08:30") -> int:
        return self.log(category, grid, as_, at, "12345工单", "--source", source,
                        "--ext-id", ext_id)

    def move(self, verb: str, cid: int, *args: str, as_: str = "admin", at: str) -> Result:
        """Runs `gridctl VERB ID ARGS… --as AS --at AT`, expecting success."""
        return self.run_ok(verb, str(cid), *args, "--as", as_, "--at", at)

    def escalate(self, cid: int, at: str, as_: str = "admin", *extra: str) -> Result:
        return self.move("escalate", cid, "--reason", "上报", *extra, as_=as_, at=at)

    def show(self, cid: int, at: str | None = None) -> dict:
        args = ["case", "show", str(cid), "--format", "json"]
        if at:
            args += ["--at", at]
        r = self.run_ok(*args)
        return r.json()

    # -- refusals --
    def refused(self, *args: str, rc: int = REFUSED, words: tuple = (), env=None) -> Result:
        """Runs a command that must fail with `rc`, name every word in its error line, and
        leave the database exactly as it was."""
        before = self.box.dump()
        r = self.gridctl(*args, env=env)
        self.assertRc(r, rc)
        errors = r.errors()
        self.assertTrue(errors, f"no `gridctl: error:` line\n{r}")
        for w in words:
            self.assertIn(w, "\n".join(errors), f"the error should name {w!r}\n{r}")
        self.assertEqual(before, self.box.dump(), f"a failed command changed the database\n{r}")
        return r

    # -- state assertions --
    def assertState(self, cid: int, at: str | None = None, **expected) -> dict:
        c = self.show(cid, at)
        got = {k: c[k] for k in expected}
        self.assertEqual(expected, got, f"case {cid}: {c}")
        return c

    def last_event(self, cid: int) -> dict:
        return self.show(cid)["events"][-1]


# ---- log -------------------------------------------------------------------------------------

class Log(LoopTestCase):

    def test_log_prints_the_new_id_alone(self):
        r = self.run_ok("log", "--grid", GRID, "--category", "environment_sanitation",
                        "--title", "楼道垃圾", "--as", GRID_WORKER, "--at", "2026-10-03T09:15")
        self.assertRegex(r.stdout, r"\A[1-9][0-9]*\n\Z")
        first = int(r.stdout)
        second = self.log("environment_sanitation", at="2026-10-03T09:20")
        self.assertNotEqual(first, second)
        self.assertEqual(self.show(first)["title"], "楼道垃圾")

    def test_log_json_prints_the_case_object(self):
        r = self.run_ok("log", "--grid", GRID, "--category", "environment_sanitation",
                        "--title", "楼道垃圾", "--as", GRID_WORKER, "--at", "2026-10-03T09:15",
                        "--format", "json")
        c = r.json()
        self.assertIsInstance(c, dict)
        for k in CASE_FIELDS:
            self.assertIn(k, c)
        self.assertEqual(c["status"], "open")
        self.assertEqual(c["level"], "grid")
        self.assertEqual(c["unit"], GRID)
        shown = self.show(c["id"])
        for k in CASE_FIELDS:
            if k not in JUDGED_FIELDS:
                self.assertEqual(c[k], shown[k], k)

    def test_log_json_judges_overdue_at_the_given_time(self):
        # `overdue` (past due) and `stage_overdue` (past deadline) are judged at --at (default
        # now). A case logged at --at T has its due and its deadline after T: neither at T.
        r = self.run_ok("log", "--grid", GRID, "--category", "environment_sanitation",
                        "--title", "楼道垃圾", "--as", GRID_WORKER, "--at", "2026-10-03T09:15",
                        "--format", "json")
        self.assertIs(r.json()["overdue"], False, r)
        self.assertIs(r.json()["stage_overdue"], False, r)

    def test_move_json_prints_the_case_judged_at_the_given_time(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        r = self.run_ok("escalate", str(cid), "--reason", "x", "--as", GRID_WORKER,
                        "--at", "2026-10-03T10:00", "--format", "json")
        c = r.json()
        self.assertEqual((c["id"], c["status"], c["level"], c["unit"], c["deadline"]),
                         (cid, "open", "village", VILLAGE, at_plus("2026-10-03T10:00", hours=48)))
        # `overdue` and `stage_overdue` are judged at --at; the deadline is two days after it
        self.assertIs(c["overdue"], False, r)
        self.assertIs(c["stage_overdue"], False, r)

    def test_patrol_case_starts_open_at_its_grid(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        c = self.assertState(cid, at="2026-10-03T09:15", kind="problem", source="patrol",
                             ext_id=None, category="environment_sanitation", grid=GRID,
                             reporter=GRID_WORKER, reported_at="2026-10-03T09:15:00+08:00",
                             status="open", level="grid", unit=GRID, department=None,
                             deadline=at_plus("2026-10-03T09:15", hours=24), overdue=False,
                             due=out("2026-10-10T00:00"), stage_overdue=False, rework=0)
        self.assertEqual(len(c["events"]), 1)
        e = c["events"][0]
        self.assertEqual((e["type"], e["at"], e["actor"], e["level"], e["unit"], e["department"]),
                         ("report", "2026-10-03T09:15:00+08:00", GRID_WORKER, "grid", GRID, None))

    def test_category_deadline_sets_the_first_deadline(self):
        cid = self.log("illegal_construction", at="2026-10-03T09:15")
        self.assertState(cid, deadline=at_plus("2026-10-03T09:15", days=5))
        cid = self.log("safety_hazard", at="2026-10-03T09:15")
        self.assertState(cid, deadline=at_plus("2026-10-03T09:15", hours=24))

    def test_the_category_limit_sets_the_due(self):
        # reported on 10-03, in the national holiday: working days count from 10-08 (10-10 is
        # a make-up workday)
        for category, due in (("safety_hazard", at_plus("2026-10-03T09:15", hours=24)),
                              ("environment_sanitation", out("2026-10-10T00:00")),  # 2wd
                              ("illegal_construction", out("2026-10-21T00:00")),    # 10wd
                              ("petition_matter", out("2026-10-28T00:00"))):  # none: case 15wd
            cid = self.log(category, at="2026-10-03T09:15")
            c = self.assertState(cid, due=due)
            self.assertEqual(c["events"][0]["due"], due, category)

    def test_info_case_is_closed_at_once_and_cannot_be_escalated(self):
        cid = self.log("livelihood_services", GRID, GRID_WORKER, "2026-10-03T09:15", "民情",
                       "--kind", "info")
        self.assertState(cid, kind="info", status="closed", deadline=None, due=None,
                         overdue=False, stage_overdue=False)
        self.refused("escalate", str(cid), "--reason", "x", "--as", GRID_WORKER,
                     "--at", "2026-10-03T10:00", words=(f"case {cid}",))
        self.refused("escalate", str(cid), "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T10:00")
        self.assertState(cid, status="closed", level="grid")

    def test_time_with_another_offset_is_shown_in_local_time(self):
        cid = self.log("environment_sanitation", at="2026-10-03T01:15:00Z")
        self.assertState(cid, reported_at="2026-10-03T09:15:00+08:00",
                         deadline="2026-10-04T09:15:00+08:00")

    def test_unknown_grid_or_category_is_not_found(self):
        self.refused("log", "--grid", "99999999999999", "--category", "environment_sanitation",
                     "--title", "x", "--as", "admin", "--at", "2026-10-03T09:15", rc=NOT_FOUND)
        self.refused("log", "--grid", GRID, "--category", "no_such_category",
                     "--title", "x", "--as", "admin", "--at", "2026-10-03T09:15", rc=NOT_FOUND)

    def test_grid_worker_may_not_log_in_another_grid(self):
        self.refused("log", "--grid", GRID2, "--category", "environment_sanitation",
                     "--title", "x", "--as", GRID_WORKER, "--at", "2026-10-03T09:15",
                     words=(GRID_WORKER,))


# ---- authority -------------------------------------------------------------------------------

class Authority(LoopTestCase):

    def test_resolve_below_authority_is_refused_naming_rule_actor_and_case(self):
        cid = self.log("illegal_construction")
        r = self.refused("resolve", str(cid), "--note", "已拆除", "--as", GRID_WORKER,
                         "--at", "2026-10-03T09:30",
                         words=("authority", GRID_WORKER, f"case {cid}"))
        self.assertTrue(r.errors()[0].startswith("gridctl: error: authority: "), r)
        self.assertState(cid, status="open", level="grid")

    def test_resolve_at_authority_level_is_allowed(self):
        cid = self.log("illegal_construction", at="2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T10:00")
        self.escalate(cid, "2026-10-03T11:00")
        self.refused("resolve", str(cid), "--note", "x", "--as", TOWN_WORKER,
                     "--at", "2026-10-03T11:30", words=("authority",))
        self.escalate(cid, "2026-10-03T12:00")
        self.move("resolve", cid, "--note", "已拆除", as_=TOWN_WORKER, at="2026-10-03T13:00")
        self.assertState(cid, status="resolved", level="town", unit=TOWN,
                         deadline=at_plus("2026-10-03T13:00", hours=24))

    def test_admin_is_bound_by_authority_too(self):
        cid = self.log("road_traffic")
        self.refused("resolve", str(cid), "--note", "x", "--as", "admin",
                     "--at", "2026-10-03T10:00", words=("authority", "admin"))


# ---- escalation ------------------------------------------------------------------------------

class Escalation(LoopTestCase):

    def test_one_level_at_a_time_up_to_town(self):
        cid = self.log("illegal_construction", at="2026-10-03T09:15")
        steps = [(GRID_WORKER, "2026-10-03T10:00", "village", VILLAGE),
                 (GRID_WORKER, "2026-10-03T16:00", "zone", ZONE),
                 (TOWN_WORKER, "2026-10-04T11:00", "town", TOWN)]
        for actor, at, level, unit in steps:
            self.escalate(cid, at, actor)
            c = self.assertState(cid, status="open", level=level, unit=unit, department=None,
                                 deadline=at_plus(at, days=5))
            e = c["events"][-1]
            self.assertEqual((e["type"], e["actor"], e["at"], e["level"], e["unit"]),
                             ("escalate", actor, out(at), level, unit))
            self.assertEqual(e["note"], "上报")

    def test_to_next_level_is_allowed(self):
        cid = self.log("road_traffic")
        self.escalate(cid, "2026-10-03T10:00", GRID_WORKER, "--to", "village")
        self.assertState(cid, level="village", unit=VILLAGE)

    def test_to_zone_from_grid_is_refused_for_a_non_urgent_category(self):
        cid = self.log("illegal_construction")
        self.refused("escalate", str(cid), "--to", "zone", "--reason", "x", "--as", GRID_WORKER,
                     "--at", "2026-10-03T10:00",
                     words=("level-by-level", GRID_WORKER, f"case {cid}"))
        self.refused("escalate", str(cid), "--to", "zone", "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T10:00", words=("level-by-level",))
        self.assertState(cid, level="grid", unit=GRID)

    def test_to_zone_from_grid_works_for_an_urgent_category(self):
        cid = self.log("safety_hazard", at="2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T09:30", GRID_WORKER, "--to", "zone")
        c = self.assertState(cid, status="open", level="zone", unit=ZONE, department=None,
                             deadline=at_plus("2026-10-03T09:30", hours=24))
        self.assertEqual([e["type"] for e in c["events"]], ["report", "escalate"])

    def test_to_a_lower_level_is_refused(self):
        cid = self.log("road_traffic")
        self.escalate(cid, "2026-10-03T10:00")
        self.refused("escalate", str(cid), "--to", "grid", "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T11:00")
        self.refused("escalate", str(cid), "--to", "village", "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T11:00")

    def test_unknown_level_is_a_usage_error(self):
        cid = self.log("road_traffic")
        self.refused("escalate", str(cid), "--to", "moon", "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T11:00", rc=USAGE)

    def test_department_from_grid_is_refused_for_a_non_urgent_category(self):
        cid = self.log("road_traffic")
        self.refused("escalate", str(cid), "--department", "transport", "--reason", "x",
                     "--as", "admin", "--at", "2026-10-03T10:00", words=("level-by-level",))

    def _at_town(self, category: str) -> int:
        cid = self.log(category, at="2026-10-03T09:15")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00"):
            self.escalate(cid, at)
        self.assertState(cid, level="town", unit=TOWN)
        return cid

    def test_from_town_it_is_a_referral_to_the_category_department(self):
        cid = self._at_town("road_traffic")
        self.escalate(cid, "2026-10-05T09:00", TOWN_WORKER)
        c = self.assertState(cid, status="open", level="county", unit=None,
                             department="transport",
                             deadline=at_plus("2026-10-05T09:00", days=7))
        e = c["events"][-1]
        self.assertEqual((e["type"], e["actor"], e["level"], e["unit"], e["department"]),
                         ("refer", TOWN_WORKER, "county", None, "transport"))

    def test_from_town_it_is_a_referral_to_the_given_department(self):
        cid = self._at_town("road_traffic")
        self.escalate(cid, "2026-10-05T09:00", TOWN_WORKER, "--department", "police")
        c = self.assertState(cid, level="county", unit=None, department="police")
        self.assertEqual(c["events"][-1]["type"], "refer")

    def test_referral_keeps_the_category_deadline(self):
        cid = self._at_town("illegal_construction")
        self.escalate(cid, "2026-10-05T09:00", TOWN_WORKER)
        self.assertState(cid, department="housing",
                         deadline=at_plus("2026-10-05T09:00", days=5))

    def test_referral_without_any_department_is_refused(self):
        # a policy whose category livelihood_services names no default department
        with open(example("policy.toml"), encoding="utf-8") as f:
            text = f.read()
        cut = 'authority = "village"\nlimit = "3wd"\ndepartment = "civil_affairs"\n'
        self.assertEqual(text.count(cut), 1)
        path = self.box.write("policy.toml",
                              text.replace(cut, 'authority = "village"\nlimit = "3wd"\n'))
        self.run_ok("policy", "load", path)
        cid = self._at_town("livelihood_services")
        self.refused("escalate", str(cid), "--reason", "x", "--as", TOWN_WORKER,
                     "--at", "2026-10-05T09:00",
                     words=("town-calls-county-responds", TOWN_WORKER, f"case {cid}"))
        self.escalate(cid, "2026-10-05T09:00", TOWN_WORKER, "--department", "civil_affairs")
        self.assertState(cid, level="county", department="civil_affairs")

    def test_referral_to_an_unknown_department_is_not_found(self):
        cid = self._at_town("road_traffic")
        self.refused("escalate", str(cid), "--department", "no_such_dept", "--reason", "x",
                     "--as", TOWN_WORKER, "--at", "2026-10-05T09:00", rc=NOT_FOUND,
                     words=("no_such_dept",))

    def test_escalate_at_county_is_refused(self):
        cid = self._at_town("road_traffic")
        self.escalate(cid, "2026-10-05T09:00", TOWN_WORKER)
        self.refused("escalate", str(cid), "--reason", "x", "--as", "admin",
                     "--at", "2026-10-06T09:00", words=("level-by-level", f"case {cid}"))
        self.refused("escalate", str(cid), "--reason", "x", "--department", "police",
                     "--as", "admin", "--at", "2026-10-06T09:00")
        self.assertState(cid, level="county", department="transport")

    def test_urgent_category_may_go_from_grid_to_a_department(self):
        cid = self.log("safety_hazard", at="2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T09:30", "admin", "--to", "county")
        c = self.assertState(cid, level="county", unit=None, department="emergency",
                             deadline=at_plus("2026-10-03T09:30", hours=24))
        self.assertEqual(c["events"][-1]["type"], "refer")

    def test_escalate_needs_a_reason(self):
        cid = self.log("road_traffic")
        self.refused("escalate", str(cid), "--as", "admin", "--at", "2026-10-03T10:00",
                     rc=USAGE)


# ---- deadlines and overdue -------------------------------------------------------------------

class Deadlines(LoopTestCase):

    def test_level_defaults(self):
        # environment_sanitation has no deadline of its own: each level's default applies.
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.assertState(cid, deadline=at_plus("2026-10-03T09:15", **LEVEL_LIMITS["grid"]))
        for at, level in (("2026-10-03T10:00", "village"), ("2026-10-03T11:00", "zone"),
                          ("2026-10-03T12:00", "town"), ("2026-10-03T13:00", "county")):
            self.escalate(cid, at)
            c = self.assertState(cid, level=level, deadline=at_plus(at, **LEVEL_LIMITS[level]))
            self.assertEqual(c["events"][-1]["deadline"], c["deadline"])
        self.move("resolve", cid, "--note", "已清理", as_="admin", at="2026-10-04T09:00")
        self.assertState(cid, status="resolved",
                         deadline=at_plus("2026-10-04T09:00", **LEVEL_LIMITS["verification"]))
        self.move("close", cid, as_=GRID_WORKER, at="2026-10-04T10:00")
        self.assertState(cid, status="closed", deadline=None, overdue=False)

    def test_category_deadline_applies_at_every_level(self):
        cid = self.log("safety_hazard", at="2026-10-03T09:15")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00"):
            self.escalate(cid, at)
            self.assertState(cid, deadline=at_plus(at, hours=24))

    def test_overdue_is_judged_at_the_given_time(self):
        # environment_sanitation: limit "2wd", no stage deadline of its own. Reported on
        # Saturday 10-03 (national holiday): due at the end of the second working day, 10-09;
        # the grid's stage deadline is 24h.
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.assertState(cid, deadline=out("2026-10-04T09:15"), due=out("2026-10-10T00:00"))
        self.assertState(cid, at="2026-10-03T20:00", overdue=False, stage_overdue=False)
        # at the deadline: not past
        self.assertState(cid, at="2026-10-04T09:15", overdue=False, stage_overdue=False)
        # past the stage deadline, not past due
        self.assertState(cid, at="2026-10-04T09:16", overdue=False, stage_overdue=True)
        self.assertState(cid, at="2026-10-10T00:00", overdue=False, stage_overdue=True)
        # past due
        self.assertState(cid, at="2026-10-10T00:01", overdue=True, stage_overdue=True)
        self.assertState(cid, at="2026-10-20T09:00", overdue=True, stage_overdue=True,
                         status="open")

    def test_a_resolved_case_is_not_overdue(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.move("resolve", cid, "--note", "x", as_=GRID_WORKER, at="2026-10-03T10:00")
        self.assertState(cid, at="2026-10-20T09:00", status="resolved", overdue=False,
                         stage_overdue=False)

    def test_escalation_gives_a_fresh_deadline(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        due = out("2026-10-10T00:00")
        self.assertState(cid, at="2026-10-05T09:00", stage_overdue=True, overdue=False, due=due)
        self.escalate(cid, "2026-10-05T09:00", GRID_WORKER)
        self.assertState(cid, at="2026-10-05T09:00", stage_overdue=False, overdue=False,
                         deadline=at_plus("2026-10-05T09:00", hours=48), due=due)
        # the due does not restart: past it, the case is overdue within a fresh stage
        self.escalate(cid, "2026-10-09T12:00", GRID_WORKER)
        self.assertState(cid, at="2026-10-10T00:01", level="zone", stage_overdue=False,
                         overdue=True, deadline=at_plus("2026-10-09T12:00", hours=72), due=due)


# ---- the README's story ----------------------------------------------------------------------

class ReadmeStory(LoopTestCase):

    def test_illegal_construction_climbs_to_housing_and_closes(self):
        cid = self.log("illegal_construction", GRID, GRID_WORKER, "2026-10-03T09:15",
                       "东湖社区3号楼违建")
        self.refused("resolve", str(cid), "--note", "已拆除", "--as", GRID_WORKER,
                     "--at", "2026-10-03T09:30", words=("authority",))
        self.move("escalate", cid, "--reason", "需村居协调", as_=GRID_WORKER,
                  at="2026-10-03T10:00")
        self.move("escalate", cid, "--reason", "村居无执法权", as_=GRID_WORKER,
                  at="2026-10-03T16:00")
        self.move("whistle", cid, "--worker", WHISTLE_WORKER, as_=TOWN_WORKER,
                  at="2026-10-04T09:00")
        self.assertState(cid, level="zone", unit=ZONE, whistled=[WHISTLE_WORKER])
        self.move("escalate", cid, "--reason", "片区无法处置", as_=TOWN_WORKER,
                  at="2026-10-04T11:00")
        self.move("escalate", cid, "--reason", "乡呼县应", as_=TOWN_WORKER,
                  at="2026-10-05T09:00")
        self.assertState(cid, level="county", unit=None, department="housing")
        self.move("resolve", cid, "--note", "已依法拆除", as_=HOUSING_WORKER,
                  at="2026-10-08T15:00")
        self.move("close", cid, "--note", "现场核查已拆除", as_=GRID_WORKER,
                  at="2026-10-09T10:00")
        c = self.assertState(cid, status="closed", level="county", unit=None,
                             department="housing", deadline=None, overdue=False, rework=0,
                             whistled=[WHISTLE_WORKER])
        self.assertEqual([e["type"] for e in c["events"]],
                         ["report", "escalate", "escalate", "whistle", "escalate", "refer",
                          "resolve", "close"])
        self.assertEqual([e["actor"] for e in c["events"]],
                         [GRID_WORKER, GRID_WORKER, GRID_WORKER, TOWN_WORKER, TOWN_WORKER,
                          TOWN_WORKER, HOUSING_WORKER, GRID_WORKER])
        self.assertEqual(c["events"][-1]["note"], "现场核查已拆除")


if __name__ == "__main__":
    unittest.main()
