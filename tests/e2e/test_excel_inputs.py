"""Files from Excel (issue 11, items 1-5): GBK/GB18030 files, rows of separators, categories and
departments by their Chinese names, Excel's local times, every problem of a file in one run, and a
history that says which column it lacks. The files are in tests/data/excel (see its README)."""

from __future__ import annotations

import unittest

from gridctl_harness import (INPUT, OK, GridctlTestCase, data, file_bytes)
from test_loop_basics import COUNTY_WORKER, GRID, LoopTestCase

WARNING = "gridctl: warning: "


def warnings(result) -> list[str]:
    return [line[len(WARNING):] for line in result.stderr.splitlines() if line.startswith(WARNING)]


class Encodings(GridctlTestCase):
    template = "full"

    def test_gbk_workers_file_is_one_message_saying_how_to_resave_it(self):
        before = self.box.dump()
        path = data("excel/workers_gbk.csv")
        r = self.gridctl("import", "workers", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r)
        line = r.errors()[0]
        for words in (path, "GBK/GB18030", "CSV UTF-8", "--encoding gbk"):
            self.assertIn(words, line)
        self.assertNotIn("invalid UTF-8", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_gbk_workers_file_by_kind_is_the_same_message(self):
        r = self.gridctl("import", data("excel/workers_gbk.csv"))
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r)
        self.assertIn("GBK/GB18030", r.errors()[0])

    def test_encoding_gbk_reads_it(self):
        for args in (["import", "workers", "--encoding", "gbk", data("excel/workers_gbk.csv")],
                     ["import", "--encoding", "GBK", data("excel/workers_gbk.csv")]):
            with self.subTest(args=args):
                self.assertOk(self.gridctl(*args))
                w = self.assertOk(self.gridctl("workers", "show", "X0003", "--format", "json"))
                got = w.json()
                self.assertEqual(got["name"], "鞠红霞")
                self.assertEqual(got["department"], "housing")  # given by its name

    def test_encoding_gbk_on_standard_input(self):
        r = self.gridctl("import", "workers", "--encoding", "gbk", "-",
                         input=file_bytes(data("excel/workers_gbk.csv")))
        self.assertRc(r, OK)
        self.assertOk(self.gridctl("workers", "show", "X0001"))
        r = self.gridctl("import", "workers", "-", input=file_bytes(data("excel/workers_gbk.csv")))
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r)

    def test_gb18030_cases(self):
        path = data("excel/cases_gb18030.csv")
        r = self.gridctl("import", "cases", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r)
        self.assertIn("--encoding gbk", r.errors()[0])
        r = self.assertOk(self.gridctl("import", "cases", "--encoding", "gb18030", path))
        self.assertIn("3 added", r.stderr)

    def test_unknown_encoding_is_a_usage_error(self):
        r = self.gridctl("import", "workers", "--encoding", "latin1",
                         data("excel/workers_gbk.csv"))
        self.assertRc(r, 2)


class BlankRows(GridctlTestCase):
    template = "full"

    def test_rows_of_separators_are_skipped(self):
        r = self.gridctl("import", "workers", data("excel/workers_blank_rows.csv"))
        self.assertRc(r, OK)
        self.assertEqual(r.errors(), [])
        self.assertOk(self.gridctl("workers", "show", "X0003"))


