#!/usr/bin/env python3
"""Generates the input corpus of the end-to-end tests: bad files (one problem each) and good but
tricky files, plus README.md, which lists every file with what it exercises.

    python3 tests/data/make_corpus.py        # rewrites the files next to this script

The generated files are committed; tests/e2e/test_rejections.py imports this module for the
expected position of each error (CORPUS) and checks that the committed files are what this
script makes. Binary-ish content (bad UTF-8, NUL bytes, BOM, CRLF) is written byte for byte.

Each bad entry says where gridctl must point:
    line    the 1-based line (an int, or a tuple of acceptable lines)
    col     the 1-based column in characters: an int, a tuple of acceptable columns, ANY (some
            column must be shown; for TOML/JSON, whose parsers place nodes their own way), or
            None (not checked: whole-record or whole-file problems)
    field   the field named after the position: a column name for CSV, the last key of the
            path for TOML/JSON (`county.towns[0].name` ends in `name`), a tuple of acceptable
            fields (paired with a tuple of columns), or None (not checked)
    other   a line number that the message must also name (codes seen twice name both lines)
    needs   the database the file is imported into: "layout" (the example county's units) or
            "full" (units and workers)
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field as dc_field
from typing import Optional, Union

ANY = "any"
BOM = b"\xef\xbb\xbf"

HERE = os.path.dirname(os.path.abspath(__file__))


@dataclass
class Entry:
    path: str                      # relative to tests/data
    data: bytes
    what: str                      # one line for README.md
    kind: str = ""                 # layout | workers | policy | cases | good
    line: Union[int, tuple, None] = None
    col: Union[int, tuple, str, None] = None
    field: Union[str, tuple, None] = None
    other: Optional[int] = None
    needs: str = "full"
    good: bool = False


CORPUS: list[Entry] = []


def add(entry: Entry) -> None:
    if not entry.kind:
        entry.kind = entry.path.split("/")[0]
    CORPUS.append(entry)


# ---- helpers -------------------------------------------------------------------------------

def col_of(fields: list[str], i: int) -> int:
    """1-based character column where field i starts on a line of plain (unquoted) fields."""
    return 1 + sum(len(f) + 1 for f in fields[:i])


def csv_lines(rows: list[list[str]], eol: str = "\n") -> str:
    return "".join(",".join(r) + eol for r in rows)


def enc(text: str) -> bytes:
    return text.encode("utf-8")


def line_of(text: str, marker: str) -> int:
    """1-based number of the first line containing marker."""
    for n, line in enumerate(text.split("\n"), start=1):
        if marker in line:
            return n
    raise ValueError(f"marker {marker!r} not found")


def replace_line(text: str, marker: str, new: str) -> str:
    lines = text.split("\n")
    n = line_of(text, marker)
    lines[n - 1] = new
    return "\n".join(lines)


def insert_after(text: str, marker: str, new: str) -> str:
    lines = text.split("\n")
    n = line_of(text, marker)
    lines.insert(n, new)
    return "\n".join(lines)


def delete_line(text: str, marker: str) -> str:
    lines = text.split("\n")
    n = line_of(text, marker)
    del lines[n - 1]
    return "\n".join(lines)


# ---- layout CSV ----------------------------------------------------------------------------

L_HEADER = ["town_code", "town_name", "zone_code", "zone_name", "village_code", "village_name",
            "grid_code", "grid_name"]
L_COLS = {name: i for i, name in enumerate(L_HEADER)}
# Real rows of the example county (examples/layout.csv).
R1 = ["371327001", "十字路街道", "371327001Z01", "十字路街道第一片区", "371327001001", "东湖社区",
      "37132700100101", "东湖社区第1网格"]
R2 = ["371327001", "十字路街道", "371327001Z01", "十字路街道第一片区", "371327001001", "东湖社区",
      "37132700100102", "东湖社区第2网格"]
R3 = ["371327001", "十字路街道", "371327001Z02", "十字路街道第二片区", "371327001005", "崖泉社区",
      "37132700100501", "崖泉社区第1网格"]


def with_(row: list[str], **changes: str) -> list[str]:
    out = list(row)
    for k, v in changes.items():
        out[L_COLS[k]] = v
    return out


def layout_bad_field(path: str, what: str, column: str, value: str, line_no: int = 2) -> None:
    """A layout CSV of rows R1..R3 whose row on line_no has `value` in `column`."""
    rows = [list(R1), list(R2), list(R3)]
    bad = with_(rows[line_no - 2], **{column: value})
    rows[line_no - 2] = bad
    add(Entry(f"layout/{path}", enc(csv_lines([L_HEADER] + rows)), what, line=line_no,
              col=col_of(bad, L_COLS[column]), field=column))


def build_layout_csv() -> None:
    hdr = [h for h in L_HEADER if h != "grid_name"]
    rows = [hdr] + [r[:7] for r in (R1, R2)]
    add(Entry("layout/missing_column.csv", enc(csv_lines(rows)),
              "required column grid_name left out of the header", line=1, field="grid_name"))

    # An extra column is only a warning (Excel's 序号, 备注); one that looks like a typo of a
    # required column the header lacks is an error saying which.
    hdr = L_HEADER[:7] + ["grid_nam"]
    rows = [hdr, R1, R2]
    add(Entry("layout/unknown_column.csv", enc(csv_lines(rows)),
              "header has `grid_nam`, a typo of the required grid_name (did you mean…?)", line=1,
              col=col_of(hdr, 7), field="grid_nam"))

    hdr = L_HEADER + ["town_code"]
    rows = [hdr, R1 + ["371327001"]]
    add(Entry("layout/duplicate_column.csv", enc(csv_lines(rows)),
              "header names town_code twice (the second is the error)", line=1,
              col=col_of(hdr, 8), field="town_code"))

    rows = [L_HEADER, R1, R2[:7], R3]
    add(Entry("layout/wrong_column_count.csv", enc(csv_lines(rows)),
              "row on line 3 has 7 fields instead of 8", line=3))

    layout_bad_field("empty_code.csv", "village_code empty", "village_code", "")
    layout_bad_field("empty_name.csv", "zone_name empty", "zone_name", "")
    layout_bad_field("blank_name.csv",
                     "zone_name only blanks (ideographic space U+3000 and spaces): empty once trimmed",
                     "zone_name", "\u3000 \u3000")
    layout_bad_field("forbidden_char.csv", "grid_code has a `/`", "grid_code", "371327001001/01")
    layout_bad_field("non_ascii_code.csv", "grid_code has a full-width digit",
                     "grid_code", "3713270010010１")
    layout_bad_field("code_too_long.csv", "grid_code of 33 characters (the limit is 32)",
                     "grid_code", "371327001001" + "0" * 21)
    hdr = L_HEADER + ["households", "population"]
    bad = R1 + ["四百", "1326"]
    add(Entry("layout/bad_households.csv", enc(csv_lines([hdr, bad, R2 + ["471", "1220"]])),
              "households `四百` is not a whole number", line=2, col=col_of(bad, 8),
              field="households"))
    bad = R2 + ["471", "-5"]
    add(Entry("layout/negative_population.csv", enc(csv_lines([hdr, R1 + ["433", "1326"], bad])),
              "population -5 is negative", line=3, col=col_of(bad, 9), field="population"))

    bad = with_(R2, town_name="十字路镇")
    add(Entry("layout/two_names.csv", enc(csv_lines([L_HEADER, R1, bad])),
              "town 371327001 named 十字路街道 on line 2 and 十字路镇 on line 3", line=3,
              col=col_of(bad, L_COLS["town_name"]), field="town_name", other=2))

    bad = with_(R2, zone_code="371327001Z02", zone_name="十字路街道第二片区")
    add(Entry("layout/two_parents.csv", enc(csv_lines([L_HEADER, R1, bad])),
              "village 371327001001 in zone 371327001Z01 on line 2 and in 371327001Z02 on line 3",
              line=3,
              col=(col_of(bad, L_COLS["zone_code"]), col_of(bad, L_COLS["village_code"])),
              field=("zone_code", "village_code"), other=2))

    bad = with_(R3, grid_code=R1[L_COLS["grid_code"]], grid_name=R1[L_COLS["grid_name"]])
    add(Entry("layout/duplicate_grid.csv", enc(csv_lines([L_HEADER, R1, R2, bad])),
              "grid 37132700100101 in village 371327001001 on line 2 and again, in village "
              "371327001005, on line 4", line=4,
              col=(col_of(bad, L_COLS["village_code"]), col_of(bad, L_COLS["grid_code"])),
              field=("village_code", "grid_code"), other=2))

    bad = with_(R3, grid_code="371327001Z01")
    add(Entry("layout/code_two_levels.csv", enc(csv_lines([L_HEADER, R1, bad])),
              "371327001Z01 is a zone on line 2 and a grid on line 3", line=3,
              col=col_of(bad, L_COLS["grid_code"]), field="grid_code", other=2))

    bad = with_(R1, village_code=R1[L_COLS["zone_code"]])
    add(Entry("layout/cycle.csv", enc(csv_lines([L_HEADER, bad])),
              "one row gives 371327001Z01 as the zone and as the village inside it (a unit its "
              "own parent)", line=2,
              col=(col_of(bad, L_COLS["village_code"]), col_of(bad, L_COLS["zone_code"])),
              field=("village_code", "zone_code")))

    bad = with_(R1, grid_code="371327100")
    add(Entry("layout/code_is_town_in_db.csv", enc(csv_lines([L_HEADER, bad])),
              "grid code 371327100 is the code of a town already in the database (大店镇)",
              line=2, col=col_of(bad, L_COLS["grid_code"]), field="grid_code"))

    # Byte-level problems: the bad byte sits at the start of a field, so the column of the byte
    # and the column of the field agree.
    marker = "\u2603"  # replaced by the bad bytes
    bad = with_(R1, village_name=marker + "东湖社区")
    text = enc(csv_lines([L_HEADER, bad, R2])).replace(enc(marker), b"\xff")
    add(Entry("layout/bad_utf8.csv", text, "byte 0xFF at the start of village_name on line 2",
              line=2, col=col_of(bad, L_COLS["village_name"]), field="village_name"))

    bad = with_(R1, village_name="东湖社区" + marker)
    text = enc(csv_lines([L_HEADER, bad, R2])).replace(enc(marker), b"\xe4\xb8")
    add(Entry("layout/bad_utf8_truncated.csv", text,
              "village_name on line 2 ends in a truncated 3-byte sequence (E4 B8); column of that byte",
              line=2, col=col_of(bad, L_COLS["village_name"]) + 4, field="village_name"))

    bad = with_(R2, grid_name=marker + "东湖社区第2网格")
    text = enc(csv_lines([L_HEADER, R1, bad])).replace(enc(marker), b"\x00")
    add(Entry("layout/nul_byte.csv", text, "NUL byte at the start of grid_name on line 3",
              line=3, col=col_of(bad, L_COLS["grid_name"]), field="grid_name"))

    bad = with_(R2, grid_name='"东湖社区第2网格')
    add(Entry("layout/unterminated_quote.csv", enc(csv_lines([L_HEADER, R1, bad, R3])),
              "quoted grid_name opened on line 3 never closed", line=3,
              col=col_of(bad, L_COLS["grid_name"])))

    bad = with_(R1, grid_name='"东湖社区"第1网格')
    add(Entry("layout/text_after_quote.csv", enc(csv_lines([L_HEADER, bad, R2])),
              "text after the closing quote of grid_name on line 2", line=2,
              col=(col_of(bad, L_COLS["grid_name"]), col_of(bad, L_COLS["grid_name"]) + 6)))

    add(Entry("layout/empty_file.csv", b"", "a 0-byte file: no header", line=1))

    rows = [L_HEADER]
    for i in range(1, 26):
        rows.append(with_(R1, grid_code=f"371327001001{i:02d}", grid_name=""))
    add(Entry("layout/many_errors.csv", enc(csv_lines(rows)),
              "25 rows with an empty grid_name (lines 2-26): for --max-errors", line=2,
              col=col_of(rows[1], L_COLS["grid_name"]), field="grid_name"))


# ---- layout TOML / JSON --------------------------------------------------------------------

L_TOML = """\
[county]
code = "371327"
name = "莒南县"

