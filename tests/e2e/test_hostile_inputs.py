"""Hostile inputs get a clear error (exit 3, file:line:col), in bounded time and memory, and
change nothing; the limits on text (include/gridgov/limits.hpp) are the same for every reader and
for `log`, so whatever gridctl exports it imports back (docs/design.md §5.1, §11)."""

import json
import os
import subprocess
import sys
import unittest

from gridctl_harness import (GRIDCTL, INPUT, OK, USAGE, GridctlTestCase, Sandbox, base_env,
                             error_lines, example, parse_diag, run)

GRID = "37132700100101"
CATEGORY = "environment_sanitation"

# A child process that runs gridctl and reports its exit code and the largest resident set of
# its children (only gridctl), in KiB.
_MAXRSS = ("import resource, subprocess, sys\n"
           "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
           "stderr=subprocess.PIPE, timeout=60)\n"
           "sys.stderr.buffer.write(p.stderr)\n"
           "print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")

# Bounded memory: a reader keeps one record, whatever the file holds.
LIMIT_KIB = 60 * 1024


class Hostile(GridctlTestCase):
    template = "full"

    def rejected(self, *args: str, input=None, timeout: float = 30) -> str:
        """Runs gridctl (within `timeout` seconds: an endless read fails the test), expects exit 3
        and the database unchanged, and returns standard error."""
        before = self.box.dump()
        r = run(["--db", self.box.db, *args], cwd=self.box.dir, input=input, timeout=timeout)
        self.assertRc(r, INPUT)
        self.assertEqual(r.stdout, "")
        self.assertEqual(self.box.dump(), before, "the database changed")
        return r.stderr

    def maxrss(self, *args: str) -> tuple[int, int, str]:
        p = subprocess.run([sys.executable, "-c", _MAXRSS, GRIDCTL, "--db", self.box.db, *args],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=base_env(),
                           timeout=120)
        rc, kib = p.stdout.split()
        return int(rc), int(kib), p.stderr.decode("utf-8", "replace")


class DevZero(Hostile):
    """/dev/zero spun for ever (cases, layout) or allocated until killed (policy): a NUL byte
    means the file is not text, and reading stops there."""

    def test_every_reader_stops_at_the_first_nul(self):
        for args in (["import", "cases"], ["import", "layout"], ["import", "workers"], ["import"],
                     ["policy", "check"], ["policy", "load"]):
            with self.subTest(command=" ".join(args)):
                err = self.rejected(*args, "/dev/zero")
                self.assertIn("gridctl: error: /dev/zero:1:1: NUL byte: not a text file", err)
                self.assertEqual(len(err.strip().splitlines()), 1 + (args == ["import", "cases"]),
                                 err)

    def test_standard_input_stops_at_the_first_nul(self):
        zeros = b"\0" * (8 << 20)
        for args in (["import", "cases", "-"], ["import", "layout", "-"],
                     ["policy", "check", "-"]):
            with self.subTest(command=" ".join(args)):
                err = self.rejected(*args, input=zeros)
                self.assertIn("gridctl: error: -:1:1: NUL byte: not a text file", err)
                self.assertNotIn("<stdin>", err)

    def test_a_nul_after_good_rows_is_placed_and_ends_the_file(self):
        with open(example("workers.csv"), "rb") as f:
            lines = f.read().splitlines(keepends=True)
        path = self.box.write("w.csv", b"".join(lines[:3]) + b"W\0" + b"".join(lines[3:]))
        err = self.rejected("import", "workers", path)
        self.assertEqual([(d.line, d.col, d.reason) for d in diags_of(err, path)],
                         [(4, 2, "NUL byte: not a text file")], err)


class Directories(Hostile):
    """A directory given as an input file is input rejected (exit 3), with the same words for
    every reader; it was an internal error (policy) or an 'empty file' (CSV readers)."""

    def test_every_reader_refuses_a_directory(self):
        d = self.box.path("d.csv")
        os.mkdir(d)
        for args in (["import", "cases"], ["import", "layout"], ["import", "workers"], ["import"],
                     ["policy", "check"], ["policy", "load"]):
            with self.subTest(command=" ".join(args)):
                err = self.rejected(*args, d)
                self.assertEqual(err, f"gridctl: error: {d}: is a directory, not a file\n")

    def test_policy_check_of_a_directory_creates_no_database(self):
        box = Sandbox()
        self.addCleanup(box.cleanup)
        r = box.gridctl("policy", "check", box.dir)
        self.assertRc(r, INPUT)
        self.assertIn("is a directory, not a file", r.stderr)
        self.assertFalse(box.created())


