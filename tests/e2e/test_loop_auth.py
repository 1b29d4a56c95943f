"""End-to-end tests of who may act (rule 10), the actor (--as, $GRIDCTL_ACTOR, admin), --at
ordering and parsing, and that a failed command leaves the database as it was."""

from __future__ import annotations

import datetime as dt
import unittest

from gridctl_harness import NOT_FOUND, REFUSED, USAGE, base_env
from test_loop_basics import (COUNTY_WORKER, GRID, GRID2_WORKER, GRID_WORKER, GRID_Z2,
                              GRID_Z2_WORKER, HOUSING_WORKER, MARKET_WORKER_Z2, OTHER_GRID_WORKER,
                              OTHER_TOWN_WORKER, TOWN, TOWN_WORKER, WHISTLE_WORKER, ZONE2,
                              LoopTestCase, at_plus)


class Authorisation(LoopTestCase):

    def test_grid_worker_on_another_grids_case(self):
        cid = self.log("environment_sanitation")
        for args in (["escalate", str(cid), "--reason", "x"],
                     ["resolve", str(cid), "--note", "x"],
                     ["void", str(cid), "--reason", "x"]):
            self.refused(*args, "--as", GRID2_WORKER, "--at", "2026-10-03T10:00",
                         words=("authorisation", GRID2_WORKER, f"case {cid}"))
            self.refused(*args, "--as", OTHER_GRID_WORKER, "--at", "2026-10-03T10:00",
                         words=("authorisation", OTHER_GRID_WORKER))
        self.assertState(cid, status="open", level="grid")

    def test_grid_worker_above_village_level(self):
        cid = self.log("illegal_construction")
        self.escalate(cid, "2026-10-03T10:00", GRID_WORKER)
        self.escalate(cid, "2026-10-03T11:00", GRID_WORKER)
        self.refused("escalate", str(cid), "--reason", "x", "--as", GRID_WORKER,
                     "--at", "2026-10-03T12:00", words=("authorisation", GRID_WORKER))

    def test_town_worker_of_another_town(self):
        cid = self.log("illegal_construction")
        self.escalate(cid, "2026-10-03T10:00")
        self.escalate(cid, "2026-10-03T11:00")
        self.refused("escalate", str(cid), "--reason", "x", "--as", OTHER_TOWN_WORKER,
                     "--at", "2026-10-03T12:00",
                     words=("authorisation", OTHER_TOWN_WORKER, f"case {cid}"))
        self.refused("whistle", str(cid), "--worker", WHISTLE_WORKER, "--as", OTHER_TOWN_WORKER,
                     "--at", "2026-10-03T12:00", words=("authorisation", OTHER_TOWN_WORKER))
        self.assertState(cid, level="zone", whistled=[])

    def test_town_worker_acts_anywhere_in_their_town(self):
        # T0001 was sent to zone Z01; a case in zone Z02 of the same town is theirs too.
        cid = self.log("illegal_construction", GRID_Z2, GRID_Z2_WORKER)
        self.escalate(cid, "2026-10-03T10:00", TOWN_WORKER)
        self.escalate(cid, "2026-10-03T11:00", TOWN_WORKER)
        self.escalate(cid, "2026-10-03T12:00", TOWN_WORKER)
        self.assertState(cid, level="town", unit=TOWN)
        self.move("resolve", cid, "--note", "x", as_=TOWN_WORKER, at="2026-10-03T13:00")

    def test_town_worker_not_at_county_level(self):
        cid = self.log("road_traffic")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00",
                   "2026-10-03T13:00"):
            self.escalate(cid, at)
        self.refused("resolve", str(cid), "--note", "x", "--as", TOWN_WORKER,
                     "--at", "2026-10-03T14:00", words=("authorisation", TOWN_WORKER))

    def test_county_worker_of_another_department_at_a_department(self):
        # C0007 (market) serves zone Z02, not the case's zone Z01; C0006 is from housing.
        cid = self.log("illegal_construction")
        for at in ("2026-10-03T10:00", "2026-10-03T11:00", "2026-10-03T12:00",
                   "2026-10-03T13:00"):
            self.escalate(cid, at)
        self.assertState(cid, department="housing")
        self.refused("resolve", str(cid), "--note", "x", "--as", MARKET_WORKER_Z2,
                     "--at", "2026-10-03T14:00",
                     words=("authorisation", MARKET_WORKER_Z2, f"case {cid}"))
        self.move("resolve", cid, "--note", "x", as_=HOUSING_WORKER, at="2026-10-03T14:00")

    def test_admin_may_do_anything_and_is_recorded(self):
        cid = self.log("public_facilities", GRID_Z2, "admin", "2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T10:00", "admin")
        self.escalate(cid, "2026-10-03T11:00", "admin")
        self.move("whistle", cid, "--worker", WHISTLE_WORKER, as_="admin", at="2026-10-03T12:00")
        self.move("resolve", cid, "--note", "x", as_="admin", at="2026-10-03T13:00")
        self.move("close", cid, "--fail", "--note", "y", as_="admin", at="2026-10-03T14:00")
        self.move("resolve", cid, "--note", "x", as_="admin", at="2026-10-03T15:00")
        self.move("close", cid, as_="admin", at="2026-10-03T16:00")
        self.move("reopen", cid, "--reason", "z", as_="admin", at="2026-10-03T17:00")
        self.move("void", cid, "--reason", "z", as_="admin", at="2026-10-03T18:00")
        c = self.assertState(cid, status="void", reporter="admin", rework=1)
        self.assertEqual({e["actor"] for e in c["events"]}, {"admin"})


