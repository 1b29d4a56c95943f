"""End-to-end tests of `gridctl import cases` (docs/design.md §5 "Cases CSV / NDJSON"): CSV and NDJSON,
Chinese headers, BOM and CRLF, idempotency on (source, ext_id), the history columns and the events
they make, rejections (exit 3, file:line:col: field: reason, nothing written), --dry-run,
--batch-size, --max-errors, `import FILE` auto-detection and standard input.

The input files are in tests/data/cases/ (see its README.md).
"""

from __future__ import annotations

import os
import unittest

from gridctl_harness import (INPUT, OK, GridctlTestCase, Sandbox, data, diags, file_bytes)

COLUMNS = ["kind", "file", "added", "present", "rejected"]

GRID = "37132700100101"
GRID2 = "37132700100102"
VILLAGE = "371327001001"
ZONE = "371327001Z01"
TOWN = "371327001"


def cases_file(name: str) -> str:
    return data(os.path.join("cases", name))


class CasesImportCase(GridctlTestCase):
    template = "full"

    def import_ok(self, *args: str, input=None):
        r = self.gridctl("import", "cases", *args, input=input)
        self.assertRc(r, OK)
        return r

    def cases(self) -> list[dict]:
        r = self.gridctl("case", "list", "--format", "json")
        self.assertRc(r, OK)
        return r.json()

    def by_ext(self) -> dict[str, dict]:
        return {c["ext_id"]: c for c in self.cases()}

    def history(self, cid: int) -> list[dict]:
        r = self.gridctl("case", "history", str(cid), "--format", "json")
        self.assertRc(r, OK)
        return r.json()

    def summary_row(self, r) -> dict:
        """The one row of `import cases --format csv` output."""
        rows = r.csv_rows()
        self.assertEqual(len(rows), 1, str(r))
        self.assertEqual(list(rows[0].keys()), COLUMNS, str(r))
        return rows[0]


