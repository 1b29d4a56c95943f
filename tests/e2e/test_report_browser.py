"""The monthly report in a browser (docs/design.md §13, README "gridctl report"): the example
season's report for 2026-09 is opened in headless Chromium, and the DOM it renders is checked
against gridctl's own figures — the headline against `stats monthly --format json`'s total row,
the towns' ranking against `assess --by town --format json`, the map against the grids with
stored boundaries — and for being self-contained (no URL, no script or stylesheet file). A
screenshot and a PDF print are kept as artifacts for people to look at: under
$GRIDGOV_REPORT_ARTIFACTS, else beside the gridctl binary's build directory (report-artifacts/);
the test prints where."""

from __future__ import annotations

import html.parser
import math
import os
import shutil
import subprocess
import tempfile
import unittest

import gridctl_harness as harness
from gridctl_harness import OK, USAGE, NOT_FOUND, SharedSandboxCase, example, layout_rows

MONTH = "2026-09"
PREVIOUS = "2026-08"
AT = "2026-10-01T09:00"          # the supervision list is judged then, in every run
TOWN = "371327001"                # 十字路街道
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HEADLINE = ["reported", "problems", "closed", "resolution_rate", "on_time_rate", "overdue_open",
            "quota_rate", "supervision_overdue", "median_hours_to_close", "rework"]


def artifacts_dir() -> str:
    d = os.environ.get("GRIDGOV_REPORT_ARTIFACTS") or os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(harness.GRIDCTL))), "report-artifacts")
    os.makedirs(d, exist_ok=True)
    return d


class Dom(html.parser.HTMLParser):
    """What the checks read of a rendered page: every element with its attributes (and the text
    of the ones with a data-field), in document order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: dict[int, str] = {}
        self._open: list[int] = []
        self.html_lang = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang")
        self.elements.append((tag, a))
        if "data-field" in a:
            self._open.append(len(self.elements) - 1)
            self.texts[len(self.elements) - 1] = ""

    def handle_endtag(self, tag):
        if self._open and self.elements[self._open[-1]][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for i in self._open:
            self.texts[i] += data

    def find(self, tag=None, **attrs) -> list[dict]:
        want = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [a for t, a in self.elements
                if (tag is None or t == tag) and all(a.get(k) == v for k, v in want.items())]

    def rows(self, attr: str) -> dict[str, dict[str, tuple[str, str]]]:
        """Per `tr` with `attr` (its value): each cell's data-field → (data-value, text)."""
        out, current = {}, None
        for i, (tag, a) in enumerate(self.elements):
            if tag == "tr":
                current = a.get(attr)
                if current is not None:
                    out[current] = {}
            elif tag == "td" and current is not None and "data-field" in a:
                out[current][a["data-field"]] = (a.get("data-value", ""), self.texts[i].strip())
        return out


def chromium(*args: str, profile: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}", *args],
        capture_output=True, timeout=180)


def same(value: str, expected) -> bool:
    """A data-value against a JSON figure: equal numbers, or both absent."""
    if expected is None:
        return value == ""
    return value != "" and math.isclose(float(value), float(expected), rel_tol=1e-12,
                                        abs_tol=1e-12)


