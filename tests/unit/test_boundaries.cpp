// Grid boundaries: the GCJ-02 transform, the locator, the GeoJSON import and its checks, and a
// case's point.

#include "gridgov/boundaries.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "county.hpp"
#include "gridgov/cases.hpp"
#include "helpers.hpp"

namespace gridgov::testing {

namespace {

/// Metres between two nearby points (equirectangular: plenty at this scale).
double metres(LonLat a, LonLat b) {
  constexpr double k_r = 6371000.0;
  const double rad = 3.14159265358979323846 / 180.0;
  const double x = (a.lon - b.lon) * rad * std::cos((a.lat + b.lat) / 2 * rad);
  const double y = (a.lat - b.lat) * rad;
  return k_r * std::sqrt(x * x + y * y);
}

Ring square(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
}

GridShape shape(std::string grid, std::vector<Polygon> polygons) {
  return GridShape{std::move(grid), std::move(polygons)};
}

/// A GeoJSON FeatureCollection of the given features' texts.
std::string collection(const std::vector<std::string>& features) {
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (std::size_t i = 0; i < features.size(); ++i) out += (i ? "," : "") + features[i];
  return out + "]}";
}

std::string feature(const std::string& code, const std::string& coordinates,
                    const std::string& type = "Polygon") {
  return R"({"type":"Feature","properties":{"code":")" + code + R"("},"geometry":{"type":")" +
         type + R"(","coordinates":)" + coordinates + "}}";
}

const std::string k_g1 = "[[[118.0,35.0],[118.1,35.0],[118.1,35.1],[118.0,35.1],[118.0,35.0]]]";
const std::string k_g2 = "[[[118.1,35.0],[118.2,35.0],[118.2,35.1],[118.1,35.1],[118.1,35.0]]]";

/// All the reasons of the diagnostics `f` throws.
template <class F>
std::string problems_of(F&& f) {
  auto e = error_of(f);
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  std::string out;
  for (const auto& d : e->diagnostics()) out += d.to_string() + "\n";
  return out;
}

}  // namespace

TEST_CASE("gcj02: the published transform's reference value and its inverse within a metre") {
  // wandergis/coordtransform's example: wgs84togcj02(116.404, 39.915).
  const LonLat g = wgs84_to_gcj02({116.404, 39.915});
  CHECK(g.lon == doctest::Approx(116.41024449916938).epsilon(1e-12));
  CHECK(g.lat == doctest::Approx(39.91640428150164).epsilon(1e-12));
  CHECK(metres(gcj02_to_wgs84(g), {116.404, 39.915}) < 0.01);
  // Over the county and far corners of China, the round trip stays under a metre.
  for (const LonLat p : {LonLat{118.85, 35.2}, LonLat{87.6, 43.8}, LonLat{121.5, 31.2},
                         LonLat{126.6, 45.7}, LonLat{110.3, 20.0}}) {
    CHECK(metres(gcj02_to_wgs84(wgs84_to_gcj02(p)), p) < 1.0);
    CHECK(metres(wgs84_to_gcj02(p), p) > 50.0);  // the offset itself is hundreds of metres
  }
  // Outside China: unchanged.
  CHECK(wgs84_to_gcj02({2.35, 48.85}) == LonLat{2.35, 48.85});
  CHECK(gcj02_to_wgs84({-74.0, 40.7}) == LonLat{-74.0, 40.7});
  CHECK(parse_crs("GCJ02") == Crs::gcj02);
  CHECK(parse_crs("cgcs2000") == Crs::wgs84);
  CHECK_FALSE(parse_crs("bd09").has_value());
}

TEST_CASE("GridLocator: inside, outside, in a hole, a multipolygon, a shared edge") {
  Polygon with_hole{square(0, 0, 10, 10), {square(4, 4, 6, 6)}};
  const std::vector<GridShape> shapes = {
      shape("B", {with_hole}), shape("A", {Polygon{square(10, 0, 20, 10), {}}}),
      shape("M", {Polygon{square(30, 0, 31, 1), {}}, Polygon{square(40, 0, 41, 1), {}}}),
      shape("H", {Polygon{square(4.5, 4.5, 5.5, 5.5), {}}}),  // an island in B's hole
  };
  const GridLocator locator(shapes);
  CHECK(locator.size() == 4);
  CHECK(locator.locate({1, 1}) == "B");
  CHECK(locator.locate({15, 5}) == "A");
  CHECK_FALSE(locator.locate({25, 5}).has_value());
  CHECK_FALSE(locator.locate({4.2, 4.2}).has_value());  // in B's hole, outside the island
  CHECK(locator.locate({5, 5}) == "H");
  CHECK(locator.locate({30.5, 0.5}) == "M");
  CHECK(locator.locate({40.5, 0.5}) == "M");
  CHECK_FALSE(locator.locate({35, 0.5}).has_value());
  // On the edge B and A share: the smaller code, whatever the order they were given in.
  CHECK(locator.locate({10, 5}) == "A");
  std::vector<GridShape> reversed(shapes.rbegin(), shapes.rend());
  CHECK(GridLocator(reversed).locate({10, 5}) == "A");
  CHECK(GridLocator(std::vector<GridShape>{}).empty());
}