class CsvAndNdjson(CasesImportCase):

    def test_csv_adds_every_row_and_prints_the_table(self):
        path = cases_file("basic.csv")
        r = self.import_ok(path, "--format", "csv")
        row = self.summary_row(r)
        self.assertEqual(row, {"kind": "case", "file": path, "added": "6", "present": "0",
                               "rejected": "0"})
        cases = self.by_ext()
        self.assertEqual(sorted(cases), ["G-0006", "H-0003", "H-0004", "P-0001", "P-0002",
                                         "S-0005"])
        c = cases["P-0002"]
        self.assertEqual((c["kind"], c["source"], c["grid"], c["category"], c["title"],
                          c["description"], c["reporter"], c["reported_at"]),
                         ("problem", "patrol", GRID, "illegal_construction", "东湖社区3号楼违建",
                          "楼顶加盖,约30平方米", "W0001", "2026-07-02T09:15:00+08:00"))

    def test_table_output_has_the_columns(self):
        r = self.import_ok(cases_file("basic.csv"))
        header = r.stdout.splitlines()[0].split()
        self.assertEqual(header, COLUMNS, str(r))

    def test_json_output(self):
        r = self.import_ok(cases_file("basic.csv"), "--format", "json")
        rows = r.json()
        self.assertEqual(len(rows), 1)
        self.assertEqual(list(rows[0].keys()), COLUMNS)
        self.assertEqual((rows[0]["kind"], rows[0]["added"], rows[0]["present"],
                          rows[0]["rejected"]), ("case", 6, 0, 0))

    def test_ndjson_gives_the_same_cases_as_csv(self):
        self.import_ok(cases_file("basic.csv"))
        other = Sandbox("full")
        self.addCleanup(other.cleanup)
        r = other.gridctl("import", "cases", cases_file("basic.ndjson"))
        self.assertRc(r, OK)
        mine = self.cases()
        theirs = other.gridctl("case", "list", "--format", "json").json()
        self.assertEqual(mine, theirs)
        for c in mine:
            strip = lambda evs: [{k: v for k, v in e.items() if k != "recorded_at"} for e in evs]
            h2 = other.gridctl("case", "history", str(c["id"]), "--format", "json").json()
            self.assertEqual(strip(self.history(c["id"])), strip(h2), c["ext_id"])

    def test_chinese_headers_bom_crlf_and_quoted_newline(self):
        r = self.import_ok(cases_file("chinese_bom_crlf.csv"), "--format", "csv")
        self.assertEqual(self.summary_row(r)["added"], "3")
        cases = self.by_ext()
        self.assertEqual(sorted(cases), ["ZH-0001", "ZH-0002", "ZH-0003"])
        a = cases["ZH-0001"]
        self.assertEqual((a["status"], a["level"], a["title"], a["reported_at"]),
                         ("closed", "grid", "楼道杂物", "2026-07-10T09:00:00+08:00"))
        self.assertIn("\"影响通行\"", a["description"])
        self.assertIn("三楼到五楼", a["description"])
        self.assertRegex(a["description"], r"\r?\n", "the quoted newline is kept")
        b = cases["ZH-0002"]  # 12345 is the hotline
        self.assertEqual((b["source"], b["status"], b["level"], b["unit"]),
                         ("hotline", "resolved", "town", TOWN))
        c = cases["ZH-0003"]
        self.assertEqual((c["kind"], c["status"], c["source"]), ("info", "closed", "platform"))

    def test_import_file_detects_a_cases_csv(self):
        r = self.gridctl("import", cases_file("basic.csv"), "--format", "csv")
        self.assertRc(r, OK)
        self.assertEqual(self.summary_row(r)["added"], "6")
        self.assertEqual(len(self.cases()), 6)

    def test_import_file_detects_an_ndjson_file(self):
        r = self.gridctl("import", cases_file("basic.ndjson"), "--format", "csv")
        self.assertRc(r, OK)
        self.assertEqual(self.summary_row(r)["added"], "6")
        self.assertEqual(len(self.cases()), 6)

    def test_import_file_detects_a_cases_csv_with_chinese_headers(self):
        # 层级 is the cases file's `level` column here, not a workers file's tier.
        r = self.gridctl("import", cases_file("chinese_bom_crlf.csv"), "--format", "csv")
        self.assertRc(r, OK)
        self.assertEqual(self.summary_row(r)["added"], "3")

    def test_stdin_csv(self):
        r = self.import_ok("-", "--format", "csv", input=file_bytes(cases_file("basic.csv")))
        self.assertEqual(self.summary_row(r)["added"], "6")
        self.assertEqual(len(self.cases()), 6)

    def test_stdin_ndjson_detected_by_import(self):
        r = self.gridctl("import", "-", "--format", "csv",
                         input=file_bytes(cases_file("basic.ndjson")))
        self.assertRc(r, OK)
        self.assertEqual(self.summary_row(r)["added"], "6")

    def test_stdin_csv_detected_by_import(self):
        r = self.gridctl("import", "-", "--format", "csv",
                         input=file_bytes(cases_file("chinese_bom_crlf.csv")))
        self.assertRc(r, OK)
        self.assertEqual(self.summary_row(r)["added"], "3")

    def test_several_files_in_one_command(self):
        r = self.import_ok(cases_file("basic.csv"), cases_file("chinese_bom_crlf.csv"),
                           "--format", "csv")
        rows = r.csv_rows()
        self.assertEqual([(x["file"], x["added"]) for x in rows],
                         [(cases_file("basic.csv"), "6"), (cases_file("chinese_bom_crlf.csv"),
                                                           "3")])
        self.assertEqual(len(self.cases()), 9)


