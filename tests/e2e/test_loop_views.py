"""End-to-end tests of what the loop shows: `case show|list|history`, `supervise`, the meetings'
`agenda`, and the overdue sweep `escalate --overdue` (rules 9 and 11)."""

from __future__ import annotations

import csv
import io
import unittest

from gridctl_harness import NOT_FOUND, Sandbox, example
from test_loop_basics import (CASE_FIELDS, COUNTY_WORKER, EVENT_FIELDS, GRID, GRID2,
                              GRID2_WORKER, GRID_WORKER, GRID_Z2, GRID_Z2_WORKER, OTHER_GRID,
                              OTHER_GRID_WORKER, OTHER_TOWN, TOWN, TOWN_WORKER, VILLAGE, ZONE,
                              ZONE2, LoopTestCase, at_plus)


def tearDownModule():
    if Scenario._box is not None:
        Scenario._box.cleanup()
        Scenario._box = None


class Scenario(LoopTestCase):
    """One database of nine cases, built once for the class and only read by its tests.

    c1 patrol environment_sanitation, GRID, 10-03 08:00, still at grid (deadline 10-04 08:00,
       due 10-10 00:00: 2wd, after the national holiday)
    c2 patrol public_facilities, GRID2, 10-05 08:00, escalated to ZONE at 10-05 09:00
       (deadline 10-08 09:00, due 10-14 00:00: 5wd)
    c3 patrol road_traffic, GRID_Z2, 10-01 08:00, at TOWN since 10-01 10:00 (deadline 10-06 10:00,
       due 10-21 00:00: 10wd)
    c4 patrol illegal_construction, GRID_Z2, 09-01, referred to housing 09-01 08:40 (deadline
       09-06 08:40, due 09-16 00:00: 10wd)
    c5 hotline environment_sanitation, OTHER_GRID, 10-02 12:00, dispatched to the grid at 13:00
       (due 10-10 00:00, from the dispatch), resolved
    c6 petition petition_matter, GRID, 10-04 10:00, dispatched to department petition at 11:00
       (deadline 15d: 10-19 11:00; no limit: due [deadlines].case 15wd, 10-28 00:00)
    c7 info livelihood_services, GRID, 10-03 23:59: closed at once
    c8 patrol environment_sanitation, GRID, 10-06 00:00, void
    c9 patrol dispute, GRID, 10-02 09:00, escalated to VILLAGE, resolved, closed

    Open and past due (overdue): at 10-05 12:00 c4; at 10-12 12:00 c1, c4; at 10-20 09:00 c1,
    c2, c4; at 10-29 09:00 c1, c2, c3, c4, c6. Open and past the stage deadline (stage_overdue)
    at 10-05 12:00: c1, c4.
    """

    _box: Sandbox | None = None
    ids: dict = {}

    def setUp(self):
        if Scenario._box is None:
            Scenario._box = Sandbox("full")
            self.box = Scenario._box
            try:
                self._build()
            except BaseException:
                Scenario._box.cleanup()
                Scenario._box = None
                raise
        self.box = Scenario._box

    def _build(self):
        ids = Scenario.ids
        ids["c1"] = self.log("environment_sanitation", GRID, GRID_WORKER, "2026-10-03T08:00")
        ids["c2"] = c2 = self.log("public_facilities", GRID2, GRID2_WORKER, "2026-10-05T08:00")
        self.escalate(c2, "2026-10-05T08:30", GRID2_WORKER)
        self.escalate(c2, "2026-10-05T09:00", TOWN_WORKER)
        ids["c3"] = c3 = self.log("road_traffic", GRID_Z2, GRID_Z2_WORKER, "2026-10-01T08:00")
        for at in ("2026-10-01T08:30", "2026-10-01T09:00", "2026-10-01T10:00"):
            self.escalate(c3, at)
        ids["c4"] = c4 = self.log("illegal_construction", GRID_Z2, GRID_Z2_WORKER,
                                  "2026-09-01T08:00")
        for at in ("2026-09-01T08:10", "2026-09-01T08:20", "2026-09-01T08:30",
                   "2026-09-01T08:40"):
            self.escalate(c4, at)
        ids["c5"] = c5 = self.intake("environment_sanitation", "12345-0001", OTHER_GRID,
                                     at="2026-10-02T12:00")
        self.move("dispatch", c5, "--to", OTHER_GRID, as_=COUNTY_WORKER, at="2026-10-02T13:00")
        self.move("resolve", c5, "--note", "x", as_=OTHER_GRID_WORKER, at="2026-10-02T15:00")
        ids["c6"] = c6 = self.intake("petition_matter", "XF-0001", GRID, "petition", "admin",
                                     "2026-10-04T10:00")
        self.move("dispatch", c6, "--department", "petition", as_=COUNTY_WORKER,
                  at="2026-10-04T11:00")
        ids["c7"] = self.log("livelihood_services", GRID, GRID_WORKER, "2026-10-03T23:59",
                             "民情", "--kind", "info")
        ids["c8"] = c8 = self.log("environment_sanitation", GRID, GRID_WORKER,
                                  "2026-10-06T00:00")
        self.move("void", c8, "--reason", "误报", as_=GRID_WORKER, at="2026-10-06T01:00")
        ids["c9"] = c9 = self.log("dispute", GRID, GRID_WORKER, "2026-10-02T09:00")
        self.escalate(c9, "2026-10-02T10:00", GRID_WORKER)
        self.move("resolve", c9, "--note", "调解成功", as_=GRID_WORKER, at="2026-10-02T11:00")
        self.move("close", c9, as_=TOWN_WORKER, at="2026-10-02T12:00")

    # -- helpers --
    def names(self, cases) -> set:
        by_id = {v: k for k, v in Scenario.ids.items()}
        return {by_id[c["id"]] for c in cases}

    def listed(self, *filters: str) -> set:
        r = self.run_ok("case", "list", *filters, "--format", "json")
        cases = r.json()
        self.assertIsInstance(cases, list)
        for c in cases:
            self.assertNotIn("events", c)
        return self.names(cases)

    def agenda(self, *args: str) -> dict:
        r = self.run_ok("agenda", *args, "--format", "json")
        items = r.json()
        self.assertIsInstance(items, list)
        by_id = {v: k for k, v in Scenario.ids.items()}
        return {by_id[c["id"]]: sorted(c["agenda"]) for c in items}


