"""Output formats: every listing command in table, csv, json, ndjson and md, the same data in each;
tables aligned by display width; RFC 4180 quoting; colour only where asked (docs/design.md §6)."""

import csv
import io
import json
import re
import unittest

from gridctl_harness import (OK, USAGE, GridctlTestCase, Sandbox, base_env, data, display_width,
                             example, strip_ansi, token_columns)

FORMATS = ["table", "csv", "json", "ndjson", "md"]

# Listing commands (an array of rows in json) and record commands (one object).
LISTS = {
    "units_list_towns": ["units", "list", "--level", "town"],
    "units_list_under_zone": ["units", "list", "--under", "371327100Z02"],
    "workers_list_town": ["workers", "list", "--unit", "371327100"],
    "workers_list_whistle": ["workers", "list", "--deployment", "whistle"],
    "import_dry_run": ["import", "--dry-run", "--counts", example("layout.csv"),
                       example("workers.csv")],
}
RECORDS = {
    "units_show_town": ["units", "show", "371327001"],
    "units_show_grid": ["units", "show", "37132700100101"],
    "workers_show_cluster": ["workers", "show", "C0601"],
    "workers_show_grid": ["workers", "show", "W0001"],
}
OTHERS = {
    "units_tree_depth_1": ["units", "tree", "--depth", "1"],
    "status": ["status"],
    "policy_show": ["policy", "show"],
}


def text_of(v) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, list):
        return ";".join(text_of(x) for x in v)
    return str(v)


def md_cells(line: str) -> list[str]:
    """Cells of a Markdown table row: split on unescaped `|`, unescape `\\|`."""
    assert line.startswith("|") and line.endswith("|"), line
    cells = re.split(r"(?<!\\)\|", line[1:-1])
    return [c.strip().replace("\\|", "|") for c in cells]


