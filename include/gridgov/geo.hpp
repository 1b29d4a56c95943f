#pragma once
// Points and shapes on the earth, in degrees of WGS-84 / CGCS2000 (docs/design.md §13.2): the
// shapes of the grids that `import boundaries` stores, the map of the monthly report draws and
// `locate` searches. Plain data; the search itself lives in boundaries.hpp.

#include <string>
#include <vector>

namespace gridgov {

/// A point: longitude (east positive) and latitude (north positive), in degrees.
struct LonLat {
  double lon = 0.0;
  double lat = 0.0;
  friend bool operator==(const LonLat&, const LonLat&) = default;
};

/// A closed ring: its first point is repeated as its last.
using Ring = std::vector<LonLat>;

/// An outer ring (counter-clockwise) and its holes (clockwise), as GeoJSON orders them.
struct Polygon {
  Ring outer;
  std::vector<Ring> holes;
  friend bool operator==(const Polygon&, const Polygon&) = default;
};

/// A grid's boundary: one polygon, or several (a MultiPolygon) for a grid in pieces.
struct GridShape {
  std::string grid;  ///< the grid's code
  std::vector<Polygon> polygons;
  friend bool operator==(const GridShape&, const GridShape&) = default;
};

}  // namespace gridgov