[[county.towns]]
code = "371327001"
name = "十字路街道"

[[county.towns.zones]]
code = "371327001Z01"
name = "十字路街道第一片区"

[[county.towns.zones.villages]]
code = "371327001001"
name = "东湖社区"

[[county.towns.zones.villages.grids]]
code = "37132700100101"
name = "东湖社区第1网格"
households = 433
population = 1326
"""

L_JSON = """\
{
  "county": {
    "code": "371327",
    "name": "莒南县",
    "towns": [
      {
        "code": "371327001",
        "name": "十字路街道",
        "zones": [
          {
            "code": "371327001Z01",
            "name": "十字路街道第一片区",
            "villages": [
              {
                "code": "371327001001",
                "name": "东湖社区",
                "grids": [
                  {
                    "code": "37132700100101",
                    "name": "东湖社区第1网格",
                    "households": 433,
                    "population": 1326
                  }
                ]
              }
            ]
          }
        ]
      }
    ]
  }
}
"""


def build_layout_tree() -> None:
    t = replace_line(L_TOML, 'name = "十字路街道"', 'name = "十字路街道')
    add(Entry("layout/syntax_error.toml", enc(t), "unterminated string on line 7", line=7,
              col=ANY))

    t = insert_after(L_TOML, "population = 1326", "area_km2 = 12")
    add(Entry("layout/unknown_key.toml", enc(t), "grid has an unknown key `area_km2` (line 22)",
              line=22, col=ANY, field="area_km2"))

    t = delete_line(L_TOML, 'code = "371327001001"')
    add(Entry("layout/missing_code.toml", enc(t),
              "village table on line 13 has no code (its name is on line 14)", line=(13, 14),
              col=ANY, field="code"))

    t = replace_line(L_TOML, "households = 433", 'households = "many"')
    add(Entry("layout/wrong_type.toml", enc(t), "households is a string (line 20)", line=20,
              col=ANY, field="households"))

    t = replace_line(L_TOML, 'name = "东湖社区"', 'name = "\u3000"')
    add(Entry("layout/blank_name.toml", enc(t),
              "village name is one ideographic space U+3000: empty once trimmed (line 15)",
              line=15, col=ANY, field="name"))

    t = replace_line(L_TOML, 'code = "37132700100101"', 'code = "371327001001 01"')
    add(Entry("layout/forbidden_char.toml", enc(t), "grid code has a space (line 18)", line=18,
              col=ANY, field="code"))

    t = replace_line(L_TOML, 'name = "东湖社区"', 'name = "\u2603东湖社区"')
    data = enc(t).replace(enc("\u2603"), b"\xc3\x28")
    add(Entry("layout/bad_utf8.toml", data,
              "invalid 2-byte sequence (C3 28) in the village name, line 15 column 9", line=15,
              col=9))

    t = L_TOML + """
