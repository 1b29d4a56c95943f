// chart.hpp: the report's chart geometry.

#include "gridgov/chart.hpp"

#include <doctest/doctest.h>

using namespace gridgov;
using namespace gridgov::chart;

TEST_CASE("a linear scale maps its domain onto its range, backwards too") {
  const LinearScale up{0, 10, 0, 200};
  CHECK(up(5) == doctest::Approx(100));
  CHECK(up(-1) == doctest::Approx(-20));     // no clamping: the caller's domain covers the data
  const LinearScale svg_y{0, 100, 200, 20};  // y grows downwards
  CHECK(svg_y(0) == doctest::Approx(200));
  CHECK(svg_y(100) == doctest::Approx(20));
  CHECK(svg_y(50) == doctest::Approx(110));
  CHECK(LinearScale{3, 3, 0, 10}(3) == doctest::Approx(5));  // an empty domain: the middle
}

TEST_CASE("nice ticks are steps of 1, 2 or 5 times a power of ten covering the data") {
  const Ticks t = nice_ticks(3, 97, 5);
  CHECK(t.step == doctest::Approx(20));
  CHECK(t.lo == doctest::Approx(0));
  CHECK(t.hi == doctest::Approx(100));
  REQUIRE(t.values.size() == 6);
  CHECK(t.values[3] == doctest::Approx(60));

  const Ticks big = nice_ticks(0, 57'814, 5);
  CHECK(big.step == doctest::Approx(20'000));
  CHECK(big.hi == doctest::Approx(60'000));

  const Ticks small = nice_ticks(0, 0.93, 5);
  CHECK(small.step == doctest::Approx(0.2));
  CHECK(small.hi == doctest::Approx(1.0));
  CHECK(small.values[1] == 0.2);  // multiples of the step, no drift

  CHECK(nice_ticks(0, 0).hi == doctest::Approx(1));  // a flat zero series still has an axis
  const Ticks flat = nice_ticks(7, 7);
  CHECK(flat.lo == doctest::Approx(0));
  CHECK(flat.hi >= 7);
  const Ticks negative = nice_ticks(-7, -7);
  CHECK(negative.lo <= -7);
  CHECK(negative.hi == doctest::Approx(0));
  const Ticks swapped = nice_ticks(10, 0, 5);
  CHECK(swapped.lo == doctest::Approx(0));
  CHECK(swapped.hi == doctest::Approx(10));
}

TEST_CASE("svg numbers have one decimal at most and no negative zero") {
  CHECK(svg_number(3.0) == "3");
  CHECK(svg_number(1.25) == "1.3");
  CHECK(svg_number(-0.04) == "0");
  CHECK(svg_number(-12.36) == "-12.4");
  CHECK(svg_number(1234567.0) == "1234567");
}

TEST_CASE("a line path breaks at missing values and starts again after them") {
  const LinearScale x{0, 1, 0, 10};
  const LinearScale y{0, 1, 0, 10};
  CHECK(line_path({1.0, std::nullopt, 3.0, 4.0}, x, y) == "M0,10M20,30L30,40");
  CHECK(line_path({1.0, 2.0}, x, y) == "M0,10L10,20");
  CHECK(line_path({std::nullopt, std::nullopt}, x, y).empty());
  CHECK(line_path({}, x, y).empty());
}

TEST_CASE("colours blend along a ramp and clamp at its ends") {
  const ColourRamp grey{{{0, {255, 255, 255}}, {1, {0, 0, 0}}}};
  CHECK(grey(0.5).hex() == "#808080");
  CHECK(grey(-1).hex() == "#ffffff");
  CHECK(grey(2).hex() == "#000000");
  CHECK(Rgb{26, 152, 80}.hex() == "#1a9850");
  const ColourRamp worse = ramp_more_is_worse();
  CHECK(worse(0) == worse.stops.front().colour);
  CHECK(worse(1) == worse.stops.back().colour);
  CHECK(worse(0.5) == Rgb{244, 141, 66});
}

TEST_CASE("classes cut a range at nice bounds, a colour each, and clamp outside it") {
  const Classes c = classes(0, 10, 5, ramp_more_is_worse());
  REQUIRE(c.breaks == std::vector<double>{0, 2, 4, 6, 8, 10});
  REQUIRE(c.colours.size() == 5);
  CHECK(c.colours.front() == ramp_more_is_worse()(0));
  CHECK(c.colours.back() == ramp_more_is_worse()(1));
  CHECK(c.of(0) == 0);
  CHECK(c.of(1.99) == 0);
  CHECK(c.of(2) == 1);
  CHECK(c.of(10) == 4);  // the last class takes its upper bound
  CHECK(c.of(99) == 4);
  CHECK(c.of(-5) == 0);
  const Classes one = classes(0, 0, 5, ramp_more_is_worse());  // every grid 0: one class
  CHECK(one.colours.size() >= 1);
  CHECK(one.of(0) == 0);
}

TEST_CASE("the projection fits a box, keeps its proportions, puts north up and centres it") {
  Bounds b;
  b.add({0, 0});
  b.add({1, 1});
  const Projection p = fit_projection(b, 100, 100, 0);
  CHECK(p({0, 1}).x == doctest::Approx(0).epsilon(0.01));  // centred by a hair: cos(0.5°) < 1
  CHECK(p({0, 1}).y == doctest::Approx(0));
  CHECK(p({1, 0}).x == doctest::Approx(100).epsilon(0.001));  // cos(0.5°) ≈ 1
  CHECK(p({1, 0}).y == doctest::Approx(100));

  // At 60° north a degree of longitude is half as wide as one of latitude: a box 2° × 1° is
  // square on the drawing, and a wide drawing centres it.
  Bounds north;
  north.add({118, 59.5});
  north.add({120, 60.5});
  const Projection q = fit_projection(north, 300, 100, 10);
  const Point left_top = q({118, 60.5});
  const Point right_bottom = q({120, 59.5});
  CHECK(right_bottom.y - left_top.y == doctest::Approx(80));
  CHECK(right_bottom.x - left_top.x == doctest::Approx(80).epsilon(0.01));
  CHECK(left_top.x == doctest::Approx(110).epsilon(0.01));  // (300 − 80) / 2
  CHECK(left_top.y == doctest::Approx(10));

  const Projection none = fit_projection(Bounds{}, 100, 100, 5);
  CHECK(none.scale == 1);
}

TEST_CASE("a shape's path has a closed piece per ring, holes included") {
  GridShape s;
  s.grid = "G1";
  Polygon poly;
  poly.outer = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
  poly.holes.push_back({{0.25, 0.25}, {0.25, 0.75}, {0.75, 0.75}, {0.25, 0.25}});
  s.polygons = {poly, poly};
  Bounds b;
  b.add({0, 0});
  b.add({1, 1});
  const std::string d = shape_path(s, fit_projection(b, 100, 100, 0));
  CHECK(std::count(d.begin(), d.end(), 'M') == 4);
  CHECK(std::count(d.begin(), d.end(), 'Z') == 4);
  CHECK(d.rfind("M0,100L100,100L100,0L0,0L0,100Z", 0) == 0);
  CHECK(bounds_of({s}).max_lat == 1);
  CHECK(bounds_of({}).empty);
}