class Actor(LoopTestCase):

    def test_unknown_worker_is_not_found(self):
        cid = self.log("environment_sanitation")
        self.refused("escalate", str(cid), "--reason", "x", "--as", "W9999",
                     "--at", "2026-10-03T10:00", rc=NOT_FOUND, words=("W9999",))
        self.refused("log", "--grid", GRID, "--category", "environment_sanitation",
                     "--title", "x", "--as", "W9999", "--at", "2026-10-03T10:00",
                     rc=NOT_FOUND, words=("W9999",))

    def test_unknown_case_is_not_found(self):
        self.log("environment_sanitation")
        for args in (["escalate", "9999", "--reason", "x"], ["resolve", "9999", "--note", "x"],
                     ["close", "9999"], ["void", "9999", "--reason", "x"],
                     ["reopen", "9999", "--reason", "x"],
                     ["whistle", "9999", "--worker", WHISTLE_WORKER],
                     ["dispatch", "9999", "--to", TOWN]):
            self.refused(*args, "--as", "admin", "--at", "2026-10-03T10:00", rc=NOT_FOUND,
                         words=("9999",))
        for args in (["case", "show", "9999"], ["case", "history", "9999"]):
            r = self.gridctl(*args)
            self.assertRc(r, NOT_FOUND)

    def test_missing_actor_is_a_usage_error(self):
        cid = self.log("environment_sanitation")
        env = base_env()   # no GRIDCTL_ACTOR
        self.refused("escalate", str(cid), "--reason", "x", "--at", "2026-10-03T10:00",
                     rc=USAGE, env=env)
        self.refused("log", "--grid", GRID, "--category", "environment_sanitation",
                     "--title", "x", "--at", "2026-10-03T10:00", rc=USAGE, env=env)
        self.refused("close", str(cid), "--at", "2026-10-03T10:00", rc=USAGE, env=env)

    def test_gridctl_actor_environment(self):
        env = base_env(GRIDCTL_ACTOR=GRID_WORKER)
        r = self.run_ok("log", "--grid", GRID, "--category", "environment_sanitation",
                        "--title", "x", "--at", "2026-10-03T09:15", env=env)
        cid = int(r.stdout)
        self.run_ok("escalate", str(cid), "--reason", "x", "--at", "2026-10-03T10:00", env=env)
        c = self.assertState(cid, reporter=GRID_WORKER, level="village")
        self.assertEqual([e["actor"] for e in c["events"]], [GRID_WORKER, GRID_WORKER])
        # the environment's actor is checked like --as
        self.refused("resolve", str(cid), "--note", "x", "--at", "2026-10-03T11:00",
                     env=base_env(GRIDCTL_ACTOR=GRID2_WORKER), words=(GRID2_WORKER,))
        # --as wins over the environment
        self.run_ok("escalate", str(cid), "--reason", "x", "--as", TOWN_WORKER,
                    "--at", "2026-10-03T12:00", env=base_env(GRIDCTL_ACTOR=GRID2_WORKER))
        self.assertEqual(self.last_event(cid)["actor"], TOWN_WORKER)


