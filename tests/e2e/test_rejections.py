"""Every bad file of tests/data is rejected: exit 3, an error line naming file:line[:col] and the
field, and the database exactly as before (docs/design.md §5, §11). The expected places come from
tests/data/make_corpus.py, which also made the files."""

import os
import re
import sys
import unittest

from gridctl_harness import (INPUT, OK, TEST_DATA, GridctlTestCase, Sandbox, data, diags, dump,
                             example, file_bytes)

sys.path.insert(0, TEST_DATA)
sys.dont_write_bytecode = True  # no __pycache__ inside tests/data
import make_corpus  # noqa: E402
sys.dont_write_bytecode = False

CORPUS = make_corpus.build()
BAD = [e for e in CORPUS if not e.good]


def field_matches(actual, expected: str) -> bool:
    if actual is None:
        return False
    return actual == expected or actual.endswith("." + expected)


def as_tuple(v):
    return v if isinstance(v, tuple) else (v,)


class CorpusIsGenerated(unittest.TestCase):
    """The committed files are what make_corpus.py makes (so README.md and the expectations
    describe the files that are really there)."""

    def test_every_file_matches_the_generator(self):
        for e in CORPUS:
            with self.subTest(file=e.path):
                path = data(e.path)
                self.assertTrue(os.path.exists(path), f"{e.path} missing: run make_corpus.py")
                self.assertEqual(file_bytes(path), e.data, f"{e.path} differs from make_corpus.py")

    def test_readme_lists_every_file(self):
        with open(data("README.md"), encoding="utf-8") as f:
            readme = f.read()
        for e in CORPUS:
            self.assertIn(f"`{e.path}`", readme)

    def test_corpus_is_small(self):
        for e in CORPUS:
            self.assertLess(len(e.data), 16 * 1024, e.path)


class Rejections(GridctlTestCase):
    """One generated test per bad file: test_<kind>_<name>."""

    template = None  # each test picks the database its file needs

    def command(self, entry, path):
        if entry.kind == "layout":
            return ["import", "layout", path]
        if entry.kind == "workers":
            return ["import", "workers", path]
        if entry.kind == "cases":
            return ["import", "cases", path]
        return ["policy", "load", path]

    def check_diagnostics(self, entry, result, path):
        self.assertEqual(result.rc, INPUT, f"{entry.path}: expected exit 3\n{result}")
        found = diags(result, path)
        self.assertTrue(found, f"{entry.path}: no error line `gridctl: error: {path}:LINE...`\n"
                               f"{result}")
        lines = as_tuple(entry.line)
        at_line = [d for d in found if d.line in lines]
        self.assertTrue(at_line, f"{entry.path}: no error at line {entry.line}; got "
                                 f"{[d.text for d in found]}")

        def ok(d) -> bool:
            if entry.other is not None and not re.search(
                    rf"(:{entry.other}\b|line {entry.other}\b)", d.reason):
                return False
            if entry.col == make_corpus.ANY and d.col is None:
                return False
            if isinstance(entry.field, tuple):  # alternatives: (col, field) pairs
                return any(d.col == c and field_matches(d.field, f)
                           for c, f in zip(as_tuple(entry.col), entry.field))
            if entry.col not in (None, make_corpus.ANY) and d.col not in as_tuple(entry.col):
                return False
            if entry.field is not None and not field_matches(d.field, entry.field):
                return False
            return True

        self.assertTrue(any(ok(d) for d in at_line),
                        f"{entry.path}: expected line {entry.line} col {entry.col} field "
                        f"{entry.field}" + (f" naming line {entry.other}" if entry.other else "") +
                        f"; got {[d.text for d in at_line]}")
        for line in result.stderr.splitlines():
            if (entry.kind == "cases" and line.startswith(f"{path}: rejected (")
                    and line.endswith("; nothing written")):
                continue  # import cases sums up each file on standard error
            if line.strip():
                self.assertTrue(line.startswith("gridctl: error: "),
                                f"{entry.path}: stray stderr line {line!r}")
        self.assertEqual(result.stdout, "", f"{entry.path}: a rejected import prints no table")


_FRESH_DUMPS: dict = {}


def fresh_dump(box: Sandbox, template) -> str:
    """The dump of `box`, new from `template`: every fresh copy of one template dumps alike, so
    it is dumped once (pg_dump takes 0.2 s, twice per test)."""
    if template not in _FRESH_DUMPS:
        _FRESH_DUMPS[template] = box.dump()
    return _FRESH_DUMPS[template]


def make_rejection_test(entry):
    def test(self):
        box = Sandbox(entry.needs)
        self.addCleanup(box.cleanup)
        path = data(entry.path)
        before = fresh_dump(box, entry.needs)
        r = box.gridctl(*self.command(entry, path))
        self.check_diagnostics(entry, r, path)
        self.assertEqual(box.dump(), before, f"{entry.path}: the database changed")

    test.__doc__ = f"{entry.path}: {entry.what}"
    return test