TEST_CASE("import_boundaries: stores, locates, and a second import changes nothing") {
  Session s = ready_store();
  TempDir dir;
  const std::string path =
      dir.write("g.geojson", collection({feature("G1", k_g1), feature("G2", k_g2)}));
  auto dry = import_boundaries(s, {path}, {.dry_run = true});
  CHECK(dry.added == 2);
  CHECK(grid_shapes(s).empty());
  auto first = import_boundaries(s, {path});
  CHECK(first.features == 2);
  CHECK(first.added == 2);
  const auto shapes = grid_shapes(s);
  REQUIRE(shapes.size() == 2);
  CHECK(shapes[0].grid == "G1");
  CHECK(shapes[0].polygons[0].outer.size() == 5);
  auto again = import_boundaries(s, {path});
  CHECK(again.unchanged == 2);
  CHECK(again.added + again.changed == 0);
  const GridLocator locator = GridLocator::load(s);
  CHECK(locator.locate({118.05, 35.05}) == "G1");
  CHECK(locator.locate({118.15, 35.05}) == "G2");
  // A changed shape replaces the stored one.
  const std::string moved =
      dir.write("m.geojson",
                collection({feature("G2",
                                    "[[[118.1,35.0],[118.3,35.0],[118.3,35.1],[118.1,35.1],[118.1,"
                                    "35.0]]]")}));
  auto changed = import_boundaries(s, {moved});
  CHECK(changed.changed == 1);
  CHECK(GridLocator::load(s).locate({118.25, 35.05}) == "G2");
  // GCJ-02 input is stored as WGS-84.
  const std::string gcj =
      dir.write("gcj.geojson",
                collection({feature("G3",
                                    "[[[118.0,36.0],[118.1,36.0],[118.1,36.1],[118.0,36.1],[118.0,"
                                    "36.0]]]")}));
  import_boundaries(s, {gcj}, {.crs = Crs::gcj02});
  const LonLat corner = gcj02_to_wgs84({118.0, 36.0});
  const auto g3 = grid_shapes(s)[2];
  CHECK(g3.grid == "G3");
  CHECK(g3.polygons[0].outer[0].lon == doctest::Approx(corner.lon).epsilon(1e-9));
  CHECK(g3.polygons[0].outer[0].lat == doctest::Approx(corner.lat).epsilon(1e-9));
}