class GiantRows(Hostile):
    """A 50 MB row of commas took 2.6 GB; a record now stops being kept at 64 fields (or 4 MiB),
    and the rest of it is read through without being stored."""

    def commas(self, header: str, megabytes: int = 50) -> str:
        with open(self.box.path("big.csv"), "wb") as f:
            f.write(header.encode() + b"\n")
            chunk = b"," * (1 << 20)
            for _ in range(megabytes):
                f.write(chunk)
            f.write(b"\n")
        return self.box.path("big.csv")

    def test_a_50_mb_row_of_commas_is_refused_in_bounded_memory(self):
        for kind, header in (("cases", "ext_id,source,grid,category,title,reporter,reported_at"),
                             ("layout", "town_code,town_name,zone_code,zone_name,village_code,"
                                        "village_name,grid_code,grid_name"),
                             ("workers", "code,name,tier,unit")):
            with self.subTest(kind=kind):
                path = self.commas(header)
                before = self.box.dump()
                rc, kib, err = self.maxrss("import", kind, path)
                self.assertEqual(rc, INPUT, err)
                self.assertIn(f"{path}:2:65: more than 64 fields in one record", err)
                self.assertEqual(self.box.dump(), before)
                if not os.environ.get("GRIDGOV_SANITIZED"):
                    self.assertLess(kib, LIMIT_KIB, f"import {kind}: max RSS {kib} KiB")

    def test_a_20_mb_ndjson_line_is_refused_in_bounded_memory(self):
        path = self.box.path("big.ndjson")
        with open(path, "w") as f:
            f.write('{"title": "' + "x" * (20 << 20) + '"}\n')
        rc, kib, err = self.maxrss("import", "cases", path)
        self.assertEqual(rc, INPUT, err)
        self.assertIn(f"{path}:1: line longer than 4 MiB", err)
        if not os.environ.get("GRIDGOV_SANITIZED"):
            self.assertLess(kib, LIMIT_KIB, f"max RSS {kib} KiB")

    def test_a_policy_over_1_mib_is_refused_unread(self):
        path = self.box.write("p.toml", "#" * (2 << 20) + "\n")
        err = self.rejected("policy", "check", path)
        self.assertEqual(err, f"gridctl: error: {path}: larger than 1 MiB: too big to be read "
                              "whole\n")