def parse_md(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.splitlines()
    header = md_cells(lines[0])
    sep = md_cells(lines[1])
    assert len(sep) == len(header), (header, sep)
    for s in sep:
        assert re.fullmatch(r":?-{3,}:?", s), f"bad separator cell {s!r}"
    rows = [md_cells(l) for l in lines[2:]]
    for r in rows:
        assert len(r) == len(header), f"row with {len(r)} cells, header has {len(header)}: {r}"
    return header, rows


class Formats(GridctlTestCase):
    template = "full"

    def out(self, args, fmt):
        r = self.gridctl(*args, "--format", fmt)
        self.assertRc(r, OK)
        self.assertTrue(r.stdout.strip(), f"empty output\n{r}")
        self.assertNotIn("\x1b[", r.stdout, "colour escapes on a pipe")
        return r


def make_list_test(name, args):
    def test(self):
        j = self.out(args, "json").json()
        self.assertIsInstance(j, list)
        self.assertTrue(j)
        columns = list(j[0])
        for row in j:
            self.assertEqual(list(row), columns, "json rows differ in keys")
        # ndjson: the same objects, one per line
        nd = [json.loads(l) for l in self.out(args, "ndjson").stdout.splitlines()]
        self.assertEqual(nd, j)
        # csv: a header row, then the same values as text
        reader = list(csv.reader(io.StringIO(self.out(args, "csv").stdout, newline="")))
        self.assertEqual(reader[0], columns)
        self.assertEqual(reader[1:], [[text_of(row[c]) for c in columns] for row in j])
        # md: the same header and cells
        header, rows = parse_md(self.out(args, "md").stdout)
        self.assertEqual(header, columns)
        self.assertEqual(rows, [[text_of(row[c]) for c in columns] for row in j])
        # table: a header line with the column names, one line per row
        lines = self.out(args, "table").stdout.splitlines()
        self.assertEqual(lines[0].split(), columns)
        self.assertEqual(len(lines), 1 + len(j))

    test.__doc__ = f"{' '.join(args)}: the same rows in every format"
    return test


def make_record_test(name, args):
    def test(self):
        j = self.out(args, "json").json()
        self.assertIsInstance(j, dict)
        nd = self.out(args, "ndjson").stdout.splitlines()
        self.assertEqual(len(nd), 1)
        self.assertEqual(json.loads(nd[0]), j)
        reader = list(csv.reader(io.StringIO(self.out(args, "csv").stdout, newline="")))
        # One header row and one value row, or field/value pairs: either way every field is there.
        if reader[0] == list(j):
            self.assertEqual(len(reader), 2)
            self.assertEqual(reader[1], [text_of(v) for v in j.values()])
        else:
            pairs = {r[0]: r[1] for r in reader[1:]}
            self.assertEqual(pairs, {k: text_of(v) for k, v in j.items()})
        header, rows = parse_md(self.out(args, "md").stdout)
        if header == list(j):
            self.assertEqual(rows, [[text_of(v) for v in j.values()]])
        else:
            self.assertEqual({r[0]: r[1] for r in rows}, {k: text_of(v) for k, v in j.items()})
        table = self.out(args, "table").stdout
        for k, v in j.items():
            self.assertIn(k, table)
            self.assertIn(text_of(v), table)

    test.__doc__ = f"{' '.join(args)}: the same record in every format"
    return test


def make_other_test(name, args, fmt):
    def test(self):
        r = self.out(args, fmt)
        if fmt == "json":
            json.loads(r.stdout)
        elif fmt == "ndjson":
            for line in r.stdout.splitlines():
                self.assertIsInstance(json.loads(line), dict)
        elif fmt == "csv":
            rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
            self.assertGreater(len(rows), 1)
            self.assertEqual({len(x) for x in rows}, {len(rows[0])}, "ragged CSV")
        elif fmt == "md":
            # One or more tables, separated by blank lines.
            blocks = [b for b in re.split(r"\n\s*\n", r.stdout.strip("\n")) if b.strip()]
            self.assertTrue(blocks)
            for block in blocks:
                self.assertGreater(len(parse_md(block)[1]), 0, block)

    test.__doc__ = f"{' '.join(args)} --format {fmt}"
    return test


for _name, _args in LISTS.items():
    setattr(Formats, f"test_{_name}", make_list_test(_name, _args))
for _name, _args in RECORDS.items():
    setattr(Formats, f"test_{_name}", make_record_test(_name, _args))
for _name, _args in OTHERS.items():
    for _fmt in FORMATS:
        setattr(Formats, f"test_{_name}_{_fmt}", make_other_test(_name, _args, _fmt))


class TreeFormats(GridctlTestCase):
    template = "full"

    def test_csv_has_one_row_per_unit(self):
        r = self.assertOk(self.gridctl("units", "tree", "--depth", "1", "--format", "csv"))
        rows = r.csv_rows()
        self.assertEqual(len(rows), 15)
        self.assertIn("code", rows[0])
        self.assertEqual(rows[0]["code"], "371327")

    def test_md_has_one_row_per_unit(self):
        r = self.assertOk(self.gridctl("units", "tree", "--depth", "1", "--format", "md"))
        self.assertEqual(len(parse_md(r.stdout)[1]), 15)

    def test_ndjson_lines_are_objects(self):
        r = self.assertOk(self.gridctl("units", "tree", "--depth", "1", "--format", "ndjson"))
        objs = [json.loads(l) for l in r.stdout.splitlines()]
        codes = set()

        def walk(o):
            codes.add(o["code"])
            for c in o.get("children") or []:
                walk(c)

        for o in objs:
            walk(o)
        self.assertEqual(len(codes), 15)

    def test_policy_show_json_object(self):
        r = self.assertOk(self.gridctl("policy", "show", "--format", "json"))
        self.assertIsInstance(r.json(), dict)

    def test_policy_show_ndjson_matches_json(self):
        j = self.assertOk(self.gridctl("policy", "show", "--format", "json")).json()
        lines = self.assertOk(self.gridctl("policy", "show", "--format", "ndjson")).stdout.splitlines()
        self.assertEqual([json.loads(l) for l in lines], [j])


class TableAlignment(GridctlTestCase):
    """The column after a Chinese name starts at the same display column in every row."""

    template = "full"

    def assert_aligned(self, text, index):
        lines = [l for l in text.splitlines() if l.strip()]
        self.assertGreater(len(lines), 2)
        starts = set()
        for line in lines:
            cols = token_columns(line)
            self.assertGreater(len(cols), index, line)
            starts.add(cols[index][0])
        self.assertEqual(len(starts), 1, f"column {index} starts at display columns {starts}:\n"
                                         + text)

    def test_units_list_towns(self):
        r = self.assertOk(self.gridctl("units", "list", "--level", "town"))
        names = [l.split()[1] for l in r.stdout.splitlines()[1:]]
        self.assertGreater(len({display_width(n) for n in names}), 1, "names of one width")
        self.assert_aligned(r.stdout, 2)  # level, after name
        self.assert_aligned(r.stdout, 3)  # parent

    def test_units_list_grids_of_a_zone(self):
        r = self.assertOk(self.gridctl("units", "list", "--under", "371327100Z02"))
        self.assert_aligned(r.stdout, 2)

    def test_workers_list(self):
        r = self.assertOk(self.gridctl("workers", "list", "--unit", "371327100", "--tier", "town"))
        names = [l.split()[1] for l in r.stdout.splitlines()[1:]]
        self.assertGreater(len({display_width(n) for n in names}), 1, "names of one width")
        self.assert_aligned(r.stdout, 2)  # tier, after name

    def test_units_show_record(self):
        # A zone whose party committee has a secretary: every field has a value to align.
        self.assertOk(self.gridctl("import", "party", example("party.csv")))
        r = self.assertOk(self.gridctl("units", "show", "371327001Z01"))
        self.assert_aligned(r.stdout, 1)

    def test_mixed_scripts(self):
        """ASCII, accented (é is one column) and Chinese names in one table."""
        box = Sandbox("init")
        self.addCleanup(box.cleanup)
        self.assertRc(box.gridctl("import", "layout", data("good/layout_nfc.csv")), OK)
        self.assertRc(box.gridctl("import", "layout", data("good/layout_bom_crlf.csv")), OK)
        path = box.write("x.csv", "town_code,town_name,zone_code,zone_name,village_code,"
                                  "village_name,grid_code,grid_name\n"
                                  "371327001,十字路街道,371327001Z09,Zone-Nine,371327001901,"
                                  "ＡＢ村,37132700190101,Grid1\n")
        self.assertRc(box.gridctl("import", "layout", path), OK)
        r = box.gridctl("units", "list")
        self.assertRc(r, OK)
        self.assert_aligned(r.stdout, 2)


class Quoting(GridctlTestCase):
    """Names with commas, quotes, newlines and pipes survive every format."""

    template = "init"

    def setUp(self):
        super().setUp()
        self.assertOk(self.gridctl("import", "layout", data("good/layout_quoted.csv")))
        path = self.box.write("pipe.csv", "town_code,town_name,zone_code,zone_name,village_code,"
                                          "village_name,grid_code,grid_name\n"
                                          "371327001,十字路街道,371327001Z02,十字路街道第二片区,"
                                          "371327001005,崖泉社区,37132700100502,A|B网格\n")
        self.assertOk(self.gridctl("import", "layout", path))
        self.want = {"371327001Z01": "十字路街道,第一片区", "371327001001": '东湖"新"社区',
                     "37132700100101": "东湖社区第1网格,北区",
                     "37132700100102": "东湖社区\n第2网格", "37132700100502": "A|B网格"}

    def test_csv_is_rfc4180(self):
        r = self.assertOk(self.gridctl("units", "list", "--format", "csv"))
        names = {row["code"]: row["name"] for row in r.csv_rows()}
        for code, name in self.want.items():
            self.assertEqual(names[code], name)
        self.assertIn('"东湖""新""社区"', r.stdout)
        self.assertIn('"十字路街道,第一片区"', r.stdout)

    def test_json(self):
        r = self.assertOk(self.gridctl("units", "list", "--format", "json"))
        names = {row["code"]: row["name"] for row in r.json()}
        for code, name in self.want.items():
            self.assertEqual(names[code], name)

    def test_ndjson_one_line_per_unit(self):
        r = self.assertOk(self.gridctl("units", "list", "--format", "ndjson"))
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 1 + 1 + 2 + 2 + 4)
        names = {json.loads(l)["code"]: json.loads(l)["name"] for l in lines}
        self.assertEqual(names["37132700100102"], "东湖社区\n第2网格")

    def test_md_keeps_one_row_per_unit(self):
        r = self.assertOk(self.gridctl("units", "list", "--format", "md"))
        header, rows = parse_md(r.stdout)
        self.assertEqual(len(rows), 10)
        names = {row[0]: row[1] for row in rows}
        self.assertEqual(names["37132700100502"], "A|B网格")
        self.assertEqual(names["371327001001"], '东湖"新"社区')

    def test_record_csv(self):
        r = self.assertOk(self.gridctl("units", "show", "37132700100102", "--format", "csv"))
        rows = list(csv.reader(io.StringIO(r.stdout, newline="")))
        self.assertIn("东湖社区\n第2网格", [c for row in rows for c in row])