class CaseList(Scenario):

    def test_no_filter_lists_every_case(self):
        self.assertEqual(self.listed(), {f"c{i}" for i in range(1, 10)})

    def test_status(self):
        self.assertEqual(self.listed("--status", "open"), {"c1", "c2", "c3", "c4", "c6"})
        self.assertEqual(self.listed("--status", "resolved"), {"c5"})
        self.assertEqual(self.listed("--status", "closed"), {"c7", "c9"})
        self.assertEqual(self.listed("--status", "void"), {"c8"})

    def test_level(self):
        self.assertEqual(self.listed("--level", "grid"), {"c1", "c5", "c7", "c8"})
        self.assertEqual(self.listed("--level", "village"), {"c9"})
        self.assertEqual(self.listed("--level", "zone"), {"c2"})
        self.assertEqual(self.listed("--level", "town"), {"c3"})
        self.assertEqual(self.listed("--level", "county"), {"c4", "c6"})

    def test_unit_takes_the_whole_subtree(self):
        self.assertEqual(self.listed("--unit", TOWN),
                         {"c1", "c2", "c3", "c4", "c6", "c7", "c8", "c9"})
        self.assertEqual(self.listed("--unit", OTHER_TOWN), {"c5"})
        self.assertEqual(self.listed("--unit", ZONE), {"c1", "c2", "c6", "c7", "c8", "c9"})
        self.assertEqual(self.listed("--unit", ZONE2), {"c3", "c4"})
        self.assertEqual(self.listed("--unit", VILLAGE), {"c1", "c2", "c6", "c7", "c8", "c9"})
        self.assertEqual(self.listed("--unit", GRID), {"c1", "c6", "c7", "c8", "c9"})
        self.assertEqual(self.listed("--unit", "371327"), {f"c{i}" for i in range(1, 10)})

    def test_unknown_unit_is_not_found(self):
        r = self.gridctl("case", "list", "--unit", "no_such_unit")
        self.assertRc(r, NOT_FOUND)

    def test_department_category_source(self):
        self.assertEqual(self.listed("--department", "housing"), {"c4"})
        self.assertEqual(self.listed("--department", "petition"), {"c6"})
        self.assertEqual(self.listed("--department", "transport"), set())
        self.assertEqual(self.listed("--category", "environment_sanitation"), {"c1", "c5", "c8"})
        self.assertEqual(self.listed("--source", "hotline"), {"c5"})
        self.assertEqual(self.listed("--source", "petition"), {"c6"})
        self.assertEqual(self.listed("--source", "patrol"),
                         {"c1", "c2", "c3", "c4", "c7", "c8", "c9"})

    def test_overdue_at(self):
        # --overdue: open, not suspended, past due (not the stage deadline)
        self.assertEqual(self.listed("--overdue", "--at", "2026-09-05T12:00"), set())
        self.assertEqual(self.listed("--overdue", "--at", "2026-09-16T00:00"), set())
        self.assertEqual(self.listed("--overdue", "--at", "2026-09-16T00:01"), {"c4"})
        self.assertEqual(self.listed("--overdue", "--at", "2026-10-05T12:00"), {"c4"})
        self.assertEqual(self.listed("--overdue", "--at", "2026-10-12T12:00"), {"c1", "c4"})
        self.assertEqual(self.listed("--overdue", "--at", "2026-10-20T09:00"),
                         {"c1", "c2", "c4"})
        self.assertEqual(self.listed("--overdue", "--at", "2026-10-29T09:00"),
                         {"c1", "c2", "c3", "c4", "c6"})

    def test_overdue_and_stage_overdue_in_the_list(self):
        cases = self.run_ok("case", "list", "--format", "json", "--at",
                            "2026-10-05T12:00").json()
        by_name = {n: c for c in cases for n in self.names([c])}
        self.assertEqual({n for n, c in by_name.items() if c["stage_overdue"]}, {"c1", "c4"})
        self.assertEqual({n for n, c in by_name.items() if c["overdue"]}, {"c4"})
        self.assertEqual({n: c["due"] for n, c in by_name.items() if n in ("c1", "c4", "c6")},
                         {"c1": "2026-10-10T00:00:00+08:00", "c4": "2026-09-16T00:00:00+08:00",
                          "c6": "2026-10-28T00:00:00+08:00"})

    def test_from_to_dates_to_is_inclusive(self):
        self.assertEqual(self.listed("--from", "2026-10-03", "--to", "2026-10-03"),
                         {"c1", "c7"})
        self.assertEqual(self.listed("--from", "2026-10-04"), {"c2", "c6", "c8"})
        self.assertEqual(self.listed("--to", "2026-10-01"), {"c3", "c4"})
        self.assertEqual(self.listed("--from", "2026-09-02", "--to", "2026-10-02"),
                         {"c3", "c5", "c9"})

    def test_filters_combine(self):
        self.assertEqual(self.listed("--unit", TOWN, "--status", "open", "--overdue",
                                     "--at", "2026-10-12T12:00"), {"c1", "c4"})
        self.assertEqual(self.listed("--unit", ZONE, "--overdue", "--at", "2026-10-20T09:00"),
                         {"c1", "c2"})
        self.assertEqual(self.listed("--level", "county", "--source", "petition"), {"c6"})
        self.assertEqual(self.listed("--unit", ZONE, "--category", "environment_sanitation",
                                     "--status", "open"), {"c1"})

    def test_json_objects_are_case_objects(self):
        cases = self.run_ok("case", "list", "--format", "json", "--at",
                            "2026-10-05T12:00").json()
        for c in cases:
            for k in CASE_FIELDS:
                self.assertIn(k, c)
            shown = self.show(c["id"], "2026-10-05T12:00")
            self.assertEqual(c, {k: v for k, v in shown.items() if k != "events"})

    def test_csv_has_a_header(self):
        r = self.run_ok("case", "list", "--format", "csv", "--status", "open")
        lines = r.stdout.splitlines()
        header = lines[0].split(",")
        for k in ("id", "status", "level", "unit", "department", "deadline", "rework"):
            self.assertIn(k, header)
        rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
        self.assertEqual(self.names([{"id": int(row["id"])} for row in rows]),
                         {"c1", "c2", "c3", "c4", "c6"})
        c4 = [row for row in rows if int(row["id"]) == Scenario.ids["c4"]][0]
        self.assertEqual((c4["level"], c4["unit"], c4["department"]), ("county", "", "housing"))
        empty = self.run_ok("case", "list", "--format", "csv", "--source", "surveillance")
        self.assertEqual(empty.stdout.splitlines(), lines[:1])