class DeepNesting(Hostile):
    """A title of 100,000 `[` crashed `import cases` (SIGSEGV): nesting deeper than 64 levels is
    refused where it goes too deep, in every JSON and TOML reader."""

    ROW = ('{"ext_id": "d1", "source": "patrol", "grid": "' + GRID + '", "category": "' +
           CATEGORY + '", "reporter": "admin", "reported_at": "2026-10-03T09:00", ')

    def test_ndjson_title_of_100000_brackets(self):
        for closed in (False, True):
            with self.subTest(closed=closed):
                title = "[" * 100000 + ("]" * 100000 if closed else "")
                path = self.box.write("deep.ndjson", self.ROW + '"title": ' + title + "}\n")
                err = self.rejected("import", "cases", path)
                col = len(self.ROW) + len('"title": ') + 64  # the object is the first level
                self.assertIn(f"gridctl: error: {path}:1:{col}: nested deeper than 64 levels", err)

    def test_ndjson_events_of_100000_brackets(self):
        path = self.box.write("deep.ndjson", self.ROW + '"title": "t", "events": ' +
                              "[" * 100000 + "]" * 100000 + "}\n")
        err = self.rejected("import", "cases", path)
        self.assertIn("nested deeper than 64 levels", err)

    def test_csv_events_column_nested_30000_deep(self):
        events = "[" * 30000 + "]" * 30000
        path = self.box.write("deep.csv", "ext_id,source,grid,category,title,reporter,reported_at,"
                              f"events\nd1,patrol,{GRID},{CATEGORY},t,admin,2026-10-03T09:00,"
                              f"{events}\n")
        err = self.rejected("import", "cases", path)
        self.assertIn(f"{path}:2:", err)
        self.assertIn("events: bad events: nested deeper than 64 levels (character 65 of the "
                      "field)", err)

    def test_a_number_too_large_is_refused_not_a_crash(self):
        # Found by scripts/fuzz --each (reader cases-csv): nlohmann throws out_of_range for a
        # number past a double's range, which escaped as an internal error (exit 1).
        huge = "2" * 41 + "E" + "2" * 35
        path = self.box.write("huge.ndjson", self.ROW + '"title": ' + huge + "}\n")
        err = self.rejected("import", "cases", path)
        self.assertIn(f"{path}:1:", err)
        self.assertIn("invalid JSON: a number too large to hold", err)
        path = self.box.write("huge.csv", "ext_id,source,grid,category,title,reporter,reported_at,"
                              f"events\nd1,patrol,{GRID},{CATEGORY},t,admin,2026-10-03T09:00,"
                              f'"[{{""type"":""resolve"",""x"":1e999999}}]"\n')
        err = self.rejected("import", "cases", path)
        self.assertIn("events: bad events: invalid JSON: a number too large to hold", err)

    def test_ndjson_text_must_be_text(self):
        path = self.box.write("arr.ndjson", self.ROW + '"title": ["a", "b"]}\n')
        err = self.rejected("import", "cases", path)
        col = len(self.ROW) + 1
        self.assertIn(f"{path}:1:{col}: title: expected a string, got an array", err)

    def test_layouts_nested_100000_deep(self):
        deep_json = self.box.write("deep.json", '{"county": ' + "[" * 100000 + "]" * 100000 + "}")
        deep_toml = self.box.write("deep.toml", "[" + ".".join(["a"] * 100000) + "]\n")
        for path, where in ((deep_json, "1:75"), (deep_toml, "1:131")):
            with self.subTest(path=os.path.basename(path)):
                err = self.rejected("import", "layout", path)
                self.assertIn(f"gridctl: error: {path}:{where}: nested deeper than 64 levels", err)


