"""Grid boundaries (docs/design.md §13.2): `import boundaries` of the example county's GeoJSON,
`locate` (one point in every format, a file of points, GCJ-02), `log --lon/--lat`, the cases'
lon/lat in exports and Open311, bad GeoJSON refused with nothing written, and the migration
from schema 7."""

import csv
import io
import json
import math
import os
import re
import sqlite3
import unittest

from gridctl_harness import (skip_on_postgresql, INPUT, OK, USAGE, GridctlTestCase, Sandbox, SharedSandboxCase,
                             database_at_schema, example)

GRID = "37132700100101"  # 东湖社区第1网格, W0001's grid
AT = "2026-10-10T10:00"


# ---- the published GCJ-02 transform, written again here so the test does not trust gridctl's --

def _gcj_lat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _gcj_lon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    d_lat, d_lon = _gcj_lat(lon - 105.0, lat - 35.0), _gcj_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    d_lat = (d_lat * 180.0) / ((a * (1 - ee)) / (magic * math.sqrt(magic)) * math.pi)
    d_lon = (d_lon * 180.0) / (a / math.sqrt(magic) * math.cos(rad) * math.pi)
    return lon + d_lon, lat + d_lat


# ---- the example boundaries -------------------------------------------------------------------

def _inside(x, y, ring):
    c = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            c = not c
    return c


def interior_point(ring):
    """The polygon's centroid, or (for an L whose centroid falls outside) a point halfway from it
    to a vertex that is inside."""
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        k = x1 * y2 - x2 * y1
        a, cx, cy = a + k, cx + (x1 + x2) * k, cy + (y1 + y2) * k
    cx, cy = cx / (3 * a), cy / (3 * a)
    if _inside(cx, cy, ring):
        return cx, cy
    for f in (0.5, 0.25, 0.75):
        for x, y in ring[:-1]:
            px, py = cx + (x - cx) * f, cy + (y - cy) * f
            if _inside(px, py, ring):
                return px, py
    raise AssertionError("no interior point found")


def example_features():
    with open(example("boundaries.geojson"), encoding="utf-8") as f:
        return json.load(f)["features"]