class ShowAndHistory(Scenario):

    def test_show_has_every_field(self):
        c = self.show(Scenario.ids["c5"], "2026-10-02T16:00")
        for k in CASE_FIELDS + ["events"]:
            self.assertIn(k, c)
        self.assertEqual(
            {k: c[k] for k in CASE_FIELDS if k != "id"},
            {"kind": "problem", "source": "hotline", "ext_id": "12345-0001",
             "category": "environment_sanitation", "title": "12345工单", "grid": OTHER_GRID,
             "reporter": COUNTY_WORKER, "reported_at": "2026-10-02T12:00:00+08:00",
             "status": "resolved", "level": "grid", "unit": OTHER_GRID, "department": None,
             "deadline": at_plus("2026-10-02T15:00", hours=24),
             "due": "2026-10-10T00:00:00+08:00", "overdue": False, "stage_overdue": False,
             "suspended": False, "extended": None, "supervision": None, "rework": 0})
        self.assertIsInstance(c["id"], int)
        for e in c["events"]:
            for k in EVENT_FIELDS:
                self.assertIn(k, e)
        self.assertEqual([(e["type"], e["at"], e["actor"]) for e in c["events"]],
                         [("report", "2026-10-02T12:00:00+08:00", COUNTY_WORKER),
                          ("dispatch", "2026-10-02T13:00:00+08:00", COUNTY_WORKER),
                          ("resolve", "2026-10-02T15:00:00+08:00", OTHER_GRID_WORKER)])
        self.assertEqual(c["events"][-1]["note"], "x")
        # a hotline case's due starts at its first dispatch
        self.assertEqual([e["due"] for e in c["events"]],
                         [None, "2026-10-10T00:00:00+08:00", "2026-10-10T00:00:00+08:00"])
        self.assertEqual([e["late_record"] for e in c["events"]], [False, False, False])

    def test_history_lists_the_events_in_order(self):
        cid = Scenario.ids["c4"]
        h = self.run_ok("case", "history", str(cid), "--format", "json").json()
        self.assertEqual(h, self.show(cid)["events"])
        self.assertEqual([e["type"] for e in h],
                         ["report", "escalate", "escalate", "escalate", "refer"])
        self.assertEqual([e["level"] for e in h], ["grid", "village", "zone", "town", "county"])
        self.assertEqual([e["unit"] for e in h], [GRID_Z2, "371327001005", ZONE2, TOWN, None])
        self.assertEqual(h[-1]["department"], "housing")
        ats = [e["at"] for e in h]
        self.assertEqual(ats, sorted(ats))
        table = self.run_ok("case", "history", str(cid))
        rows = [line for line in table.stdout.splitlines() if line.strip()]
        self.assertEqual(len(rows), 1 + len(h), table)
        self.assertEqual([line.split()[0] for line in rows[1:]], [e["type"] for e in h])

    def test_show_at_judges_overdue(self):
        cid = Scenario.ids["c3"]     # deadline 10-06 10:00, due 10-21 00:00
        def judged(at):
            c = self.show(cid, at)
            return c["stage_overdue"], c["overdue"]
        self.assertEqual(judged("2026-10-06T10:00"), (False, False))
        self.assertEqual(judged("2026-10-06T10:01"), (True, False))
        self.assertEqual(judged("2026-10-21T00:00"), (True, False))
        self.assertEqual(judged("2026-10-21T00:01"), (True, True))