class TextLimits(Hostile):
    """NDJSON accepted NUL and 10 MB fields that CSV refused, and `log` took any title, so an
    export could fail to import back. One set of limits now holds everywhere: no NUL, texts up to
    64 KiB, titles up to 200 characters."""

    def log(self, *extra: str):
        return self.gridctl("log", "--grid", GRID, "--category", CATEGORY, "--as", "admin",
                            *extra)

    def test_log_refuses_a_title_over_200_characters(self):
        r = self.log("--title", "路" * 201)
        self.assertRc(r, USAGE)
        self.assertIn("gridctl: error: title: longer than 200 characters", r.stderr)
        self.assertIn("--title", r.stderr)
        self.assertRc(self.log("--title", "路" * 200), OK)

    def test_log_refuses_a_description_over_64_kib(self):
        r = self.log("--title", "t", "--description", "x" * 65537)
        self.assertRc(r, USAGE)
        self.assertIn("description: longer than 65536 bytes", r.stderr)

    def test_a_note_over_64_kib_is_refused(self):
        case = self.assertOk(self.log("--title", "t")).stdout.strip()
        r = self.gridctl("void", case, "--reason", "x" * 65537, "--as", "admin")
        self.assertRc(r, USAGE)
        self.assertIn("note: longer than 65536 bytes", r.stderr)

    def test_an_export_at_the_limits_imports_back(self):
        self.assertOk(self.log("--title", "路" * 200, "--description", "d" * 65536))
        for fmt in ("csv", "ndjson"):
            with self.subTest(format=fmt):
                out = self.assertOk(self.gridctl("export", "cases", "--format", fmt)).stdout
                other = Sandbox("full")
                self.addCleanup(other.cleanup)
                path = other.write("cases." + fmt, out)
                r = other.gridctl("import", "cases", path, "--format", "json")
                self.assertRc(r, OK)
                self.assertEqual(json.loads(r.stdout)[0]["added"], 1)

    def test_a_long_history_exports_and_imports_back(self):
        """Three reminders of 60,000 characters: the events column is 180 KB, over the 64 KiB of
        other fields (the CSV export of such a case did not import back); it may hold 1 MiB."""
        case = self.assertOk(self.log("--title", "t", "--at", "2026-10-03T09:00")).stdout.strip()
        for hour in ("10", "11", "12"):
            self.assertOk(self.gridctl("urge", case, "--note", "x" * 60000, "--as", "admin",
                                       "--at", f"2026-10-03T{hour}:00"))
        for fmt in ("csv", "ndjson"):
            with self.subTest(format=fmt):
                out = self.assertOk(self.gridctl("export", "cases", "--format", fmt)).stdout
                self.assertGreater(len(out), 180000)
                other = Sandbox("full")
                self.addCleanup(other.cleanup)
                r = other.gridctl("import", "cases", other.write("cases." + fmt, out),
                                  "--format", "json")
                self.assertRc(r, OK)
                self.assertEqual(json.loads(r.stdout)[0]["added"], 1)
                history = other.gridctl("case", "history", "1", "--format", "json")
                self.assertEqual([e["type"] for e in json.loads(history.stdout)],
                                 ["report", "urge", "urge", "urge"])

    def test_ndjson_refuses_what_csv_refuses(self):
        row = DeepNesting.ROW
        for title, field, reason in (('"a\\u0000b"', "title", "NUL byte"),
                                     ('"' + "t" * 201 + '"', "title",
                                      "longer than 200 characters"),
                                     ('"t", "description": "' + "x" * (1 << 20) + '"',
                                      "description", "longer than 65536 bytes")):
            with self.subTest(reason=reason):
                path = self.box.write("t.ndjson", row + '"title": ' + title + "}\n")
                err = self.rejected("import", "cases", path)
                found = diags_of(err, path)
                self.assertEqual([(d.line, d.field, d.reason) for d in found],
                                 [(1, field, reason)], err)
        # The same title over 200 characters in CSV.
        path = self.box.write("t.csv", "ext_id,source,grid,category,title,reporter,reported_at\n"
                              f"d1,patrol,{GRID},{CATEGORY},{'t' * 201},admin,2026-10-03T09:00\n")
        err = self.rejected("import", "cases", path)
        self.assertEqual([(d.line, d.field, d.reason) for d in diags_of(err, path)],
                         [(2, "title", "longer than 200 characters")], err)


class MinifiedLayout(GridctlTestCase):
    """A minified JSON layout took quadratic time (1.1 MB: 21 s, pretty-printed: 0.3 s); it now
    imports like the pretty one (a correctness test: the bench measures time, not tests)."""

    def test_the_example_county_minified_imports(self):
        with open(example("layout.json"), encoding="utf-8") as f:
            county = json.load(f)
        path = self.box.write("min.json", json.dumps(county, ensure_ascii=False,
                                                     separators=(",", ":")))
        with open(path, "rb") as f:
            self.assertEqual(f.read().count(b"\n"), 0)
        self.assertOk(self.gridctl("import", "layout", path))
        pretty = Sandbox()
        self.addCleanup(pretty.cleanup)
        self.assertRc(pretty.gridctl("import", "layout", example("layout.json")), OK)
        units = ["units", "list", "--format", "csv"]
        self.assertEqual(self.assertOk(self.gridctl(*units)).stdout,
                         pretty.gridctl(*units).stdout)

    def test_an_error_on_a_minified_line_names_its_column(self):
        text = '{"county":{"code":"371327","name":"莒南县","towns":[{"code":"T/1","name":"x"}]}}'
        path = self.box.write("bad.json", text)
        r = self.gridctl("import", "layout", path)
        self.assertRc(r, INPUT)
        col = len(text[:text.index('"T/1"')]) + 1
        self.assertIn(f"{path}:1:{col}: county.towns[0].code: ", r.stderr)


def diags_of(stderr: str, path: str) -> list:
    """The diagnostics of standard error that name `path`."""
    return [d for d in (parse_diag(line, path) for line in error_lines(stderr)) if d]


if __name__ == "__main__":
    unittest.main()
