"""The recount: every docs/design.md §7 statistic of `stats monthly` and `stats summary`, recomputed in
plain Python from `export events` and compared field by field.

A deterministic scenario (Python's random, seeded) is built over the example county through real
gridctl commands (log, escalate, dispatch, whistle, resolve, close, close --fail, void, reopen) and
through `import cases` (history columns, and whole `events` histories). It crosses the July/August
boundary in LOCAL time (+08:00): a case reported 2026-07-31T22:30+08:00 and closed in August, a
hotline case reported 2026-08-01T01:00+08:00 (still July 31 in UTC), events exactly at local
midnight, whistles at zone and town level, rework, voids, reopened cases, info cases, overdue
cases, all five sources, several towns and categories, and patrol reports for the daily quota.

The recount follows docs/design.md §7, not gridctl's code:
- a period is [first local instant, first instant of the next local month); an event "happened"
  in it when from <= at < to;
- a case counts in the period of its local reported_at;
- a late record (rule 16) counts at its recorded_at for the time limits and hours to close;
- problem = kind problem and not void at the period end; closed = a problem whose status at the
  period end is closed; closed_on_time = closed, its last close (counted) by its `due` after
  the events before the end (no due: on time);
- stage_late = open and not suspended past the stage deadline in force at some moment before
  the end (the next event's counted time, or the end);
- extended = an extend event; suspended_open = open and suspended at the end;
  supervision_overdue = open or resolved under an order whose time is before the end;
  supervised = supervise events in the period;
- escalated = an escalate or refer event before the end; referred = a refer event;
- whistles / rework = events of that type in the period (any case), attributed to the case's
  group (department grouping: the event's department);
- overdue_open = open, not suspended, at the end with due < end;
- median_hours_to_close over closed problems (mean of the middle two for an even count);
- quota_days_met = grid-days with >= 2 valid patrol reports (any kind; by a grid worker of the
  grid, not void, not a late record) in the period, quota_rate =
  that / (grids x days) for unit groupings and the total, null for others;
- rates are 0 when there are no problems; department grouping uses the department the case was
  at last (none: group "" and name "(none)");
- reported_by_party_members = cases whose reporter is a party member of the workers file
  (party_member 是); handled_by_party_members = problems whose last resolve before the end was
  recorded by one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import unittest
from collections import Counter, defaultdict

from gridctl_harness import (COUNTY_CODE, COUNTY_NAME, OK, Sandbox, base_env,
                             example_ancestors, example_units, worker_rows)

TZ = dt.timezone(dt.timedelta(hours=8))
UTC = dt.timezone.utc

STAT_FIELDS = ["reported", "problems", "closed", "closed_on_time", "resolution_rate",
               "on_time_rate", "escalated", "referred", "whistles", "rework", "overdue_open",
               "stage_late", "extended", "suspended_open", "supervised", "supervision_overdue",
               "verified_by_admin", "median_hours_to_close", "quota_days_met", "quota_rate",
               "reported_by_party_members", "handled_by_party_members"]
FLOAT_FIELDS = {"resolution_rate", "on_time_rate", "median_hours_to_close", "quota_rate"}
SOURCES = ["patrol", "hotline", "surveillance", "petition", "platform"]
LEVEL_IDX = {"county": 0, "town": 1, "zone": 2, "village": 3, "grid": 4}
UP = {"grid": "village", "village": "zone", "zone": "town", "town": "county"}
INTAKE = ("hotline", "petition")
UNIT_GROUPINGS = ("town", "zone", "village", "grid")
QUOTA = 2  # the built-in policy's daily_reports_per_grid


def local(text: str) -> dt.datetime:
    d = dt.datetime.fromisoformat(text)
    return d if d.tzinfo else d.replace(tzinfo=TZ)


def fmt(d: dt.datetime) -> str:
    return d.astimezone(TZ).isoformat(timespec="seconds")


def ts(text: str):
    return dt.datetime.fromisoformat(text) if text else None


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    y, m = map(int, month.split("-"))
    start = dt.datetime(y, m, 1, tzinfo=TZ)
    end = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=TZ)
    return start, end


def day_bounds(first: str, last: str) -> tuple[dt.datetime, dt.datetime]:
    a = dt.datetime.fromisoformat(first).replace(tzinfo=TZ)
    b = dt.datetime.fromisoformat(last).replace(tzinfo=TZ) + dt.timedelta(days=1)
    return a, b


# ---- the world the scenario is generated in ---------------------------------------------------

class World:
    """The example county as the generator needs it: units, workers, the policy's categories."""

    def __init__(self, policy: dict):
        self.units = example_units()
        self.categories = {c["code"]: c for c in policy["categories"]}
        self.departments = [d["code"] for d in policy["departments"]]
        self.grid_worker: dict[str, str] = {}
        self.town_worker: dict[str, str] = {}
        self.dept_worker: dict[str, str] = {}
        self.whistlers: list[str] = []
        for w in worker_rows():
            if w["tier"] == "grid":
                self.grid_worker.setdefault(w["unit"], w["code"])
            elif w["tier"] == "town":
                self.town_worker.setdefault(self.ancestor(w["unit"], "town"), w["code"])
            elif w["deployment"] == "whistle":
                self.whistlers.append(w["code"])
            elif w["department"]:
                self.dept_worker.setdefault(w["department"], w["code"])
        self.grids_by_town: dict[str, list[str]] = defaultdict(list)
        for code, u in self.units.items():
            if u["level"] == "grid" and code in self.grid_worker:
                self.grids_by_town[self.ancestor(code, "town")].append(code)
        for g in self.grids_by_town.values():
            g.sort()
        self.towns = sorted(self.grids_by_town)

    def ancestor(self, code: str, level: str) -> str:
        for c in example_ancestors(code):
            if self.units[c]["level"] == level:
                return c
        raise KeyError((code, level))