class Problems(GridctlTestCase):
    template = "full"

    def test_every_problem_in_one_run(self):
        before = self.box.dump()
        path = data("excel/workers_many_problems.csv")
        r = self.gridctl("import", "workers", path)
        self.assertRc(r, INPUT)
        errors = r.errors()
        self.assertEqual(len(errors), 5, r)
        expected = [(f"{path}:2:", ("层级", "村级", "did you mean 镇级?")),
                    (f"{path}:3:", ("X0101", "given twice", f"{path}:2")),
                    (f"{path}:4:", ("下沉方式", "needs a deployment")),
                    (f"{path}:5:", ("部门", "县城管局", "3 rows")),
                    (f"{path}:8:", ("37132700100199",))]
        for where, words in expected:
            found = [e for e in errors if where in e]
            self.assertEqual(len(found), 1, f"{where}\n{r}")
            for w in words:
                self.assertIn(w, found[0])
        self.assertNotIn("tier", " ".join(errors[:1]))  # the file's own header, not the contract's
        # 序号 and 备注 are ignored, with one warning each.
        ws = warnings(r)
        self.assertEqual(len(ws), 2, r)
        self.assertTrue(ws[0].startswith(f"{path}:1:1: 序号: "), ws)
        self.assertIn("备注", ws[1])
        self.assertEqual(self.box.dump(), before)

    def test_strict_refuses_extra_columns(self):
        r = self.gridctl("import", "workers", "--strict", data("excel/workers_blank_rows.csv"))
        self.assertRc(r, OK)  # no extra column: nothing to refuse
        r = self.gridctl("import", "workers", "--strict", data("excel/workers_many_problems.csv"))
        self.assertRc(r, INPUT)
        self.assertTrue(any("序号" in e for e in r.errors()), r)
        self.assertEqual(warnings(r), [])

    def test_extra_columns_alone_are_accepted_with_a_warning(self):
        path = self.box.write("w.csv", "序号,工号,姓名,层级,单元,备注\n"
                                       "1,X0201,郑晓梅,基础网格员,37132700100101,新人\n")
        r = self.gridctl("import", "workers", path)
        self.assertRc(r, OK)
        self.assertEqual(len(warnings(r)), 2, r)
        r = self.gridctl("import", "workers", path, "--quiet")
        self.assertEqual(warnings(r), [])

    def test_a_misspelt_column_is_named_with_the_nearest(self):
        path = self.box.write("w.csv", "工号,姓名,层级,单位\nX0201,郑晓梅,基础网格员,37132700100101\n")
        r = self.gridctl("import", "workers", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r)
        self.assertIn("单位", r.errors()[0])
        self.assertIn("did you mean 单元?", r.errors()[0])


class Cases(GridctlTestCase):
    template = "full"

    def cases(self) -> dict:
        r = self.assertOk(self.gridctl("case", "list", "--format", "json"))
        return {c["ext_id"]: c for c in r.json()}

    def test_names_and_excel_times(self):
        r = self.gridctl("import", "cases", data("excel/cases_names_times.csv"))
        self.assertRc(r, OK)
        self.assertIn("3 added", r.stderr)
        self.assertEqual(len(warnings(r)), 2, r)  # 序号, 备注
        got = self.cases()
        one = got["XL-20261101-001"]
        self.assertEqual((one["category"], one["status"], one["level"]),
                         ("illegal_construction", "closed", "town"))
        self.assertEqual(one["reported_at"], "2026-11-01T10:30:00+08:00")
        two = got["XL-20261101-002"]
        self.assertEqual((two["category"], two["department"], two["status"]),
                         ("illegal_construction", "housing", "resolved"))
        self.assertEqual(two["reported_at"], "2026-11-01T11:00:00+08:00")
        three = got["XL-20261101-003"]
        self.assertEqual((three["category"], three["reported_at"]),
                         ("dispute", "2026-11-01T09:05:00+08:00"))
        # Idempotent with names as with codes.
        r = self.assertOk(self.gridctl("import", "cases", data("excel/cases_names_times.csv")))
        self.assertIn("0 added", r.stderr)

    def test_a_closed_history_without_level_or_department_says_which_column_to_add(self):
        before = self.box.dump()
        path = data("excel/cases_closed_no_level.csv")
        r = self.gridctl("import", "cases", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 1, r)
        line = r.errors()[0]
        self.assertIn(f"{path}:2:", line)
        for words in ("结案时间", "`层级`", "`部门`", "add"):
            self.assertIn(words, line)
        self.assertNotIn("dispatch it first", line)
        self.assertEqual(self.box.dump(), before)


class Options(LoopTestCase):

    def test_log_takes_a_category_name_and_an_excel_time(self):
        r = self.gridctl("log", "--grid", GRID, "--category", "违法建设", "--title", "私搭乱建",
                         "--source", "hotline", "--ext-id", "XL-1", "--as", COUNTY_WORKER,
                         "--at", "2026/10/10 8:30")
        self.assertRc(r, OK)
        cid = int(r.stdout)
        self.assertState(cid, category="illegal_construction",
                         reported_at="2026-10-10T08:30:00+08:00")

    def test_dispatch_and_escalate_take_a_department_name(self):
        cid = self.intake("illegal_construction", "XL-2", at="2026-10-10T08:30")
        self.move("dispatch", cid, "--department", "县住房和城乡建设局", as_=COUNTY_WORKER,
                  at="2026-10-10 09:00")
        self.assertState(cid, level="county", department="housing")


if __name__ == "__main__":
    unittest.main()