class Times(LoopTestCase):

    def test_at_earlier_than_the_last_event_is_refused(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.refused("escalate", str(cid), "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T09:00", words=(f"case {cid}",))
        self.escalate(cid, "2026-10-03T12:00")
        for args in (["escalate", str(cid), "--reason", "x"], ["resolve", str(cid), "--note", "x"],
                     ["void", str(cid), "--reason", "x"]):
            self.refused(*args, "--as", "admin", "--at", "2026-10-03T11:59")
        # an offset that puts the same wall-clock time earlier
        self.refused("resolve", str(cid), "--note", "x", "--as", "admin",
                     "--at", "2026-10-03T03:59:00Z")
        self.assertState(cid, level="village", status="open")

    def test_at_equal_to_the_last_event_is_accepted(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        self.escalate(cid, "2026-10-03T09:15")
        self.assertState(cid, level="village")

    def test_malformed_at_is_a_usage_error(self):
        cid = self.log("environment_sanitation", at="2026-10-03T09:15")
        for bad in ("yesterday", "2026-13-03T09:15", "2026-10-03 25:00", "03/10/2026"):
            self.refused("escalate", str(cid), "--reason", "x", "--as", "admin", "--at", bad,
                         rc=USAGE)
            self.refused("log", "--grid", GRID, "--category", "environment_sanitation",
                         "--title", "x", "--as", GRID_WORKER, "--at", bad, rc=USAGE)
        r = self.gridctl("case", "show", str(cid), "--at", "yesterday")
        self.assertRc(r, USAGE)

    def test_recorded_at_is_the_system_clock(self):
        # env= of its own: gridctl runs on the real clock, not under faketime at the --at
        start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
        r = self.run_ok("log", "--grid", GRID, "--category", "environment_sanitation",
                        "--title", "巡查发现", "--as", GRID_WORKER, "--at", "2026-01-03T09:15",
                        env=base_env())
        cid = int(r.stdout)
        self.run_ok("escalate", str(cid), "--reason", "上报", "--as", "admin",
                    "--at", "2026-01-03T10:00", env=base_env())
        end = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
        events = self.show(cid)["events"]
        for e in events:
            rec = dt.datetime.fromisoformat(e["recorded_at"])
            self.assertTrue(start <= rec <= end, e)
            self.assertTrue(e["recorded_at"].endswith("+08:00"), e)
            # recorded months after its --at: more than the policy's backfill (24h), rule 16
            self.assertIs(e["late_record"], True, e)
        self.assertEqual([e["at"] for e in events],
                         ["2026-01-03T09:15:00+08:00", "2026-01-03T10:00:00+08:00"])

    def test_a_move_recorded_when_it_happens_is_no_late_record(self):
        # the harness runs a back-dated command under faketime at its --at
        cid = self.log("environment_sanitation", at="2026-01-03T09:15")
        self.escalate(cid, "2026-01-03T10:00")
        events = self.show(cid)["events"]
        self.assertEqual([e["at"] for e in events],
                         ["2026-01-03T09:15:00+08:00", "2026-01-03T10:00:00+08:00"])
        for e in events:
            # faketime's clock starts at the --at and runs on: recorded within moments of it
            delay = (dt.datetime.fromisoformat(e["recorded_at"])
                     - dt.datetime.fromisoformat(e["at"]))
            self.assertTrue(dt.timedelta(0) <= delay <= dt.timedelta(minutes=5), e)
            self.assertIs(e["late_record"], False, e)


class FailuresChangeNothing(LoopTestCase):
    """Each refusal below is checked against `sqlite3 .dump` by `refused()`; this scenario mixes
    usage errors, unknown names and rule refusals on cases in several states."""

    def test_refusals_of_every_kind(self):
        open_ = self.log("illegal_construction", at="2026-10-03T09:15")
        hot = self.intake("environment_sanitation", "12345-9", at="2026-10-03T09:30")
        done = self.log("environment_sanitation", at="2026-10-03T09:40")
        self.move("close", done, as_=GRID_WORKER, at="2026-10-03T10:00")
        cases = [
            (["resolve", str(open_), "--note", "x", "--as", GRID_WORKER], REFUSED),
            (["escalate", str(open_), "--to", "town", "--reason", "x", "--as", "admin"], REFUSED),
            (["escalate", str(open_), "--reason", "x", "--as", GRID2_WORKER], REFUSED),
            (["escalate", str(open_), "--reason", "x", "--as", "NOBODY"], NOT_FOUND),
            (["escalate", str(open_), "--reason", "x", "--as", "admin", "--to", "sky"], USAGE),
            (["whistle", str(open_), "--worker", WHISTLE_WORKER, "--as", "admin"], REFUSED),
            (["close", str(open_), "--as", GRID_WORKER], REFUSED),
            (["dispatch", str(hot), "--to", "371327100", "--as", COUNTY_WORKER], REFUSED),
            (["dispatch", str(hot), "--department", "nope", "--as", COUNTY_WORKER], NOT_FOUND),
            (["dispatch", str(hot), "--to", ZONE2, "--as", TOWN_WORKER], REFUSED),
            (["close", str(hot), "--as", GRID_WORKER], REFUSED),
            (["log", "--grid", GRID, "--category", "environment_sanitation", "--source",
              "hotline", "--ext-id", "12345-9", "--title", "dup", "--as", COUNTY_WORKER],
             REFUSED),
            (["reopen", str(open_), "--reason", "x", "--as", "admin"], REFUSED),
            (["void", str(done), "--reason", "x", "--as", "admin"], REFUSED),
            (["resolve", str(done), "--note", "x", "--as", "admin"], REFUSED),
            (["escalate", str(done), "--reason", "x", "--as", "admin"], REFUSED),
        ]
        for args, rc in cases:
            with self.subTest(args=args):
                self.refused(*args, "--at", "2026-10-04T09:00", rc=rc)
        self.refused("escalate", str(open_), "--reason", "x", "--as", "admin",
                     "--at", "2026-10-03T09:00")
        self.assertState(open_, status="open", level="grid",
                         deadline=at_plus("2026-10-03T09:15", days=5))


if __name__ == "__main__":
    unittest.main()