class Sim:
    """One case driven by the closed loop's rules (README, docs/design.md §3): it keeps where the case
    stands, and records each move both as a gridctl command and as an event of the `events`
    column that `import cases` replays."""

    def __init__(self, world: World, *, source: str, kind: str, grid: str, category: str,
                 at: dt.datetime, title: str = "巡查发现"):
        self.w = world
        self.source, self.kind, self.grid, self.category = source, kind, grid, category
        self.reported_at = at
        self.title = title
        self.cat = world.categories[category]
        self.intake = source in INTAKE
        self.level = "county" if self.intake else "grid"
        self.unit = "" if self.intake else grid
        self.dept = ""
        self.status = "closed" if kind == "info" else "open"
        self.whistled: list[str] = []
        self.resolved_by = ""
        self.reporter = "C0001" if self.intake else world.grid_worker[grid]
        self.last = at
        self.events: list[dict] = []
        self.moves: list[tuple[list[str], str, dt.datetime]] = []  # (args after ID, actor, at)
        self.late_report = False  # the report recorded on the real clock: a late record
        self.late_moves: set[int] = set()  # indexes of moves recorded so
        self._event("report", at, self.reporter)

    # -- bookkeeping --
    def _event(self, type_: str, at: dt.datetime, actor: str, worker: str = "", note: str = ""):
        assert at >= self.last, (type_, at, self.last)
        self.last = at
        self.events.append({"type": type_, "at": fmt(at), "actor": actor, "level": self.level,
                            "unit": self.unit or None, "department": self.dept or None,
                            "worker": worker or None, "note": note or None})

    def _move(self, verb: str, args: list[str], actor: str, at: dt.datetime):
        self.moves.append(([verb, *args], actor, at))

    def live_only(self, args: list[str], actor: str, at: dt.datetime):
        """A move of rules 13–15 (extend, suspend, resume, supervise order, urge): run live only
        (the scripted cases), so not kept in `events` for the imports."""
        assert at >= self.last
        self.last = at
        self._move(args[0], args[1:], actor, at)

    def handler(self) -> str:
        """A worker who may act on the case where it stands."""
        if self.level in ("grid", "village"):
            return self.w.grid_worker[self.grid]
        if self.level in ("zone", "town"):
            return self.w.town_worker[self.w.ancestor(self.grid, "town")]
        if self.dept:
            return self.w.dept_worker[self.dept]
        return "C0001"  # the county platform

    def at_platform(self) -> bool:
        return self.level == "county" and not self.dept

    def can_resolve(self) -> bool:
        return (self.status == "open" and not self.at_platform()
                and LEVEL_IDX[self.level] <= LEVEL_IDX[self.cat["authority"]])

    def can_self_close(self) -> bool:
        return (self.status == "open" and self.level == "grid" and not self.intake
                and self.cat["authority"] == "grid")

    # -- moves --
    def escalate(self, at, to: str | None = None, department: str | None = None):
        assert self.status == "open" and self.level != "county"
        actor = self.handler()
        args = ["--reason", "上报"]
        if self.level == "town" or to == "county":
            dep = department or self.cat["department"]
            if department:
                args += ["--department", department]
            self.level, self.unit, self.dept = "county", "", dep
            self._move("escalate", args, actor, at)
            self._event("refer", at, actor, note="上报")
            return
        target = to or UP[self.level]
        if to:
            assert self.cat.get("urgent"), "only urgent categories skip levels"
            args += ["--to", to]
        self.level, self.unit, self.dept = target, self.w.ancestor(self.grid, target), ""
        self._move("escalate", args, actor, at)
        self._event("escalate", at, actor, note="上报")

    def dispatch(self, at, unit: str | None = None, department: str | None = None):
        assert self.status == "open" and self.level == "county" and self.intake
        if department:
            self.level, self.unit, self.dept = "county", "", department
            args = ["--department", department]
        else:
            self.level, self.unit, self.dept = self.w.units[unit]["level"], unit, ""
            args = ["--to", unit]
        self._move("dispatch", args, "C0001", at)
        self._event("dispatch", at, "C0001")

    def whistle(self, at, worker: str):
        assert self.status == "open" and self.level in ("zone", "town")
        assert worker not in self.whistled
        actor = self.handler()
        self.whistled.append(worker)
        self._move("whistle", ["--worker", worker], actor, at)
        self._event("whistle", at, actor, worker=worker)

    def resolve(self, at):
        assert self.can_resolve()
        actor = self.handler()
        self.status = "resolved"
        self.resolved_by = actor
        self._move("resolve", ["--note", "已处置"], actor, at)
        self._event("resolve", at, actor, note="已处置")

    def verifier(self):
        """Rule 7: the grid's worker, or its town's when the grid's worker did the work."""
        grid_worker = self.w.grid_worker[self.grid]
        if self.status == "resolved" and self.resolved_by == grid_worker:
            return self.w.town_worker[self.w.ancestor(self.grid, "town")]
        return grid_worker

    def close(self, at):
        assert self.status == "resolved" or self.can_self_close()
        actor = self.verifier()
        self.status = "closed"
        self._move("close", ["--note", "核查通过"], actor, at)
        self._event("close", at, actor, note="核查通过")

    def fail(self, at):
        assert self.status == "resolved"
        actor = self.verifier()
        self.status = "open"
        self._move("close", ["--fail", "--note", "x"], actor, at)
        self._event("rework", at, actor, note="x")

    def void(self, at):
        assert self.status in ("open", "resolved")
        actor = self.handler()
        self.status = "void"
        self._move("void", ["--reason", "重复"], actor, at)
        self._event("void", at, actor, note="重复")

    def reopen(self, at):
        assert self.status == "closed" and self.kind == "problem"
        actor = self.w.grid_worker[self.grid]
        self.status = "open"
        self._move("reopen", ["--reason", "复发"], actor, at)
        self._event("reopen", at, actor, note="复发")

    # -- a random walk through the loop --
    def walk(self, rng: random.Random, until: dt.datetime, steps: int = 12):
        if self.kind == "info":
            return
        t = self.last
        for _ in range(steps):
            if rng.random() < 0.7:
                t = t + dt.timedelta(seconds=rng.randint(600, 20 * 3600))
            else:
                t = t + dt.timedelta(seconds=rng.randint(20 * 3600, 170 * 3600))
            if t > until:
                return
            options: list[tuple[float, object]] = [(1.0, None)]  # None: stop here
            voidable = self.source != "patrol"  # see the module's report: no void patrol case
            if self.status == "open":
                if self.at_platform():
                    options.append((10, lambda t: self._random_dispatch(rng, t)))
                elif self.level == "county":  # at a department
                    options.append((8, self.resolve))
                    if self.intake:
                        options.append((1, lambda t: self.dispatch(t, unit=self.grid)))
                else:
                    if self.can_resolve():
                        options.append((6, self.resolve))
                    if self.can_self_close():
                        options.append((4, self.close))
                    options.append((3 if self.can_resolve() else 8, self.escalate))
                    if self.cat.get("urgent") and self.level == "grid":
                        options.append((1.5, lambda t: self.escalate(t, to="town")))
                    if self.level in ("zone", "town"):
                        free = [w for w in self.w.whistlers if w not in self.whistled]
                        options.append((2.5, lambda t: self.whistle(t, rng.choice(free))))
                if voidable:
                    options.append((0.6, self.void))
            elif self.status == "resolved":
                options += [(6, self.close), (2, self.fail)]
                if voidable:
                    options.append((0.3, self.void))
            elif self.status == "closed":
                options = [(6, None), (0.5, self.reopen)]
            else:
                return
            total = sum(w for w, _ in options)
            pick = rng.uniform(0, total)
            for weight, fn in options:
                pick -= weight
                if pick <= 0:
                    break
            if fn is None:
                return
            fn(t)

    def _random_dispatch(self, rng: random.Random, t):
        r = rng.random()
        if r < 0.35:
            dep = self.cat["department"] if rng.random() < 0.7 else rng.choice(self.w.departments)
            self.dispatch(t, department=dep)
        else:
            level = rng.choice(["town", "zone", "village", "grid"])
            self.dispatch(t, unit=self.w.ancestor(self.grid, level))