class Idempotency(CasesImportCase):

    def test_second_import_adds_nothing(self):
        path = cases_file("basic.csv")
        self.import_ok(path)
        before = self.box.dump()
        r = self.import_ok(path, "--format", "csv")
        self.assertEqual(self.summary_row(r),
                         {"kind": "case", "file": path, "added": "0", "present": "6",
                          "rejected": "0"})
        self.assertIn("already present", r.stderr)
        self.assertEqual(before, self.box.dump(), "a second import changed the database")

    def test_the_ndjson_of_the_same_rows_is_already_present(self):
        self.import_ok(cases_file("basic.csv"))
        before = self.box.dump()
        r = self.import_ok(cases_file("basic.ndjson"), "--format", "csv")
        self.assertEqual(self.summary_row(r)["present"], "6")
        self.assertEqual(self.summary_row(r)["added"], "0")
        self.assertEqual(before, self.box.dump())

    def test_same_ext_id_from_another_source_is_another_case(self):
        header = ("ext_id,source,grid,category,kind,title,description,reporter,reported_at\n")
        a = self.box.write("a.csv", header + f"X-1,hotline,{GRID},dispute,problem,甲,,C0001,"
                                             "2026-07-01T08:00:00+08:00\n")
        b = self.box.write("b.csv", header + f"X-1,petition,{GRID},dispute,problem,乙,,C0001,"
                                             "2026-07-01T08:00:00+08:00\n")
        self.import_ok(a)
        r = self.import_ok(b, "--format", "csv")
        self.assertEqual(self.summary_row(r)["added"], "1")
        self.assertEqual(len(self.cases()), 2)

    def test_partly_new_file_adds_only_the_new_rows(self):
        self.import_ok(cases_file("basic.csv"))
        lines = file_bytes(cases_file("basic.csv")).decode("utf-8").splitlines()
        extra = lines[1].replace("P-0001", "P-0099")
        path = self.box.write("more.csv", "\n".join(lines + [extra]) + "\n")
        r = self.import_ok(path, "--format", "csv")
        row = self.summary_row(r)
        self.assertEqual((row["added"], row["present"]), ("1", "6"))


class HistoryColumns(CasesImportCase):
    """`level`, `department`, `resolved_at`, `closed_at` and `status` become the events that
    brought the case there (docs/design.md §5)."""

    def setUp(self):
        super().setUp()
        self.import_ok(cases_file("basic.csv"))
        self.cases_by_ext = self.by_ext()

    def events(self, ext_id: str) -> list[tuple]:
        return [(e["type"], e["level"], e["unit"], e["department"], e["at"])
                for e in self.history(self.cases_by_ext[ext_id]["id"])]

    def test_patrol_case_referred_to_a_department(self):
        at = "2026-07-02T09:15:00+08:00"
        self.assertEqual(self.events("P-0002"), [
            ("report", "grid", GRID, None, at),
            ("escalate", "village", VILLAGE, None, at),
            ("escalate", "zone", ZONE, None, at),
            ("escalate", "town", TOWN, None, at),
            ("refer", "county", None, "housing", at),
            ("resolve", "county", None, "housing", "2026-07-05T15:00:00+08:00"),
            ("close", "county", None, "housing", "2026-07-06T10:00:00+08:00"),
        ])
        c = self.cases_by_ext["P-0002"]
        self.assertEqual((c["status"], c["level"], c["unit"], c["department"], c["deadline"]),
                         ("closed", "county", None, "housing", None))
        h = self.history(c["id"])
        # Deadlines: illegal_construction has 5 days at every level; a resolved case 24 h.
        self.assertEqual(h[4]["deadline"], "2026-07-07T09:15:00+08:00")
        self.assertEqual(h[5]["deadline"], "2026-07-06T15:00:00+08:00")

    def test_hotline_case_dispatched_to_a_zone(self):
        at = "2026-07-03T08:30:00+08:00"
        self.assertEqual(self.events("H-0003"), [
            ("report", "county", None, None, at),
            ("dispatch", "zone", ZONE, None, at),
            ("resolve", "zone", ZONE, None, "2026-07-03T15:00:00+08:00"),
            ("close", "zone", ZONE, None, "2026-07-04T09:00:00+08:00"),
        ])

    def test_petition_dispatched_to_a_department_left_open(self):
        at = "2026-07-04T10:00:00+08:00"
        self.assertEqual(self.events("H-0004"), [
            ("report", "county", None, None, at),
            ("dispatch", "county", None, "petition", at),
        ])
        c = self.cases_by_ext["H-0004"]
        self.assertEqual((c["status"], c["department"]), ("open", "petition"))
        # petition_matter: 15 days
        self.assertEqual(c["deadline"], "2026-07-19T10:00:00+08:00")

    def test_self_handled_case_closed_in_the_grid(self):
        # Times without an offset are local (+08:00).
        self.assertEqual(self.events("S-0005"), [
            ("report", "grid", GRID, None, "2026-07-05T07:00:00+08:00"),
            ("close", "grid", GRID, None, "2026-07-05T09:00:00+08:00"),
        ])

    def test_platform_case_resolved_at_its_village(self):
        at = "2026-07-06T20:00:00+08:00"
        self.assertEqual(self.events("G-0006"), [
            ("report", "grid", GRID2, None, at),
            ("escalate", "village", VILLAGE, None, at),
            ("resolve", "village", VILLAGE, None, "2026-07-07T10:00:00+08:00"),
        ])
        c = self.cases_by_ext["G-0006"]
        self.assertEqual((c["status"], c["deadline"]), ("resolved", "2026-07-08T10:00:00+08:00"))

    def test_info_case_is_closed_with_its_report(self):
        self.assertEqual(self.events("P-0001"), [
            ("report", "grid", GRID, None, "2026-07-01T08:00:00+08:00")])
        c = self.cases_by_ext["P-0001"]
        self.assertEqual((c["kind"], c["status"]), ("info", "closed"))

    def test_report_event_is_the_reporters(self):
        for ext_id, reporter in (("P-0002", "W0001"), ("H-0003", "C0001"), ("G-0006", "W0002")):
            h = self.history(self.cases_by_ext[ext_id]["id"])
            self.assertEqual(h[0]["actor"], reporter, ext_id)

    def test_status_from_the_times_when_the_column_is_empty(self):
        header = ("ext_id,source,grid,category,kind,title,description,reporter,reported_at,"
                  "status,level,department,resolved_at,closed_at\n")
        path = self.box.write("times.csv", header +
                              f"T-1,platform,{GRID},dispute,problem,甲,,W0001,"
                              "2026-07-01T08:00,,village,,2026-07-01T12:00,\n"
                              f"T-2,platform,{GRID},dispute,problem,乙,,W0001,"
                              "2026-07-01T08:00,,village,,2026-07-01T12:00,2026-07-01T13:00\n"
                              f"T-3,platform,{GRID},dispute,problem,丙,,W0001,"
                              "2026-07-01T08:00,,village,,,\n")
        self.import_ok(path)
        c = self.by_ext()
        self.assertEqual([c[x]["status"] for x in ("T-1", "T-2", "T-3")],
                         ["resolved", "closed", "open"])

    def test_void_status(self):
        header = ("ext_id,source,grid,category,kind,title,description,reporter,reported_at,"
                  "status,level,department,resolved_at,closed_at\n")
        path = self.box.write("void.csv", header + f"V-1,hotline,{GRID},dispute,problem,重复,,"
                                                   "C0001,2026-07-01T08:00,void,,,,\n")
        self.import_ok(path)
        c = self.by_ext()["V-1"]
        self.assertEqual(c["status"], "void")
        self.assertEqual([e["type"] for e in self.history(c["id"])], ["report", "void"])


