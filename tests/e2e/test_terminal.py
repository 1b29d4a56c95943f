"""What reaches a terminal (docs/design.md §6.3): tables, Markdown and error messages show
control characters, bidi controls and bytes that are not UTF-8 escaped (`\\x1b`, `\\u202e`), so
that a title, a note or a code typed by someone else cannot drive the terminal of the one who
reads it; csv, json and ndjson carry the data as it is."""

from __future__ import annotations

import unittest

from gridctl_harness import NOT_FOUND
from test_loop_basics import GRID, GRID_WORKER, LoopTestCase

HOSTILE = "井盖\x1b]0;pwned\x07缺失\r\b\u202egnp.exe\nline2\x1b[2J"
SHOWN = "井盖\\x1b]0;pwned\\x07缺失\\r\\x08\\u202egnp.exe\\nline2\\x1b[2J"


def raw_controls(text: str) -> list[str]:
    """The characters of `text` a terminal would act on (a table's own newlines aside)."""
    return [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f
            or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"]


class Terminal(LoopTestCase):

    def test_tables_show_a_hostile_title_escaped_and_data_formats_carry_it(self):
        cid = self.log("environment_sanitation", title=HOSTILE)
        self.move("resolve", cid, "--note", "\x1b[31m红\x1b[0m", as_=GRID_WORKER,
                  at="2026-10-03T10:00")
        for fmt in ("table", "md"):
            for args in (("case", "show", str(cid)), ("case", "list"),
                         ("case", "history", str(cid))):
                with self.subTest(fmt=fmt, args=args):
                    out = self.run_ok(*args, "--format", fmt).stdout
                    self.assertEqual(raw_controls(out), [], out)
        self.assertIn(SHOWN, self.run_ok("case", "show", str(cid)).stdout)
        self.assertIn("\\x1b[31m红\\x1b[0m", self.run_ok("case", "history", str(cid)).stdout)
        self.assertEqual(self.show(cid)["title"], HOSTILE)
        rows = self.run_ok("case", "list", "--format", "csv").csv_rows()
        self.assertEqual([r["title"] for r in rows if r["id"] == str(cid)], [HOSTILE])

    def test_error_messages_show_what_was_typed_escaped(self):
        for args, rc in ((("log", "--grid", GRID, "--category", "environment_sanitation",
                           "--title", "t", "--as", "W\x1b[2J\u202e"), NOT_FOUND),
                         (("units", "show", "G\x1b]0;x\x07"), NOT_FOUND),
                         (("import", "layout", "/nonexistent/\x1b[2J.csv"), NOT_FOUND)):
            with self.subTest(args=args):
                r = self.gridctl(*args)
                self.assertRc(r, rc)
                self.assertEqual(raw_controls(r.stderr.replace("\n", "")), [], r.stderr)
                self.assertIn("\\x1b", r.stderr)


if __name__ == "__main__":
    unittest.main()