class ExampleBoundaries(SharedSandboxCase):
    template = "full"

    @classmethod
    def prepare(cls):
        cls.first = cls.box.gridctl("import", "boundaries", example("boundaries.geojson"),
                                    "--format", "json")
        cls.features = example_features()
        cls.points = {f["properties"]["code"]: interior_point(f["geometry"]["coordinates"][0])
                      for f in cls.features}

    def test_the_file_is_one_polygon_per_grid_of_the_layout(self):
        with open(example("layout.csv"), encoding="utf-8") as f:
            grids = [r["grid_code"] for r in csv.DictReader(f)]
        self.assertEqual([f["properties"]["code"] for f in self.features], grids)
        self.assertEqual(len(grids), 949)
        for f in self.features:
            ring = f["geometry"]["coordinates"][0]
            self.assertEqual(ring[0], ring[-1])
            for lon, lat in ring:
                self.assertTrue(118.55 < lon < 119.15 and 35.0 < lat < 35.55, (lon, lat))

    def test_shared_vertices_tile_without_gaps_or_overlaps(self):
        # Every edge inside the county is walked once each way by two grids; edges walked once
        # make the county's outline, one closed ring.
        edges = {}
        for f in self.features:
            ring = [tuple(p) for p in f["geometry"]["coordinates"][0]]
            for a, b in zip(ring, ring[1:]):
                self.assertNotIn((a, b), edges, "an edge two grids walk the same way: overlap")
                edges[(a, b)] = f["properties"]["code"]
        outline = [e for e in edges if (e[1], e[0]) not in edges]
        self.assertGreater(len(outline), 100)  # an irregular outline, not a rectangle
        succ = dict(outline)
        self.assertEqual(len(succ), len(outline))
        start = outline[0][0]
        p, n = succ[start], 1
        while p != start:
            p, n = succ[p], n + 1
        self.assertEqual(n, len(outline), "the outline is one ring: no hole, no gap")

    def test_import_counts_and_a_second_import_changes_nothing(self):
        self.assertEqual(self.first.rc, OK, str(self.first))
        self.assertEqual(self.first.json(),
                         {"features": 949, "added": 949, "changed": 0, "unchanged": 0})
        before = self.box.dump()
        again = self.box.gridctl("import", example("boundaries.geojson"), "--format", "json")
        self.assertEqual(again.rc, OK, str(again))
        self.assertEqual(again.json()["unchanged"], 949)
        self.assertEqual(self.box.dump(), before)

    def test_every_grid_is_located_by_a_point_inside_it(self):
        rows = "lon,lat,id\n" + "".join(f"{x!r},{y!r},{code}\n"
                                         for code, (x, y) in self.points.items())
        points = self.box.write("points.csv", rows)
        r = self.box.gridctl("locate", "--file", points, "--format", "csv")
        self.assertEqual(r.rc, OK, str(r))
        out = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual(len(out), 949)
        wrong = [(o["id"], o["grid"]) for o in out if o["grid"] != o["id"]]
        self.assertEqual(wrong, [])

    def test_one_point_in_every_format(self):
        x, y = self.points[GRID]
        r = self.box.gridctl("locate", repr(x), repr(y), "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual({k: r.json()[k] for k in ("grid", "grid_name", "village", "zone", "town")},
                         {"grid": GRID, "grid_name": "东湖社区第1网格", "village": "东湖社区",
                          "zone": "十字路街道第一片区", "town": "十字路街道"})
        for fmt in ("table", "csv", "ndjson", "md"):
            r = self.box.gridctl("locate", repr(x), repr(y), "--format", fmt)
            self.assertEqual(r.rc, OK, str(r))
            self.assertIn(GRID, r.stdout)
            self.assertIn("十字路街道第一片区", r.stdout)
        zh = self.box.gridctl("locate", repr(x), repr(y), "--format", "csv", "--lang", "zh")
        self.assertTrue(zh.stdout.startswith("经度,纬度,网格,网格名称"), zh.stdout)

    def test_a_point_in_no_grid_exits_3(self):
        for lon, lat in (("118.01", "35.2"), ("119.5", "35.3")):
            r = self.box.gridctl("locate", lon, lat)
            self.assertEqual(r.rc, INPUT, str(r))
            self.assertIn(f"point ({lon}, {lat}) lies in no grid", r.stderr)
        self.assertEqual(self.box.gridctl("locate", "200", "35").rc, USAGE)
        self.assertEqual(self.box.gridctl("locate", "118.8").rc, USAGE)

    def test_gcj02_points_are_converted(self):
        x, y = self.points[GRID]
        gx, gy = wgs84_to_gcj02(x, y)
        # The offset is hundreds of metres: read as WGS-84, the GCJ-02 point is elsewhere.
        self.assertGreater(math.hypot(gx - x, gy - y), 0.003)
        r = self.box.gridctl("locate", repr(gx), repr(gy), "--crs", "gcj02", "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(r.json()["grid"], GRID)
        self.assertAlmostEqual(r.json()["lon"], x, places=7)
        self.assertAlmostEqual(r.json()["lat"], y, places=7)

    def test_a_points_file_with_a_point_in_no_grid_and_bad_rows(self):
        x, y = self.points[GRID]
        ok = self.box.write("p.csv", f"id,lon,lat\na,{x!r},{y!r}\nb,117.0,35.0\n")
        r = self.box.gridctl("locate", "--file", ok, "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual([(p["id"], p["grid"]) for p in r.json()], [("a", GRID), ("b", None)])
        # Without an id column, a point's id is its line; rows stream until the first bad one.
        bad = self.box.write("bad.csv", f"lon,lat\n{x!r},{y!r}\nabc,35.2\n118.8,95\n{x!r},{y!r}\n")
        r = self.box.gridctl("locate", "--file", bad, "--format", "csv")
        self.assertEqual(r.rc, INPUT, str(r))
        self.assertIn("bad.csv:3:1: lon: \"abc\" is not a number of degrees", r.stderr)
        self.assertIn("bad.csv:4: latitude 95 is outside -90…90", r.stderr)
        self.assertEqual([row["id"] for row in csv.DictReader(io.StringIO(r.stdout))], ["2"])


class WithoutBoundaries(GridctlTestCase):
    template = "full"

    def test_locate_and_log_by_point_say_none_are_loaded(self):
        r = self.gridctl("locate", "118.8", "35.2")
        self.assertRc(r, INPUT)
        self.assertIn("no grid boundaries are loaded", r.stderr)
        r = self.gridctl("log", "--lon", "118.8", "--lat", "35.2", "--category",
                         "environment_sanitation", "--title", "垃圾", "--as", "W0001", "--at", AT)
        self.assertRc(r, INPUT)
        self.assertIn("no grid boundaries are loaded", r.stderr)
        # With --grid, the point is kept as given.
        r = self.gridctl("log", "--grid", GRID, "--lon", "118.8", "--lat", "35.2", "--category",
                         "environment_sanitation", "--title", "垃圾", "--as", "W0001", "--at", AT,
                         "--format", "json")
        self.assertRc(r, OK)
        self.assertEqual((r.json()["lon"], r.json()["lat"]), (118.8, 35.2))

    def test_log_needs_a_grid_or_a_point(self):
        r = self.gridctl("log", "--category", "environment_sanitation", "--title", "垃圾",
                         "--as", "W0001", "--at", AT)
        self.assertRc(r, USAGE)
        r = self.gridctl("log", "--lon", "118.8", "--category", "environment_sanitation",
                         "--title", "垃圾", "--as", "W0001", "--at", AT)
        self.assertRc(r, USAGE)


class LogByPoint(GridctlTestCase):
    template = "full"

    def setUp(self):
        super().setUp()
        self.assertOk(self.gridctl("import", "boundaries", example("boundaries.geojson")))
        feats = {f["properties"]["code"]: f for f in example_features()}
        self.point = interior_point(feats[GRID]["geometry"]["coordinates"][0])
        self.other = interior_point(feats["37132700100102"]["geometry"]["coordinates"][0])

    def log(self, *extra):
        return self.gridctl("log", "--category", "environment_sanitation", "--title", "垃圾堆放",
                            "--as", "W0001", "--at", AT, *extra)

    def test_the_grid_is_found_and_the_case_keeps_its_point(self):
        x, y = self.point
        r = self.log("--lon", repr(x), "--lat", repr(y), "--format", "json")
        self.assertRc(r, OK)
        self.assertEqual((r.json()["grid"], r.json()["lon"], r.json()["lat"]), (GRID, x, y))
        shown = self.assertOk(self.gridctl("case", "show", str(r.json()["id"]), "--format",
                                           "json")).json()
        self.assertEqual((shown["lon"], shown["lat"]), (x, y))
        table = self.assertOk(self.gridctl("case", "show", str(r.json()["id"]))).stdout
        self.assertRegex(table, r"\nlon +" + re.escape(repr(x)))
        # The exports carry it; Open311 as GeoReport v2's lat and long.
        rows = self.assertOk(self.gridctl("export", "cases")).csv_rows()
        self.assertEqual((float(rows[0]["lon"]), float(rows[0]["lat"])), (x, y))
        o311 = self.assertOk(self.gridctl("export", "cases", "--format", "open311")).json()
        self.assertEqual((o311[0]["lat"], o311[0]["long"]), (y, x))
        # A case without a point has none.
        plain = self.assertOk(self.log("--grid", GRID, "--format", "json")).json()
        self.assertIsNone(plain["lon"])
        o311 = self.assertOk(self.gridctl("export", "cases", "--format", "open311")).json()
        self.assertEqual((o311[1]["lat"], o311[1]["long"]), (None, None))

    def test_with_grid_the_point_must_lie_in_it(self):
        x, y = self.other
        before = self.box.dump()
        r = self.log("--grid", GRID, "--lon", repr(x), "--lat", repr(y))
        self.assertRc(r, INPUT)
        self.assertIn(f"lies in grid 37132700100102, not in grid {GRID}", r.stderr)
        self.assertEqual(self.box.dump(), before)
        x, y = self.point
        self.assertRc(self.log("--grid", GRID, "--lon", repr(x), "--lat", repr(y)), OK)

    def test_a_point_in_no_grid_is_refused(self):
        before = self.box.dump()
        r = self.log("--lon", "118.0", "--lat", "35.3")
        self.assertRc(r, INPUT)
        self.assertIn("lies in no grid", r.stderr)
        self.assertEqual(self.box.dump(), before)

    def test_gcj02_point(self):
        gx, gy = wgs84_to_gcj02(*self.point)
        r = self.log("--lon", repr(gx), "--lat", repr(gy), "--crs", "gcj02", "--format", "json")
        self.assertRc(r, OK)
        self.assertEqual(r.json()["grid"], GRID)
        self.assertAlmostEqual(r.json()["lon"], self.point[0], places=7)

    def test_export_and_import_cases_round_trip_the_point(self):
        x, y = self.point
        self.assertRc(self.log("--lon", repr(x), "--lat", repr(y)), OK)
        exported = self.assertOk(self.gridctl("export", "cases")).stdout
        path = self.box.write("cases.csv", exported)
        other = Sandbox("full")
        self.addCleanup(other.cleanup)
        r = other.gridctl("import", "cases", path)
        self.assertEqual(r.rc, OK, str(r))
        again = other.gridctl("export", "cases").csv_rows()
        self.assertEqual((float(again[0]["lon"]), float(again[0]["lat"])), (x, y))


SQUARE = "[[[118.7,35.1],[118.71,35.1],[118.71,35.11],[118.7,35.11],[118.7,35.1]]]"


def feature(code, coords=SQUARE, typ="Polygon", prop="code"):
    return ('{"type":"Feature","properties":{"%s":%s},"geometry":{"type":"%s","coordinates":%s}}'
            % (prop, json.dumps(code), typ, coords))


def collection(*features):
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


class BadGeoJson(GridctlTestCase):
    """Each file is refused with exit 3, names the feature and the reason, and writes nothing."""
    template = "layout"

    CORPUS = {
        "syntax.geojson": ('{"type":"FeatureCollection",\n "features": [}', "syntax.geojson:2:"),
        "feature.geojson": (feature(GRID), "a GeoJSON Feature is not taken"),
        "polygon.geojson": ('{"type":"Polygon","coordinates":%s}' % SQUARE,
                            "a GeoJSON Polygon is not taken"),
        "array.geojson": ("[1, 2]", "not GeoJSON"),
        "unknown.geojson": (collection(feature("37132700100199")),
                            'feature 0 (property "code" = 37132700100199): unknown grid '
                            '37132700100199 (did you mean 371327001001'),
        "town.geojson": (collection(feature("371327001")),
                         "371327001 is a town (十字路街道), not a grid"),
        "twice.geojson": (collection(feature(GRID), feature("37132700100102"), feature(GRID)),
                          f'feature 2 (property "code" = {GRID}): grid {GRID} twice: also '
                          "feature 0"),
        "noprop.geojson": (collection(feature(GRID, prop="grid")),
                           'feature 0: property "code" is missing (it has: grid)'),
        "proptype.geojson": (collection(feature(True)),
                             'property "code" is a boolean, not a grid\'s code'),
        "open.geojson": (collection(feature(GRID, "[[[118.7,35.1],[118.71,35.1],[118.71,35.11],"
                                                  "[118.7,35.11]]]")),
                         "outer ring: a ring is not closed"),
        "short.geojson": (collection(feature(GRID, "[[[118.7,35.1],[118.71,35.1],[118.7,35.1]]]")),
                          "a ring needs at least 4 positions"),
        "bowtie.geojson": (collection(feature(GRID, "[[[118.7,35.1],[118.71,35.11],[118.71,35.1],"
                                                    "[118.7,35.11],[118.7,35.1]]]")),
                           "not a valid polygon: Geometry has invalid self-intersections"),
        "hole.geojson": (collection(feature(GRID, "[[[118.7,35.1],[118.71,35.1],[118.71,35.11],"
                                                  "[118.7,35.11],[118.7,35.1]],[[118.8,35.2],"
                                                  "[118.81,35.2],[118.81,35.21],[118.8,35.21],"
                                                  "[118.8,35.2]]]")),
                         "not a valid polygon"),
        "range.geojson": (collection(feature(GRID, "[[[218.7,35.1],[118.71,35.1],[118.71,35.11],"
                                                   "[218.7,35.1]]]")),
                          "longitude 218.7 is outside -180…180"),
        "types.geojson": (collection(feature(GRID, '[[["118.7",35.1]]]')),
                          "a position must be an array [lon, lat] of numbers"),
        "point.geojson": (collection(feature(GRID, "[118.7,35.1]", "Point")),
                          "geometry is a Point; a Polygon or MultiPolygon is expected"),
        "overlap.geojson": (collection(feature(GRID), feature(
            "37132700100102", "[[[118.705,35.1],[118.72,35.1],[118.72,35.11],[118.705,35.11],"
                              "[118.705,35.1]]]")),
            f'feature 0 (property "code" = {GRID}): overlaps grid 37132700100102 (feature 1) by '
            "50% of the smaller one"),
        "nogeometry.geojson": (collection('{"type":"Feature","properties":{"code":"%s"},'
                                          '"geometry":null}' % GRID), "has no geometry"),
    }

    def test_each_bad_file_is_refused_and_nothing_is_written(self):
        far = "[[[118.9,35.3],[118.91,35.3],[118.91,35.31],[118.9,35.31],[118.9,35.3]]]"
        good = self.box.write("good.geojson", collection(feature("37132700100103", far)))
        for name, (content, expected) in self.CORPUS.items():
            with self.subTest(name):
                path = self.box.write(name, content)
                before = self.box.dump()
                # Alongside a good file: the command takes both or neither.
                r = self.gridctl("import", "boundaries", good, path)
                self.assertRc(r, INPUT, name)
                self.assertIn(expected, r.stderr)
                self.assertIn(name, r.stderr)
                self.assertEqual(self.box.dump(), before)

    def test_all_the_problems_of_a_file_in_one_run(self):
        path = self.box.write("many.geojson", collection(
            feature("371327001"), feature("37132700100199"), feature(GRID, "[1,2]")))
        r = self.gridctl("import", "boundaries", path)
        self.assertRc(r, INPUT)
        self.assertEqual(len(r.errors()), 3, r.stderr)

    @skip_on_postgresql("edits the file with sqlite3")
    def test_code_property_and_gcj02(self):
        gx, gy = wgs84_to_gcj02(118.7, 35.1)
        coords = [[gx, gy], [gx + 0.01, gy], [gx + 0.01, gy + 0.01], [gx, gy + 0.01], [gx, gy]]
        path = self.box.write("gcj.geojson", collection(feature(GRID, json.dumps([coords]),
                                                                "Polygon", "网格编码")))
        r = self.gridctl("import", "boundaries", path, "--code-property", "网格编码", "--crs",
                         "gcj02", "--dry-run", "--format", "json")
        self.assertRc(r, OK)
        self.assertEqual(r.json()["added"], 1)
        self.assertRc(self.gridctl("locate", "118.705", "35.105"), INPUT)  # the dry run wrote none
        self.assertRc(self.gridctl("import", "boundaries", path, "--code-property", "网格编码",
                                   "--crs", "gcj02"), OK)
        with sqlite3.connect(self.box.db) as db:
            geometry = json.loads(db.execute("SELECT geometry FROM boundaries").fetchone()[0])
        lon, lat = geometry["coordinates"][0][0]
        self.assertAlmostEqual(lon, 118.7, places=6)  # stored as WGS-84
        self.assertAlmostEqual(lat, 35.1, places=6)

    def test_an_overlap_with_a_stored_grid_is_refused(self):
        self.assertRc(self.gridctl("import", "boundaries",
                                   self.box.write("a.geojson", collection(feature(GRID)))), OK)
        shifted = "[[[118.708,35.1],[118.72,35.1],[118.72,35.11],[118.708,35.11],[118.708,35.1]]]"
        r = self.gridctl("import", "boundaries",
                         self.box.write("b.geojson", collection(feature("37132700100102", shifted))))
        self.assertRc(r, INPUT)
        self.assertIn(f"overlaps grid {GRID} (stored) by 20% of the smaller one", r.stderr)

    def test_multipolygon(self):
        far = "[[118.9,35.3],[118.91,35.3],[118.91,35.31],[118.9,35.31],[118.9,35.3]]"
        path = self.box.write("multi.geojson", collection(
            feature(GRID, "[%s,[%s]]" % (SQUARE, far), "MultiPolygon")))
        self.assertRc(self.gridctl("import", "boundaries", path), OK)
        for lon, lat in (("118.705", "35.105"), ("118.905", "35.305")):
            r = self.gridctl("locate", lon, lat, "--format", "json")
            self.assertRc(r, OK)
            self.assertEqual(r.json()["grid"], GRID)
        self.assertRc(self.gridctl("locate", "118.8", "35.2"), INPUT)


@skip_on_postgresql("upgrades an SQLite file of schema 7")
class MigrationFromSchema7(unittest.TestCase):
    """A database at schema 7 (made by the migrations' own SQL) opens at schema 9: its cases
    without a point, boundaries importable."""

    def setUp(self):
        self.box = Sandbox()
        self.addCleanup(self.box.cleanup)
        database_at_schema(self.box.db, 7, """
INSERT INTO units (id, code, name, level, depth, parent_id) VALUES
  (1, '371327', '莒南县', 'county', 0, NULL), (2, '371327001', '十字路街道', 'town', 1, 1),
  (3, '371327001Z01', '第一片区', 'zone', 2, 2), (4, '371327001001', '一村', 'village', 3, 3),
  (5, '37132700100101', '一村一网格', 'grid', 4, 4);
INSERT INTO workers (id, code, name, tier) VALUES (1, 'W0001', '刘文', 'grid');
INSERT INTO worker_units (worker_id, position, unit_id) VALUES (1, 0, 5);
INSERT INTO cases (id, kind, source, category, title, grid_id, reporter, reported_at, status,
                   level, unit_id, deadline, due, last_counted_at) VALUES
  (1, 'problem', 'patrol', 'environment_sanitation', '楼道垃圾', 5, 'W0001', 1791600000, 'open',
   'grid', 5, 1791686400, 1792900000, 1791600000);
INSERT INTO events (id, case_id, type, at, recorded_at, actor, level, unit_id, deadline, due)
  VALUES (1, 1, 'report', 1791600000, 1791600000, 'W0001', 'grid', 5, 1791686400, 1792900000);
""")

    def test_cases_are_kept_without_a_point_and_boundaries_follow(self):
        r = self.box.gridctl("case", "show", "1", "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual((r.json()["title"], r.json()["lon"], r.json()["lat"]),
                         ("楼道垃圾", None, None))
        with sqlite3.connect(self.box.db) as db:
            self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], 11)
            self.assertEqual(db.execute("SELECT lon, lat FROM cases").fetchall(), [(None, None)])
            self.assertEqual(db.execute("SELECT count(*) FROM boundaries").fetchone()[0], 0)
        path = self.box.write("g.geojson", collection(feature(GRID)))
        r = self.box.gridctl("import", "boundaries", path)
        self.assertEqual(r.rc, OK, str(r))
        r = self.box.gridctl("log", "--lon", "118.705", "--lat", "35.105", "--category",
                             "environment_sanitation", "--title", "垃圾", "--as", "W0001",
                             "--format", "json")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual((r.json()["grid"], r.json()["lon"]), (GRID, 118.705))


if __name__ == "__main__":
    unittest.main()