class Rejections(CasesImportCase):
    """Each bad file has a good row on line 2 and a bad one on line 3: exit 3, one error naming
    file:3:col and the field, and nothing written (not even the good row)."""

    CASES = [
        # file, field(s) that may be named, words of the reason
        ("bad_unknown_grid.csv", ("grid",), ("37132799999999",)),
        ("bad_unknown_category.csv", ("category",), ("no_such_category",)),
        ("bad_unknown_source.csv", ("source",), ("fax",)),
        ("bad_unknown_reporter.csv", ("reporter",), ("W9999",)),
        ("bad_time.csv", ("reported_at",), ("2026-07-32",)),
        ("bad_closed_before_reported.csv", ("closed_at",), ()),
        ("bad_history_rule.csv", ("resolved_at", "level", "status"), ("authority",)),
        ("bad_closed_without_closed_at.csv", ("closed_at", "status"), ("closed_at",)),
    ]

    def check_rejected(self, path: str, line: int, fields: tuple, words: tuple, *extra: str):
        before = self.box.dump()
        r = self.gridctl("import", "cases", path, *extra)
        self.assertRc(r, INPUT)
        ds = diags(r, path)
        self.assertEqual(len(ds), 1, f"one error expected\n{r}")
        d = ds[0]
        self.assertEqual(d.line, line, str(r))
        self.assertIsNotNone(d.col, f"the error names a column\n{r}")
        self.assertIn(d.field, fields, str(r))
        for w in words:
            self.assertIn(w, d.reason, str(r))
        self.assertEqual(before, self.box.dump(), f"a rejected import changed the database\n{r}")
        return d

    def test_each_bad_file(self):
        for name, fields, words in self.CASES:
            with self.subTest(name):
                self.check_rejected(cases_file(name), 3, fields, words)

    def test_columns_point_at_the_field(self):
        # Fields before the bad one are ASCII here, so its column is its offset in the line.
        for name, field in (("bad_unknown_grid.csv", "grid"), ("bad_unknown_source.csv",
                                                               "source"),
                            ("bad_unknown_category.csv", "category")):
            with self.subTest(name):
                path = cases_file(name)
                line = file_bytes(path).decode("utf-8").splitlines()[2]
                idx = ["ext_id", "source", "grid", "category"].index(field)
                col = len(",".join(line.split(",")[:idx])) + (2 if idx else 1)
                d = self.check_rejected(path, 3, (field,), ())
                self.assertEqual(d.col, col)

    def test_ndjson_rejection_names_its_line(self):
        self.check_rejected(cases_file("bad_unknown_grid.ndjson"), 2, ("grid",),
                            ("37132799999999",))

    def test_rejected_dry_run_also_exits_3(self):
        self.check_rejected(cases_file("bad_unknown_grid.csv"), 3, ("grid",), (), "--dry-run")

    def test_one_command_is_one_transaction_across_files(self):
        # docs/design.md §8: each command is one transaction; exit 3 means nothing was written.
        self.import_ok(cases_file("basic.csv"))
        before = self.box.dump()
        r = self.gridctl("import", "cases", cases_file("chinese_bom_crlf.csv"),
                         cases_file("bad_unknown_grid.csv"))
        self.assertRc(r, INPUT)
        self.assertEqual(before, self.box.dump(), "one command is one transaction")

    def test_max_errors(self):
        path = cases_file("many_errors.csv")
        r = self.gridctl("import", "cases", path)
        self.assertRc(r, INPUT)
        self.assertEqual([d.line for d in diags(r, path)], [2, 3, 4, 5, 6])
        r = self.gridctl("import", "cases", path, "--max-errors", "2")
        self.assertRc(r, INPUT)
        self.assertEqual([d.line for d in diags(r, path)], [2, 3], str(r))
        self.assertEqual(len(self.cases()), 0)

    def test_missing_required_column(self):
        path = self.box.write("missing.csv", "ext_id,source,grid,category,kind,title\n"
                                             f"A-1,patrol,{GRID},dispute,problem,甲\n")
        before = self.box.dump()
        r = self.gridctl("import", "cases", path)
        self.assertRc(r, INPUT)
        text = "\n".join(r.errors())
        self.assertIn("reporter", text)
        self.assertIn("reported_at", text)
        self.assertEqual(before, self.box.dump())

    def test_unknown_column(self):
        path = self.box.write("unknown.csv", "ext_id,source,grid,category,title,reporter,"
                                             "reported_at,colour\n"
                                             f"A-1,patrol,{GRID},dispute,甲,W0001,"
                                             "2026-07-01T08:00,red\n")
        # Ignored with a warning (Excel sheets carry such columns); --strict refuses it.
        r = self.gridctl("import", "cases", path, "--dry-run")
        self.assertRc(r, OK)
        self.assertIn("gridctl: warning: ", r.stderr)
        self.assertIn("colour", r.stderr)
        r = self.gridctl("import", "cases", "--strict", path)
        self.assertRc(r, INPUT)
        self.assertIn("colour", "\n".join(r.errors()))

    def test_export_columns_are_accepted_and_ignored(self):
        path = self.box.write("ignored.csv",
                              "id,ext_id,source,grid,category,kind,title,description,reporter,"
                              "reported_at,status,level,unit,department,deadline,overdue,rework\n"
                              f"99,I-1,patrol,{GRID},dispute,problem,甲,,W0001,"
                              f"2026-07-01T08:00,open,grid,{GRID},,2030-01-01T00:00,true,7\n")
        self.import_ok(path)
        c = self.by_ext()["I-1"]
        # The case is rebuilt from its history: no rework, the grid level's 24 h deadline.
        self.assertEqual((c["rework"], c["deadline"], c["status"]),
                         (0, "2026-07-02T08:00:00+08:00", "open"))

    def test_events_are_acted_by_the_workers_they_name(self):
        """An `events` history cannot forge its actors: each must be `admin` or a worker of the
        county allowed the move by the rules (rule 10 authorisation, rule 7 verification)."""
        header = "ext_id,source,grid,category,kind,title,reporter,reported_at,events\n"

        def row(resolver: str, closer: str) -> str:
            events = (f'[{{""type"":""resolve"",""at"":""2026-07-01T09:00"",""actor"":""{resolver}"",'
                      f'""level"":""grid"",""unit"":""{GRID}""}},'
                      f'{{""type"":""close"",""at"":""2026-07-01T10:00"",""actor"":""{closer}"",'
                      f'""level"":""grid"",""unit"":""{GRID}""}}]')
            return f'E-1,patrol,{GRID},environment_sanitation,problem,甲,W0001,2026-07-01T08:00,"{events}"\n'

        for resolver, closer, words in (
                ("NOBODY", "admin", "unknown actor NOBODY"),
                ("T0076", "admin", "authorisation"),   # a town worker of another town
                ("W0001", "W0001", "verification"),    # the doer verifies himself (rule 7)
                ("W0001", "C0851", "verification")):   # a whistle worker verifies
            with self.subTest(resolver=resolver, closer=closer):
                path = self.box.write("forged.csv", header + row(resolver, closer))
                before = self.box.dump()
                r = self.gridctl("import", "cases", path)
                self.assertRc(r, INPUT)
                ds = diags(r, path)
                self.assertEqual([(d.line, d.field) for d in ds], [(2, "events")], str(r))
                self.assertIn(words, ds[0].reason, str(r))
                self.assertEqual(before, self.box.dump())
        self.import_ok(self.box.write("ok.csv", header + row("W0001", "T0001")))
        self.assertEqual([e["actor"] for e in self.history(self.by_ext()["E-1"]["id"])],
                         ["W0001", "W0001", "T0001"])

    def test_stdin_rejection(self):
        before = self.box.dump()
        r = self.gridctl("import", "cases", "-",
                         input=file_bytes(cases_file("bad_unknown_grid.csv")))
        self.assertRc(r, INPUT)
        self.assertTrue(any(":3:" in e and "grid" in e for e in r.errors()), str(r))
        self.assertEqual(before, self.box.dump())