class ReportInBrowser(SharedSandboxCase):
    """The season's report, county-wide (Chinese and English) and for one town."""

    @classmethod
    def prepare(cls):
        # Not skipped without a browser: scripts/setup installs Chromium, and CI must run this.
        if not os.path.exists(CHROMIUM):
            raise RuntimeError("Chromium is not installed: run scripts/setup (Debian's chromium)")
        box = cls.box
        harness._check(box.gridctl("import", "boundaries", example("boundaries.geojson")))
        cls.profile = tempfile.mkdtemp(prefix="gridgov-chromium-")
        cls.pages = {}
        for name, extra in (("county", []), ("county-en", ["--lang", "en"]),
                            ("town", ["--unit", "十字路街道"])):
            path = box.path(name + ".html")
            harness._check(box.gridctl("report", "--month", MONTH, "--at", AT, "-o", path, *extra))
            with open(path, encoding="utf-8") as f:
                source = f.read()
            shown = chromium("--dump-dom", "file://" + path, profile=cls.profile)
            if shown.returncode != 0 or not shown.stdout:
                raise AssertionError(f"chromium could not render {path}: {shown.stderr[-2000:]!r}")
            cls.pages[name] = (source, Dom(shown.stdout.decode("utf-8")))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def json(self, *args):
        r = self.box.gridctl(*args, "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        return r.json()

    def total(self, month, *unit):
        rows = self.json("stats", "monthly", "--month", month, *unit)
        return rows[-1]

    def check_headline(self, dom: Dom, unit=()):
        for period, month in (("current", MONTH), ("previous", PREVIOUS)):
            total = self.total(month, *unit)
            for field in HEADLINE:
                cells = dom.find("div", data_field=field, data_period=period) + \
                    dom.find("span", data_field=field, data_period=period)
                self.assertEqual(len(cells), 1, f"{field} {period}")
                self.assertTrue(same(cells[0]["data-value"], total[field]),
                                f"{period} {field}: page {cells[0]['data-value']!r}, "
                                f"stats {total[field]!r}")

    def check_self_contained(self, source: str, dom: Dom):
        for tag, a in dom.elements:
            for attr in ("src", "href"):
                value = a.get(attr, "")
                self.assertFalse(value.lower().startswith(("http:", "https:", "//")),
                                 f"<{tag} {attr}={value!r}>")
            self.assertFalse(tag == "script" and "src" in a, "a script file")
            self.assertFalse(tag == "link" and "href" in a, "a linked file")
        self.assertNotIn("http://", source)
        self.assertNotIn("https://", source)
        self.assertNotIn("<script", source)

    def test_headline_is_stats_monthly_total(self):
        self.check_headline(self.pages["county"][1])

    def test_trend_months_are_stats_monthly(self):
        # Each of the 12 months as `stats monthly` counts it (the report's cheaper path must agree),
        # county-wide and for the town.
        for page, unit in (("county", []), ("town", ["--unit", "十字路街道"])):
            rows = self.pages[page][1].rows("data-month")
            self.assertEqual(len(rows), 12, page)
            for month, cells in rows.items():
                total = self.json("stats", "monthly", "--month", month, *unit)[-1]
                for field in ("reported", "problems"):
                    self.assertTrue(same(cells[field][0], total[field]), f"{page} {month} {field}")
                for field in ("resolution_rate", "on_time_rate"):
                    expected = total[field] if total["problems"] else None
                    self.assertTrue(same(cells[field][0], expected), f"{page} {month} {field}")

    def test_town_ranking_is_assess(self):
        dom = self.pages["county"][1]
        rows = dom.rows("data-group")
        assessed = self.json("assess", "--month", MONTH, "--by", "town")
        self.assertEqual(len(assessed), 14)
        for a in assessed:
            row = rows[a["group"]]
            self.assertEqual(row["rank"][1], str(a["rank"]), a["group"])
            self.assertTrue(same(row["score"][0], round(a["score"], 2)), a["group"])
        # The table lists them by rank.
        order = [g for g in rows if g in {a["group"] for a in assessed}]
        self.assertEqual(order, [a["group"] for a in sorted(assessed, key=lambda a: a["rank"])])
        # Each town's figures are its stats row.
        for row in self.json("stats", "monthly", "--month", MONTH, "--by", "town")[:-1]:
            for field in ("reported", "problems", "resolution_rate", "quota_rate"):
                self.assertTrue(same(rows[row["group"]][field][0], row[field]),
                                f"{row['group']} {field}")

    def test_sources_and_categories_are_stats_by(self):
        rows = self.pages["county"][1].rows("data-group")
        for by in ("source", "category"):
            for row in self.json("stats", "monthly", "--month", MONTH, "--by", by)[:-1]:
                if row["reported"] == 0:
                    continue
                self.assertTrue(same(rows[row["group"]]["reported"][0], row["reported"]),
                                f"{by} {row['group']}")

    def test_supervision_list_is_supervise(self):
        dom = self.pages["county"][1]
        listed = self.json("supervise", "list", "--at", AT)
        tables = dom.find("table", **{"class": "supervision"})
        self.assertEqual(len(tables), 1)
        self.assertEqual(tables[0]["data-total"], str(len(listed)))
        shown = [a["data-case"] for t, a in dom.elements if t == "tr" and "data-case" in a]
        self.assertEqual(len(shown), min(50, len(listed)))
        self.assertLessEqual(set(shown), {str(c["id"]) for c in listed})

    def test_heat_map_has_every_grid_and_day(self):
        dom = self.pages["county"][1]
        heat = dom.find("svg", **{"class": "heat"})
        self.assertEqual(len(heat), 1)
        self.assertEqual(heat[0]["data-grids"], str(len(layout_rows())))
        self.assertEqual(heat[0]["data-days"], "30")
        quota = self.json("stats", "quota", "--month", MONTH)
        self.assertEqual(len(quota), len(layout_rows()))

    def test_map_has_a_path_per_grid_with_boundaries(self):
        dom = self.pages["county"][1]
        maps = dom.find("svg", **{"class": "map"})
        paths = [a for t, a in dom.elements if t == "path" and "data-grid" in a]
        grids = len(layout_rows())
        self.assertEqual(len(maps), 1)
        self.assertEqual(maps[0]["data-grids"], str(grids))
        self.assertEqual(len(paths), grids)
        self.assertEqual({p["data-grid"] for p in paths}, {r["grid_code"] for r in layout_rows()})

    def test_self_contained(self):
        for name, (source, dom) in self.pages.items():
            with self.subTest(name):
                self.check_self_contained(source, dom)

    def test_english(self):
        source, dom = self.pages["county-en"]
        self.assertEqual(dom.html_lang, "en")
        self.check_headline(dom)
        self.assertIn("Headline figures", source)
        self.assertNotIn("主要指标", source)
        self.assertEqual(self.pages["county"][1].html_lang, "zh-CN")
        self.assertIn("主要指标", self.pages["county"][0])

    def test_town_report_is_the_towns_own(self):
        source, dom = self.pages["town"]
        self.check_headline(dom, unit=("--unit", TOWN))
        zones = self.json("stats", "monthly", "--month", MONTH, "--by", "zone", "--unit", TOWN)
        rows = dom.rows("data-group")
        for z in zones[:-1]:
            self.assertTrue(same(rows[z["group"]]["problems"][0], z["problems"]), z["group"])
        self.assertTrue(all(r["group"].startswith(TOWN) for r in zones))
        assessed = {a["group"]: a for a in self.json("assess", "--month", MONTH, "--by", "town")}
        score = dom.find("div", **{"class": "score"})
        self.assertEqual(len(score), 1)
        self.assertEqual(score[0]["data-group"], TOWN)
        ranks = [dom.texts[i].strip() for i, (t, a) in enumerate(dom.elements)
                 if t == "b" and a.get("data-field") == "rank"]
        self.assertEqual(ranks, [str(assessed[TOWN]["rank"])])
        heat = dom.find("svg", **{"class": "heat"})
        grids = sum(1 for r in layout_rows() if r["town_code"] == TOWN)
        self.assertEqual(heat[0]["data-grids"], str(grids))
        # The town's supervision list: the county's cases whose grid lies in the town.
        listed = self.json("supervise", "list", "--at", AT)
        mine = {str(c["id"]) for c in listed if c["grid"].startswith(TOWN)}
        table = dom.find("table", **{"class": "supervision"})
        if not mine:
            self.assertEqual(table, [])
            return
        self.assertEqual(table[0]["data-total"], str(len(mine)))
        shown = {a["data-case"] for t, a in dom.elements if t == "tr" and "data-case" in a}
        self.assertLessEqual(shown, mine)

    def test_screenshot_and_print(self):
        """Artifacts for people: a screenshot of the page and its A4 print."""
        out = artifacts_dir()
        for name in ("county", "town"):
            page = self.box.path(name + ".html")
            png = os.path.join(out, f"report-{name}.png")
            pdf = os.path.join(out, f"report-{name}.pdf")
            for path in (png, pdf):
                if os.path.exists(path):
                    os.remove(path)
            shot = chromium("--window-size=1280,4000", f"--screenshot={png}", "file://" + page,
                            profile=self.profile)
            self.assertEqual(shot.returncode, 0, shot.stderr[-2000:])
            self.assertGreater(os.path.getsize(png), 20_000)
            printed = chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                               "file://" + page, profile=self.profile)
            self.assertEqual(printed.returncode, 0, printed.stderr[-2000:])
            with open(pdf, "rb") as f:
                self.assertTrue(f.read(5) == b"%PDF-")
            print(f"\nreport artifacts: {png} {pdf}")


