"""The independent recount of issue 12: every figure of `attendance`, `assess` and `subsidies`
recomputed in plain Python from files only — `export events`, the attendance CSV the test
imports, the example layout and workers, and the policy TOML (tomllib) — and compared field by
field; and the same commands are reproducible byte for byte.

The scenario, over the example county (a copy of the "full" template) with a policy of our own
(the example policy's settings, departments and categories, plus six indicators: a target rate,
a ceiling rate, a ceiling count, quota_rate, attendance_rate and rework_rate, and `[subsidies]`):
- September 2026 cases through real gridctl commands under faketime (test_stats_recount's Sim
  and Scenario.run_live): reports, escalations, referrals and dispatches to departments,
  whistles of on-call county workers on several days (one worker twice on one day; one whistle
  at 2026-09-01T00:10+08:00, still August in UTC; one at 2026-10-01T00:30+08:00, October),
  resolves, closes, close --fail (rework), voids (a patrol report among them), a late-recorded
  patrol report; random walks; daily patrol reports imported for a few grids; a few August
  cases. Five towns have cases; a sixth only four problems that stay open past their time (its
  score below the tie of the towns with no cases at all).
- `gridctl workers retire` of a county resident worker, run under faketime at
  2026-09-16T12:00+08:00.
- An attendance file generated here: check-ins and patrol points on working days, a weekend
  patrol record, a holiday check-in (2026-09-25), one on the make-up workday (2026-09-20), a
  record outside the worker's scope, a duplicate (worker, at) row (the same instant written in
  UTC, at another grid), rows across the local month boundary, rows with no offset and with a
  blank kind, the retired worker's rows before, on and after the retirement day. Most workers
  have no records at all. It is imported with --dry-run (nothing written), then twice (the second
  adds nothing).
- Months compared: 2026-09 (the scenario), 2026-08 (a few cases, one attendance record) and 2026-03
  (nothing at all: every problem-based rate null, scores scaled from what remains).

Our reading of the spec (/tmp/brief/spec12.md, docs/design.md §12) where it leaves room:
- A worker is serving on a local date d when not retired, or retired at a time whose local date
  is after d. Retirement keeps the worker's units, so their scope and town stay as they were.
- Evidence in a month: attendance records with `at` in the month (after de-duplication on
  (worker, instant): the first row in file order wins, whatever its grid and kind; a blank kind
  is `checkin`), and patrol reports: cases with source `patrol` whose report event names the
  worker as actor, reported in the month, with no `void` event at all (as the daily quota of
  test_stats_recount), whose report event is not a late record.
- `patrol_days`, `grids_covered` and `out_of_scope` count all evidence of the month, also on
  days the worker does not serve (the spec puts the serving condition on `days_present` only).
  Each evidence item counts once for `out_of_scope`, patrol reports included.
- `--by town` sums the per-worker `grids_covered` (no de-duplication across workers); a town
  with no workers' days gives attendance_rate 0 (as per worker), the county total row covers
  every listed worker, whistle workers included.
- Assessment values come from the §7 recount of test_stats_recount (`stats monthly` rows);
  resolution_rate and on_time_rate null when problems = 0, rework_rate = rework / closed (null
  when closed = 0), quota_rate null for departments. A department's attendance_rate is over its
  county-tier workers of any deployment (whistle workers too).
- JSON `score` and `points` may be given rounded to cents or unrounded: either must match the
  recount (rounded: exactly its cents; unrounded: within 1e-9); `value` within 1e-9. In CSV the
  score and points are the recount's cents; ranks compare cents.
- `unit` of a worker who serves no unit (a whistle worker) is null, as in `workers list`.
- Subsidies: all worker rows first, by department in the policy's order (workers without one
  last), then worker code — as the README says; spec12 says "(department code, worker code)",
  which orders departments otherwise — then the department rows (policy order; `deployment` not
  compared on them), then the county total, whose `days` and `amount` are the sums over every
  worker row. A whistle worker's days count whistle events by
  their `at` (not their recorded time), in any case, void ones too.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import random
import shutil
import subprocess
import tomllib
import unittest
from collections import defaultdict

from gridctl_harness import (skip_on_postgresql, COUNTY_CODE, COUNTY_NAME, GRIDCTL, OK, Sandbox, example,
                             example_ancestors, example_units, faketime_env, layout_rows, run,
                             worker_rows)
from test_stats_recount import Recount, Scenario, Sim, load_events, local, month_bounds

TZ = dt.timezone(dt.timedelta(hours=8))
UTC = dt.timezone.utc
MONTH = "2026-09"
SEED = 20260916
RETIRED_AT = dt.datetime(2026, 9, 16, 12, 0, tzinfo=TZ)

# (field, weight, target|ceiling, bound): weights sum to 100.
INDICATORS = [
    ("on_time_rate", 30, "target", 0.9),
    ("resolution_rate", 10, "target", 0.95),
    ("rework_rate", 10, "ceiling", 0.2),
    ("overdue_open", 10, "ceiling", 4),
    ("quota_rate", 15, "target", 0.8),
    ("attendance_rate", 25, "target", 0.95),
]
SUBSIDIES_TOML = ('[subsidies]\nresident_monthly = "3000.00"\ncluster_monthly = 2500.5\n'
                  'whistle_daily = 120\n')
RATES_FEN = {"resident": 300000, "cluster": 250050, "whistle": 12000}

ATTENDANCE_FIELDS = ["worker", "name", "unit", "workdays", "days_present", "patrol_days",
                     "grids_covered", "attendance_rate", "out_of_scope"]
ATTENDANCE_TOWN_FIELDS = ["group", "name", "workdays", "days_present", "patrol_days",
                          "grids_covered", "attendance_rate", "out_of_scope"]
ASSESS_FIELDS = ["group", "name", "score", "rank", "policy_version", "indicators"]
SUBSIDY_FIELDS = ["worker", "name", "deployment", "department", "days", "amount"]


ANY = object()  # an expected cell the spec leaves open: not compared


def assess_available() -> bool:
    """Whether this gridctl has `assess` (issue 12): its own help, not the main one."""
    try:
        r = run(["assess", "--help"])
    except AssertionError:
        return False
    return r.rc == OK and "Usage: gridctl assess" in r.stdout and "--month" in r.stdout


def policy_text() -> str:
    """The example policy without its own assessment or subsidies tables, plus ours."""
    with open(example("policy.toml"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    out, skip = [], False
    for line in lines:
        s = line.strip()
        if s.startswith("["):  # a table header: array values' lines start otherwise
            skip = s.startswith(("[assessment", "[[assessment", "[subsidies"))
        if not skip:
            out.append(line)
    text = "\n".join(out) + "\n"
    for field, weight, goal, bound in INDICATORS:
        text += f"\n[[assessment.indicators]]\nfield = \"{field}\"\nweight = {weight}\n"
        text += f"{goal} = {bound}\n"
    return text + "\n" + SUBSIDIES_TOML


def cents(x: float) -> int:
    """x × 100 rounded to an integer, halves away from zero (std::llround(x * 100))."""
    y = abs(x * 100.0)
    n = math.floor(y)
    n += y - n >= 0.5
    return int(-n if x < 0 else n)


def round_cents(x: float) -> float:
    """Two decimals, halves away from zero: std::round(x * 100) / 100."""
    return cents(x) / 100.0


def yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def parse_at(text: str) -> dt.datetime:
    d = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return d if d.tzinfo else d.replace(tzinfo=TZ)


# ---- the county, the policy, the calendar -----------------------------------------------------

class County:
    """What the recount reads from the files: layout, workers, policy (tomllib)."""

    def __init__(self, policy_toml: str):
        self.policy = tomllib.loads(policy_toml)
        off = self.policy.get("timezone", "+08:00")
        assert off == "+08:00", off  # month_bounds of test_stats_recount assume it
        cal = self.policy.get("calendar", {})
        self.holidays = []
        for item in cal.get("holidays", []):
            a, _, b = str(item).partition("/")
            self.holidays.append((dt.date.fromisoformat(a), dt.date.fromisoformat(b or a)))
        self.makeup = {dt.date.fromisoformat(str(d)) for d in cal.get("workdays", [])}
        self.departments = [(d["code"], d["name"]) for d in self.policy["departments"]]
        self.units = example_units()
        self.grids_under: dict[str, set] = defaultdict(set)
        for r in layout_rows():
            for level in ("town", "zone", "village", "grid"):
                self.grids_under[r[f"{level}_code"]].add(r["grid_code"])
        self.all_grids = {r["grid_code"] for r in layout_rows()}
        self.towns = sorted(c for c, u in self.units.items() if u["level"] == "town")
        self.workers = {w["code"]: w for w in worker_rows()}

    def working(self, d: dt.date) -> bool:
        if d in self.makeup:
            return True
        if any(a <= d <= b for a, b in self.holidays):
            return False
        return d.weekday() < 5

    def units_of(self, w: dict) -> list[str]:
        return [u for u in w["unit"].split(";") if u]

    def whistle_worker(self, w: dict) -> bool:
        return w["tier"] == "county" and w["deployment"] == "whistle"

    def scope(self, w: dict) -> set:
        if self.whistle_worker(w):
            return self.all_grids
        out = set()
        for u in self.units_of(w):
            out |= self.grids_under[u]
        return out

    def town_of(self, w: dict):
        units = self.units_of(w)
        if self.whistle_worker(w) or not units:
            return None
        for c in example_ancestors(units[0]):
            if self.units[c]["level"] == "town":
                return c
        return None


def month_days(month: str) -> list[dt.date]:
    start, end = month_bounds(month)
    d, out = start.date(), []
    while d < end.date():
        out.append(d)
        d += dt.timedelta(days=1)
    return out


# ---- the recount --------------------------------------------------------------------------------

class Figures:
    """Attendance, assessment and subsidies of one month, recounted."""

    def __init__(self, county: County, cases: dict, events_csv: str, records: list[tuple],
                 retired: dict[str, dt.datetime], month: str):
        self.c = county
        self.month = month
        self.start, self.end = month_bounds(month)
        self.days = month_days(month)
        self.working = [d for d in self.days if county.working(d)]
        self.retired = retired
        self.cases = cases
        # Evidence: (worker, local datetime, grid, kind).
        evidence = defaultdict(list)
        for worker, at, grid, kind in records:
            if self.start <= at < self.end:
                evidence[worker].append((at.astimezone(TZ), grid, kind))
        for c in cases.values():
            if (c["source"] == "patrol" and self.start <= c["reported_at"] < self.end
                    and not any(e["type"] == "void" for e in c["events"])
                    and not c["events"][0]["late_record"]):
                evidence[Recount.reporter(c)].append(
                    (c["reported_at"].astimezone(TZ), c["grid"], "patrol"))
        self.evidence = evidence
        # Whistle days: distinct local days of the month on which a whistle names the worker.
        whistle_days = defaultdict(set)
        for r in csv.DictReader(io.StringIO(events_csv, newline="")):
            if r["type"] == "whistle":
                at = dt.datetime.fromisoformat(r["at"])
                if self.start <= at < self.end:
                    whistle_days[r["worker"]].add(at.astimezone(TZ).date())
        self.whistle_days = whistle_days
        self.per_worker = self.attendance_rows()

    def serving(self, code: str, d: dt.date) -> bool:
        t = self.retired.get(code)
        return t is None or t.astimezone(TZ).date() > d

    def served_workdays(self, code: str) -> int:
        return sum(self.serving(code, d) for d in self.working)

    # -- attendance --
    def attendance_rows(self) -> dict[str, dict]:
        out = {}
        for code in sorted(self.c.workers):
            if not any(self.serving(code, d) for d in self.days):
                continue
            w = self.c.workers[code]
            ev = self.evidence.get(code, [])
            scope = self.c.scope(w)
            workdays = self.served_workdays(code)
            present = {at.date() for at, _, _ in ev
                       if self.c.working(at.date()) and self.serving(code, at.date())}
            out[code] = {
                "worker": code, "name": w["name"], "unit": w["unit"] or None, "workdays": workdays,
                "days_present": len(present),
                "patrol_days": len({at.date() for at, _, k in ev if k == "patrol"}),
                "grids_covered": len({g for _, g, _ in ev}),
                "attendance_rate": len(present) / workdays if workdays else 0.0,
                "out_of_scope": sum(g not in scope for _, g, _ in ev),
            }
        return out

    def attendance_by_town(self) -> list[dict]:
        def total(group, name, codes):
            r = {"group": group, "name": name}
            for f in ("workdays", "days_present", "patrol_days", "grids_covered"):
                r[f] = sum(self.per_worker[c][f] for c in codes)
            r["attendance_rate"] = r["days_present"] / r["workdays"] if r["workdays"] else 0.0
            r["out_of_scope"] = sum(self.per_worker[c]["out_of_scope"] for c in codes)
            return {k: r[k] for k in ATTENDANCE_TOWN_FIELDS}

        by_town = defaultdict(list)
        for code in self.per_worker:
            by_town[self.c.town_of(self.c.workers[code])].append(code)
        rows = [total(t, self.c.units[t]["name"], by_town.get(t, [])) for t in self.c.towns]
        rows.append(total(COUNTY_CODE, COUNTY_NAME, list(self.per_worker)))
        return rows

    def attendance_rate_of(self, codes) -> float | None:
        wd = sum(self.per_worker[c]["workdays"] for c in codes)
        dp = sum(self.per_worker[c]["days_present"] for c in codes)
        return dp / wd if wd else None

    # -- assessment --
    def assess(self, by: str, policy_json: dict, version: int) -> list[dict]:
        stats = Recount(self.cases, policy_json).rows(self.start, self.end, [by])
        if by == "town":
            groups = [(t, self.c.units[t]["name"]) for t in self.c.towns]
            members = defaultdict(list)
            for code in self.per_worker:
                members[self.c.town_of(self.c.workers[code])].append(code)
        else:
            groups = self.c.departments
            members = defaultdict(list)
            for code in self.per_worker:
                w = self.c.workers[code]
                if w["tier"] == "county" and w["department"]:
                    members[w["department"]].append(code)
        rows = []
        for group, name in groups:
            s = stats[group]
            results = []
            for field, weight, goal, bound in INDICATORS:
                if field == "attendance_rate":
                    value = self.attendance_rate_of(members.get(group, []))
                elif field == "rework_rate":
                    value = s["rework"] / s["closed"] if s["closed"] else None
                elif field in ("resolution_rate", "on_time_rate"):
                    value = float(s[field]) if s["problems"] else None
                else:
                    value = None if s[field] is None else float(s[field])
                if value is None:
                    points = None
                elif goal == "target":
                    points = weight * min(value / bound, 1.0)
                else:
                    points = weight * max(0.0, 1.0 - value / bound)
                results.append({"field": field, "value": value, "weight": weight,
                                "points": points})
            all_w = sum(r["weight"] for r in results)
            valued = sum(r["weight"] for r in results if r["points"] is not None)
            score = (sum(r["points"] for r in results if r["points"] is not None) * all_w / valued
                     if valued else None)
            rows.append({"group": group, "name": name, "score": score, "rank": None,
                         "policy_version": version, "indicators": results})
        for r in rows:
            if r["score"] is not None:
                mine = cents(r["score"])
                r["rank"] = 1 + sum(1 for o in rows
                                    if o["score"] is not None and cents(o["score"]) > mine)
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["group"]))
        return rows

    # -- subsidies --
    def subsidies(self) -> list[dict]:
        workdays = len(self.working)
        workers = []
        for code, w in self.c.workers.items():
            if w["tier"] != "county":
                continue
            serving = any(self.serving(code, d) for d in self.days)
            whistled = bool(self.whistle_days.get(code))
            if not (serving or whistled):
                continue
            dep = w["deployment"]
            if dep == "whistle":
                days = len(self.whistle_days.get(code, ()))
                amount = RATES_FEN["whistle"] * days
            else:
                days = self.served_workdays(code)
                monthly = RATES_FEN[dep]
                amount = ((2 * monthly * days + workdays) // (2 * workdays)
                          if workdays and days else 0)
            workers.append({"worker": code, "name": w["name"], "deployment": dep,
                            "department": w["department"] or None, "days": days,
                            "amount": amount})
        place = {code: i for i, (code, _) in enumerate(self.c.departments)}
        workers.sort(key=lambda r: (place.get(r["department"], len(place)), r["worker"]))
        rows = list(workers)
        order = [(c, n) for c, n in self.c.departments] + [(None, None)]
        for code, name in order:
            mine = [r for r in workers if r["department"] == code]
            if mine:
                rows.append({"worker": None, "name": name, "deployment": None,
                             "department": code, "days": sum(r["days"] for r in mine),
                             "amount": sum(r["amount"] for r in mine)})
        rows.append({"worker": None, "name": COUNTY_NAME, "deployment": None, "department": None,
                     "days": sum(r["days"] for r in workers),
                     "amount": sum(r["amount"] for r in workers)})
        for r in rows:
            r["amount"] = yuan(r["amount"])
        return rows


# ---- the scenario ----------------------------------------------------------------------------

class Build:
    """Builds the scenario in `box`; keeps what the recount needs."""

    def __init__(self, box: Sandbox):
        self.box = box
        self.policy_toml = policy_text()
        path = box.write("policy.toml", self.policy_toml)
        r = box.gridctl("policy", "load", path)
        assert r.rc == OK, r
        self.county = County(self.policy_toml)
        self.sc = Scenario(box)  # reads `policy show`: the policy just loaded
        self.sc.rng = random.Random(SEED)
        self.rng = random.Random(SEED + 1)
        self.world = self.sc.world
        self.active = self.world.towns[:5]  # the towns with cases
        self.retired: dict[str, dt.datetime] = {}
        self.records: list[tuple] = []  # (worker, at text, grid, kind text) in file order

    # -- cases --
    def cases(self):
        w, t = self.world, self.active
        X, Y, Z, V, U = w.whistlers[:5]
        g = lambda i, k=0: w.grids_by_town[t[i]][k]
        # Whistles: X twice on 2026-09-03 (two cases), once on 09-08; Z in August, Y the next
        # instant past local midnight (still August in UTC); V at 23:30 on the 30th, U at 00:30
        # on October 1.
        s = Sim(w, source="patrol", kind="problem", grid=g(0), category="illegal_construction",
                at=local("2026-09-03T09:00"), title="违建")
        s.escalate(local("2026-09-03T09:20"))
        s.escalate(local("2026-09-03T09:40"))
        s.whistle(local("2026-09-03T10:30"), X)
        s.escalate(local("2026-09-03T11:00"))
        s.whistle(local("2026-09-03T11:30"), Y)
        s.resolve(local("2026-09-04T10:00"))
        s.fail(local("2026-09-04T15:00"))
        s.resolve(local("2026-09-07T10:00"))
        s.close(local("2026-09-07T16:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(1), category="public_order",
                at=local("2026-09-03T13:00"))
        s.escalate(local("2026-09-03T13:10"), to="zone")
        s.whistle(local("2026-09-03T15:00"), X)
        s.resolve(local("2026-09-04T09:00"))
        s.close(local("2026-09-04T12:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(2), category="road_traffic",
                at=local("2026-09-08T09:00"))
        s.escalate(local("2026-09-08T09:30"))
        s.escalate(local("2026-09-08T10:00"))
        s.whistle(local("2026-09-08T10:30"), X)
        s.escalate(local("2026-09-08T11:00"))
        s.escalate(local("2026-09-08T12:00"))  # referred to the category's department
        s.resolve(local("2026-09-10T10:00"))
        s.close(local("2026-09-11T10:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(3), category="public_order",
                at=local("2026-08-31T20:00"))
        s.escalate(local("2026-08-31T21:00"), to="zone")
        s.whistle(local("2026-08-31T23:50"), Z)
        s.whistle(local("2026-09-01T00:10"), Y)
        s.resolve(local("2026-09-01T10:00"))
        s.close(local("2026-09-01T15:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(4, 1), category="public_order",
                at=local("2026-09-30T21:00"))
        s.escalate(local("2026-09-30T21:30"), to="zone")
        s.whistle(local("2026-09-30T23:30"), V)
        s.whistle(local("2026-10-01T00:30"), U)
        self.sc.run_live(s)
        # Dispatched to a department (hotline), resolved there, closed.
        s = Sim(w, source="hotline", kind="problem", grid=g(1, 2), category="food_drug_safety",
                at=local("2026-09-14T10:00"))
        s.dispatch(local("2026-09-14T11:00"), department="market")
        s.resolve(local("2026-09-15T10:00"))
        s.close(local("2026-09-16T09:00"))
        self.sc.run_live(s)
        # A void platform problem, a void patrol report (no presence), a late-recorded patrol
        # report (no presence), a self-closed patrol problem, rework at the village.
        s = Sim(w, source="platform", kind="problem", grid=g(0, 2), category="dispute",
                at=local("2026-09-09T10:00"))
        s.void(local("2026-09-09T12:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(0, 5),
                category="environment_sanitation", at=local("2026-09-19T10:00"))
        s.void(local("2026-09-19T12:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="info", grid=g(1, 5), category="livelihood_services",
                at=local("2026-09-09T09:00"))
        s.late_report = True
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(2, 5),
                category="environment_sanitation", at=local("2026-09-22T09:00"))
        s.close(local("2026-09-22T15:00"))
        self.sc.run_live(s)
        s = Sim(w, source="patrol", kind="problem", grid=g(2, 6), category="livelihood_services",
                at=local("2026-09-10T09:00"))
        s.escalate(local("2026-09-10T10:00"))
        s.resolve(local("2026-09-11T10:00"))
        s.fail(local("2026-09-11T16:00"))
        s.resolve(local("2026-09-14T10:00"))
        s.close(local("2026-09-14T18:00"))
        self.sc.run_live(s)
        # A town whose problems all stay open past their time: no points but for attendance,
        # below the tie of the towns without cases (competition ranks skip after a tie).
        low = w.towns[5]
        for k in range(4):
            self.sc.run_live(Sim(w, source="patrol", kind="problem",
                                 grid=w.grids_by_town[low][k], category="environment_sanitation",
                                 at=local(f"2026-09-02T0{k + 5}:00")))
        # Random walks: most in September, a few in August.
        for i in range(36):
            if i < 6:
                at = self.sc.random_time("2026-08-01T00:00", "2026-08-28T00:00")
            else:
                at = self.sc.random_time("2026-09-01T00:00", "2026-09-28T00:00")
            s = self.sc.random_case(at, town=self.sc.rng.choice(self.active))
            s.walk(self.sc.rng, local("2026-10-08T00:00"))
            self.sc.run_live(s)

    def quota(self):
        """Daily patrol reports imported for a few grids of the active towns."""
        w = self.world
        rows, n = [], 0
        grids = [g for town in self.active for g in w.grids_by_town[town][40:43]]
        day = dt.date(2026, 8, 29)
        while day <= dt.date(2026, 10, 2):
            for g in grids:
                for _ in range(self.rng.choices([0, 1, 2, 3], weights=[2, 2, 5, 1])[0]):
                    n += 1
                    at = dt.datetime(day.year, day.month, day.day, tzinfo=TZ) + dt.timedelta(
                        seconds=self.rng.randint(6 * 3600, 20 * 3600))
                    rows.append({"ext_id": f"Q-{n:05d}", "source": "patrol", "grid": g,
                                 "category": "livelihood_services", "kind": "info",
                                 "title": "巡查走访", "reporter": w.grid_worker[g],
                                 "reported_at": at.isoformat(timespec="seconds")})
            day += dt.timedelta(days=1)
        out = io.StringIO()
        wr = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        wr.writeheader()
        wr.writerows(rows)
        self.sc.gridctl_ok("import", "cases", self.box.write("quota.csv", out.getvalue()))
        self.quota_grids = grids

    # -- the retirement --
    def pick_retiree(self) -> str:
        busy = set(self.world.dept_worker.values()) | {"C0001"}
        town = self.active[0]
        for code, w in sorted(self.county.workers.items()):
            if (w["tier"] == "county" and w["deployment"] == "resident" and code not in busy
                    and self.county.town_of(w) == town):
                return code
        raise AssertionError("no resident worker to retire")

    def retire(self, code: str):
        clock = RETIRED_AT.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        p = subprocess.run([GRIDCTL, "--db", self.box.db, "workers", "retire", code],
                           cwd=self.box.dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=faketime_env("@" + clock, TZ="UTC"), timeout=60)
        assert p.returncode == OK, p.stderr.decode("utf-8", "replace")
        self.retired[code] = RETIRED_AT

    # -- attendance --
    def add(self, worker: str, at: str, grid: str, kind: str | None = "checkin"):
        self.records.append((worker, at, grid, kind))

    def attendance(self):
        c, rng = self.county, self.rng
        days = month_days(MONTH)
        working = [d for d in days if c.working(d)]
        towns = self.active[:3] + [self.world.towns[6]]  # one town without cases
        people = [w for w in c.workers.values()
                  if w["tier"] == "town" or (w["tier"] == "county"
                                             and w["deployment"] in ("resident", "cluster"))]
        chosen = [w for w in people if c.town_of(w) in towns and rng.random() < 0.6]
        self.retiree = self.pick_retiree()
        chosen = [w for w in chosen if w["code"] != self.retiree]
        for w in chosen:
            scope = sorted(c.scope(w))
            p = rng.uniform(0.6, 0.98)
            for d in working:
                if rng.random() >= p:
                    continue
                at = dt.datetime(d.year, d.month, d.day, 8, tzinfo=TZ) + dt.timedelta(
                    seconds=rng.randrange(3600))
                home = rng.choice(scope)
                self.add(w["code"], at.isoformat(), home,
                         "checkin" if rng.random() < 0.9 else "")
                if rng.random() < 0.3:
                    self.add(w["code"], (at + dt.timedelta(hours=3)).isoformat(),
                             rng.choice(scope), "patrol")
        # Grid workers of the quota grids now and then; three whistle workers on a few days.
        for g in self.quota_grids[::2]:
            code = self.world.grid_worker[g]
            for d in working:
                if rng.random() < 0.3:
                    self.add(code, f"{d.isoformat()}T07:45:00+08:00", g)
        for code in self.world.whistlers[10:13]:
            for d in rng.sample(working, 3):
                self.add(code, f"{d.isoformat()}T09:00:00+08:00",
                         rng.choice(sorted(c.all_grids)))
        # The retiree: every working day to the 17th, and the 21st (after the retirement).
        r = c.workers[self.retiree]
        home = sorted(c.scope(r))[0]
        for d in working:
            if d <= dt.date(2026, 9, 17) or d == dt.date(2026, 9, 21):
                self.add(self.retiree, f"{d.isoformat()}T08:30:00+08:00", home)
        # Worker A: a weekend patrol record, a holiday check-in, the make-up workday.
        a, b, dup, edge = chosen[0], chosen[1], chosen[2], chosen[3]
        ga = sorted(c.scope(a))[0]
        self.add(a["code"], "2026-09-12T10:00:00+08:00", ga, "patrol")  # Saturday
        self.add(a["code"], "2026-09-25T08:10:00+08:00", ga)            # 中秋 holiday
        self.add(a["code"], "2026-09-20T08:10:00+08:00", ga)            # make-up workday
        # Worker B: a record outside the scope (a grid of another town).
        mine = c.town_of(b)
        other = next(g for g in sorted(c.all_grids) if g not in c.grids_under[mine])
        self.add(b["code"], "2026-09-15T14:00:00+08:00", other, "patrol")
        # A duplicate (worker, at): the same instant in UTC, at another grid, another kind.
        gd = sorted(c.scope(dup))[0]
        self.add(dup["code"], "2026-09-17T08:05:00+08:00", gd)
        self.add(dup["code"], "2026-09-17T00:05:00Z", other, "patrol")
        # The month's edges in local time; a time without offset.
        ge = sorted(c.scope(edge))[0]
        self.add(edge["code"], "2026-08-31T16:10:00Z", ge, "patrol")   # 09-01 00:10 local
        self.add(edge["code"], "2026-08-31T23:50:00+08:00", ge)        # August
        self.add(edge["code"], "2026-09-30T16:30:00Z", ge, "patrol")   # 10-01 00:30 local
        self.add(edge["code"], "2026-09-10T08:00:00", ge)              # local, no offset
        self.special = {"weekend": a["code"], "out_of_scope": b["code"],
                        "duplicate": dup["code"], "edge": edge["code"]}
        # An exact duplicate line of an earlier row.
        self.records.append(self.records[5])
        out = io.StringIO()
        wr = csv.writer(out, lineterminator="\n")
        wr.writerow(["worker", "at", "grid", "kind"])
        for worker, at, grid, kind in self.records:
            wr.writerow([worker, at, grid, kind or ""])
        self.attendance_file = self.box.write("attendance.csv", out.getvalue())

    def parsed_records(self) -> list[tuple]:
        """The file's records as gridctl keeps them: the first per (worker, instant)."""
        seen, out = set(), []
        for worker, at, grid, kind in self.records:
            t = parse_at(at)
            if (worker, t) in seen:
                continue
            seen.add((worker, t))
            out.append((worker, t, grid, kind or "checkin"))
        return out

    def build(self):
        self.cases()
        self.quota()
        self.retire(self.pick_retiree())
        self.attendance()