# ---- building the scenario ------------------------------------------------------------------

HISTORY_COLUMNS = ["ext_id", "source", "grid", "category", "kind", "title", "description",
                   "reporter", "reported_at", "status", "level", "department", "resolved_at",
                   "closed_at"]


class Scenario:
    """Builds the scenario in `box` (a copy of the full example county)."""

    SEED = 20260731

    def __init__(self, box: Sandbox):
        self.box = box
        self.rng = random.Random(self.SEED)
        r = box.gridctl("policy", "show", "--format", "json")
        assert r.rc == OK, r
        self.policy = r.json()
        self.world = World(self.policy)
        self.live: list[Sim] = []

    # -- helpers --
    def random_time(self, a: str, b: str) -> dt.datetime:
        lo, hi = local(a), local(b)
        return lo + dt.timedelta(seconds=self.rng.randint(0, int((hi - lo).total_seconds())))

    def near_boundary(self) -> dt.datetime:
        """A time within a few hours of a local month boundary (mostly July/August)."""
        edge = local("2026-08-01T00:00") if self.rng.random() < 0.75 else local("2026-07-01T00:00")
        return edge + dt.timedelta(seconds=self.rng.randint(-8 * 3600, 8 * 3600))

    def random_case(self, at: dt.datetime, source: str | None = None, kind: str | None = None,
                    town: str | None = None) -> Sim:
        w = self.world
        town = town or self.rng.choice(w.towns[:8])
        grid = self.rng.choice(w.grids_by_town[town][:40])
        category = self.rng.choice(sorted(w.categories))
        source = source or self.rng.choice(SOURCES)
        kind = kind or ("info" if self.rng.random() < 0.12 else "problem")
        return Sim(w, source=source, kind=kind, grid=grid, category=category, at=at)

    def gridctl_ok(self, *args: str, late: bool = False):
        # late: on the real clock, months after its --at, so recorded as a late record (rule 16)
        r = self.box.gridctl(*args, env=base_env() if late else None)
        if r.rc != OK:
            raise AssertionError(f"scenario command failed:\n{r}")
        return r

    # -- live --
    def run_live(self, sim: Sim, at_text: str | None = None):
        args = ["log", "--grid", sim.grid, "--category", sim.category, "--kind", sim.kind,
                "--source", sim.source, "--title", sim.title, "--as", sim.reporter,
                "--at", at_text or fmt(sim.reported_at)]
        if sim.intake:
            args += ["--ext-id", f"LIVE-{len(self.live) + 1:04d}"]
        r = self.gridctl_ok(*args, late=sim.late_report)
        cid = r.stdout.strip()
        for i, (move, actor, at) in enumerate(sim.moves):
            verb = move[:2] if move[0] == "supervise" else move[:1]  # `supervise order ID`
            self.gridctl_ok(*verb, cid, *move[len(verb):], "--as", actor, "--at", fmt(at),
                            late=i in sim.late_moves)
        self.live.append(sim)

    def scripted(self):
        """The boundary cases, by hand."""
        w = self.world
        g1 = "37132700100101"  # W0001's grid
        t2 = w.towns[3]
        g2 = w.grids_by_town[t2][0]

        # Reported 2026-07-31T22:30+08:00 (14:30 UTC), escalated and whistled in July, then
        # closed in August: July counts it as an open, escalated problem; August not at all.
        s = Sim(w, source="patrol", kind="problem", grid=g1, category="illegal_construction",
                at=local("2026-07-31T22:30"), title="东湖社区3号楼违建")
        s.escalate(local("2026-07-31T22:50"))
        s.escalate(local("2026-07-31T23:10"))
        s.whistle(local("2026-07-31T23:59:30"), "C0851")  # zone level, by T0001, in July
        s.escalate(local("2026-08-01T00:00:00"))          # exactly at the boundary: August
        s.whistle(local("2026-08-01T00:00:30"), "C0852")  # town level, in August
        s.escalate(local("2026-08-01T09:00"))             # referral in August
        s.resolve(local("2026-08-03T15:00"))
        s.fail(local("2026-08-04T10:00"))                 # rework in August
        s.resolve(local("2026-08-05T16:00"))
        s.close(local("2026-08-06T10:00"))
        self.run_live(s)

        # A hotline case reported 2026-08-01T01:00+08:00: still 2026-07-31 in UTC. Given in
        # UTC on the command line; it belongs to August.
        s = Sim(w, source="hotline", kind="problem", grid=g2, category="road_traffic",
                at=local("2026-08-01T01:00"), title="路灯不亮")
        s.dispatch(local("2026-08-01T08:00"), unit=w.ancestor(g2, "town"))
        s.resolve(local("2026-08-02T11:00"))
        s.close(local("2026-08-02T18:30"))
        self.run_live(s, at_text="2026-07-31T17:00:00Z")

        # Self-handled at the grid, reported on July 30, closed exactly at August's first
        # instant: in July it is open and overdue (deadline 24 h), not closed.
        s = Sim(w, source="patrol", kind="problem", grid=g1, category="environment_sanitation",
                at=local("2026-07-30T10:00"))
        s.close(local("2026-08-01T00:00:00"))
        self.run_live(s)

        # Closed on time in July a minute before the end.
        s = Sim(w, source="platform", kind="problem", grid=g2, category="environment_sanitation",
                at=local("2026-07-31T20:00"))
        s.resolve(local("2026-07-31T23:00"))
        s.close(local("2026-07-31T23:59"))
        self.run_live(s)

        # A June case with a whistle and a rework in July (counted in July, not as reported).
        s = Sim(w, source="surveillance", kind="problem", grid=g2, category="public_order",
                at=local("2026-06-30T23:30"))
        s.escalate(local("2026-07-01T00:10"), to="zone")  # urgent: grid → zone at once
        s.whistle(local("2026-07-01T00:20"), "C0853")
        s.resolve(local("2026-07-01T08:00"))
        s.fail(local("2026-07-01T20:00"))
        s.resolve(local("2026-07-02T08:00"))
        s.close(local("2026-07-02T09:00"))
        self.run_live(s)

        # A petition reported a second before August (local) and dispatched to a department in
        # August: a July problem, open at a department, not referred (a dispatch is no referral).
        s = Sim(w, source="petition", kind="problem", grid=g1, category="petition_matter",
                at=local("2026-07-31T23:59:59"))
        s.dispatch(local("2026-08-01T09:00"), department="petition")
        self.run_live(s)

        # Referred in July, rework across the boundary, reopened in August, closed late.
        s = Sim(w, source="patrol", kind="problem", grid=g2, category="food_drug_safety",
                at=local("2026-07-20T09:00"))
        s.escalate(local("2026-07-20T10:00"))
        s.escalate(local("2026-07-20T11:00"))
        s.escalate(local("2026-07-20T12:00"))
        s.escalate(local("2026-07-20T13:00"))  # → market
        s.resolve(local("2026-07-31T12:00"))   # 48 h deadline: late
        s.fail(local("2026-08-01T00:00:01"))
        s.resolve(local("2026-08-01T09:00"))
        s.close(local("2026-08-01T10:00"))
        s.reopen(local("2026-08-10T10:00"))
        s.resolve(local("2026-08-11T10:00"))
        s.close(local("2026-08-11T12:00"))
        self.run_live(s)

        # An intake case dispatched to a department, then on to a unit: the department it was
        # at last is still that department.
        s = Sim(w, source="hotline", kind="problem", grid=g1, category="dispute",
                at=local("2026-08-15T10:00"))
        s.dispatch(local("2026-08-15T11:00"), department="water")
        s.dispatch(local("2026-08-15T12:00"), unit=w.ancestor(g1, "village"))
        s.resolve(local("2026-08-15T18:00"))
        self.run_live(s)

        # Rule 13: extended before its due (2 working days), closed after the first due but
        # before the extended one: closed on time, and extended.
        town1 = w.ancestor(g1, "town")
        s = Sim(w, source="patrol", kind="problem", grid=g1, category="environment_sanitation",
                at=local("2026-07-27T09:00"))
        s.live_only(["extend", "--by", "3wd", "--reason", "等待材料"], w.town_worker[town1],
                    local("2026-07-28T10:00"))
        s.close(local("2026-08-03T09:00"))
        self.run_live(s)

        # Rule 14: suspended in July (suspended_open at July's end, never overdue), resumed in
        # August with its due moved out by the working days that passed; open past it at
        # August's end.
        s = Sim(w, source="patrol", kind="problem", grid=g1, category="environment_sanitation",
                at=local("2026-07-20T09:00"))
        s.live_only(["suspend", "--reason", "历史遗留问题，正在协调解决"], w.town_worker[town1],
                    local("2026-07-21T10:00"))
        s.live_only(["resume", "--note", "协调完毕"], w.town_worker[town1],
                    local("2026-08-12T10:00"))
        self.run_live(s)

        # Rule 15: a supervision order in August with a time in August, the case still open at
        # the end: supervised, and supervision_overdue; urged by its town.
        s = Sim(w, source="patrol", kind="problem", grid=g2, category="illegal_construction",
                at=local("2026-08-03T09:00"))
        s.escalate(local("2026-08-03T10:00"))
        s.live_only(["supervise", "order", "--by", "2026-08-20", "--note", "限期解决"], "C0001",
                    local("2026-08-05T09:00"))
        s.live_only(["urge", "--note", "请加快办理"], w.town_worker[t2],
                    local("2026-08-06T09:00"))
        self.run_live(s)
        # An order whose time has not come by August's end: supervised, not overdue.
        s = Sim(w, source="patrol", kind="problem", grid=g2, category="illegal_construction",
                at=local("2026-08-25T09:00"))
        s.live_only(["supervise", "order", "--by", "2026-09-30", "--note", "限期解决"], "admin",
                    local("2026-08-26T09:00"))
        self.run_live(s)

        # Rule 16: a close recorded months after its --at counts at its recorded time (not on
        # time); a report recorded so does not count for the quota.
        s = Sim(w, source="patrol", kind="problem", grid=g1, category="environment_sanitation",
                at=local("2026-07-27T11:00"))
        s.close(local("2026-07-27T15:00"))
        s.late_moves.add(len(s.moves) - 1)
        self.run_live(s)
        for hour in ("08", "09"):
            s = Sim(w, source="patrol", kind="info", grid=g2, category="livelihood_services",
                    at=local(f"2026-08-18T{hour}:00"))
            s.late_report = True
            self.run_live(s)

        # Info cases and a void one.
        for text, source in (("2026-07-31T23:45", "patrol"), ("2026-08-01T00:15", "platform")):
            self.run_live(Sim(w, source=source, kind="info", grid=g1,
                              category="livelihood_services", at=local(text)))
        s = Sim(w, source="platform", kind="problem", grid=g1, category="dispute",
                at=local("2026-07-31T21:00"))
        s.void(local("2026-08-01T08:00"))  # void in August: still a problem in July
        self.run_live(s)

    def random_live(self, n: int):
        for _ in range(n):
            at = self.near_boundary() if self.rng.random() < 0.5 else self.random_time(
                "2026-06-25T00:00", "2026-08-31T23:00")
            s = self.random_case(at)
            s.walk(self.rng, local("2026-09-10T00:00"))
            self.run_live(s)

    # -- imports --
    def events_import(self, n: int):
        """Cases with a whole `events` history: half NDJSON (events as an array), half CSV
        (events as a JSON string)."""
        ndjson_lines, csv_rows = [], []
        for i in range(n):
            at = self.near_boundary() if self.rng.random() < 0.4 else self.random_time(
                "2026-06-20T00:00", "2026-08-31T23:59")
            s = self.random_case(at)
            s.walk(self.rng, local("2026-09-15T00:00"))
            row = {"ext_id": f"EV-{i:05d}", "source": s.source, "grid": s.grid,
                   "category": s.category, "kind": s.kind, "title": s.title,
                   "reporter": s.reporter, "reported_at": fmt(s.reported_at)}
            if s.kind == "problem":
                row["events"] = s.events
            if i % 2:
                ndjson_lines.append(json.dumps(row, ensure_ascii=False))
            else:
                if "events" in row:
                    row["events"] = json.dumps(row["events"], ensure_ascii=False)
                csv_rows.append(row)
        nd = self.box.write("events.ndjson", "\n".join(ndjson_lines) + "\n")
        out = io.StringIO()
        wr = csv.DictWriter(out, fieldnames=["ext_id", "source", "grid", "category", "kind",
                                             "title", "reporter", "reported_at", "events"])
        wr.writeheader()
        wr.writerows(csv_rows)
        cf = self.box.write("events.csv", out.getvalue())
        self.gridctl_ok("import", "cases", nd, cf)

    def history_import(self, n: int):
        """Cases with history columns (status, level, department, resolved_at, closed_at)."""
        w = self.world
        rows = []
        for i in range(n):
            at = self.near_boundary() if self.rng.random() < 0.4 else self.random_time(
                "2026-06-20T00:00", "2026-08-31T23:59")
            town = self.rng.choice(w.towns[:10])
            grid = self.rng.choice(w.grids_by_town[town][:30])
            cat_code = self.rng.choice(sorted(w.categories))
            cat = w.categories[cat_code]
            source = self.rng.choice(SOURCES)
            intake = source in INTAKE
            row = dict.fromkeys(HISTORY_COLUMNS, "")
            row.update(ext_id=f"H-{i:05d}", source=source, grid=grid, category=cat_code,
                       kind="problem", title=f"事项{i}，\"转\"", reporter=(
                           "C0001" if intake else w.grid_worker[grid]))
            # Some times in UTC ("Z"), some without offset (local), most with +08:00.
            style = self.rng.random()
            if style < 0.1:
                row["reported_at"] = at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            elif style < 0.2:
                row["reported_at"] = at.strftime("%Y-%m-%dT%H:%M:%S")
            else:
                row["reported_at"] = fmt(at)
            if self.rng.random() < 0.15:
                row["kind"] = "info"
                rows.append(row)
                continue
            # Where it was handled last.
            r = self.rng.random()
            if r < 0.25:
                level, dept = "county", self.rng.choice([cat["department"], "enforcement"])
            elif intake and r < 0.35:
                level, dept = "county", ""  # still at the county platform
            else:
                level = self.rng.choice(["grid", "village", "zone", "town"])
                dept = ""
            row["level"] = level if (level != "county" or not dept or
                                     self.rng.random() < 0.5) else ""
            row["department"] = dept
            can_resolve = (level == "county" and dept) or (
                level != "county" and LEVEL_IDX[level] <= LEVEL_IDX[cat["authority"]])
            self_close = level == "grid" and not intake and cat["authority"] == "grid"
            choices = ["open"]
            if can_resolve:
                choices += ["resolved", "closed", "closed", "closed"]
            if self_close:
                choices += ["self_closed"]
            if source != "patrol":
                choices += ["void"]
            status = self.rng.choice(choices)
            t_res = at + dt.timedelta(seconds=self.rng.randint(1800, 150 * 3600))
            t_close = t_res + dt.timedelta(seconds=self.rng.randint(600, 40 * 3600))
            if status == "resolved":
                row["resolved_at"] = fmt(t_res)
            elif status == "closed":
                row["resolved_at"], row["closed_at"] = fmt(t_res), fmt(t_close)
            elif status == "self_closed":
                row["closed_at"] = fmt(t_res)
                status = "closed"
            # The status column is optional: the times say it, unless void or given.
            row["status"] = status if (status == "void" or self.rng.random() < 0.6) else ""
            rows.append(row)
        out = io.StringIO()
        wr = csv.DictWriter(out, fieldnames=HISTORY_COLUMNS)
        wr.writeheader()
        wr.writerows(rows)
        self.gridctl_ok("import", "cases", self.box.write("history.csv", out.getvalue()))

    def quota_import(self):
        """Patrol reports for the daily quota (>= 2 patrol reports on a local day), with other
        sources on the same grid-days and reports on both sides of local midnight."""
        w = self.world
        rows = []
        n = 0

        def add(grid, at, source="patrol", kind="info"):
            nonlocal n
            n += 1
            row = dict.fromkeys(HISTORY_COLUMNS, "")
            row.update(ext_id=f"Q-{n:06d}", source=source, grid=grid,
                       category="livelihood_services", kind=kind, title="巡查走访",
                       reporter=w.grid_worker[grid], reported_at=fmt(at))
            if kind == "problem":  # self-handled in the grid, within the day
                row.update(category="environment_sanitation", status="closed",
                           closed_at=fmt(at + dt.timedelta(hours=2)))
            rows.append(row)

        grids = []
        for town in w.towns[:7]:
            grids += w.grids_by_town[town][40:46]
        day = dt.date(2026, 6, 28)
        while day <= dt.date(2026, 9, 2):
            for g in grids:
                k = self.rng.choices([0, 1, 2, 3], weights=[3, 3, 4, 1])[0]
                for _ in range(k):
                    at = dt.datetime(day.year, day.month, day.day, tzinfo=TZ) + dt.timedelta(
                        seconds=self.rng.randint(0, 86399))
                    add(g, at, kind="problem" if self.rng.random() < 0.1 else "info")
                if k == 1 and self.rng.random() < 0.3:  # a second report, not a patrol one
                    add(g, dt.datetime(day.year, day.month, day.day, 12, tzinfo=TZ),
                        source=self.rng.choice(["surveillance", "platform"]))
            day += dt.timedelta(days=1)
        # Local midnight: 23:30 and 00:30 are two local days (one UTC day) — neither met;
        # 01:00 and 07:00 on August 1 are one local day (two UTC days) — met.
        a, b = w.grids_by_town[w.towns[8]][50], w.grids_by_town[w.towns[9]][50]
        add(a, local("2026-07-31T23:30"))
        add(a, local("2026-08-01T00:30"))
        add(b, local("2026-08-01T01:00"))
        add(b, local("2026-08-01T07:00"))
        add(b, local("2026-07-31T07:59"))  # 2026-07-30T23:59Z
        out = io.StringIO()
        wr = csv.DictWriter(out, fieldnames=HISTORY_COLUMNS)
        wr.writeheader()
        wr.writerows(rows)
        self.gridctl_ok("import", "cases", "--batch-size", "500",
                        self.box.write("quota.csv", out.getvalue()))

    def build(self):
        self.scripted()
        self.random_live(40)
        self.events_import(240)
        self.history_import(220)
        self.quota_import()