[[towns]]
code = "371327100"
name = "大店镇"
"""
    add(Entry("layout/towns_twice.toml", enc(t),
              "towns both inside [county] and beside it ([[towns]] on line 23)", line=23,
              col=ANY, field="towns"))

    j = replace_line(L_JSON, '"code": "37132700100101",', '                    "code": "37132700100101"')
    add(Entry("layout/syntax_error.json", enc(j),
              "missing comma after the grid code on line 19 (the parser stops on line 20)",
              line=(19, 20), col=ANY))

    j = insert_after(L_JSON, '"name": "十字路街道第一片区",', '            "nickname": "一片",')
    add(Entry("layout/unknown_key.json", enc(j), "zone has an unknown key `nickname` (line 13)",
              line=13, col=ANY, field="nickname"))

    j = delete_line(L_JSON, '"code": "371327001Z01",')
    add(Entry("layout/missing_code.json", enc(j),
              "zone object opened on line 10 has no code (its name is on line 11)",
              line=(10, 11), col=ANY, field="code"))

    j = replace_line(L_JSON, '"name": "东湖社区第1网格",', '                    "name": 42,')
    add(Entry("layout/wrong_type.json", enc(j), "grid name is a number (line 20)", line=20,
              col=ANY, field="name"))

    j = replace_line(L_JSON, '"code": "371327001",', '        "code": "371327001",,')
    add(Entry("layout/double_comma.json", enc(j), "two commas in a row on line 7", line=7,
              col=ANY))


# ---- workers CSV ---------------------------------------------------------------------------

W_HEADER = ["code", "name", "tier", "unit", "deployment", "department", "phone"]
W_COLS = {name: i for i, name in enumerate(W_HEADER)}
W_GRID = ["W9001", "测试甲", "grid", "37132700100101", "", "", "13800000001"]
W_TOWN = ["T9001", "测试乙", "town", "371327001Z01", "", "", "13800000002"]
W_RES = ["C9001", "测试丙", "county", "371327001Z01", "resident", "water", "13800000003"]
W_CLU = ["C9002", "测试丁", "county", "371327001Z01;371327001Z02", "cluster", "police",
         "13800000004"]
W_WHI = ["C9003", "测试戊", "county", "", "whistle", "housing", "13800000005"]


def w_with(row: list[str], **changes: str) -> list[str]:
    out = list(row)
    for k, v in changes.items():
        out[W_COLS[k]] = v
    return out


def workers_bad(path: str, what: str, base: list[str], column: str, value: str,
                good_before: bool = True) -> None:
    bad = w_with(base, **{column: value})
    rows = [W_HEADER] + ([W_GRID if base is not W_GRID else W_TOWN] if good_before else []) + [bad]
    add(Entry(f"workers/{path}", enc(csv_lines(rows)), what, line=len(rows),
              col=col_of(bad, W_COLS[column]), field=column))


def build_workers() -> None:
    workers_bad("unknown_unit.csv", "grid worker on grid 37132700199999, which does not exist",
                W_GRID, "unit", "37132700199999")
    workers_bad("unknown_department.csv", "county worker from department `tourism`, not in the policy",
                W_RES, "department", "tourism")
    workers_bad("bad_tier.csv", "tier `village` (expected grid/town/county or 基础/镇级/县级)",
                W_GRID, "tier", "village")
    workers_bad("bad_deployment.csv", "deployment `remote` (expected resident/cluster/whistle)",
                W_RES, "deployment", "remote")
    workers_bad("cluster_non_zone.csv", "cluster worker on a zone and a village (371327001001)",
                W_CLU, "unit", "371327001Z01;371327001001")
    workers_bad("resident_two_zones.csv", "resident worker on two zones",
                W_RES, "unit", "371327001Z01;371327001Z02")
    workers_bad("resident_on_grid.csv", "resident worker on a grid instead of a zone",
                W_RES, "unit", "37132700100101")
    workers_bad("grid_worker_on_zone.csv", "grid worker on a zone instead of a grid",
                W_GRID, "unit", "371327001Z01")
    workers_bad("grid_worker_two_grids.csv", "grid worker on two grids",
                W_GRID, "unit", "37132700100101;37132700100102")
    workers_bad("grid_worker_no_unit.csv", "grid worker with no unit", W_GRID, "unit", "")
    workers_bad("town_worker_on_county.csv", "town worker on the county (371327)",
                W_TOWN, "unit", "371327")
    workers_bad("grid_worker_deployment.csv", "grid worker with a deployment (resident)",
                W_GRID, "deployment", "resident")
    workers_bad("county_no_deployment.csv", "county worker without a deployment",
                W_RES, "deployment", "")
    workers_bad("whistle_with_unit.csv", "whistle (on-call) worker given a zone",
                W_WHI, "unit", "371327001Z01")
    workers_bad("forbidden_char.csv", "worker code `W9001!`", W_GRID, "code", "W9001!",
                good_before=False)
    workers_bad("empty_name.csv", "worker name empty", W_GRID, "name", "")

    dup = w_with(W_GRID, name="测试己", unit="37132700100102")
    add(Entry("workers/duplicate_code.csv", enc(csv_lines([W_HEADER, W_GRID, dup])),
              "W9001 on line 2 and again on line 3", line=3, col=1, field="code", other=2))

    hdr = [h for h in W_HEADER if h != "tier"]
    rows = [hdr, [v for i, v in enumerate(W_GRID) if i != W_COLS["tier"]]]
    add(Entry("workers/missing_column.csv", enc(csv_lines(rows)),
              "required column tier left out of the header", line=1, field="tier"))

    bad = w_with(W_GRID, name="\u2603测试甲")
    text = enc(csv_lines([W_HEADER, W_TOWN, bad])).replace(enc("\u2603"), b"\xfe")
    add(Entry("workers/bad_utf8.csv", text, "byte 0xFE at the start of name on line 3", line=3,
              col=col_of(bad, W_COLS["name"]), field="name"))

    rows = [W_HEADER, W_GRID, W_TOWN[:6]]
    add(Entry("workers/wrong_column_count.csv", enc(csv_lines(rows)),
              "row on line 3 has 6 fields instead of 7", line=3))


# ---- policy TOML ---------------------------------------------------------------------------

POLICY = """\
timezone = "+08:00"
auto_escalate = false
daily_reports_per_grid = 2