TEST_CASE("import_boundaries: every problem of every feature, and nothing written") {
  Session s = ready_store();
  TempDir dir;
  const std::string bad = dir.write(
      "bad.geojson",
      collection({
          feature("G9", k_g1),                                                // 0 unknown
          feature("V1", k_g1),                                                // 1 not a grid
          feature("G1", k_g1),                                                // 2 fine
          feature("G1", k_g2),                                                // 3 twice
          R"({"type":"Feature","properties":{"name":"x"},"geometry":null})",  // 4 no code
          feature("G2", "[[[118,35],[118.1,35],[118,35]]]"),                  // 5 < 4 points
          feature("G3", "[[[118,35],[118.1,35],[118.1,35.1],[118,35.1]]]"),   // 6 not closed
          feature("G4", "[[[118,35],[118.1,35.1],[118.1,35],[118,35.1],[118,35]]]"),  // 7 bowtie
          feature("C", k_g1),                                              // 8 the county
          feature("G5", "[[[190,35],[118.1,35],[118.1,35.1],[190,35]]]"),  // 9 unknown first
      }));
  const std::string out = problems_of([&] { (void)import_boundaries(s, {bad}); });
  CHECK(contains(out, "feature 0 (property \"code\" = G9): unknown grid G9 (did you mean G"));
  CHECK(contains(out, "feature 1 (property \"code\" = V1): V1 is a village"));
  CHECK(contains(out, "feature 3 (property \"code\" = G1): grid G1 twice: also feature 2"));
  CHECK(contains(out, "feature 4: property \"code\" is missing"));
  CHECK(contains(out, "feature 5 (property \"code\" = G2): outer ring: a ring needs at least 4"));
  CHECK(contains(out, "feature 6 (property \"code\" = G3): outer ring: a ring is not closed"));
  CHECK(contains(out, "feature 7 (property \"code\" = G4): not a valid polygon: Geometry has"));
  CHECK(contains(out, "feature 8 (property \"code\" = C): C is a county"));
  CHECK(grid_shapes(s).empty());

  const std::string points =
      dir.write("p.geojson", collection({feature("G1",
                                                 "[[[118,95],[118.1,35],[118.1,35.1],[118,"
                                                 "95]]]"),
                                         feature("G2", "[[[\"a\",35]]]")}));
  const std::string out2 = problems_of([&] { (void)import_boundaries(s, {points}); });
  CHECK(contains(out2, "latitude 95 is outside -90…90"));
  CHECK(contains(out2, "a position must be an array [lon, lat] of numbers"));

  const std::string hole_outside =
      dir.write("h.geojson",
                collection({feature("G1",
                                    "[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[2,2],[3,2],[3,3],[2,3],[2,"
                                    "2]]]")}));
  CHECK(contains(problems_of([&] { (void)import_boundaries(s, {hole_outside}); }),
                 "not a valid polygon"));
  const std::string point =
      dir.write("pt.geojson", collection({feature("G1", "[118,35]", "Point")}));
  CHECK(contains(problems_of([&] { (void)import_boundaries(s, {point}); }),
                 "geometry is a Point; a Polygon or MultiPolygon is expected"));
  const std::string bare = dir.write("f.geojson", feature("G1", k_g1));
  CHECK(contains(problems_of([&] { (void)import_boundaries(s, {bare}); }),
                 "a GeoJSON Feature is not taken"));
  const std::string broken = dir.write("j.geojson", "{\"type\": \"FeatureCollection\",\n  \"f");
  CHECK(contains(problems_of([&] { (void)import_boundaries(s, {broken}); }), "j.geojson:2:"));
  // Another property names the code.
  const std::string named = dir.write(
      "n.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":)"
                   R"({"网格编码":"G1"},"geometry":{"type":"MultiPolygon","coordinates":[)" +
                       k_g1 + "]}}]}");
  CHECK(contains(problems_of([&] { (void)import_boundaries(s, {named}); }),
                 "property \"code\" is missing (it has: 网格编码)"));
  CHECK(import_boundaries(s, {named}, {.code_property = "网格编码"}).added == 1);
}

TEST_CASE("import_boundaries: grids overlapping by more than a hundredth are refused") {
  Session s = ready_store();
  TempDir dir;
  const std::string half =
      "[[[118.05,35.0],[118.15,35.0],[118.15,35.1],[118.05,35.1],[118.05,35.0]]]";
  const std::string both =
      dir.write("o.geojson", collection({feature("G1", k_g1), feature("G2", half)}));
  CHECK(contains(problems_of([&] { (void)import_boundaries(s, {both}); }),
                 "feature 0 (property \"code\" = G1): overlaps grid G2 (feature 1) by 50%"));
  // Against a stored grid it does not replace; a grid replacing itself is no overlap.
  (void)import_boundaries(s, {dir.write("g1.geojson", collection({feature("G1", k_g1)}))});
  CHECK(contains(problems_of([&] {
                   (void)import_boundaries(
                       s, {dir.write("g2.geojson", collection({feature("G2", half)}))});
                 }),
                 "overlaps grid G1 (stored) by 50%"));
  CHECK(
      import_boundaries(s, {dir.write("g1b.geojson", collection({feature("G1", half)}))}).changed ==
      1);
}

TEST_CASE("log_case with a point: the grid found, checked against --grid, or refused") {
  Session s = ready_store();
  TempDir dir;
  ReportRequest r;
  r.category = "environment_sanitation";
  r.title = "垃圾";
  r.location = LonLat{118.15, 35.05};
  // No boundaries: a grid cannot be found.
  CHECK(error_of([&] { (void)log_case(s, r, "admin", at_h(0)); })->code() == ErrorCode::input);
  (void)import_boundaries(
      s, {dir.write("g.geojson", collection({feature("G1", k_g1), feature("G2", k_g2)}))});
  const Case c = log_case(s, r, "admin", at_h(0));
  CHECK(c.grid == "G2");
  REQUIRE(c.location.has_value());
  CHECK(s.store().find_case(c.id)->location == LonLat{118.15, 35.05});
  r.grid = "G1";
  auto wrong = error_of([&] { (void)log_case(s, r, "admin", at_h(1)); });
  REQUIRE(wrong.has_value());
  CHECK(wrong->code() == ErrorCode::input);
  CHECK(contains(wrong->what(), "lies in grid G2, not in grid G1"));
  r.grid.clear();
  r.location = LonLat{120.0, 35.05};
  auto nowhere = error_of([&] { (void)log_case(s, r, "admin", at_h(1)); });
  REQUIRE(nowhere.has_value());
  CHECK(contains(nowhere->what(), "lies in no grid"));
  CHECK(s.store().counts().open == 1);
}

}  // namespace gridgov::testing