class Supervise(Scenario):

    def test_supervise_lists_the_overdue_cases(self):
        # past due; c1 is only past its stage deadline at 10-05 12:00
        r = self.run_ok("supervise", "--at", "2026-10-05T12:00", "--format", "json")
        self.assertEqual(self.names(r.json()), {"c4"})
        r = self.run_ok("supervise", "--at", "2026-10-12T12:00", "--format", "json")
        cases = r.json()
        self.assertEqual(self.names(cases), {"c1", "c4"})
        for c in cases:
            self.assertNotIn("events", c)
            self.assertTrue(c["overdue"])
            self.assertEqual(c["status"], "open")
            self.assertIsNone(c["supervision"])
        later = self.run_ok("supervise", "--at", "2026-10-20T09:00", "--format", "json")
        self.assertEqual(self.names(later.json()), {"c1", "c2", "c4"})
        latest = self.run_ok("supervise", "--at", "2026-10-29T09:00", "--format", "json")
        self.assertEqual(self.names(latest.json()), {"c1", "c2", "c3", "c4", "c6"})

    def test_supervise_csv(self):
        r = self.run_ok("supervise", "--at", "2026-10-12T12:00", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
        self.assertEqual(self.names([{"id": int(row["id"])} for row in rows]), {"c1", "c4"})
        # the supervision order's columns, empty: no case is under an order
        for row in rows:
            self.assertEqual(row["overdue"], "true", row)
            self.assertEqual((row["order_by"], row["order_overdue"]), ("", ""), row)
        table = self.run_ok("supervise", "--at", "2026-10-12T12:00", "--format", "table")
        header = table.stdout.splitlines()[0].split()
        self.assertIn("order_by", header)
        self.assertIn("order_overdue", header)


class SupervisionOrder(LoopTestCase):
    """`supervise` also lists the cases under a supervision order (rule 15), overdue or not."""

    def test_a_case_under_an_order_is_listed(self):
        cid = self.log("public_facilities", GRID2, GRID2_WORKER, "2026-10-05T08:00")  # due 10-14
        self.run_ok("supervise", "order", str(cid), "--by", "2026-10-06T12:00",
                    "--note", "限期办结", "--as", "admin", "--at", "2026-10-05T12:00")

        def listed(at):
            r = self.run_ok("supervise", "--at", at, "--format", "csv")
            return [(int(row["id"]), row["overdue"], row["order_by"], row["order_overdue"])
                    for row in r.csv_rows()]
        by = "2026-10-06T12:00:00+08:00"
        self.assertEqual(listed("2026-10-06T12:00"), [(cid, "false", by, "false")])
        self.assertEqual(listed("2026-10-06T12:01"), [(cid, "false", by, "true")])
        self.assertEqual(self.show(cid, "2026-10-06T12:01")["supervision"],
                         {"by": by, "note": "限期办结", "overdue": True})
        # and it goes on the county's agenda once past the order's time
        def county(at):
            r = self.run_ok("agenda", "county", "--at", at, "--format", "json")
            return [(c["id"], c["agenda"]) for c in r.json()]
        self.assertEqual(county("2026-10-06T12:00"), [])
        self.assertEqual(county("2026-10-06T12:01"), [(cid, ["supervision_overdue"])])


class Agenda(Scenario):

    def test_zone(self):
        # c1 is past its stage deadline but not past due: not on the agenda yet
        self.assertEqual(self.agenda("zone", ZONE, "--at", "2026-10-05T12:00"),
                         {"c2": ["at_zone", "escalated"]})
        self.assertEqual(self.agenda("zone", ZONE, "--date", "2026-10-05"),
                         {"c2": ["at_zone", "escalated"]})
        # more than 24 hours after the escalation into the zone
        self.assertEqual(self.agenda("zone", ZONE, "--at", "2026-10-06T10:00"),
                         {"c2": ["at_zone"]})
        # past c1's due (10-10 00:00), then past c2's (10-14 00:00)
        self.assertEqual(self.agenda("zone", ZONE, "--at", "2026-10-12T09:00"),
                         {"c1": ["overdue"], "c2": ["at_zone"]})
        self.assertEqual(self.agenda("zone", ZONE, "--date", "2026-10-14"),
                         {"c1": ["overdue"], "c2": ["at_zone", "overdue"]})
        self.assertEqual(self.agenda("zone", ZONE2, "--at", "2026-10-05T12:00"),
                         {"c4": ["overdue"]})

    def test_town(self):
        self.assertEqual(self.agenda("town", TOWN, "--at", "2026-10-05T12:00"),
                         {"c3": ["at_town"], "c4": ["overdue", "referral"]})
        self.assertEqual(self.agenda("town", TOWN, "--at", "2026-10-12T12:00"),
                         {"c1": ["overdue"], "c3": ["at_town"], "c4": ["overdue", "referral"]})
        self.assertEqual(self.agenda("town", TOWN, "--at", "2026-10-29T09:00"),
                         {"c1": ["overdue"], "c2": ["overdue"], "c3": ["at_town", "overdue"],
                          "c4": ["overdue", "referral"], "c6": ["overdue"]})
        # c6 sits at a department too, but the county platform dispatched it there: no referral.
        self.assertEqual(self.agenda("town", OTHER_TOWN, "--at", "2026-10-05T12:00"), {})

    def test_county(self):
        # long overdue: past due by more than the county stage limit (7d)
        self.assertEqual(self.agenda("county", "--at", "2026-10-05T12:00"),
                         {"c4": ["long_overdue", "referral"]})
        # c1: due 10-10 00:00, long overdue after 10-17 00:00
        self.assertEqual(self.agenda("county", "--at", "2026-10-16T09:00"),
                         {"c4": ["long_overdue", "referral"]})
        self.assertEqual(self.agenda("county", "--at", "2026-10-20T09:00"),
                         {"c1": ["long_overdue"], "c4": ["long_overdue", "referral"]})
        # c2: due 10-14, long overdue after 10-21 00:00
        self.assertEqual(self.agenda("county", "--at", "2026-10-22T09:00"),
                         {"c1": ["long_overdue"], "c2": ["long_overdue"],
                          "c4": ["long_overdue", "referral"]})
        # c3 (due 10-21) and c6 (due 10-28) too, after 10-28 and 11-04
        self.assertEqual(self.agenda("county", "--at", "2026-11-05T09:00"),
                         {"c1": ["long_overdue"], "c2": ["long_overdue"],
                          "c3": ["long_overdue"], "c4": ["long_overdue", "referral"],
                          "c6": ["long_overdue"]})

    def test_agenda_objects_are_case_objects(self):
        r = self.run_ok("agenda", "town", TOWN, "--at", "2026-10-05T12:00", "--format", "json")
        for c in r.json():
            for k in CASE_FIELDS + ["agenda"]:
                self.assertIn(k, c)

    def test_unknown_unit_is_not_found(self):
        r = self.gridctl("agenda", "zone", "371327001Z99", "--at", "2026-10-05T12:00")
        self.assertRc(r, NOT_FOUND)


class LongOverdue(LoopTestCase):

    def test_long_overdue_means_overdue_by_more_than_the_county_deadline(self):
        # deadline 10-04 09:15; due (2wd after the holiday) 10-10 00:00
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        def county_agenda(at):
            r = self.run_ok("agenda", "county", "--at", at, "--format", "json")
            return [(c["id"], c["agenda"]) for c in r.json()]
        # more than 7 days past the stage deadline, but not past due by 7 days
        self.assertEqual(county_agenda("2026-10-11T10:00"), [])
        self.assertEqual(county_agenda("2026-10-16T23:59"), [])
        self.assertEqual(county_agenda("2026-10-17T00:00"), [])   # exactly 7 days: not more
        self.assertEqual(county_agenda("2026-10-17T00:01"), [(cid, ["long_overdue"])])

    def test_a_short_limit_goes_long_overdue_sooner(self):
        # safety_hazard: limit 24h, so due 10-04 09:15, long overdue after 10-11 09:15
        cid = self.log("safety_hazard", at="2026-10-03T09:15")
        def county_agenda(at):
            r = self.run_ok("agenda", "county", "--at", at, "--format", "json")
            return [(c["id"], c["agenda"]) for c in r.json()]
        self.assertState(cid, due="2026-10-04T09:15:00+08:00")
        self.assertEqual(county_agenda("2026-10-11T09:15"), [])
        self.assertEqual(county_agenda("2026-10-11T09:16"), [(cid, ["long_overdue"])])


class Sweep(LoopTestCase):
    """`escalate --overdue` at 2026-10-07T09:00 over: a (grid), b (zone), c (town), d (referred),
    all past their stage deadline (stage_overdue), and only d past due (overdue); e not overdue
    at all; f resolved. The sweep takes the stage-overdue cases (rule 9)."""

    AT = "2026-10-07T09:00"

    def setUp(self):
        super().setUp()
        self.a = self.log("environment_sanitation", at="2026-10-03T08:00")
        self.b = self.log("public_facilities", GRID2, GRID2_WORKER, "2026-10-01T08:00")
        for at in ("2026-10-01T08:30", "2026-10-01T09:00"):
            self.escalate(self.b, at)
        self.c = self.log("road_traffic", GRID_Z2, GRID_Z2_WORKER, "2026-10-01T08:00")
        for at in ("2026-10-01T08:30", "2026-10-01T09:00", "2026-10-01T10:00"):
            self.escalate(self.c, at)
        self.d = self.log("illegal_construction", GRID_Z2, GRID_Z2_WORKER, "2026-09-01T08:00")
        for at in ("2026-09-01T08:10", "2026-09-01T08:20", "2026-09-01T08:30",
                   "2026-09-01T08:40"):
            self.escalate(self.d, at)
        self.e = self.log("environment_sanitation", at="2026-10-07T08:00")
        self.f = self.log("environment_sanitation", GRID2, GRID2_WORKER, "2026-10-01T08:00")
        self.move("resolve", self.f, "--note", "x", as_=GRID2_WORKER, at="2026-10-01T09:00")

    def sweep(self, *extra: str) -> list:
        r = self.run_ok("escalate", "--overdue", "--at", self.AT, "--format", "json", *extra)
        return r.json()

    def auto_escalate_on(self):
        with open(example("policy.toml"), encoding="utf-8") as f:
            text = f.read()
        self.assertIn("auto_escalate = false", text)
        path = self.box.write("auto-policy.toml",
                              text.replace("auto_escalate = false", "auto_escalate = true", 1))
        self.run_ok("policy", "load", path)

    def test_default_policy_lists_and_moves_nothing(self):
        before = self.box.dump()
        listed = self.sweep()
        self.assertEqual({c["id"] for c in listed}, {self.a, self.b, self.c, self.d})
        for c in listed:
            self.assertTrue(c["stage_overdue"], c)
            self.assertEqual(c["overdue"], c["id"] == self.d, c)
            self.assertIsNone(c.get("action"), c)
        self.assertEqual(before, self.box.dump())
        self.assertState(self.a, level="grid")
        self.assertState(self.c, level="town")

    def test_auto_escalate_moves_each_one_level(self):
        self.auto_escalate_on()
        listed = self.sweep()
        self.assertEqual({c["id"] for c in listed}, {self.a, self.b, self.c, self.d})
        actions = {c["id"]: c.get("action") for c in listed}
        for cid in (self.a, self.b, self.c, self.d):
            self.assertTrue(actions[cid], actions)
        self.assertIn("level-by-level", actions[self.d])
        a = self.assertState(self.a, at=self.AT, status="open", level="village", unit=VILLAGE,
                             deadline=at_plus(self.AT, hours=48), stage_overdue=False,
                             overdue=False, due="2026-10-10T00:00:00+08:00")
        self.assertEqual((a["events"][-1]["type"], a["events"][-1]["actor"]),
                         ("escalate", "admin"))
        self.assertState(self.b, level="town", unit=TOWN, deadline=at_plus(self.AT, days=5))
        c = self.assertState(self.c, level="county", unit=None, department="transport",
                             deadline=at_plus(self.AT, days=7))
        self.assertEqual(c["events"][-1]["type"], "refer")
        self.assertState(self.d, level="county", department="housing",
                         deadline=at_plus("2026-09-01T08:40", days=5))
        self.assertEqual(len(self.show(self.d)["events"]), 5)
        self.assertState(self.e, level="grid")
        self.assertState(self.f, status="resolved", level="grid")
        # the moved cases have fresh deadlines: a second sweep at the same time moves nothing
        before = self.box.dump()
        again = self.sweep()
        self.assertEqual({c["id"] for c in again}, {self.d})
        self.assertEqual(before, self.box.dump())

    def test_dry_run_changes_nothing(self):
        self.auto_escalate_on()
        before = self.box.dump()
        listed = self.sweep("--dry-run")
        self.assertEqual({c["id"] for c in listed}, {self.a, self.b, self.c, self.d})
        self.assertTrue(all(c.get("action") for c in listed), listed)
        self.assertEqual(before, self.box.dump())
        self.assertState(self.a, level="grid")
        self.assertState(self.c, level="town", department=None)
        # and the table output lists them with their action
        r = self.run_ok("escalate", "--overdue", "--dry-run", "--at", self.AT)
        self.assertIn("action", r.stdout.splitlines()[0])
        self.assertEqual(before, self.box.dump())


if __name__ == "__main__":
    unittest.main()