# ---- the recount ----------------------------------------------------------------------------

def load_events(text: str) -> dict[int, dict]:
    """case id → {kind, source, grid, category, reported_at, events[]} from `export events`."""
    cases: dict[int, dict] = {}
    for r in csv.DictReader(io.StringIO(text, newline="")):
        cid = int(r["case_id"])
        c = cases.setdefault(cid, {"id": cid, "kind": r["kind"], "source": r["source"],
                                   "grid": r["grid"], "category": r["category"],
                                   "reported_at": ts(r["reported_at"]), "events": []})
        c["events"].append({"type": r["type"], "at": ts(r["at"]), "actor": r["actor"],
                            "recorded_at": ts(r["recorded_at"]),
                            "late_record": r["late_record"] == "true",
                            "department": r["department"], "deadline": ts(r["deadline"]),
                            "due": ts(r["due"]), "by": ts(r["by"])})
    return cases


def counted(e: dict) -> dt.datetime:
    """Rule 16: a late record counts at its recorded time."""
    return e["recorded_at"] if e["late_record"] else e["at"]


class Outcome:
    def __init__(self, c: dict, end: dt.datetime):
        status = None
        deadline = due = by = None
        suspended = False
        self.stage_late = self.escalated = self.referred = self.extended = False
        self.department = ""
        closed_at = None

        def stage_ran_late(until):
            return (status == "open" and not suspended and deadline is not None
                    and until > deadline)

        for i, e in enumerate(c["events"]):
            if e["at"] >= end:
                break
            if i > 0 and stage_ran_late(min(counted(e), end)):
                self.stage_late = True
            t = e["type"]
            if t == "report":
                status = "closed" if c["kind"] == "info" else "open"
            elif t in ("escalate", "refer", "dispatch", "reopen", "rework"):
                status = "open"
            elif t == "resolve":
                status = "resolved"
            elif t == "close":
                status = "closed"
                closed_at = counted(e)
            elif t == "void":
                status = "void"
                suspended = False
            elif t == "suspend":
                suspended = True
            elif t == "resume":
                suspended = False
            elif t == "extend":
                self.extended = True
            elif t == "supervise":
                by = e["by"]
            if t != "whistle":
                deadline = e["deadline"]
            due = e["due"]
            if t in ("escalate", "refer"):
                self.escalated = True
            if t == "refer":
                self.referred = True
            if e["department"]:
                self.department = e["department"]
        if stage_ran_late(end):
            self.stage_late = True
        self.problem = c["kind"] == "problem" and status != "void"
        self.closed = self.problem and status == "closed"
        self.closed_on_time = self.closed and (due is None or closed_at <= due)
        self.overdue_open = (self.problem and status == "open" and not suspended
                             and due is not None and due < end)
        self.suspended_open = self.problem and status == "open" and suspended
        self.supervision_overdue = (self.problem and status in ("open", "resolved")
                                    and by is not None and by < end)
        self.hours = ((closed_at - c["reported_at"]).total_seconds() / 3600.0
                      if self.closed else None)
        for k in ("escalated", "referred", "extended", "stage_late"):
            setattr(self, k, getattr(self, k) and self.problem)