class Colour(GridctlTestCase):
    template = "full"

    def test_always_colours_the_table(self):
        r = self.assertOk(self.gridctl("--color", "always", "units", "list", "--level", "town"))
        self.assertIn("\x1b[", r.stdout)
        self.assertEqual(len(strip_ansi(r.stdout).splitlines()), 15)

    def test_never(self):
        r = self.assertOk(self.gridctl("--color", "never", "units", "list", "--level", "town"))
        self.assertNotIn("\x1b[", r.stdout)

    def test_auto_on_a_pipe_has_no_colour(self):
        r = self.assertOk(self.gridctl("units", "list", "--level", "town"))
        self.assertNotIn("\x1b[", r.stdout)

    def test_no_color_env(self):
        r = self.assertOk(self.gridctl("--color", "auto", "units", "list", "--level", "town",
                                       env=base_env(NO_COLOR="1")))
        self.assertNotIn("\x1b[", r.stdout)

    def test_data_formats_never_coloured(self):
        for fmt in ("csv", "json", "ndjson", "md"):
            with self.subTest(fmt=fmt):
                r = self.assertOk(self.gridctl("--color", "always", "units", "list", "--level",
                                               "town", "--format", fmt))
                self.assertNotIn("\x1b[", r.stdout)

    def test_bad_colour_is_usage_error(self):
        self.assertRc(self.gridctl("--color", "sometimes", "status"), USAGE)

    def test_bad_format_is_usage_error(self):
        r = self.gridctl("--format", "xml", "status")
        self.assertRc(r, USAGE)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