[deadlines]
grid = "24h"
village = "48h"
zone = "72h"
town = "5d"
county = "7d"
verification = "24h"

[calendar]
holidays = ["2026-10-01/2026-10-07", "2026-09-25/2026-09-27"]
workdays = ["2026-09-20", "2026-10-10"]

[[departments]]
code = "housing"
name = "县住房和城乡建设局"

[[departments]]
code = "emergency"
name = "县应急管理局"

[[categories]]
code = "illegal_construction"
name = "违法建设"
authority = "town"
department = "housing"
deadline = "5d"

[[categories]]
code = "safety_hazard"
name = "安全隐患"
authority = "zone"
department = "emergency"
urgent = true
"""


def policy_bad(path: str, what: str, marker: str, new: str, field: Optional[str],
               col=ANY, insert: bool = False) -> None:
    text = insert_after(POLICY, marker, new) if insert else replace_line(POLICY, marker, new)
    add(Entry(f"policy/{path}", enc(text), what, line=line_of(text, new), col=col, field=field,
              needs="layout"))


def build_policy() -> None:
    policy_bad("unknown_level.toml", "category authority `province`", 'authority = "town"',
               'authority = "province"', "authority")
    policy_bad("unknown_department.toml", "category department `tourism` not among departments",
               'department = "housing"', 'department = "tourism"', "department")
    policy_bad("bad_duration.toml", "deadlines.grid = `24 hours`", 'grid = "24h"',
               'grid = "24 hours"', "grid")
    policy_bad("bad_duration_category.toml", "category deadline `5 days`", 'deadline = "5d"',
               'deadline = "5 days"', "deadline")
    policy_bad("negative_duration.toml", "deadlines.town = `-5d`", 'town = "5d"',
               'town = "-5d"', "town")
    policy_bad("unknown_key.toml", "top-level key `escalate_everything`",
               "daily_reports_per_grid = 2", "escalate_everything = true", "escalate_everything",
               insert=True)
    policy_bad("unknown_key_category.toml", "category key `priority`", "urgent = true",
               "priority = 1", "priority", insert=True)
    policy_bad("unknown_deadline_level.toml", "deadlines.province", 'county = "7d"',
               'province = "9d"', "province", insert=True)
    policy_bad("syntax_error.toml", "unterminated string on line 7", 'village = "48h"',
               'village = "48h', None)
    policy_bad("wrong_type.toml", "daily_reports_per_grid is a string",
               "daily_reports_per_grid = 2", 'daily_reports_per_grid = "2"',
               "daily_reports_per_grid")
    policy_bad("wrong_type_bool.toml", "auto_escalate is a string", "auto_escalate = false",
               'auto_escalate = "no"', "auto_escalate")
    policy_bad("bad_timezone.toml", "timezone `+25:00`", 'timezone = "+08:00"',
               'timezone = "+25:00"', "timezone")
    policy_bad("calendar_inverted.toml", "a holiday range that ends before it begins",
               'holidays = ["2026-10-01', 'holidays = ["2026-10-07/2026-10-01"]', "holidays[0]",
               col=13)
    policy_bad("calendar_not_a_date.toml", "a make-up workday 2026-09-31, not a date",
               'workdays = ["2026-09-20"', 'workdays = ["2026-09-31"]', "workdays[0]", col=13)
    policy_bad("calendar_weekday_workday.toml",
               "a make-up workday on a Monday (2026-09-21): it must be a weekend day",
               'workdays = ["2026-09-20"', 'workdays = ["2026-09-21"]', "workdays[0]", col=13)
    policy_bad("calendar_overlap.toml", "two holiday ranges that overlap (10-05..09 in 10-01..07)",
               'holidays = ["2026-10-01',
               'holidays = ["2026-10-01/2026-10-07", "2026-10-05/2026-10-09"]', "holidays[1]",
               col=38)
    policy_bad("bad_duration_wd.toml", "deadlines.zone = `0wd` (working days start at 1)",
               'zone = "72h"', 'zone = "0wd"', "zone")
    # The time limits of rules 9, 13 and 16 are durations like the others.
    policy_bad("bad_case_limit.toml", "deadlines.case = `15 workdays`", 'grid = "24h"',
               'case = "15 workdays"', "case", insert=True)
    policy_bad("bad_max_extension.toml", "deadlines.max_extension = `0wd`", 'grid = "24h"',
               'max_extension = "0wd"', "max_extension", insert=True)
    policy_bad("bad_backfill.toml", "backfill = `yesterday`", "daily_reports_per_grid = 2",
               'backfill = "yesterday"', "backfill", insert=True)
    policy_bad("bad_category_limit.toml", "category limit `10 working days`", 'deadline = "5d"',
               'limit = "10 working days"', "limit", insert=True)
    text = replace_line(POLICY, 'code = "emergency"', 'code = "housing"')
    text = text.replace('department = "emergency"', 'department = "housing"')
    add(Entry("policy/duplicate_department.toml", enc(text),
              "department code housing defined twice (lines 18 and 22)", line=22, col=ANY,
              field="code", needs="layout"))
    text = replace_line(POLICY, 'name = "县应急管理局"', 'name = "\u2603县应急管理局"')
    data = enc(text).replace(enc("\u2603"), b"\xff")
    add(Entry("policy/bad_utf8.toml", data, "byte 0xFF in a department name, line 23 column 9",
              line=23, col=9, needs="layout"))
    build_policy_assessment()


# Assessment indicators and subsidy rates (docs/design.md §12), appended to POLICY.
ASSESSMENT = """
[[assessment.indicators]]
field = "on_time_rate"
weight = 60
target = 0.95