# ---- the tests ----------------------------------------------------------------------------

@unittest.skipUnless(assess_available(), "gridctl has no `assess` yet (issue 12)")
class AssessmentRecount(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.box = Sandbox("full")
        try:
            b = cls.build = Build(cls.box)
            b.build()
            r = cls.box.gridctl("policy", "show", "--format", "json")
            assert r.rc == OK, r
            cls.policy_json = r.json()
            cls.version = cls.policy_json["version"]
            # Before the import: a dry run writes nothing.
            cls.dry = cls.box.gridctl("import", "attendance", b.attendance_file, "--dry-run")
            cls.before = cls.box.gridctl("attendance", "--month", MONTH, "--by", "worker",
                                         "--format", "json")
            cls.first = cls.box.gridctl("import", "attendance", b.attendance_file)
            cls.outputs = cls.snapshot()
            cls.second = cls.box.gridctl("import", "attendance", b.attendance_file)
            r = cls.box.gridctl("export", "events", "--format", "csv")
            assert r.rc == OK, r
            cls.events_csv = r.stdout
            cls.cases = load_events(r.stdout)
            cls.records = b.parsed_records()
            cls.figures = {m: Figures(b.county, cls.cases, cls.events_csv, cls.records,
                                      b.retired, m) for m in (MONTH, "2026-08", "2026-03")}
        except BaseException:
            cls.box.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()

    COMMANDS = [["attendance", "--month", MONTH, "--by", "worker"],
                ["attendance", "--month", MONTH, "--by", "town"],
                ["assess", "--month", MONTH, "--by", "town"],
                ["assess", "--month", MONTH, "--by", "department"],
                ["subsidies", "--month", MONTH]]

    @classmethod
    def snapshot(cls, box: Sandbox | None = None) -> dict:
        out = {}
        for args in cls.COMMANDS:
            for fmt_ in ("json", "csv"):
                r = (box or cls.box).gridctl(*args, "--format", fmt_)
                out[(" ".join(args), fmt_)] = (r.rc, r.stdout_bytes)
        return out

    def json_of(self, *args: str):
        r = self.box.gridctl(*args, "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        return r.json()

    # -- comparing --
    def same_number(self, got, expected, what: str, problems: list, tol: float = 1e-9):
        if expected is None or got is None:
            if not (expected is None and got is None):
                problems.append(f"{what}: expected {expected!r}, got {got!r}")
        elif isinstance(got, bool) or not isinstance(got, (int, float)):
            problems.append(f"{what}: expected a number {expected!r}, got {got!r}")
        elif abs(got - expected) > tol:
            problems.append(f"{what}: expected {expected!r}, got {got!r}")

    def shown(self, got, expected, what: str, problems: list):
        """A score or points: its cents, or the unrounded figure."""
        if expected is None or got is None:
            if not (expected is None and got is None):
                problems.append(f"{what}: expected {expected!r}, got {got!r}")
            return
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            problems.append(f"{what}: expected a number, got {got!r}")
        elif not (abs(got - round_cents(expected)) <= 1e-9 or abs(got - expected) <= 1e-9):
            problems.append(f"{what}: expected {expected!r} (shown {round_cents(expected):.2f}),"
                            f" got {got!r}")

    def report(self, what: str, problems: list):
        if problems:
            self.fail(f"{what}: {len(problems)} difference(s) from the recount:\n  "
                      + "\n  ".join(problems[:40]))

    def check_plain(self, what: str, got: list, expected: list, fields: list, key: str,
                    floats: set):
        problems = []
        self.assertIsInstance(got, list, what)
        for row in got[:1]:
            if list(row) != fields:
                problems.append(f"keys {list(row)}, expected {fields}")
        got_keys = [r.get(key) for r in got]
        exp_keys = [r[key] for r in expected]
        if got_keys != exp_keys:
            missing = [k for k in exp_keys if k not in got_keys]
            extra = [k for k in got_keys if k not in exp_keys]
            problems.append(f"rows: expected {len(exp_keys)}, got {len(got_keys)}; missing "
                            f"{missing[:10]}, extra {extra[:10]}; order differs: "
                            f"{got_keys != exp_keys}")
        by_key = {r.get(key): r for r in got}
        for e in expected:
            g = by_key.get(e[key])
            if g is None:
                continue
            for f in fields:
                if f in floats:
                    self.same_number(g.get(f), e[f], f"{e[key]}: {f}", problems)
                elif g.get(f) != e[f] or type(g.get(f)) is not type(e[f]):
                    problems.append(f"{e[key]}: {f}: expected {e[f]!r}, got {g.get(f)!r}")
        self.report(what, problems)

    def check_attendance(self, month: str):
        f = self.figures[month]
        got = self.json_of("attendance", "--month", month)
        self.check_plain(f"attendance --month {month}", got, list(f.per_worker.values()),
                         ATTENDANCE_FIELDS, "worker", {"attendance_rate"})
        got = self.json_of("attendance", "--month", month, "--by", "town")
        self.check_plain(f"attendance --month {month} --by town", got, f.attendance_by_town(),
                         ATTENDANCE_TOWN_FIELDS, "group", {"attendance_rate"})
        self.check_csv(["attendance", "--month", month, "--by", "worker"],
                       list(f.per_worker.values()), ATTENDANCE_FIELDS, {"attendance_rate"})
        self.check_csv(["attendance", "--month", month, "--by", "town"], f.attendance_by_town(),
                       ATTENDANCE_TOWN_FIELDS, {"attendance_rate"})

    def check_csv(self, args: list, expected: list, fields: list, floats: set):
        """The CSV of a command: its header, and every cell as the recount's (numbers as they
        read back; a rate blank when it has no days)."""
        what = " ".join(args) + " --format csv"
        r = self.box.gridctl(*args, "--format", "csv")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(next(csv.reader(io.StringIO(r.stdout))), fields, what)
        rows = r.csv_rows()
        problems = [] if len(rows) == len(expected) else [
            f"rows: expected {len(expected)}, got {len(rows)}"]
        for i, (g, e) in enumerate(zip(rows, expected)):
            for f in fields:
                text, want = g.get(f), e[f]
                if want is ANY:
                    continue
                if f in floats:
                    if e.get("workdays") == 0:
                        ok = text == ""
                    else:
                        try:
                            ok = abs(float(text) - want) <= 1e-9
                        except (TypeError, ValueError):
                            ok = False
                else:
                    ok = text == ("" if want is None else str(want))
                if not ok:
                    problems.append(f"row {i} ({e[fields[0]]}): {f}: expected {want!r}, "
                                    f"got {text!r}")
        self.report(what, problems)

    def check_assess(self, month: str, by: str):
        what = f"assess --month {month} --by {by}"
        expected = self.figures[month].assess(by, self.policy_json, self.version)
        got = self.json_of("assess", "--month", month, "--by", by)
        problems = []
        if [r.get("group") for r in got] != [r["group"] for r in expected]:
            problems.append(f"groups (in order): expected {[r['group'] for r in expected]}, got "
                            f"{[r.get('group') for r in got]}")
        by_group = {r.get("group"): r for r in got}
        for e in expected:
            g = by_group.get(e["group"])
            if g is None:
                continue
            if list(g) != ASSESS_FIELDS:
                problems.append(f"{e['group']}: keys {list(g)}")
            for k in ("name", "rank", "policy_version"):
                if g.get(k) != e[k]:
                    problems.append(f"{e['group']}: {k}: expected {e[k]!r}, got {g.get(k)!r}")
            self.shown(g.get("score"), e["score"], f"{e['group']}: score", problems)
            gi = g.get("indicators") or []
            if [i.get("field") for i in gi] != [i["field"] for i in e["indicators"]]:
                problems.append(f"{e['group']}: indicators {gi}")
                continue
            for gi_, ei in zip(gi, e["indicators"]):
                where = f"{e['group']}: {ei['field']}"
                if list(gi_) != ["field", "value", "weight", "points"]:
                    problems.append(f"{where}: keys {list(gi_)}")
                self.same_number(gi_.get("value"), ei["value"], f"{where}: value", problems)
                self.same_number(gi_.get("weight"), ei["weight"], f"{where}: weight", problems)
                self.shown(gi_.get("points"), ei["points"], f"{where}: points", problems)
        # CSV: the same rows, flattened; score and points as cents.
        r = self.box.gridctl("assess", "--month", month, "--by", by, "--format", "csv")
        self.assertEqual(r.rc, OK, str(r))
        header = next(csv.reader(io.StringIO(r.stdout)))
        flat = [f"{f}_{s}" for f, *_ in INDICATORS for s in ("value", "points")]
        if header != ASSESS_FIELDS[:5] + flat:
            problems.append(f"csv header {header}")
        for row, e in zip(r.csv_rows(), expected):
            self.csv_cents(row.get("score"), e["score"], f"csv {e['group']}: score", problems)
            if row.get("rank", "") != ("" if e["rank"] is None else str(e["rank"])):
                problems.append(f"csv {e['group']}: rank {row.get('rank')!r}")
            for ei in e["indicators"]:
                self.csv_cents(row.get(f"{ei['field']}_points"), ei["points"],
                               f"csv {e['group']}: {ei['field']}_points", problems)
                v = row.get(f"{ei['field']}_value")
                if (v in ("", None)) != (ei["value"] is None):
                    problems.append(f"csv {e['group']}: {ei['field']}_value {v!r}")
        self.report(what, problems)
        return got

    def csv_cents(self, text, expected, what: str, problems: list):
        if expected is None:
            if text not in ("", None):
                problems.append(f"{what}: expected blank, got {text!r}")
            return
        try:
            ok = abs(float(text) - round_cents(expected)) <= 1e-9 and (
                "." not in text or len(text.split(".")[1]) <= 2)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            problems.append(f"{what}: expected {round_cents(expected):.2f}, got {text!r}")

    def check_subsidies(self, month: str):
        expected = self.figures[month].subsidies()
        got = self.json_of("subsidies", "--month", month)
        problems = []
        if len(got) != len(expected):
            problems.append(f"rows: expected {len(expected)}, got {len(got)}")
        for i, (g, e) in enumerate(zip(got, expected)):
            if list(g) != SUBSIDY_FIELDS:
                problems.append(f"row {i}: keys {list(g)}")
            fields = SUBSIDY_FIELDS if e["worker"] else [f for f in SUBSIDY_FIELDS
                                                         if f != "deployment"]
            for f in fields:
                if g.get(f) != e[f] or type(g.get(f)) is not type(e[f]):
                    problems.append(f"row {i} ({e['worker'] or e['name']}): {f}: expected "
                                    f"{e[f]!r}, got {g.get(f)!r}")
        self.report(f"subsidies --month {month}", problems)
        # `deployment` on the total rows is not in the spec: not compared.
        self.check_csv(["subsidies", "--month", month],
                       [e if e["worker"] else dict(e, deployment=ANY) for e in expected],
                       SUBSIDY_FIELDS, set())

    # -- the scenario has what it should --
    def test_scenario_covers_what_matters(self):
        f = self.figures[MONTH]
        b = self.build
        types = {e["type"] for c in self.cases.values() for e in c["events"]
                 if f.start <= e["at"] < f.end}
        for t in ("report", "escalate", "refer", "dispatch", "whistle", "resolve", "close",
                  "rework", "void"):
            self.assertIn(t, types)
        # Two whistles of one worker on one day; whistles on several days.
        X = self.build.world.whistlers[0]
        self.assertEqual(len(f.whistle_days[X]), 2)
        self.assertGreaterEqual(sum(len(d) for d in f.whistle_days.values()), 5)
        rows = f.per_worker
        self.assertEqual(rows[b.retiree]["workdays"], 11)  # 1–4, 7–11, 14, 15 September
        self.assertGreaterEqual(rows[b.special["weekend"]]["patrol_days"], 1)
        self.assertGreaterEqual(rows[b.special["out_of_scope"]]["out_of_scope"], 1)
        # The retiree has records on days not served (the retirement's day and after).
        self.assertTrue(any(w == b.retiree and at.astimezone(TZ).date() >= RETIRED_AT.date()
                            for w, at, _, _ in self.records))
        # The duplicate row would have counted out of scope, had it been kept.
        self.assertEqual(rows[b.special["duplicate"]]["out_of_scope"], 0)
        self.assertEqual(sum(1 for w, at, _, _ in self.records
                             if w == b.special["duplicate"]
                             and at == parse_at("2026-09-17T00:05:00Z")), 1)
        self.assertTrue(any(r["days_present"] == 0 and r["workdays"] > 0
                            and not f.evidence.get(r["worker"]) for r in rows.values()),
                        "a worker with no evidence at all")
        self.assertEqual(len(f.working), 22)
        # Towns with no cases in the month.
        towns = {Recount(self.cases, self.policy_json).unit_of(c["grid"], "town")
                 for c in self.cases.values() if f.start <= c["reported_at"] < f.end}
        self.assertLess(len(towns), len(b.county.towns))

    # -- the imports --
    def test_import_dry_run_writes_nothing(self):
        self.assertEqual(self.dry.rc, OK, str(self.dry))
        self.assertEqual(self.before.rc, OK, str(self.before))
        no_records = Figures(self.build.county, self.cases, self.events_csv, [],
                             self.build.retired, MONTH)
        self.check_plain("attendance before the import (after --dry-run)", self.before.json(),
                         list(no_records.per_worker.values()), ATTENDANCE_FIELDS, "worker",
                         {"attendance_rate"})

    def test_import_twice_adds_nothing(self):
        self.assertEqual(self.first.rc, OK, str(self.first))
        self.assertEqual(self.second.rc, OK, str(self.second))
        after = self.snapshot()
        for key, value in self.outputs.items():
            self.same_bytes(after[key], value, f"{key} after the second import")

    # -- the figures --
    def test_attendance_september(self):
        self.check_attendance(MONTH)

    def test_attendance_august(self):
        self.check_attendance("2026-08")

    def test_attendance_empty_month(self):
        self.check_attendance("2026-03")

    def test_assess_by_town_september(self):
        got = self.check_assess(MONTH, "town")
        # A town with no cases: no on-time rate, but a (scaled) score.
        self.assertTrue(any(r["score"] is not None and r["indicators"][0]["value"] is None
                            for r in got))
        ranks = [r["rank"] for r in got if r["rank"] is not None]
        self.assertNotEqual(len(ranks), len(set(ranks)), "a tie, to see competition ranks")
        self.assertGreater(max(ranks), len(set(ranks)), "a rank after a tie")

    def test_assess_by_department_september(self):
        self.check_assess(MONTH, "department")

    def test_assess_august(self):
        self.check_assess("2026-08", "town")
        self.check_assess("2026-08", "department")

    def test_assess_empty_month(self):
        for by in ("town", "department"):
            got = self.check_assess("2026-03", by)
            for r in got:
                values = {i["field"]: i["value"] for i in r["indicators"]}
                for field in ("on_time_rate", "resolution_rate", "rework_rate"):
                    self.assertIsNone(values[field], (by, r["group"], field))

    def test_subsidies_september(self):
        self.check_subsidies(MONTH)
        got = self.json_of("subsidies", "--month", MONTH)
        retiree = next(r for r in got if r["worker"] == self.build.retiree)
        self.assertEqual(retiree["days"], 11)
        self.assertEqual(retiree["amount"], yuan((2 * 300000 * 11 + 22) // 44))

    def test_subsidies_august_and_empty_month(self):
        self.check_subsidies("2026-08")
        self.check_subsidies("2026-03")

    # -- reproducible --
    @skip_on_postgresql("copies the database file")
    def test_reproducible_byte_for_byte(self):
        again = self.snapshot()
        copy = Sandbox()
        try:
            shutil.copyfile(self.box.db, copy.db)
            for suffix in ("-wal", "-shm"):
                if os.path.exists(self.box.db + suffix):
                    shutil.copyfile(self.box.db + suffix, copy.db + suffix)
            other = self.snapshot(copy)
        finally:
            copy.cleanup()
        for key, (rc, out) in self.outputs.items():
            self.assertEqual(rc, OK, key)
            self.assertTrue(out, key)
            self.same_bytes(again[key], (rc, out), f"{key}: a second run")
            self.same_bytes(other[key], (rc, out), f"{key}: on a copy of the database")

    def same_bytes(self, got: tuple, expected: tuple, what: str):
        if got == expected:
            return
        (rc, out), (_, want) = got, expected
        i = next((k for k, (x, y) in enumerate(zip(out, want)) if x != y),
                 min(len(out), len(want)))
        self.fail(f"{what} differs: rc {rc}, {len(out)} bytes against {len(want)}, first at "
                  f"byte {i}: {out[max(0, i - 60):i + 60]!r} against "
                  f"{want[max(0, i - 60):i + 60]!r}")


if __name__ == "__main__":
    unittest.main()
