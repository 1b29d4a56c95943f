"""The party chain along the grid (党建引领, README "Party organisation"): `import party`, workers'
party columns, `units show`/`units tree --party`, the convening committee of `agenda`, and the
party figures of `stats` recounted from `export cases` and the workers file."""

from __future__ import annotations

import csv
import io
import unittest

from gridctl_harness import (COUNTY_CODE, GridctlTestCase, SharedSandboxCase, diags, example,
                             example_ancestors, example_units, worker_rows)


def party_rows() -> list[dict]:
    with open(example("party.csv"), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class ImportParty(GridctlTestCase):
    template = "full"

    def test_the_example_chain_imports_once_and_again_changes_nothing(self):
        r = self.assertOk(self.gridctl("import", "party", example("party.csv"), "--format", "json"))
        added = {row["level"]: row["added"] for row in r.json()}
        self.assertEqual(added, {"town_committee": 14, "zone_committee": 111,
                                 "village_branch": 702, "grid_group": 949})
        again = self.assertOk(self.gridctl("import", example("party.csv")))  # told by header
        self.assertIn("nothing to change: 0 added, 0 updated, 1776 unchanged", again.stderr)

    def test_chinese_headers_and_kinds(self):
        path = self.box.write("p.csv", "组织编码,组织名称,组织类别,单元,上级组织,书记\n"
                                       "P1,十字路街道党工委,镇街党(工)委,371327001,,\n"
                                       "P2,第一片区党委,网格片区党委,371327001Z01,P1,T0001\n")
        r = self.assertOk(self.gridctl("import", "party", path, "--changes", "--format", "json"))
        self.assertEqual([(c["change"], c["code"]) for c in r.json()], [("added", "P1"),
                                                                         ("added", "P2")])
        shown = self.assertOk(self.gridctl("units", "show", "371327001Z01", "--format",
                                           "json")).json()
        self.assertEqual((shown["party"], shown["party_kind"], shown["secretary"]),
                         ("P2", "zone_committee", "T0001"))

    def test_a_broken_chain_is_rejected_with_both_codes_and_nothing_is_written(self):
        before = self.box.dump()
        path = self.box.write("bad.csv", "code,name,kind,unit,parent,secretary\n"
                                         "P1,十字路街道党工委,town_committee,371327001,,\n"
                                         "P2,大店镇党委,town_committee,371327100,,\n"
                                         "P3,第一片区党委,zone_committee,371327100Z01,P1,\n"
                                         "P4,村支部,village_branch,371327001Z01,P1,\n"
                                         "P5,小组,grid_group,37132700100101,P9,W9999\n"
                                         "P6,小组,party_cell,37132700100102,P1,\n")
        r = self.gridctl("import", "party", path)
        self.assertRc(r, 3)
        found = {(d.line, d.field) for d in diags(r, path)}
        self.assertEqual(found, {(4, "parent"), (5, "unit"), (6, "parent"), (6, "secretary"),
                                 (7, "kind")}, r)
        self.assertIn("broken chain: P3 leads 371327100Z01, whose parent unit is 371327100, "
                      "but its parent P1 leads 371327001", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_dry_run_and_prune(self):
        self.assertOk(self.gridctl("import", "party", example("party.csv")))
        town = [r for r in party_rows() if r["kind"] != "grid_group"]
        lines = ["code,name,kind,unit,parent,secretary"] + [
            ",".join(r[k] for k in ("code", "name", "kind", "unit", "parent", "secretary"))
            for r in town]
        path = self.box.write("no-grids.csv", "\n".join(lines) + "\n")
        before = self.box.dump()
        dry = self.assertOk(self.gridctl("import", "party", "--dry-run", "--prune", path,
                                         "--format", "json"))
        self.assertEqual(sum(c["change"] == "retired" for c in dry.json()), 949)
        self.assertEqual(self.box.dump(), before)
        self.assertOk(self.gridctl("import", "party", "--prune", path))
        tree = self.assertOk(self.gridctl("units", "tree", "371327001001", "--party", "--format",
                                          "csv")).csv_rows()
        self.assertEqual(tree[0]["party"], "P371327001001")
        self.assertTrue(all(row["party"] == "" for row in tree[1:]), tree[:3])


class WorkersParty(GridctlTestCase):
    template = "full"

    def test_members_and_roles_from_the_workers_file(self):
        rows = worker_rows()
        members = {w["code"] for w in rows if w["party_member"] == "是"}
        listed = self.assertOk(self.gridctl("workers", "list", "--party-member", "--format",
                                            "json")).json()
        self.assertEqual({w["code"] for w in listed}, members)
        leaders = {w["code"] for w in rows if w["party_role"] == "党小组长"}
        by_role = self.assertOk(self.gridctl("workers", "list", "--party-role", "党小组长",
                                             "--format", "json")).json()
        self.assertEqual({w["code"] for w in by_role}, leaders)
        one = self.assertOk(self.gridctl("workers", "show", "W0002", "--format", "json")).json()
        self.assertEqual(one["party_member"], "W0002" in members)

    def test_a_bad_party_member_value_is_rejected(self):
        path = self.box.write("w.csv", "code,name,tier,unit,party_member,party_role\n"
                                       "W0001,刘文,grid,37132700100101,maybe,\n")
        r = self.gridctl("import", "workers", path)
        self.assertRc(r, 3)
        self.assertEqual([(d.line, d.field) for d in diags(r, path)], [(2, "party_member")])


class PartyFigures(SharedSandboxCase):
    """The example season with the example chain."""

    @classmethod
    def prepare(cls):
        r = cls.box.gridctl("import", "party", example("party.csv"))
        assert r.rc == 0, r

    def test_agenda_names_the_convening_committee(self):
        r = self.box.gridctl("agenda", "zone", "371327001Z01", "--date", "2026-09-30")
        self.assertEqual(r.rc, 0, r)
        self.assertIn("convened by 十字路街道第一片区党委 (P371327001Z01)", r.stderr)

    def test_party_figures_recounted_from_the_exported_cases(self):
        members = {w["code"] for w in worker_rows() if w["party_member"] == "是"}
        r = self.box.gridctl("export", "cases", "--from", "2026-08-01", "--to", "2026-08-31",
                             "--format", "csv")
        self.assertEqual(r.rc, 0, r)
        cases = list(csv.DictReader(io.StringIO(r.stdout, newline="")))
        stats = self.box.gridctl("stats", "monthly", "--month", "2026-08", "--by", "party",
                                 "--format", "json")
        self.assertEqual(stats.rc, 0, stats)
        rows = stats.json()
        self.assertEqual(len(rows), 111 + 1)  # every zone committee, then the county
        total = rows[-1]
        self.assertEqual(total["group"], COUNTY_CODE)
        self.assertEqual(total["reported_by_party_members"],
                         sum(c["reporter"] in members for c in cases))
        self.assertEqual(sum(r["reported"] for r in rows[:-1]), total["reported"])
        # Each committee's row counts the cases of its zone's grids.
        committee = {p["unit"]: p["code"] for p in party_rows() if p["kind"] == "zone_committee"}
        units = example_units()
        expected = {}
        for c in cases:
            zone = next(u for u in example_ancestors(c["grid"]) if units[u]["level"] == "zone")
            key = committee[zone]
            expected[key] = expected.get(key, 0) + 1
        self.assertEqual({r["group"]: r["reported"] for r in rows[:-1] if r["reported"]},
                         expected)

if __name__ == "__main__":
    unittest.main()