[[assessment.indicators]]
field = "rework_rate"
weight = 40
ceiling = 0.1

[subsidies]
resident_monthly = 3000
cluster_monthly = "3500.00"
whistle_daily = 100.5
"""


def policy_section_bad(path: str, what: str, marker: str, new: Optional[str], field: str,
                       col=ANY, insert: bool = False, at: Union[str, int, None] = None) -> None:
    """A POLICY + ASSESSMENT with the line holding `marker` replaced by `new` (or `new` inserted
    after it; None: deleted); the error is on the line of `at` (a marker or a line number;
    default: `new`)."""
    text = POLICY + ASSESSMENT
    if new is None:
        text = delete_line(text, marker)
    else:
        text = insert_after(text, marker, new) if insert else replace_line(text, marker, new)
    line = at if isinstance(at, int) else line_of(text, at or new)
    add(Entry(f"policy/{path}", enc(text), what, line=line, col=col, field=field, needs="layout"))


def build_policy_assessment() -> None:
    policy_section_bad("indicator_unknown_field.toml",
                       "indicator field `on_time_rat` (did you mean on_time_rate?)",
                       'field = "on_time_rate"', 'field = "on_time_rat"', "field", col=9)
    policy_section_bad("indicator_both_bounds.toml", "an indicator with a target and a ceiling",
                       "target = 0.95", "ceiling = 0.5", "ceiling", col=11, insert=True)
    policy_section_bad("indicator_no_bound.toml", "an indicator with neither target nor ceiling "
                       "(the error points at its table)", "target = 0.95", None, "target",
                       col=1, at='[[assessment.indicators]]')
    policy_section_bad("indicator_negative_weight.toml", "an indicator weight of -60",
                       "weight = 60", "weight = -60", "weight", col=10)
    policy_section_bad("indicator_zero_ceiling.toml", "an indicator ceiling of 0",
                       "ceiling = 0.1", "ceiling = 0", "ceiling", col=11)
    policy_section_bad("indicator_unknown_key.toml", "indicator key `note`", "target = 0.95",
                       'note = "on time"', "note", col=8, insert=True)
    policy_section_bad("indicator_twice.toml", "indicator on_time_rate listed twice (the second "
                       "is the error)", 'field = "rework_rate"', 'field = "on_time_rate"', "field",
                       col=9, at=line_of(POLICY + ASSESSMENT, 'field = "rework_rate"'))
    policy_section_bad("indicator_wrong_type.toml", "indicator weight is a string",
                       "weight = 60", 'weight = "60"', "weight", col=10)
    policy_section_bad("assessment_unknown_key.toml", "[assessment] key `total`",
                       "urgent = true", "\n[assessment]\ntotal = 100", "total", col=9,
                       insert=True, at="total = 100")
    policy_section_bad("subsidies_three_decimals.toml", "resident_monthly = 0.001: more than "
                       "two decimals", "resident_monthly = 3000", "resident_monthly = 0.001",
                       "resident_monthly", col=20)
    policy_section_bad("subsidies_negative.toml", "cluster_monthly = \"-3500\"",
                       'cluster_monthly = "3500.00"', 'cluster_monthly = "-3500"',
                       "cluster_monthly", col=19)
    policy_section_bad("subsidies_unknown_key.toml", "[subsidies] key `town_monthly`",
                       "whistle_daily = 100.5", "town_monthly = 2000", "town_monthly", col=16,
                       insert=True)
    policy_section_bad("subsidies_missing_key.toml", "[subsidies] without whistle_daily (the "
                       "error points at the table)", "whistle_daily = 100.5", None,
                       "whistle_daily", col=1, at="[subsidies]")
    policy_section_bad("subsidies_wrong_type.toml", "whistle_daily is a boolean",
                       "whistle_daily = 100.5", "whistle_daily = true", "whistle_daily", col=17)


# ---- limits (include/gridgov/limits.hpp): the same for every reader --------------------------

C_HEADER = "ext_id,source,grid,category,title,reporter,reported_at"
C_ROW = ["h1", "patrol", "37132700100101", "environment_sanitation", "垃圾", "admin",
         "2026-10-03T09:00"]
C_JSON = ('{"ext_id": "h1", "source": "patrol", "grid": "37132700100101", '
          '"category": "environment_sanitation", "reporter": "admin", '
          '"reported_at": "2026-10-03T09:00", "title": ')


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def build_limits() -> None:
    # Layouts
    j = '{"county": ' + nested(200) + "}"
    add(Entry("layout/deep_nesting.json", enc(j),
              "arrays nested 200 deep (the limit is 64; 100,000 crashed a reader): refused at "
              "the first `[` too many, line 1 column 75", line=1, col=75))
    t = "[" + ".".join(["a"] * 101) + "]\n"
    add(Entry("layout/deep_dotted_keys.toml", enc(t),
              "a table header of 100 dotted keys (the limit is 64 levels): refused at the 65th "
              "dot, line 1 column 131", line=1, col=131))
    j = replace_line(L_JSON, '"name": "东湖社区",', '                "name": "东湖\\u0000社区",')
    add(Entry("layout/nul_in_name.json", enc(j),
              "a village name with a NUL written as the escape \\u0000 (line 16)",
              line=line_of(j, "东湖"), col=25, field="name"))
    j = replace_line(L_JSON, '"name": "东湖社区",', '                "name": "东湖\0社区",')
    add(Entry("layout/nul_byte.json", enc(j),
              "a raw NUL byte in a village name: not a text file, read no further (line 16 "
              "column 28)", line=line_of(j, "东湖"), col=28))
    text = csv_lines([L_HEADER, R1, R1 + [""] * 70])
    add(Entry("layout/too_many_columns.csv", enc(text),
              "row 3 has 78 fields (the limit is 64): refused at the 65th, which is not kept",
              line=3, col=col_of(R1 + [""] * 70, 64)))
    # Workers
    text = csv_lines([W_HEADER, W_GRID + [""] * 60])
    add(Entry("workers/too_many_columns.csv", enc(text),
              "row 2 has 67 fields (the limit is 64): refused at the 65th", line=2,
              col=col_of(W_GRID + [""] * 60, 64)))
    # Policy
    text = replace_line(POLICY, 'name = "县应急管理局"', 'name = "县应急\\u0000管理局"')
    add(Entry("policy/nul_in_name.toml", enc(text),
              "a department name with the escape \\u0000 (line 23)", line=line_of(text, "县应急"),
              col=ANY,
              field="name", needs="layout"))
    text = replace_line(POLICY, 'name = "县应急管理局"', 'name = "县应急\0管理局"')
    add(Entry("policy/nul_byte.toml", enc(text),
              "a raw NUL byte in a department name: not a text file (line 23 column 12)",
              line=line_of(text, "县应急"), col=12, needs="layout"))
    text = POLICY + "\n[" + ".".join(["a"] * 70) + "]\n"
    add(Entry("policy/deep_dotted_keys.toml", enc(text),
              "a table header of 69 dotted keys (the limit is 64 levels)",
              line=line_of(text, "[a.a"), col=131, needs="layout"))
    # Cases: CSV and NDJSON refuse the same things
    row = list(C_ROW)
    row[4] = "路" * 201
    add(Entry("cases/limit_title_201.csv", enc(csv_lines([C_HEADER.split(","), C_ROW, row])),
              "a title of 201 characters (the limit is 200) on line 3", line=3,
              col=col_of(row, 4), field="title"))
    add(Entry("cases/limit_title_201.ndjson",
              enc(C_JSON + '"垃圾"}\n' + C_JSON.replace("h1", "h2") + '"' + "路" * 201 + '"}\n'),
              "the same title of 201 characters, in NDJSON, on line 2", line=2,
              col=C_JSON.index('"title"') + 1, field="title"))
    add(Entry("cases/limit_nul_escape.ndjson", enc(C_JSON + '"垃\\u0000圾"}\n'),
              "a title with the escape \\u0000 (CSV cannot hold a NUL; neither may NDJSON)",
              line=1, col=C_JSON.index('"title"') + 1, field="title"))
    add(Entry("cases/limit_nul_byte.ndjson",
              enc(C_JSON + '"垃圾"}\n' + C_JSON.replace("h1", "h2") + '"垃\0圾"}\n' +
                  C_JSON.replace("h1", "h3") + "42, }\n"),
              "a raw NUL byte on line 2: not a text file; line 3's syntax error is never read",
              line=2, col=len(C_JSON) + 3))
    add(Entry("cases/limit_deep_title.ndjson", enc(C_JSON + nested(200) + "}\n"),
              "a title of arrays nested 200 deep (100,000 crashed import cases): refused at the "
              "64th `[` (the line's object is the first level)", line=1, col=len(C_JSON) + 64))
    add(Entry("cases/limit_title_array.ndjson", enc(C_JSON + '["垃圾"]}\n'),
              "a title that is an array: text belongs there", line=1,
              col=C_JSON.index('"title"') + 1, field="title"))
    events = '"' + nested(100) + '"'
    add(Entry("cases/limit_deep_events.csv",
              enc(C_HEADER + ",events\n" + ",".join(C_ROW) + "," + events + "\n"),
              "an events column nested 100 deep", line=2, col=len(",".join(C_ROW)) + 2,
              field="events"))
    for name, bad in (("limit_bad_time_short.ndjson", "2026-10-3T9:5"),
                      ("limit_bad_time_plus.ndjson", "+2026-10-03T09:00"),
                      ("limit_bad_time_9999.ndjson", "9999-12-31T23:59")):
        text = C_JSON.replace("2026-10-03T09:00", bad) + '"垃圾"}\n'
        add(Entry(f"cases/{name}", enc(text), f"reported_at `{bad}`", line=1,
                  col=text.index('"reported_at"') + 1, field="reported_at"))


# ---- good but tricky files -----------------------------------------------------------------

def build_good() -> None:
    text = csv_lines([L_HEADER, R1, R2, R3], eol="\r\n")
    add(Entry("good/layout_bom_crlf.csv", BOM + enc(text),
              "UTF-8 BOM and CRLF line ends: 1 town, 2 zones, 2 villages, 3 grids", good=True))

    rows = [
        ",".join(L_HEADER),
        '371327001,十字路街道,371327001Z01,"十字路街道,第一片区",371327001001,"东湖""新""社区",'
        '37132700100101,"东湖社区第1网格,北区"',
        '371327001,十字路街道,371327001Z01,"十字路街道,第一片区",371327001001,"东湖""新""社区",'
        '37132700100102,"东湖社区\n第2网格"',
        '"371327001","十字路街道","371327001Z02","十字路街道第二片区","371327001005","崖泉社区",'
        '"37132700100501","崖泉社区第1网格"',
    ]
    add(Entry("good/layout_quoted.csv", enc("\n".join(rows) + "\n"),
              'RFC 4180 quoting: comma in a zone and a grid name, doubled quotes (东湖"新"社区), '
              "a newline inside a grid name, every field of the last row quoted", good=True))

    order = ["网格名称", "村居编码", "镇街名称", "户数", "网格编码", "片区名称", "镇街编码", "人口",
             "村居名称", "片区编码"]
    english = {"网格名称": "grid_name", "村居编码": "village_code", "镇街名称": "town_name",
               "网格编码": "grid_code", "片区名称": "zone_name", "镇街编码": "town_code",
               "村居名称": "village_name", "片区编码": "zone_code"}
    counts = {R1[6]: ("433", "1326"), R3[6]: ("257", "627")}
    rows = [order]
    for r in (R1, R3):
        out = []
        for h in order:
            if h == "户数":
                out.append(counts[r[6]][0])
            elif h == "人口":
                out.append(counts[r[6]][1])
            else:
                out.append(r[L_COLS[english[h]]])
        rows.append(out)
    add(Entry("good/layout_chinese_shuffled.csv", enc(csv_lines(rows)),
              "Chinese headers in a shuffled order, with 户数 and 人口: grids 37132700100101 "
              "(433/1326) and 37132700100501 (257/627)", good=True))

    rows = [L_HEADER,
            with_(R1, town_name="十字路街道\u3000", zone_name="  十字路街道第一片区 ",
                  village_name="Cafe\u0301村", grid_name="\u3000东湖社区第1网格\t")]
    add(Entry("good/layout_nfc.csv", enc(csv_lines(rows)),
              "names needing normalisation: trailing U+3000 (town), ASCII blanks (zone), decomposed "
              "e+U+0301 → é (village `Café村`), leading U+3000 and trailing tab (grid)", good=True))

    code32 = "G-371327_001.001-01"
    code32 = code32 + "x" * (32 - len(code32))
    rows = [L_HEADER, with_(R1, grid_code=code32)]
    add(Entry("good/layout_code_32.csv", enc(csv_lines(rows)),
              f"a grid code of exactly 32 characters using - _ . ({code32})", good=True))

    text = """\
