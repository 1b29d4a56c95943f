"""gridctl policy load | check | show (docs/design.md §4)."""

import os
import re
import shutil
import subprocess
import tomllib
import unittest

from gridctl_harness import (GRIDCTL, INPUT, LEVELS, NOT_FOUND, OK, REFUSED, GridctlTestCase,
                             Sandbox, data, example, faketime_env, file_bytes)

SHOW_KEYS = {"version", "loaded_at", "source", "timezone", "auto_escalate",
             "daily_reports_per_grid", "backfill", "deadlines", "calendar", "departments", "categories",
             "services",
             "indicators", "subsidies"}


def minutes(text: str) -> int:
    """"36h" → 2160; also accepts combinations like "1d12h" and plain minutes "90m"."""
    total = 0
    parts = re.findall(r"(\d+)\s*([dhm])", text)
    assert parts and "".join(a + b for a, b in parts) == text.replace(" ", ""), text
    for n, unit in parts:
        total += int(n) * {"d": 1440, "h": 60, "m": 1}[unit]
    return total


class PolicyShow(GridctlTestCase):
    template = "init"

    def show(self):
        return self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()

    def test_json_keys(self):
        p = self.show()
        self.assertEqual(set(p), SHOW_KEYS)
        self.assertEqual(list(p["deadlines"]), ["case", "max_extension"] + LEVELS + ["verification"])
        for d in p["departments"]:
            self.assertTrue({"code", "name"} <= set(d), d)
        for c in p["categories"]:
            self.assertTrue({"code", "name", "authority", "department"} <= set(c), c)

    def test_builtin_policy_equals_the_example_policy(self):
        p = self.show()
        with open(example("policy.toml"), "rb") as f:
            want = tomllib.load(f)
        self.assertEqual(p["version"], 1)
        self.assertEqual(p["timezone"], want["timezone"])
        self.assertEqual(p["auto_escalate"], want["auto_escalate"])
        self.assertEqual(p["daily_reports_per_grid"], want["daily_reports_per_grid"])
        self.assertEqual(minutes(p["backfill"]), minutes(want["backfill"]))
        for key, value in want["deadlines"].items():
            if key in ("case", "max_extension"):  # working days: shown as written
                self.assertEqual(p["deadlines"][key], value, key)
                continue
            self.assertEqual(minutes(p["deadlines"][key]), minutes(value), key)
        self.assertEqual(p["calendar"], want["calendar"])
        self.assertEqual([(d["code"], d["name"]) for d in p["departments"]],
                         [(d["code"], d["name"]) for d in want["departments"]])
        got = {c["code"]: c for c in p["categories"]}
        self.assertEqual(list(got), [c["code"] for c in want["categories"]])
        for c in want["categories"]:
            g = got[c["code"]]
            self.assertEqual((g["name"], g["authority"], g["department"]),
                             (c["name"], c["authority"], c["department"]), c["code"])
            self.assertEqual(bool(g.get("urgent")), c.get("urgent", False), c["code"])
            norm = lambda d: d if d is None or d.endswith("wd") else minutes(d)
            self.assertEqual(norm(g["limit"]), norm(c.get("limit")), c["code"])
            if "deadline" in c:
                self.assertEqual(minutes(g["deadline"]), minutes(c["deadline"]), c["code"])
            else:
                self.assertIn(g.get("deadline"), (None, ""), c["code"])
        # The built-in text is the example's, so loading the example policy is loading the same
        # text again, and adds no version.
        before = self.box.dump()
        r = self.assertOk(self.gridctl("policy", "load", example("policy.toml")))
        self.assertEqual(self.show()["version"], 1, r)
        self.assertEqual(before, self.box.dump(), r)

    def test_table_lists_departments_and_categories(self):
        r = self.assertOk(self.gridctl("policy", "show"))
        self.assertIn("县住房和城乡建设局", r.stdout)
        self.assertIn("违法建设", r.stdout)
        self.assertIn("illegal_construction", r.stdout)

    def test_no_database_is_not_found(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("policy", "show"), NOT_FOUND)
        self.assertFalse(box.created())


