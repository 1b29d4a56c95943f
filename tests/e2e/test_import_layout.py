"""gridctl import layout: CSV, TOML and JSON layouts, upserts, standard input, the good corpus
(docs/design.md §5)."""

import csv
import io
import os
import unittest

from gridctl_harness import (skip_on_postgresql, COUNTY_CODE, INPUT, LEVELS, NOT_FOUND, OK, REFUSED, GridctlTestCase,
                             Sandbox, data, example, example_counts, example_units, file_bytes,
                             layout_rows)

IMPORT_COLUMNS = ["kind", "level", "added", "updated", "unchanged", "retired"]


def unit_rows(result):
    """{level: row} of the `unit` rows of an import's CSV output."""
    rows = result.csv_rows()
    return {r["level"]: r for r in rows if r["kind"] == "unit"}


class ImportExampleLayout(GridctlTestCase):
    template = "init"

    def test_csv_gives_the_example_counts(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        st = self.assertOk(self.gridctl("status", "--format", "json")).json()
        self.assertEqual(st["units"], {"county": 1, "town": 14, "zone": 111, "village": 702,
                                       "grid": 949})
        self.assertEqual(st["units"], example_counts())

    def test_output_columns(self):
        r = self.assertOk(self.gridctl("import", "layout", example("layout.csv"), "--format", "csv"))
        header = next(csv.reader(io.StringIO(r.stdout)))
        self.assertEqual(header, IMPORT_COLUMNS)

    def test_output_counts_added_per_level(self):
        r = self.assertOk(self.gridctl("import", "layout", example("layout.csv"), "--format", "csv"))
        rows = unit_rows(r)
        self.assertEqual(list(rows), LEVELS)
        added = {level: int(rows[level]["added"]) for level in LEVELS}
        self.assertEqual(added, {"county": 0, "town": 14, "zone": 111, "village": 702, "grid": 949})
        for level in LEVELS:
            self.assertEqual(int(rows[level]["updated"]), 0)
            self.assertEqual(int(rows[level]["retired"]), 0)
        self.assertFalse([x for x in r.csv_rows() if x["kind"] != "unit"], "worker rows shown")

    def test_output_json(self):
        r = self.assertOk(self.gridctl("import", "layout", example("layout.csv"), "--format", "json"))
        rows = r.json()
        self.assertIsInstance(rows, list)
        self.assertEqual([x["level"] for x in rows], LEVELS)
        self.assertEqual(list(rows[0]), IMPORT_COLUMNS)
        self.assertEqual(rows[4]["added"], 949)

    def test_table_on_stdout_message_on_stderr(self):
        r = self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        self.assertEqual(r.stdout.splitlines()[0].split(), IMPORT_COLUMNS)
        self.assertEqual(len(r.stdout.splitlines()), 6)
        self.assertTrue(r.stderr.strip())
        self.assertNotIn("error", r.stderr)
        self.assertNotIn("kind", r.stderr)

    def test_quiet_has_no_message(self):
        r = self.assertOk(self.gridctl("-q", "import", "layout", example("layout.csv")))
        self.assertEqual(r.stderr, "")

    def test_quiet_keeps_the_table(self):
        """--quiet silences messages on stderr; the table is data and stays on stdout."""
        r = self.assertOk(self.gridctl("-q", "import", "layout", example("layout.csv")))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 6, f"no table on stdout with -q\n{r}")
        self.assertEqual(lines[0].split(), IMPORT_COLUMNS)

    def test_auto_kind_from_stdin_csv(self):
        """`gridctl import -`: the kind of standard input is told by its header too."""
        r = self.gridctl("import", "-", input=file_bytes(example("layout.csv")))
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"],
                         example_counts())

    def test_auto_kind_from_stdin_toml(self):
        r = self.gridctl("import", "-", input=file_bytes(example("layout.toml")))
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"]["grid"], 949)

    def test_units_match_the_example_file(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        rows = self.assertOk(self.gridctl("units", "list", "--format", "json")).json()
        got = {r["code"]: {"code": r["code"], "name": r["name"], "level": r["level"],
                           "parent": r["parent"] or None} for r in rows}
        self.assertEqual(got, example_units())

    def test_households_and_population_stored(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        rows = {r["code"]: r for r in
                self.assertOk(self.gridctl("units", "list", "--level", "grid",
                                           "--format", "json")).json()}
        for src in layout_rows()[:50]:
            g = rows[src["grid_code"]]
            self.assertEqual(g["households"], int(src["households"]))
            self.assertEqual(g["population"], int(src["population"]))

    def test_auto_kind_from_header(self):
        r = self.gridctl("import", example("layout.csv"))
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"]["grid"], 949)

    def test_layout_in_two_files(self):
        rows = layout_rows()
        header = list(rows[0].keys())
        half = len(rows) // 2
        # Split inside a town, so the town (and maybe a zone) appears in both files.
        a = self.box.write("a.csv", self._csv(header, rows[:half]))
        b = self.box.write("b.csv", self._csv(header, rows[half:]))
        self.assertOk(self.gridctl("import", "layout", a, b))
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"],
                         example_counts())

    @staticmethod
    def _csv(header, rows):
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        return out.getvalue()

    def test_stdin_csv(self):
        r = self.gridctl("import", "layout", "-", input=file_bytes(example("layout.csv")))
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"],
                         example_counts())

    def test_stdin_toml(self):
        r = self.gridctl("import", "layout", "-", input=file_bytes(example("layout.toml")))
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"],
                         example_counts())

    def test_stdin_json(self):
        r = self.gridctl("import", "layout", "-", input=file_bytes(example("layout.json")))
        self.assertRc(r, OK)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"],
                         example_counts())

    def test_renamed_grid_is_updated(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        text = file_bytes(example("layout.csv")).decode()
        text = text.replace(",东湖社区第1网格,", ",东湖社区北网格,", 1)
        path = self.box.write("renamed.csv", text)
        r = self.assertOk(self.gridctl("import", "layout", path, "--format", "csv"))
        rows = unit_rows(r)
        self.assertEqual(int(rows["grid"]["updated"]), 1)
        self.assertEqual(int(rows["grid"]["added"]), 0)
        self.assertEqual(int(rows["grid"]["unchanged"]), 948)
        self.assertEqual(int(rows["village"]["unchanged"]), 702)
        u = self.gridctl("units", "show", "37132700100101", "--format", "json").json()
        self.assertEqual(u["name"], "东湖社区北网格")

    def test_moved_grid_gets_its_new_parent(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        text = file_bytes(example("layout.csv")).decode()
        old = ("371327001,十字路街道,371327001Z01,十字路街道第一片区,371327001001,东湖社区,"
               "37132700100104,")
        new = ("371327001,十字路街道,371327001Z02,十字路街道第二片区,371327001005,崖泉社区,"
               "37132700100104,")
        self.assertIn(old, text)
        path = self.box.write("moved.csv", text.replace(old, new))
        r = self.assertOk(self.gridctl("import", "layout", path, "--format", "csv"))
        self.assertEqual(int(unit_rows(r)["grid"]["updated"]), 1)
        u = self.gridctl("units", "show", "37132700100104", "--format", "json").json()
        self.assertEqual(u["parent"], "371327001005")
        self.assertEqual(u["parent_name"], "崖泉社区")

    def test_new_grid_is_added(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.csv")))
        text = file_bytes(example("layout.csv")).decode()
        text += ("371327001,十字路街道,371327001Z01,十字路街道第一片区,371327001001,东湖社区,"
                 "37132700100199,东湖社区第99网格,10,20\n")
        path = self.box.write("more.csv", text)
        r = self.assertOk(self.gridctl("import", "layout", path, "--format", "csv"))
        rows = unit_rows(r)
        self.assertEqual(int(rows["grid"]["added"]), 1)
        self.assertEqual(int(rows["grid"]["unchanged"]), 949)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"]["grid"], 950)


class TreeLayouts(GridctlTestCase):
    """TOML and JSON layouts name their county and create a missing database."""

    def counts(self):
        return self.assertOk(self.gridctl("status", "--format", "json")).json()["units"]

    @skip_on_postgresql("the database is a file")
    def test_toml_creates_missing_database(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.toml")))
        self.assertTrue(os.path.isfile(self.box.db))
        self.assertEqual(self.counts(), example_counts())

    def test_json_creates_missing_database(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.json")))
        self.assertEqual(self.counts(), example_counts())

    def test_created_database_has_the_builtin_policy(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.toml")))
        p = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        self.assertEqual(p["version"], 1)
        self.assertTrue(p["departments"])

    def test_created_database_takes_the_example_workers(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.json")))
        self.assertOk(self.gridctl("import", "workers", example("workers.csv")))

    def test_county_unit_from_the_file(self):
        self.assertOk(self.gridctl("import", "layout", example("layout.toml")))
        u = self.gridctl("units", "show", COUNTY_CODE, "--format", "json").json()
        self.assertEqual(u["name"], "莒南县")
        self.assertEqual(u["towns"], 14)

    def test_csv_without_database_is_not_found(self):
        r = self.gridctl("import", "layout", example("layout.csv"))
        self.assertRc(r, NOT_FOUND)
        self.assertTrue(r.errors())
        self.assertFalse(self.box.created(), "a failed CSV import created the database")

    def test_csv_toml_json_give_the_same_units(self):
        outputs = {}
        for name in ("layout.csv", "layout.toml", "layout.json"):
            box = Sandbox("init" if name.endswith(".csv") else None)
            self.addCleanup(box.cleanup)
            self.assertRc(box.gridctl("import", "layout", example(name)), OK)
            r = box.gridctl("units", "list", "--format", "csv")
            self.assertRc(r, OK)
            outputs[name] = r.stdout
        self.assertEqual(len(outputs["layout.csv"].splitlines()), 1 + sum(example_counts().values()))
        self.assertEqual(outputs["layout.toml"], outputs["layout.csv"])
        self.assertEqual(outputs["layout.json"], outputs["layout.csv"])

    def test_toml_over_csv_changes_nothing(self):
        """The same county written as CSV then as TOML: the second import is a no-op."""
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", "layout", example("layout.toml"), "--format", "csv")
        self.assertRc(r, OK)
        for row in unit_rows(r).values():
            self.assertEqual((int(row["added"]), int(row["updated"])), (0, 0), row)
        self.assertEqual(box.dump(), before)

    def test_another_county_is_rejected(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        toml = file_bytes(data("good/layout_top_towns.toml")).decode()
        path = box.write("other.toml", toml.replace('code = "371327"', 'code = "371328"', 1))
        before = box.dump()
        r = box.gridctl("import", "layout", path)
        self.assertIn(r.rc, (INPUT, REFUSED), str(r))
        self.assertTrue(r.errors())
        self.assertEqual(box.dump(), before)


class MixedImport(GridctlTestCase):
    """`gridctl import FILE…` takes layouts and workers in one transaction."""

    template = "init"

    def test_layout_and_workers_together(self):
        r = self.gridctl("import", example("layout.csv"), example("workers.csv"))
        self.assertRc(r, OK)
        st = self.gridctl("status", "--format", "json").json()
        self.assertEqual(st["units"]["grid"], 949)
        self.assertEqual(st["workers"], {"grid": 949, "town": 590, "county": 912})

    def test_workers_named_before_the_layout(self):
        r = self.gridctl("import", example("workers.csv"), example("layout.csv"))
        self.assertRc(r, OK)
        st = self.gridctl("status", "--format", "json").json()
        self.assertEqual(st["workers"], {"grid": 949, "town": 590, "county": 912})

    def test_output_has_unit_and_worker_rows(self):
        r = self.assertOk(self.gridctl("import", example("layout.csv"), example("workers.csv"),
                                       "--format", "csv"))
        kinds = [(x["kind"], x["level"]) for x in r.csv_rows()]
        self.assertEqual(kinds, [("unit", l) for l in LEVELS] +
                         [("worker", t) for t in ("grid", "town", "county")])

    def test_bad_workers_file_keeps_the_layout_out(self):
        before = self.box.dump()
        r = self.gridctl("import", example("layout.csv"), data("workers/unknown_unit.csv"))
        self.assertRc(r, INPUT)
        self.assertEqual(self.box.dump(), before)
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"]["grid"], 0)

    def test_bad_layout_file_keeps_the_workers_out(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        r = box.gridctl("import", data("layout/empty_code.csv"), example("workers.csv"))
        self.assertRc(r, INPUT)
        self.assertEqual(box.dump(), before)

    def test_rejected_new_county_leaves_no_database(self):
        """A TOML layout (which would create the database) with a workers file that fails a rule
        against it: nothing written, so no database file either."""
        box = Sandbox()
        self.addCleanup(box.cleanup)
        r = box.gridctl("import", example("layout.toml"), data("workers/unknown_unit.csv"))
        self.assertRc(r, INPUT)
        self.assertFalse(box.created(), "a rejected import left a database file")

    def test_workers_rule_failure_keeps_the_layout_out(self):
        """The workers file parses but a worker serves a grid of a town the layout lacks."""
        rows = layout_rows()
        header = ",".join(rows[0].keys())
        body = "\n".join(",".join(r.values()) for r in rows if r["town_code"] == "371327001")
        layout = self.box.write("one_town.csv", header + "\n" + body + "\n")
        workers = self.box.write("w.csv", "code,name,tier,unit,deployment,department,phone\n"
                                          "W9001,测试甲,grid,37132710000101,,,\n")
        before = self.box.dump()
        r = self.gridctl("import", layout, workers)
        self.assertRc(r, INPUT)
        self.assertEqual(self.box.dump(), before)


class GoodLayoutFiles(GridctlTestCase):
    """The good/ corpus: tricky but valid files are accepted and read exactly."""

    template = "init"

    def imp(self, name):
        r = self.gridctl("import", "layout", data(name))
        self.assertRc(r, OK, name)
        return r

    def unit(self, code):
        r = self.gridctl("units", "show", code, "--format", "json")
        self.assertRc(r, OK)
        return r.json()

    def names(self):
        rows = self.assertOk(self.gridctl("units", "list", "--format", "json")).json()
        return {r["code"]: r["name"] for r in rows}

    def test_bom_crlf_csv(self):
        self.imp("good/layout_bom_crlf.csv")
        st = self.gridctl("status", "--format", "json").json()["units"]
        self.assertEqual(st, {"county": 1, "town": 1, "zone": 2, "village": 2, "grid": 3})
        names = self.names()
        self.assertEqual(names["371327001"], "十字路街道")  # no BOM glued to the first field
        self.assertEqual(names["37132700100501"], "崖泉社区第1网格")  # no \r at the line end
        for n in names.values():
            self.assertNotIn("\r", n)
            self.assertNotIn("\ufeff", n)

    def test_quoted_fields(self):
        self.imp("good/layout_quoted.csv")
        names = self.names()
        self.assertEqual(names["371327001Z01"], "十字路街道,第一片区")
        self.assertEqual(names["371327001001"], '东湖"新"社区')
        self.assertEqual(names["37132700100101"], "东湖社区第1网格,北区")
        self.assertEqual(names["37132700100102"], "东湖社区\n第2网格")
        self.assertEqual(names["37132700100501"], "崖泉社区第1网格")
        self.assertEqual(self.unit("37132700100501")["parent"], "371327001005")

    def test_chinese_headers_in_any_order(self):
        self.imp("good/layout_chinese_shuffled.csv")
        g = self.unit("37132700100101")
        self.assertEqual((g["name"], g["parent"]), ("东湖社区第1网格", "371327001001"))
        self.assertEqual((g["households"], g["population"]), (433, 1326))
        g = self.unit("37132700100501")
        self.assertEqual((g["households"], g["population"]), (257, 627))
        t = self.unit("371327001")
        self.assertEqual((t["name"], t["households"], t["population"]),
                         ("十字路街道", 433 + 257, 1326 + 627))

    def test_names_are_trimmed_and_nfc(self):
        self.imp("good/layout_nfc.csv")
        names = self.names()
        self.assertEqual(names["371327001"], "十字路街道")
        self.assertEqual(names["371327001Z01"], "十字路街道第一片区")
        self.assertEqual(names["371327001001"], "Caf\u00e9村")
        self.assertEqual(names["37132700100101"], "东湖社区第1网格")

    def test_nfc_name_matches_on_reimport(self):
        """The decomposed and the composed spelling are the same name: no update."""
        self.imp("good/layout_nfc.csv")
        text = file_bytes(data("good/layout_nfc.csv")).decode().replace("Cafe\u0301", "Caf\u00e9")
        path = self.box.write("composed.csv", text)
        r = self.assertOk(self.gridctl("import", "layout", path, "--format", "csv"))
        self.assertEqual(int(unit_rows(r)["village"]["updated"]), 0)
        self.assertEqual(int(unit_rows(r)["village"]["unchanged"]), 1)

    def test_code_of_32_characters(self):
        self.imp("good/layout_code_32.csv")
        code = "G-371327_001.001-01" + "x" * 13
        self.assertEqual(len(code), 32)
        self.assertEqual(self.unit(code)["level"], "grid")

    def test_towns_beside_the_county_table(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("import", "layout", data("good/layout_top_towns.toml")), OK)
        st = box.gridctl("status", "--format", "json").json()["units"]
        self.assertEqual(st, {"county": 1, "town": 1, "zone": 1, "village": 1, "grid": 1})
        g = box.gridctl("units", "show", "37132700100101", "--format", "json").json()
        self.assertEqual(g["parent"], "371327001001")

    def test_bom_crlf_toml(self):
        self.imp("good/layout_bom_crlf.toml")
        g = self.unit("37132700100101")
        self.assertEqual((g["name"], g["households"]), ("东湖社区第1网格", 433))

    def test_bom_crlf_json(self):
        self.imp("good/layout_bom_crlf.json")
        g = self.unit("37132700100101")
        self.assertEqual((g["name"], g["population"]), ("东湖社区第1网格", 1326))

    def test_no_newline_at_the_end(self):
        text = file_bytes(data("good/layout_bom_crlf.csv")).rstrip(b"\r\n")
        path = self.box.write("nonl.csv", text)
        self.assertOk(self.gridctl("import", "layout", path))
        self.assertEqual(self.names()["37132700100501"], "崖泉社区第1网格")
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"]["grid"], 3)

    def test_trailing_blank_lines(self):
        text = file_bytes(data("good/layout_chinese_shuffled.csv")) + b"\n\n"
        path = self.box.write("blank.csv", text)
        self.assertOk(self.gridctl("import", "layout", path))
        self.assertEqual(self.gridctl("status", "--format", "json").json()["units"]["grid"], 2)

    def test_good_files_over_the_example_change_nothing_but_names(self):
        """BOM+CRLF rows are the example's own rows: importing them over it changes nothing."""
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        before = box.dump()
        for name in ("good/layout_bom_crlf.csv", "good/layout_bom_crlf.toml",
                     "good/layout_bom_crlf.json", "good/layout_chinese_shuffled.csv"):
            with self.subTest(name=name):
                self.assertRc(box.gridctl("import", "layout", data(name)), OK)
                self.assertEqual(box.dump(), before)


if __name__ == "__main__":
    unittest.main()