[county]
code = "371327"
name = "莒南县"

[[towns]]
code = "371327001"
name = "十字路街道"

[[towns.zones]]
code = "371327001Z01"
name = "十字路街道第一片区"

[[towns.zones.villages]]
code = "371327001001"
name = "东湖社区"

[[towns.zones.villages.grids]]
code = "37132700100101"
name = "东湖社区第1网格"
"""
    add(Entry("good/layout_top_towns.toml", enc(text),
              "TOML layout with the towns at the top level, beside [county]", good=True))
    add(Entry("good/layout_bom_crlf.toml", BOM + enc(L_TOML.replace("\n", "\r\n")),
              "TOML layout with a BOM and CRLF line ends", good=True))
    add(Entry("good/layout_bom_crlf.json", BOM + enc(L_JSON.replace("\n", "\r\n")),
              "JSON layout with a BOM and CRLF line ends", good=True))

    order = ["姓名", "编码", "层级", "单元", "下沉方式", "部门", "电话"]
    rows = [order,
            ["测试甲", "W9001", "基础", "37132700100101", "", "", "13800000001"],
            ["测试乙", "T9001", "镇级", "371327001Z01", "", "", "13800000002"],
            ["测试丙", "C9001", "县级", "371327001Z01", "片区常驻", "water", "13800000003"],
            ["测试丁", "C9002", "县级", "371327001Z01;371327001Z02", "连片派驻", "police",
             "13800000004"],
            ["测试戊", "C9003", "县级", "", "吹哨进驻", "housing", "13800000005"]]
    add(Entry("good/workers_chinese.csv", enc(csv_lines(rows)),
              "workers with Chinese headers (shuffled) and Chinese tiers and deployments: "
              "基础/镇级/县级, 片区常驻/连片派驻 (two zones)/吹哨进驻", good=True))

    text = csv_lines([W_HEADER, W_GRID, W_TOWN, W_RES, W_CLU, W_WHI], eol="\r\n")
    add(Entry("good/workers_bom_crlf.csv", BOM + enc(text),
              "workers with a BOM and CRLF: one of each tier and deployment", good=True))

    add(Entry("good/policy_bom_crlf.toml", BOM + enc(POLICY.replace("\n", "\r\n")),
              "a small valid policy (2 departments, 2 categories) with a BOM and CRLF", good=True))
    add(Entry("good/policy_assessment.toml", enc(POLICY + ASSESSMENT),
              "the small policy with two indicators (a target, a ceiling) and subsidies as an "
              "integer, a string and a float", good=True))


def build() -> list[Entry]:
    CORPUS.clear()
    build_layout_csv()
    build_layout_tree()
    build_workers()
    build_policy()
    build_limits()
    build_good()
    return CORPUS


def bad_entries() -> list[Entry]:
    return [e for e in build() if not e.good]


def describe(e: Entry) -> str:
    if e.good:
        return f"- `{e.path}` — accepted: {e.what}"
    where = []
    lines = e.line if isinstance(e.line, tuple) else (e.line,)
    where.append("line " + " or ".join(str(x) for x in lines))
    if isinstance(e.col, int):
        where.append(f"col {e.col}")
    elif isinstance(e.col, tuple):
        where.append("col " + " or ".join(str(x) for x in e.col))
    elif e.col == ANY:
        where.append("a column")
    if isinstance(e.field, tuple):
        where.append("field " + " or ".join(e.field))
    elif e.field:
        where.append(f"field {e.field}")
    if e.other:
        where.append(f"also names line {e.other}")
    return f"- `{e.path}` — {e.what}; expect exit 3 at " + ", ".join(where)


README_HEAD = """\
# Input corpus of the end-to-end tests