class PolicyLoad(GridctlTestCase):
    template = "init"

    def show(self):
        return self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()

    def changed_policy(self, name="changed.toml"):
        text = file_bytes(example("policy.toml")).decode()
        text = text.replace("daily_reports_per_grid = 2", "daily_reports_per_grid = 3")
        text = text.replace('village = "48h"', 'village = "36h"')
        return self.box.write(name, text)

    def test_load_makes_version_2(self):
        path = self.changed_policy()
        r = self.gridctl("policy", "load", path)
        self.assertRc(r, OK)
        p = self.show()
        self.assertEqual(p["version"], 2)
        self.assertEqual(p["daily_reports_per_grid"], 3)
        self.assertEqual(minutes(p["deadlines"]["village"]), 36 * 60)
        self.assertIn("changed.toml", p["source"])
        self.assertTrue(p["loaded_at"])

    def test_load_prints_nothing_on_stdout(self):
        r = self.assertOk(self.gridctl("policy", "load", self.changed_policy()))
        self.assertEqual(r.stdout, "")
        self.assertTrue(r.stderr.strip())

    def test_loading_the_same_text_again_adds_no_version(self):
        path = self.changed_policy()
        self.assertOk(self.gridctl("policy", "load", path))
        before = self.box.dump()
        self.assertOk(self.gridctl("policy", "load", path))
        self.assertEqual(self.show()["version"], 2)
        self.assertEqual(self.box.dump(), before)

    def test_two_loads_make_version_3(self):
        self.assertOk(self.gridctl("policy", "load", self.changed_policy()))
        self.assertOk(self.gridctl("policy", "load", data("good/policy_bom_crlf.toml")))
        p = self.show()
        self.assertEqual(p["version"], 3)
        self.assertEqual([d["code"] for d in p["departments"]], ["housing", "emergency"])

    def test_dry_run_writes_nothing(self):
        before = self.box.dump()
        r = self.gridctl("policy", "load", "--dry-run", self.changed_policy())
        self.assertRc(r, OK)
        self.assertEqual(self.box.dump(), before)
        self.assertEqual(self.show()["version"], 1)

    def test_dry_run_of_a_bad_file_fails(self):
        before = self.box.dump()
        r = self.gridctl("policy", "load", "--dry-run", data("policy/unknown_level.toml"))
        self.assertRc(r, INPUT)
        self.assertEqual(self.box.dump(), before)

    def test_bom_crlf_policy(self):
        self.assertOk(self.gridctl("policy", "load", data("good/policy_bom_crlf.toml")))
        p = self.show()
        self.assertEqual(p["timezone"], "+08:00")
        self.assertEqual([c["code"] for c in p["categories"]],
                         ["illegal_construction", "safety_hazard"])
        self.assertEqual(p["departments"][0]["name"], "县住房和城乡建设局")

    def test_stdin(self):
        r = self.gridctl("policy", "load", "-", input=file_bytes(self.changed_policy()))
        self.assertRc(r, OK)
        self.assertEqual(self.show()["daily_reports_per_grid"], 3)

    def test_missing_file_is_not_found(self):
        before = self.box.dump()
        self.assertRc(self.gridctl("policy", "load", self.box.path("nope.toml")), NOT_FOUND)
        self.assertEqual(self.box.dump(), before)

    def test_no_database_is_not_found(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("policy", "load", example("policy.toml")), NOT_FOUND)
        self.assertFalse(box.created())

    def test_dropping_a_department_that_workers_come_from_is_refused(self):
        box = Sandbox("full")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("policy", "load", data("good/policy_bom_crlf.toml"))
        self.assertIn(r.rc, (INPUT, REFUSED), str(r))
        self.assertTrue(r.errors())
        self.assertEqual(box.dump(), before)

    def test_loaded_policy_rules_worker_departments(self):
        """Workers are checked against the policy in force, not the built-in one."""
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("policy", "load", data("good/policy_bom_crlf.toml")), OK)
        path = box.write("w.csv", "code,name,tier,unit,deployment,department,phone\n"
                                  "C9001,测试丙,county,371327001Z01,resident,water,\n")
        before = box.dump()
        self.assertRc(box.gridctl("import", "workers", path), INPUT)
        self.assertEqual(box.dump(), before)


