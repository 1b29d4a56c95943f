"""gridctl policy load | check | show (docs/design.md §4)."""

import os
import re
import tomllib
import unittest

from gridctl_harness import (INPUT, LEVELS, NOT_FOUND, OK, REFUSED, GridctlTestCase, Sandbox,
                             data, example, file_bytes)

SHOW_KEYS = {"version", "loaded_at", "source", "timezone", "auto_escalate",
             "daily_reports_per_grid", "deadlines", "departments", "categories"}


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
        self.assertEqual(list(p["deadlines"]), LEVELS + ["verification"])
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
        for key, value in want["deadlines"].items():
            self.assertEqual(minutes(p["deadlines"][key]), minutes(value), key)
        self.assertEqual([(d["code"], d["name"]) for d in p["departments"]],
                         [(d["code"], d["name"]) for d in want["departments"]])
        got = {c["code"]: c for c in p["categories"]}
        self.assertEqual(list(got), [c["code"] for c in want["categories"]])
        for c in want["categories"]:
            g = got[c["code"]]
            self.assertEqual((g["name"], g["authority"], g["department"]),
                             (c["name"], c["authority"], c["department"]), c["code"])
            self.assertEqual(bool(g.get("urgent")), c.get("urgent", False), c["code"])
            if "deadline" in c:
                self.assertEqual(minutes(g["deadline"]), minutes(c["deadline"]), c["code"])
            else:
                self.assertIn(g.get("deadline"), (None, ""), c["code"])

    def test_table_lists_departments_and_categories(self):
        r = self.assertOk(self.gridctl("policy", "show"))
        self.assertIn("县住房和城乡建设局", r.stdout)
        self.assertIn("违法建设", r.stdout)
        self.assertIn("illegal_construction", r.stdout)

    def test_no_database_is_not_found(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("policy", "show"), NOT_FOUND)
        self.assertFalse(os.path.exists(box.db))


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
        self.assertFalse(os.path.exists(box.db))

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
        self.assertFalse(os.path.exists(self.box.db))

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
        r = self.gridctl("policy", "check", "-",
                         input=file_bytes(data("policy/unknown_level.toml")))
        self.assertRc(r, INPUT)
        self.assertRegex(r.stderr, r"gridctl: error: (<stdin>|-|stdin|<standard input>):24:\d+: ")


if __name__ == "__main__":
    unittest.main()