Generated by `python3 make_corpus.py` (do not edit the files by hand; change the script and run
it again). `tests/e2e/test_rejections.py` imports every bad file into a database (the example
county's layout, and its workers for layout and workers files), expects exit 3, an error line
`gridctl: error: FILE:LINE[:COL]: FIELD: REASON` at the place listed here, and the database dump
unchanged; the `good/` files must be accepted (tests/e2e/test_import_*.py, test_policy.py).
Columns count characters from 1. A field >64 KiB is generated by the test itself, not stored.

"""


EXCEL_SECTION = """\
## Files from Excel (`excel/`, written by hand, not by this script)

What Excel on Chinese Windows saves, for tests/e2e/test_excel_inputs.py. The GBK and GB18030
bytes were made with `iconv -f UTF-8 -t GBK` (or `-t GB18030`) from the UTF-8 text, and are
committed as they are.

- `excel/workers_gbk.csv` — three workers (Chinese headers, a department by its name), GBK, CRLF,
  two rows of separators at the end: refused with one message unless `--encoding gbk`
- `excel/workers_blank_rows.csv` — the same rows in UTF-8 with a BOM, then 30 rows of separators
  only (`,,,,,,`): accepted
- `excel/workers_many_problems.csv` — extra columns 序号 and 备注 (warnings), a bad 层级 (line 2),
  the same 工号 twice (line 3), a county worker without 下沉方式 (line 4), an unknown 部门 named by
  three rows (lines 5-7) and an unknown unit (line 8): every problem in one run
- `excel/cases_names_times.csv` — hotline cases with 事项类别 and 部门 given by their Chinese names,
  times as Excel shows them (`2026/11/01 10:30`, `2026/11/2 9:05`, `2026-11-01 11:00`), 序号 and
  备注 columns, and rows of separators at the end: accepted
- `excel/cases_gb18030.csv` — the same cases in GB18030, without the BOM
- `excel/cases_closed_no_level.csv` — a hotline case with 结案时间 but no 层级 or 部门 column:
  refused, saying which column to add

"""


def write(root: str = HERE) -> None:
    entries = build()
    for e in entries:
        full = os.path.join(root, e.path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(e.data)
    sections = [("layout", "Layout (CSV, TOML, JSON), rejected"), ("workers", "Workers, rejected"),
                ("policy", "Policy, rejected"), ("cases", "Cases (CSV, NDJSON), rejected"),
                ("good", "Good but tricky, accepted")]
    text = README_HEAD
    for kind, title in sections:
        text += f"## {title}\n\n"
        text += "\n".join(describe(e) for e in entries if e.kind == kind) + "\n\n"
    text += EXCEL_SECTION
    with open(os.path.join(root, "README.md"), "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n")


if __name__ == "__main__":
    write(sys.argv[1] if len(sys.argv) > 1 else HERE)
    print(f"wrote {len(CORPUS)} files and README.md")