class PolicyCheck(GridctlTestCase):

    def test_good_file_without_database(self):
        r = self.gridctl("policy", "check", example("policy.toml"))
        self.assertRc(r, OK)
        self.assertEqual(r.stdout, "")
        self.assertFalse(self.box.created())

    def test_good_file_with_database_writes_nothing(self):
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        before = box.dump()
        self.assertRc(box.gridctl("policy", "check", data("good/policy_bom_crlf.toml")), OK)
        self.assertEqual(box.dump(), before)

    def test_missing_file_is_not_found(self):
        self.assertRc(self.gridctl("policy", "check", self.box.path("nope.toml")), NOT_FOUND)

    def test_stdin(self):
        r = self.gridctl("policy", "check", "-", input=file_bytes(example("policy.toml")))
        self.assertRc(r, OK)

    def test_stdin_error_names_stdin(self):
        text = file_bytes(data("policy/unknown_level.toml"))
        line = text.decode().split("\n").index('authority = "province"') + 1
        r = self.gridctl("policy", "check", "-", input=text)
        self.assertRc(r, INPUT)
        self.assertRegex(r.stderr,
                         rf"gridctl: error: -:{line}:\d+: ")


if __name__ == "__main__":
    unittest.main()


class WorkingDays(GridctlTestCase):
    """Limits in working days count on the policy's calendar (rule 9): the State Council's 2026
    holidays and make-up workdays are built in; a year the calendar does not cover is warned of."""
    template = "full"

    def test_builtin_calendar_is_the_2026_notice(self):
        cal = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()["calendar"]
        self.assertIn("2026-02-15/2026-02-23", cal["holidays"])
        self.assertIn("2026-10-01/2026-10-07", cal["holidays"])
        self.assertEqual(len(cal["holidays"]), 7)
        self.assertEqual(cal["workdays"], ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                           "2026-09-20", "2026-10-10"])
        text = self.assertOk(self.gridctl("policy", "show")).stdout
        self.assertIn("calendar.workdays", text)

    def test_a_working_day_deadline_skips_the_national_day_week(self):
        with open(example("policy.toml"), encoding="utf-8") as f:
            policy = f.read()
        # The dispute category's own stage limit, in working days.
        policy = policy.replace('code = "dispute"\n', 'code = "dispute"\ndeadline = "5wd"\n', 1)
        path = self.box.write("wd.toml", policy)
        self.assertOk(self.gridctl("policy", "load", path))
        shown = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        dispute = next(c for c in shown["categories"] if c["code"] == "dispute")
        self.assertEqual(dispute["deadline"], "5wd")
        r = self.assertOk(self.gridctl("log", "--grid", "37132700100101", "--category", "dispute",
                                       "--title", "邻里纠纷", "--as", "W0001",
                                       "--at", "2026-09-30T09:00"))
        case = self.assertOk(self.gridctl("case", "show", r.stdout.strip(), "--format",
                                          "json")).json()
        # 10-01..07 off; 10-08, 10-09, 10-10 (a Saturday worked), 10-12, 10-13: due at 24:00.
        self.assertEqual(case["deadline"], "2026-10-14T00:00:00+08:00")

    def test_a_calendar_that_misses_this_year_is_warned_of(self):
        if not shutil.which("faketime"):
            self.skipTest("faketime (Debian's faketime) is not installed; scripts/setup installs it")
        run = lambda when: subprocess.run(
            [GRIDCTL, "policy", "check", example("policy.toml")],
            capture_output=True, text=True, env=faketime_env(when), timeout=60)
        later = run("2027-03-01 12:00:00")
        self.assertEqual(later.returncode, OK, later.stderr)
        self.assertIn("gridctl: warning:", later.stderr)
        self.assertIn("covers 2026", later.stderr)
        now = run("2026-11-30 12:00:00")
        self.assertEqual(now.returncode, OK, now.stderr)
        self.assertNotIn("warning", now.stderr)