class ReportRefusals(harness.GridctlTestCase):
    """What `report` refuses, leaving no file behind."""

    template = "full"

    def test_output_is_a_directory(self):
        os.mkdir(self.box.path("out"))
        r = self.gridctl("report", "--month", MONTH, "-o", self.box.path("out"))
        self.assertRc(r, USAGE)
        self.assertIn("is a directory", r.stderr)

    def test_output_in_a_missing_directory(self):
        r = self.gridctl("report", "--month", MONTH, "-o", self.box.path("no/such/r.html"))
        self.assertRc(r, USAGE)
        self.assertFalse(os.path.exists(self.box.path("no")))

    def test_unknown_unit_writes_nothing(self):
        r = self.gridctl("report", "--month", MONTH, "--unit", "没有这个镇", "-o",
                         self.box.path("r.html"))
        self.assertRc(r, NOT_FOUND)
        self.assertEqual([f for f in os.listdir(self.box.dir) if not f.startswith("gridgov.db")],
                         [])

    def test_bad_month(self):
        r = self.gridctl("report", "--month", "2026-13", "-o", self.box.path("r.html"))
        self.assertRc(r, USAGE)
        self.assertFalse(os.path.exists(self.box.path("r.html")))

    def test_stdout(self):
        r = self.gridctl("report", "--month", MONTH, "-o", "-")
        self.assertRc(r, OK)
        self.assertTrue(r.stdout.startswith("<!DOCTYPE html>"))
        self.assertTrue(r.stdout.rstrip().endswith("</html>"))
        self.assertIn("<p data-empty=\"map\">", r.stdout)  # no boundaries in this database


if __name__ == "__main__":
    unittest.main()
