"""The policy's [[assessment.indicators]] and [subsidies] (docs/design.md §12): checked on
`policy check` and `policy load` (exit 3, file:line:col, the database unchanged), shown by
`policy show`, and compared by `policy load --dry-run`. The corpus of bad files is
tests/data/policy/indicator_*, assessment_* and subsidies_* (test_rejections.py loads each one);
the tests here look at the messages and at what a good file changes."""

import re
import sys
import tomllib
import unittest

from gridctl_harness import INPUT, TEST_DATA, GridctlTestCase, data, diags, example, file_bytes

sys.path.insert(0, TEST_DATA)
sys.dont_write_bytecode = True  # no __pycache__ inside tests/data
import make_corpus  # noqa: E402
sys.dont_write_bytecode = False

# Where make_corpus.py put each file's one problem.
WHERE = {e.path: (e.line, e.col) for e in make_corpus.build() if not e.good}


def example_text() -> str:
    return file_bytes(example("policy.toml")).decode()


def yuan(amount) -> str:
    """A TOML amount as policy show prints it: 3000 → "3000.00"."""
    return f"{float(amount):.2f}"


class PolicyAssessmentRejected(GridctlTestCase):
    template = "init"

    def version(self) -> int:
        return self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()["version"]

    def rejected(self, name: str, field: str) -> str:
        """Both `policy check` and `policy load` refuse tests/data/policy/NAME at the line:col
        make_corpus.py gives, with the whole path of `field`; the database (and its policy
        version) is unchanged. Returns the reason."""
        path = data(f"policy/{name}")
        line, col = WHERE[f"policy/{name}"]
        before = self.box.dump()
        reasons = []
        for command in ("check", "load"):
            r = self.gridctl("policy", command, path)
            self.assertRc(r, INPUT, f"policy {command} {name}")
            found = [d for d in diags(r, path) if (d.line, d.col) == (line, col)]
            self.assertTrue(found, f"policy {command} {name}: nothing at {line}:{col}\n{r}")
            self.assertEqual(found[0].field, field, found[0].text)
            reasons.append(found[0].reason)
        self.assertEqual(self.box.dump(), before)
        self.assertEqual(self.version(), 1)
        self.assertEqual(reasons[0], reasons[1], "check and load say the same")
        return reasons[0]

    def test_unknown_field_suggests_the_nearest(self):
        reason = self.rejected("indicator_unknown_field.toml", "assessment.indicators[0].field")
        self.assertIn('unknown indicator field "on_time_rat"', reason)
        self.assertIn("did you mean on_time_rate?", reason)

    def test_both_target_and_ceiling(self):
        reason = self.rejected("indicator_both_bounds.toml", "assessment.indicators[0].ceiling")
        self.assertIn("not both", reason)

    def test_neither_target_nor_ceiling(self):
        reason = self.rejected("indicator_no_bound.toml", "assessment.indicators[0].target")
        self.assertIn("missing target or ceiling", reason)

    def test_negative_weight(self):
        self.assertIn("≥ 0", self.rejected("indicator_negative_weight.toml",
                                           "assessment.indicators[0].weight"))

    def test_zero_ceiling(self):
        self.assertIn("> 0", self.rejected("indicator_zero_ceiling.toml",
                                           "assessment.indicators[1].ceiling"))

    def test_unknown_key_in_an_indicator(self):
        self.assertIn('unknown key "note"', self.rejected(
            "indicator_unknown_key.toml", "assessment.indicators[0].note"))

    def test_unknown_key_in_assessment(self):
        self.assertIn('unknown key "total"', self.rejected(
            "assessment_unknown_key.toml", "assessment.total"))

    def test_the_same_field_twice(self):
        self.assertIn("listed twice", self.rejected("indicator_twice.toml",
                                                    "assessment.indicators[1].field"))

    def test_weight_of_the_wrong_type(self):
        self.assertIn("expected a number", self.rejected(
            "indicator_wrong_type.toml", "assessment.indicators[0].weight"))

    def test_more_than_two_decimals(self):
        self.assertIn("more than two decimals", self.rejected(
            "subsidies_three_decimals.toml", "subsidies.resident_monthly"))

    def test_negative_amount(self):
        self.assertIn("≥ 0",
                      self.rejected("subsidies_negative.toml", "subsidies.cluster_monthly"))

    def test_unknown_key_in_subsidies(self):
        self.assertIn('unknown key "town_monthly"', self.rejected(
            "subsidies_unknown_key.toml", "subsidies.town_monthly"))

    def test_a_missing_rate_is_named(self):
        self.assertIn("missing whistle_daily", self.rejected(
            "subsidies_missing_key.toml", "subsidies.whistle_daily"))

    def test_amount_of_the_wrong_type(self):
        self.assertIn("expected an amount in yuan", self.rejected(
            "subsidies_wrong_type.toml", "subsidies.whistle_daily"))

    def test_every_problem_at_once(self):
        text = example_text().replace("weight = 25", "weight = -25").replace(
            "whistle_daily = 100", "whistle_daily = 1.005")
        path = self.box.write("two.toml", text)
        r = self.gridctl("policy", "check", path)
        self.assertRc(r, INPUT)
        fields = sorted(d.field for d in diags(r, path))
        self.assertEqual(fields, ["assessment.indicators[0].weight", "subsidies.whistle_daily"], r)