class DryRunAndBatches(CasesImportCase):

    def test_dry_run_writes_nothing(self):
        before = self.box.dump()
        r = self.import_ok(cases_file("basic.csv"), "--dry-run", "--format", "csv")
        self.assertEqual(self.summary_row(r)["added"], "6")
        self.assertEqual(before, self.box.dump())
        self.assertEqual(self.cases(), [])

    def test_dry_run_with_batches_writes_nothing(self):
        before = self.box.dump()
        self.import_ok(cases_file("basic.csv"), "--dry-run", "--batch-size", "2")
        self.assertEqual(before, self.box.dump())

    def test_error_in_the_third_batch_keeps_the_first_two(self):
        path = cases_file("batches_error_in_third.csv")
        r = self.gridctl("import", "cases", path, "--batch-size", "2")
        self.assertRc(r, INPUT)
        self.assertEqual([(d.line, d.field) for d in diags(r, path)], [(6, "grid")], str(r))
        self.assertEqual(sorted(self.by_ext()), ["B-0001", "B-0002", "B-0003", "B-0004"])
        # Fixed and imported again, the rest goes in.
        fixed = file_bytes(path).decode("utf-8").replace("37132799999999", GRID)
        r = self.import_ok(self.box.write("fixed.csv", fixed), "--batch-size", "2",
                           "--format", "csv")
        row = self.summary_row(r)
        self.assertEqual((row["added"], row["present"]), ("2", "4"))

    def test_without_batches_an_error_writes_nothing(self):
        before = self.box.dump()
        r = self.gridctl("import", "cases", cases_file("batches_error_in_third.csv"))
        self.assertRc(r, INPUT)
        self.assertEqual(before, self.box.dump())

    def test_batches_give_the_same_database_as_one_transaction(self):
        self.import_ok(cases_file("basic.csv"), "--batch-size", "2")
        other = Sandbox("full")
        self.addCleanup(other.cleanup)
        self.assertEqual(other.gridctl("import", "cases", cases_file("basic.csv")).rc, OK)
        self.assertEqual(self.cases(),
                         other.gridctl("case", "list", "--format", "json").json())


if __name__ == "__main__":
    unittest.main()