class Recount:
    """The §7 statistics of a period, recounted from the exported events."""

    def __init__(self, cases: dict[int, dict], policy: dict):
        self.cases = cases
        self.units = example_units()
        self.grids = [c for c, u in self.units.items() if u["level"] == "grid"]
        self.dept_names = {d["code"]: d["name"] for d in policy["departments"]}
        self.cat_names = {c["code"]: c["name"] for c in policy["categories"]}
        self.grid_workers_of: dict[str, set] = defaultdict(set)
        # Party members (党员): the workers file's party_member column.
        self.members: set = set()
        for w in worker_rows():
            if w["tier"] == "grid":
                self.grid_workers_of[w["unit"]].add(w["code"])
            if w.get("party_member") in ("是", "yes"):
                self.members.add(w["code"])

    @staticmethod
    def reporter(c: dict) -> str:
        """Who reported the case: the actor of its report event."""
        return next(e["actor"] for e in c["events"] if e["type"] == "report")

    def unit_of(self, grid: str, level: str) -> str:
        for c in example_ancestors(grid):
            if self.units[c]["level"] == level:
                return c
        raise KeyError(grid)

    def key(self, g: str, c: dict, department: str) -> tuple[str, str]:
        if g in UNIT_GROUPINGS:
            u = self.unit_of(c["grid"], g)
            return u, self.units[u]["name"]
        if g == "department":
            return department, self.dept_names.get(department, "(none)")
        if g == "category":
            return c["category"], self.cat_names[c["category"]]
        return c["source"], c["source"]

    def all_groups(self, g: str) -> list[tuple[str, str]]:
        if g in UNIT_GROUPINGS:
            return [(c, u["name"]) for c, u in self.units.items() if u["level"] == g]
        if g == "department":
            return list(self.dept_names.items())
        if g == "category":
            return list(self.cat_names.items())
        return [(s, s) for s in SOURCES]

    @staticmethod
    def empty_row(group: str, name: str) -> dict:
        return {"group": group, "name": name, "reported": 0, "problems": 0, "closed": 0,
                "closed_on_time": 0, "escalated": 0, "referred": 0, "whistles": 0, "rework": 0,
                "overdue_open": 0, "stage_late": 0, "extended": 0, "suspended_open": 0,
                "supervised": 0, "supervision_overdue": 0, "verified_by_admin": 0, "hours": [],
                "reported_by_party_members": 0, "handled_by_party_members": 0,
                "quota_days_met": None,
                "grid_days": None}

    def rows(self, start: dt.datetime, end: dt.datetime, by: list[str]) -> dict[str, dict]:
        rows: dict[str, dict] = {}

        def row(keys):
            code = "/".join(k for k, _ in keys)
            if code not in rows:
                rows[code] = self.empty_row(code, "/".join(n for _, n in keys))
            return rows[code]

        if len(by) == 1:
            for k in self.all_groups(by[0]):
                row([k])
        total = self.empty_row(COUNTY_CODE, COUNTY_NAME)
        targets = lambda c, dep: [total] + ([row([self.key(g, c, dep) for g in by])]
                                            if by else [])
        for c in self.cases.values():
            if start <= c["reported_at"] < end:
                o = Outcome(c, end)
                # Party figures: a member reported it; a member recorded its last resolve
                # before the end (problems only).
                resolves = [e for e in c["events"] if e["type"] == "resolve" and e["at"] < end]
                by_member = bool(resolves) and resolves[-1]["actor"] in self.members
                for r in targets(c, o.department):
                    r["reported"] += 1
                    r["reported_by_party_members"] += self.reporter(c) in self.members
                    if o.problem:
                        r["handled_by_party_members"] += by_member
                        r["problems"] += 1
                        r["closed"] += o.closed
                        r["closed_on_time"] += o.closed_on_time
                        r["escalated"] += o.escalated
                        r["referred"] += o.referred
                        for k in ("overdue_open", "stage_late", "extended", "suspended_open",
                                  "supervision_overdue"):
                            r[k] += getattr(o, k)
                        if o.hours is not None:
                            r["hours"].append(o.hours)
            for e in c["events"]:
                if not start <= e["at"] < end:
                    continue
                field = {"whistle": "whistles", "rework": "rework",
                         "supervise": "supervised"}.get(e["type"])
                if e["type"] == "close" and e["actor"] == "admin":
                    field = "verified_by_admin"  # rule 7: closes recorded by admin
                if field:
                    for r in targets(c, e["department"]):
                        r[field] += 1

        # The daily quota (rule 12): valid patrol reports per grid and local day, by a grid
        # worker of that grid, not void.
        per_day = Counter()
        for c in self.cases.values():
            if (c["source"] == "patrol" and start <= c["reported_at"] < end
                    and not any(e["type"] == "void" for e in c["events"])
                    and not c["events"][0]["late_record"]
                    and self.reporter(c) in self.grid_workers_of.get(c["grid"], ())):
                per_day[(c["grid"], c["reported_at"].astimezone(TZ).date())] += 1
        met = Counter(g for (g, _), n in per_day.items() if n >= QUOTA)
        days = round((end - start).total_seconds() / 86400)
        total["quota_days_met"] = sum(met.values())
        total["grid_days"] = len(self.grids) * days
        if len(by) == 1 and by[0] in UNIT_GROUPINGS:
            for r in rows.values():
                r["quota_days_met"], r["grid_days"] = 0, 0
            for g in self.grids:
                r = rows[self.unit_of(g, by[0])]
                r["quota_days_met"] += met[g]
                r["grid_days"] += days
        out = {code: self.finish(r) for code, r in rows.items()}
        out[COUNTY_CODE] = self.finish(total)
        return out

    @staticmethod
    def finish(r: dict) -> dict:
        out = {k: r[k] for k in ("group", "name", "reported", "problems", "closed",
                                 "closed_on_time")}
        p = r["problems"]
        out["resolution_rate"] = r["closed"] / p if p else 0.0
        out["on_time_rate"] = r["closed_on_time"] / p if p else 0.0
        for k in ("escalated", "referred", "whistles", "rework", "overdue_open", "stage_late",
                  "extended", "suspended_open", "supervised", "supervision_overdue",
                  "verified_by_admin"):
            out[k] = r[k]
        h = sorted(r["hours"])
        if not h:
            out["median_hours_to_close"] = None
        elif len(h) % 2:
            out["median_hours_to_close"] = h[len(h) // 2]
        else:
            out["median_hours_to_close"] = (h[len(h) // 2 - 1] + h[len(h) // 2]) / 2
        out["quota_days_met"] = r["quota_days_met"]
        if r["grid_days"] is None:
            out["quota_rate"] = None
        else:
            out["quota_rate"] = r["quota_days_met"] / r["grid_days"] if r["grid_days"] else 0.0
        out["reported_by_party_members"] = r["reported_by_party_members"]
        out["handled_by_party_members"] = r["handled_by_party_members"]
        return out


# ---- the tests ------------------------------------------------------------------------------

class StatsRecount(unittest.TestCase):
    """`stats monthly` and `stats summary` against a plain recount of `export events`."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.box = Sandbox("full")
        try:
            cls.scenario = Scenario(cls.box)
            cls.scenario.build()
            r = cls.box.gridctl("export", "events", "--format", "csv")
            assert r.rc == OK, r
            cls.events_csv = r.stdout
            cls.cases = load_events(r.stdout)
            cls.recount = Recount(cls.cases, cls.scenario.policy)
        except BaseException:
            cls.box.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()

    # -- comparing --
    def gridctl_json(self, *args: str, box: Sandbox | None = None):
        r = (box or self.box).gridctl(*args, "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        return r.json()

    def compare(self, what: str, got: list, expected: dict[str, dict], total_last=True):
        problems = []
        for row in got:
            keys = list(row.keys())
            if keys != ["group", "name", *STAT_FIELDS]:
                problems.append(f"row {row.get('group')!r}: keys {keys}")
                break
        self.assertTrue(got, f"{what}: no rows")
        if total_last:
            self.assertEqual(got[-1]["group"], COUNTY_CODE,
                             f"{what}: the last row is the county total")
        by_group = {}
        for row in got:
            g = row["group"] if row["group"] is not None else ""
            if g in by_group:
                problems.append(f"group {g!r} appears twice")
            by_group[g] = row
        missing = sorted(set(expected) - set(by_group))
        extra = sorted(set(by_group) - set(expected))
        if missing:
            problems.append(f"groups missing from gridctl's output: {missing[:10]}")
        if extra:
            problems.append(f"groups gridctl shows that the recount has not: {extra[:10]}")
        # Rows whose group code differs are still compared, matched by name.
        pairs = [(g, g) for g in sorted(set(expected) & set(by_group))]
        extra_by_name = {by_group[g]["name"]: g for g in extra}
        for g in missing:
            if expected[g]["name"] in extra_by_name:
                pairs.append((g, extra_by_name[expected[g]["name"]]))
        for g, gg in pairs:
            e, r = expected[g], by_group[gg]
            if r["name"] != e["name"]:
                problems.append(f"{g}: name: expected {e['name']!r}, got {r['name']!r}")
            for f in STAT_FIELDS:
                ev, rv = e[f], r.get(f)
                if ev is None or rv is None:
                    ok = ev is None and rv is None
                elif f in FLOAT_FIELDS:
                    ok = (isinstance(rv, (int, float)) and not isinstance(rv, bool)
                          and abs(ev - rv) <= 1e-9)
                else:
                    ok = type(rv) is int and rv == ev
                if not ok:
                    problems.append(f"{g}: {f}: expected {ev!r}, got {rv!r}")
        if problems:
            self.fail(f"{what}: {len(problems)} difference(s) from the recount:\n  "
                      + "\n  ".join(problems[:40]))

    def check_monthly(self, month: str, by: str):
        start, end = month_bounds(month)
        got = self.gridctl_json("stats", "monthly", "--month", month, "--by", by)
        self.compare(f"stats monthly --month {month} --by {by}", got,
                     self.recount.rows(start, end, by.split(",")))

    def check_summary(self, first: str, last: str):
        start, end = day_bounds(first, last)
        got = self.gridctl_json("stats", "summary", "--from", first, "--to", last)
        self.assertEqual(len(got), 1, f"summary is the county total alone: {got}")
        self.compare(f"stats summary --from {first} --to {last}", got,
                     self.recount.rows(start, end, []))

    # -- the scenario has what it should --
    def test_scenario_covers_the_cases_that_matter(self):
        cases = self.cases
        jul = month_bounds("2026-07")
        aug = month_bounds("2026-08")
        types = Counter(e["type"] for c in cases.values() for e in c["events"])
        for t in ("report", "escalate", "refer", "dispatch", "whistle", "resolve", "close",
                  "rework", "reopen", "void", "extend", "suspend", "resume", "supervise", "urge"):
            self.assertGreater(types[t], 0, f"no {t} event in the scenario")
        late = [e for c in cases.values() for e in c["events"] if e["late_record"]]
        self.assertEqual(Counter(e["type"] for e in late), {"report": 2, "close": 1})
        # Each new §7 field is non-zero somewhere, so that the recount compares real figures.
        jul_outcomes = [Outcome(c, jul[1]) for c in cases.values()
                        if jul[0] <= c["reported_at"] < jul[1]]
        aug_outcomes = [Outcome(c, aug[1]) for c in cases.values()
                        if aug[0] <= c["reported_at"] < aug[1]]
        self.assertTrue(any(o.suspended_open for o in jul_outcomes))
        self.assertTrue(any(Outcome(c, aug[1]).extended and Outcome(c, aug[1]).closed_on_time
                            for c in cases.values() if jul[0] <= c["reported_at"] < jul[1]))
        self.assertTrue(any(o.stage_late for o in aug_outcomes))
        self.assertTrue(any(o.supervision_overdue for o in aug_outcomes))
        self.assertFalse(all(o.supervision_overdue for o in aug_outcomes))
        for lo, hi in (jul, aug):
            in_period = [c for c in cases.values() if lo <= c["reported_at"] < hi]
            self.assertEqual({c["source"] for c in in_period}, set(SOURCES))
            self.assertGreaterEqual(len({self.recount.unit_of(c["grid"], "town")
                                         for c in in_period}), 5)
            self.assertGreaterEqual(len({c["category"] for c in in_period}), 10)
            self.assertTrue(any(c["kind"] == "info" for c in in_period))
            for t in ("whistle", "rework"):
                self.assertTrue(any(e["type"] == t and lo <= e["at"] < hi
                                    for c in cases.values() for e in c["events"]), t)
            outcomes = [Outcome(c, hi) for c in in_period]
            self.assertTrue(any(o.overdue_open for o in outcomes), "no overdue_open")
            self.assertTrue(any(o.closed and not o.closed_on_time for o in outcomes))
            self.assertTrue(any(o.closed_on_time for o in outcomes))
            self.assertTrue(any(o.referred for o in outcomes))
            self.assertTrue(any(not o.problem and c["kind"] == "problem"
                                for o, c in zip(outcomes, in_period)), "no void problem")
        # Reported in July (local), closed in August.
        crossing = [c for c in cases.values() if jul[0] <= c["reported_at"] < jul[1]
                    and any(e["type"] == "close" and e["at"] >= jul[1] for e in c["events"])]
        self.assertTrue(crossing)
        # A case whose local month differs from its UTC month.
        self.assertTrue(any(c["reported_at"].astimezone(UTC).month == 7
                            and c["reported_at"].astimezone(TZ).month == 8
                            for c in cases.values()))
        # Whistles at zone and at town level.
        r = self.box.gridctl("export", "events", "--format", "json")
        levels = {e["level"] for e in r.json() if e["type"] == "whistle"}
        self.assertLessEqual({"zone", "town"}, levels)

    def test_export_events_is_in_order_per_case(self):
        for c in self.cases.values():
            ats = [e["at"] for e in c["events"]]
            self.assertEqual(ats, sorted(ats), f"case {c['id']}")
            self.assertEqual(c["events"][0]["type"], "report", f"case {c['id']}")
            self.assertEqual(c["events"][0]["at"], c["reported_at"], f"case {c['id']}")

    def test_default_grouping_is_town(self):
        a = self.gridctl_json("stats", "monthly", "--month", "2026-07")
        b = self.gridctl_json("stats", "monthly", "--month", "2026-07", "--by", "town")
        self.assertEqual(a, b)

    def test_monthly_two_way_town_category(self):
        self.check_monthly("2026-07", "town,category")

    def test_monthly_two_way_department_source(self):
        self.check_monthly("2026-08", "department,source")

    def test_monthly_by_zone(self):
        self.check_monthly("2026-08", "zone")

    def test_monthly_by_grid(self):
        self.check_monthly("2026-08", "grid")

    def test_two_way_group_of_a_case_with_no_department(self):
        # Two-way groups are "a/b" (stats.hpp); a case at no department is group "" under
        # department, so its two-way group is "/hotline", not "hotline" (which reads as a
        # one-way source group).
        got = self.gridctl_json("stats", "monthly", "--month", "2026-08", "--by",
                                "department,source")
        none_rows = [r for r in got if r["name"].startswith("(none)/")]
        self.assertTrue(none_rows)
        for r in none_rows:
            self.assertEqual(r["group"], "/" + r["name"].split("/", 1)[1], r)

    def test_month_without_cases(self):
        self.check_monthly("2026-03", "town")

    def test_summary_july_15_to_august_10(self):
        self.check_summary("2026-07-15", "2026-08-10")

    def test_summary_whole_scenario(self):
        self.check_summary("2026-06-01", "2026-09-30")

    def test_summary_single_day_august_1(self):
        self.check_summary("2026-08-01", "2026-08-01")

    def test_summary_of_a_month_equals_the_monthly_total(self):
        s = self.gridctl_json("stats", "summary", "--from", "2026-07-01", "--to", "2026-07-31")
        m = self.gridctl_json("stats", "monthly", "--month", "2026-07", "--by", "category")
        self.assertEqual(s[-1], m[-1])

    def test_reimport_of_the_cases_export_gives_the_same_statistics(self):
        r = self.box.gridctl("export", "cases", "--format", "csv")
        self.assertEqual(r.rc, OK, str(r))
        other = Sandbox("full")
        try:
            path = other.write("cases-export.csv", r.stdout_bytes)
            imp = other.gridctl("import", "cases", path)
            self.assertEqual(imp.rc, OK, str(imp))
            self.assertEqual(len(r.csv_rows()), len(self.cases))
            for args in (["monthly", "--month", "2026-07", "--by", "town"],
                         ["monthly", "--month", "2026-08", "--by", "town"],
                         ["monthly", "--month", "2026-07", "--by", "department"],
                         ["monthly", "--month", "2026-08", "--by", "department"],
                         ["monthly", "--month", "2026-07", "--by", "category"],
                         ["monthly", "--month", "2026-08", "--by", "source"],
                         ["monthly", "--month", "2026-08", "--by", "town,category"],
                         ["summary", "--from", "2026-06-01", "--to", "2026-09-30"]):
                self.assertEqual(self.gridctl_json("stats", *args),
                                 self.gridctl_json("stats", *args, box=other),
                                 f"stats {' '.join(args)} after re-import")
            # And a second import of the same export adds nothing.
            again = other.gridctl("import", "cases", path)
            self.assertEqual(again.rc, OK, str(again))
            self.assertIn("already present", again.stderr)
        finally:
            other.cleanup()


def _add_monthly(month: str, by: str):
    def test(self):
        self.check_monthly(month, by)
    test.__name__ = f"test_monthly_{month.replace('-', '_')}_by_{by}"
    setattr(StatsRecount, test.__name__, test)


for _month in ("2026-07", "2026-08"):
    for _by in ("town", "category", "department", "source"):
        _add_monthly(_month, _by)


if __name__ == "__main__":
    unittest.main()