class PolicyAssessmentShown(GridctlTestCase):
    template = "init"

    def show_json(self):
        return self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()

    def test_the_built_in_policy_shows_the_examples_indicators_and_rates(self):
        want = tomllib.loads(example_text())
        p = self.show_json()
        got = [(i["field"], i["weight"], i["target"], i["ceiling"]) for i in p["indicators"]]
        self.assertEqual(got, [(i["field"], i["weight"], i.get("target"), i.get("ceiling"))
                               for i in want["assessment"]["indicators"]])
        self.assertEqual(sum(i["weight"] for i in p["indicators"]), 100)
        self.assertEqual(p["subsidies"], {k: yuan(v) for k, v in want["subsidies"].items()})

    def test_table_lists_each_indicator_and_the_rates(self):
        out = self.assertOk(self.gridctl("policy", "show")).stdout
        want = tomllib.loads(example_text())
        lines = [line for line in out.splitlines() if line.startswith("indicator ")]
        self.assertEqual(len(lines), len(want["assessment"]["indicators"]))
        for line, i in zip(lines, want["assessment"]["indicators"]):
            self.assertIn(f"{i['field']}: weight {i['weight']}, ", line)
        self.assertRegex(out, r"(?m)^subsidies +resident_monthly 3000\.00, cluster_monthly "
                              r"3500\.00, whistle_daily 100\.00$")

    def test_a_good_file_loads_and_is_shown(self):
        self.assertOk(self.gridctl("policy", "load", data("good/policy_assessment.toml")))
        p = self.show_json()
        self.assertEqual(p["version"], 2)
        self.assertEqual(p["indicators"], [
            {"field": "on_time_rate", "weight": 60, "target": 0.95, "ceiling": None},
            {"field": "rework_rate", "weight": 40, "target": None, "ceiling": 0.1}])
        self.assertEqual(p["subsidies"], {"resident_monthly": "3000.00",
                                          "cluster_monthly": "3500.00",
                                          "whistle_daily": "100.50"})

    def test_a_policy_without_them_shows_none(self):
        self.assertOk(self.gridctl("policy", "load", data("good/policy_bom_crlf.toml")))
        p = self.show_json()
        self.assertEqual((p["indicators"], p["subsidies"]), ([], None))
        out = self.assertOk(self.gridctl("policy", "show")).stdout
        self.assertNotIn("\nindicator ", out)
        self.assertRegex(out, r"(?m)^subsidies *$")


class PolicyAssessmentChanges(GridctlTestCase):
    template = "init"

    def changes(self, text: str) -> list[dict]:
        path = self.box.write("changed.toml", text)
        before = self.box.dump()
        r = self.assertOk(self.gridctl("policy", "load", "--dry-run", "--format", "json", path))
        self.assertEqual(self.box.dump(), before)
        return r.json()

    def test_a_changed_weight_and_rate_are_listed(self):
        text = example_text()
        text = re.sub(r'(field = "on_time_rate".*\nweight = )25', r"\g<1>30", text)
        text = re.sub(r'(field = "resolution_rate".*\nweight = )20', r"\g<1>15", text)
        text = text.replace("whistle_daily = 100 ", "whistle_daily = 120 ")
        got = [(c["setting"], c["change"], c["old"], c["new"]) for c in self.changes(text)]
        self.assertEqual(got, [
            ("indicator.on_time_rate", "changed", "weight 25, target 0.95",
             "weight 30, target 0.95"),
            ("indicator.resolution_rate", "changed", "weight 20, target 0.95",
             "weight 15, target 0.95"),
            ("subsidies.whistle_daily", "changed", "100.00", "120.00")])

    def test_a_target_becoming_a_ceiling_is_a_change(self):
        text = example_text().replace("target = 1.0", "ceiling = 2")
        got = [(c["setting"], c["old"], c["new"]) for c in self.changes(text)]
        self.assertEqual(got, [("indicator.quota_rate", "weight 15, target 1",
                                "weight 15, ceiling 2")])

    def test_indicators_and_subsidies_added_and_removed(self):
        got = self.changes(file_bytes(data("good/policy_assessment.toml")).decode())
        rows = {(c["setting"], c["change"]) for c in got}
        for removed in ("resolution_rate", "quota_rate", "attendance_rate", "supervision_overdue"):
            self.assertIn((f"indicator.{removed}", "removed"), rows)
        self.assertIn(("indicator.on_time_rate", "changed"), rows)
        self.assertIn(("subsidies.whistle_daily", "changed"), rows)
        self.assertNotIn(("subsidies.resident_monthly", "changed"), rows)
        # From none to some: added.
        self.assertOk(self.gridctl("policy", "load", data("good/policy_bom_crlf.toml")))
        got = self.changes(file_bytes(data("good/policy_assessment.toml")).decode())
        rows = [(c["setting"], c["change"], c["old"], c["new"]) for c in got]
        self.assertIn(("indicator.on_time_rate", "added", None, "weight 60, target 0.95"), rows)
        self.assertIn(("subsidies.resident_monthly", "added", None, "3000.00"), rows)

    def test_reordered_indicators(self):
        text = example_text()
        blocks = text.split("[[assessment.indicators]]")
        # Swap the first two indicators: the same settings in another order.
        swapped = blocks[0] + "[[assessment.indicators]]" + blocks[2].rstrip("\n") + "\n\n" + \
            "[[assessment.indicators]]" + blocks[1].rstrip("\n") + "\n\n" + \
            "[[assessment.indicators]]" + "[[assessment.indicators]]".join(blocks[3:])
        got = [(c["setting"], c["change"]) for c in self.changes(swapped)]
        self.assertEqual(got, [("indicators", "reordered")])


if __name__ == "__main__":
    unittest.main()