def make_check_test(entry):
    def test(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        path = data(entry.path)
        r = box.gridctl("policy", "check", path)
        self.check_diagnostics(entry, r, path)
        self.assertFalse(box.created(), "policy check created a database")

    test.__doc__ = f"policy check {entry.path}: {entry.what}"
    return test


def make_no_db_test(entry):
    def test(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        path = data(entry.path)
        r = box.gridctl("import", "layout", path)
        self.check_diagnostics(entry, r, path)
        self.assertFalse(box.created(), f"{entry.path}: a rejected layout created the "
                                                 "database")

    test.__doc__ = f"{entry.path} with no database: rejected, no file created"
    return test


def test_name(entry) -> str:
    return "test_" + re.sub(r"[^0-9a-zA-Z]+", "_", entry.path).strip("_")


for _e in BAD:
    setattr(Rejections, test_name(_e), make_rejection_test(_e))
    if _e.kind == "policy":
        setattr(Rejections, test_name(_e).replace("test_policy_", "test_policy_check_"),
                make_check_test(_e))
    if _e.kind == "layout" and not _e.path.endswith(".csv"):
        setattr(Rejections, test_name(_e) + "_no_database", make_no_db_test(_e))


class GeneratedRejections(GridctlTestCase):
    template = "full"

    R1 = ("371327001,十字路街道,371327001Z01,十字路街道第一片区,371327001001,东湖社区,"
          "37132700100101,")
    HEADER = "town_code,town_name,zone_code,zone_name,village_code,village_name,grid_code,grid_name\n"

    def test_huge_field(self):
        """A grid_name of 70,000 bytes (> 64 KiB) on line 3 is rejected at its column."""
        huge = "网" * 23334  # 70,002 bytes
        text = self.HEADER + self.R1 + "东湖社区第1网格\n" + self.R1.replace("0101,", "0102,") + huge + "\n"
        path = self.box.write("huge_field.csv", text)
        before = self.box.dump()
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        found = [d for d in diags(r, path) if d.line == 3]
        self.assertTrue(found, str(r))
        self.assertEqual(found[0].col, len(self.R1) + 1, str(r))
        self.assertLess(len(r.stderr), 4096, "the error quotes the whole huge field")
        self.assertEqual(self.box.dump(), before)

    def test_huge_field_unterminated_quote(self):
        """An opening quote with 200 KiB after it and no closing quote: rejected, no hang."""
        text = self.HEADER + self.R1 + '"' + "x" * 200_000 + "\n"
        path = self.box.write("huge_quote.csv", text)
        before = self.box.dump()
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        self.assertTrue([d for d in diags(r, path) if d.line == 2], str(r))
        self.assertEqual(self.box.dump(), before)

    def test_all_errors_of_a_file_are_listed(self):
        """Three different problems on lines 2, 3 and 4: three error lines, one per problem."""
        rows = [self.R1.replace("东湖社区,", ",") + "东湖社区第1网格",       # empty village_name
                self.R1.replace("37132700100101", "3713270010010/") + "x",  # bad grid_code
                self.R1.replace("0101,", "0103,") + "东湖社区第3网格,extra"]  # 9 fields
        path = self.box.write("three.csv", self.HEADER + "\n".join(rows) + "\n")
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        self.assertEqual(sorted(d.line for d in diags(r, path)), [2, 3, 4], str(r))

    def test_errors_in_two_files_name_each_file(self):
        bad_layout = data("layout/empty_code.csv")
        bad_workers = data("workers/bad_tier.csv")
        before = self.box.dump()
        r = self.gridctl("import", bad_layout, bad_workers)
        self.assertRc(r, INPUT)
        self.assertTrue(diags(r, bad_layout), str(r))
        self.assertTrue(diags(r, bad_workers), str(r))
        self.assertEqual(self.box.dump(), before)

    def test_conflict_between_two_files_names_both(self):
        """b.csv renames a town that a.csv named first: the error is in b.csv and names a.csv."""
        a = self.box.write("a.csv", self.HEADER + self.R1 + "东湖社区第1网格\n")
        b = self.box.write("b.csv", self.HEADER +
                           self.R1.replace("十字路街道,", "十字路镇,", 1).replace("0101,", "0102,")
                           + "东湖社区第2网格\n")
        before = self.box.dump()
        r = self.gridctl("import", "layout", a, b)
        self.assertRc(r, INPUT)
        found = diags(r, b)
        self.assertTrue(found, str(r))
        self.assertEqual((found[0].line, found[0].col, found[0].field), (2, 11, "town_name"))
        self.assertIn(a, found[0].reason)
        self.assertEqual(self.box.dump(), before)

    def test_every_worker_rule_error_is_listed(self):
        """Rule errors (found against the database) are all listed, each at its line."""
        path = self.box.write("w.csv", "code,name,tier,unit,deployment,department,phone\n"
                              "W9001,甲,grid,37132700199999,,,\n"          # unknown unit
                              "C9001,乙,county,371327001Z01,resident,tourism,\n"  # department
                              "W9002,丙,grid,371327001Z01,,,\n")           # zone, not a grid
        before = self.box.dump()
        r = self.gridctl("import", "workers", path)
        self.assertRc(r, INPUT)
        got = sorted((d.line, d.field) for d in diags(r, path))
        self.assertEqual(got, [(2, "unit"), (3, "department"), (4, "unit")], str(r))
        self.assertEqual(self.box.dump(), before)

    def test_max_errors_applies_to_worker_rules(self):
        rows = "".join(f"W9{i:03d},测试,grid,371327001999{i:02d},,,\n" for i in range(1, 26))
        path = self.box.write("w.csv", "code,name,tier,unit,deployment,department,phone\n" + rows)
        r = self.gridctl("import", "workers", "--max-errors", "2", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(diags(r, path)), 2, str(r))
        self.assertRegex(r.stderr, r"(?i)more")

    def test_line_numbers_count_quoted_newlines(self):
        """A quoted name spanning two lines: the bad row after it is on physical line 6."""
        good = open(data("good/layout_quoted.csv"), encoding="utf-8").read()
        bad = self.R1.replace("37132700100101", "") + "东湖社区第9网格\n"
        path = self.box.write("ql.csv", good + bad)
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        self.assertEqual([(d.line, d.col, d.field) for d in diags(r, path)],
                         [(6, len(self.R1) - len("37132700100101,") + 1, "grid_code")], str(r))

    def test_crlf_line_numbers_and_columns(self):
        text = (self.HEADER + self.R1 + "东湖社区第1网格\n" + self.R1.replace("东湖社区,", ",")
                + "东湖社区第1网格\n").replace("\n", "\r\n")
        path = self.box.write("crlf.csv", text)
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        self.assertEqual([(d.line, d.col, d.field) for d in diags(r, path)],
                         [(3, 53, "village_name")], str(r))

    def test_bom_does_not_shift_columns(self):
        path = self.box.write("bom.csv", b"\xef\xbb\xbf" + ("remarks," + self.HEADER).encode() +
                              ("x," + self.R1 + "东湖社区第1网格\n").encode())
        r = self.gridctl("import", "layout", "--strict", path)  # an unknown column is an error
        self.assertRc(r, INPUT)
        found = diags(r, path)
        self.assertEqual([(d.line, d.col, d.field) for d in found], [(1, 1, "remarks")], str(r))

    def test_max_errors_2_lists_two_and_says_more(self):
        path = data("layout/many_errors.csv")
        before = self.box.dump()
        r = self.gridctl("import", "layout", "--max-errors", "2", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(diags(r, path)), 2, str(r))
        self.assertRegex(r.stderr, r"(?i)more", "does not say there are more errors")
        self.assertEqual(self.box.dump(), before)

    def test_max_errors_default_is_20(self):
        path = data("layout/many_errors.csv")
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(diags(r, path)), 20, str(r))
        self.assertRegex(r.stderr, r"(?i)more")

    def test_max_errors_large_lists_all(self):
        path = data("layout/many_errors.csv")
        r = self.gridctl("import", "layout", "--max-errors", "100", path)
        self.assertRc(r, INPUT)
        self.assertEqual(sorted(d.line for d in diags(r, path)), list(range(2, 27)), str(r))
        self.assertNotRegex(r.stderr, r"(?i)more")

    def test_max_errors_zero_is_usage_error(self):
        r = self.gridctl("import", "layout", "--max-errors", "0", data("layout/many_errors.csv"))
        self.assertRc(r, 2)

    def test_max_errors_not_a_number_is_usage_error(self):
        r = self.gridctl("import", "layout", "--max-errors", "lots", example("layout.csv"))
        self.assertRc(r, 2)

    def test_stdin_errors_name_stdin(self):
        with open(data("layout/empty_code.csv"), "rb") as f:
            content = f.read()
        r = self.gridctl("import", "layout", "-", input=content)
        self.assertRc(r, INPUT)
        self.assertRegex(r.stderr, r"gridctl: error: -:2:40: village_code: ")

    def test_unrecognised_file_kind(self):
        """`import FILE` with a header that is neither a layout nor workers: exit 3."""
        path = self.box.write("mystery.csv", "foo,bar\n1,2\n")
        before = self.box.dump()
        r = self.gridctl("import", path)
        self.assertRc(r, INPUT)
        self.assertIn("mystery.csv", r.stderr)
        self.assertEqual(self.box.dump(), before)


if __name__ == "__main__":
    unittest.main()
