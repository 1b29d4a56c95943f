#pragma once
// Chart geometry for the monthly report (docs/design.md §13): linear scales, "nice" axis ticks,
// SVG path data of a series with gaps, colour ramps cut into legend classes, and the map's
// projection. Pure: numbers in, numbers and SVG path data out; the report's templates draw them.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gridgov/geo.hpp"

namespace gridgov::chart {

/// Maps [domain_lo, domain_hi] linearly onto [range_lo, range_hi] (a range may run backwards, as
/// an SVG y axis does). An empty domain maps everything to the middle of the range.
///
/// **Example**: `LinearScale{0, 10, 200, 0}(5)` is 100.
struct LinearScale {
  double domain_lo = 0.0;
  double domain_hi = 1.0;
  double range_lo = 0.0;
  double range_hi = 1.0;

  [[nodiscard]] double operator()(double v) const noexcept {
    if (domain_hi == domain_lo) return (range_lo + range_hi) / 2.0;
    return range_lo + (v - domain_lo) * (range_hi - range_lo) / (domain_hi - domain_lo);
  }
};

/// Axis ticks: `lo`..`hi` in steps of `step` (1, 2 or 5 × 10ⁿ), covering the data.
struct Ticks {
  double lo = 0.0;
  double hi = 1.0;
  double step = 1.0;
  std::vector<double> values;  ///< lo, lo + step, …, hi
};

/// "Nice" ticks covering [lo, hi] in about `count` steps. An empty range [v, v] widens to include
/// 0 (or to [0, 1] for 0), so a flat series still gets an axis.
///
/// **Example**: `nice_ticks(3, 97, 5)` is 0, 20, 40, 60, 80, 100.
[[nodiscard]] inline Ticks nice_ticks(double lo, double hi, int count = 5) {
  if (lo > hi) std::swap(lo, hi);
  if (lo == hi) {
    if (lo == 0.0) {
      hi = 1.0;
    } else if (lo > 0.0) {
      lo = 0.0;
    } else {
      hi = 0.0;
    }
  }
  const double raw = (hi - lo) / std::max(count, 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / magnitude;
  const double step = (norm <= 1.0   ? 1.0
                       : norm <= 2.0 ? 2.0
                       : norm <= 5.0 ? 5.0
                                     : 10.0) *
                      magnitude;
  // Multiples of the step, as integers times the step, so no rounding error piles up.
  const auto first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const auto last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  Ticks t;
  t.step = step;
  for (long long k = first; k <= last; ++k) t.values.push_back(static_cast<double>(k) * step);
  t.lo = t.values.front();
  t.hi = t.values.back();
  return t;
}

/// A number as SVG path data writes it: one decimal at most (a tenth of a pixel), no "-0".
[[nodiscard]] inline std::string svg_number(double v) {
  double rounded = std::round(v * 10.0) / 10.0;
  if (rounded == 0.0) rounded = 0.0;  // -0 → 0
  char buf[32];
  const bool whole = rounded == std::floor(rounded);
  const auto r = whole ? std::to_chars(buf, buf + sizeof buf, static_cast<long long>(rounded))
                       : std::to_chars(buf, buf + sizeof buf, rounded, std::chars_format::fixed, 1);
  return std::string(buf, r.ptr);
}

/// The path data of a line through `values` (x = the value's index through `x`, y through
/// `y`): a missing value breaks the line, and the next value starts a new piece (`M`).
///
/// **Example**: values {1, nullopt, 3, 4} give `M0,10M20,30L30,40` (with identity scales).
[[nodiscard]] inline std::string line_path(const std::vector<std::optional<double>>& values,
                                           const LinearScale& x, const LinearScale& y) {
  std::string d;
  bool pen_down = false;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) {
      pen_down = false;
      continue;
    }
    d += pen_down ? 'L' : 'M';
    d += svg_number(x(static_cast<double>(i)));
    d += ',';
    d += svg_number(y(*values[i]));
    pen_down = true;
  }
  return d;
}

/// A colour, written `#rrggbb`.
struct Rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  friend bool operator==(const Rgb&, const Rgb&) = default;

  [[nodiscard]] std::string hex() const {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string s = "#";
    for (std::uint8_t c : {r, g, b}) {
      s += k_digits[c >> 4];
      s += k_digits[c & 15];
    }
    return s;
  }
};

/// A colour ramp: colours at positions 0..1, blended in between.
///
/// **Example**: `ColourRamp{{{0, {255, 255, 255}}, {1, {0, 0, 0}}}}(0.5)` is `#808080`.
struct ColourRamp {
  struct Stop {
    double at = 0.0;
    Rgb colour;
  };
  std::vector<Stop> stops;  ///< by `at`, from 0 to 1

  [[nodiscard]] Rgb operator()(double t) const {
    if (stops.empty()) return {};
    if (t <= stops.front().at) return stops.front().colour;
    for (std::size_t i = 1; i < stops.size(); ++i) {
      if (t > stops[i].at) continue;
      const Stop& a = stops[i - 1];
      const Stop& b = stops[i];
      const double f = b.at == a.at ? 1.0 : (t - a.at) / (b.at - a.at);
      auto mix = [f](std::uint8_t p, std::uint8_t q) {
        return static_cast<std::uint8_t>(std::lround(p + (q - p) * f));
      };
      return {mix(a.colour.r, b.colour.r), mix(a.colour.g, b.colour.g),
              mix(a.colour.b, b.colour.b)};
    }
    return stops.back().colour;
  }
};

/// Light yellow to dark red: more is worse (the map's problem rate).
[[nodiscard]] inline ColourRamp ramp_more_is_worse() {
  return {{{0.0, {255, 247, 204}}, {0.5, {244, 141, 66}}, {1.0, {165, 15, 21}}}};
}
/// Red through yellow to green: more is better (the quota's share of the daily reports).
[[nodiscard]] inline ColourRamp ramp_more_is_better() {
  return {{{0.0, {215, 48, 39}}, {0.5, {254, 224, 139}}, {1.0, {26, 152, 80}}}};
}

/// Legend classes: value v falls in class i when breaks[i] ≤ v < breaks[i + 1] (the last class
/// takes its upper bound too); each class has its colour from the ramp.
struct Classes {
  std::vector<double> breaks;  ///< n + 1 bounds, rising
  std::vector<Rgb> colours;    ///< n colours

  /// The class of `v`, clamped to the first and last.
  [[nodiscard]] std::size_t of(double v) const noexcept {
    std::size_t i = 0;
    while (i + 2 < breaks.size() && v >= breaks[i + 1]) ++i;
    return i;
  }
};

/// Classes over [lo, hi] at nice bounds (about `count` of them), coloured evenly along `ramp`.
///
/// **Example**: `classes(0, 10, 5, ramp)` has bounds 0, 2, 4, 6, 8, 10.
[[nodiscard]] inline Classes classes(double lo, double hi, int count, const ColourRamp& ramp) {
  const Ticks t = nice_ticks(lo, hi, count);
  Classes c;
  c.breaks = t.values;
  const std::size_t n = c.breaks.size() - 1;
  for (std::size_t i = 0; i < n; ++i)
    c.colours.push_back(ramp(n == 1 ? 1.0 : static_cast<double>(i) / static_cast<double>(n - 1)));
  return c;
}

/// A point on the drawing, in pixels (y down).
struct Point {
  double x = 0.0;
  double y = 0.0;
};

/// The smallest box around shapes, in degrees; `empty` when they have no point.
struct Bounds {
  double min_lon = 0.0;
  double min_lat = 0.0;
  double max_lon = 0.0;
  double max_lat = 0.0;
  bool empty = true;

  void add(const LonLat& p) {
    if (empty) {
      min_lon = max_lon = p.lon;
      min_lat = max_lat = p.lat;
      empty = false;
      return;
    }
    min_lon = std::min(min_lon, p.lon);
    max_lon = std::max(max_lon, p.lon);
    min_lat = std::min(min_lat, p.lat);
    max_lat = std::max(max_lat, p.lat);
  }
};

[[nodiscard]] inline Bounds bounds_of(const std::vector<GridShape>& shapes) {
  Bounds b;
  for (const auto& s : shapes)
    for (const auto& poly : s.polygons) {
      for (const auto& p : poly.outer) b.add(p);
      for (const auto& hole : poly.holes)
        for (const auto& p : hole) b.add(p);
    }
  return b;
}

/// An equirectangular projection fitted to a box: x = lon × cos(middle latitude), y = −lat
/// (north up), scaled alike on both axes so that shapes keep their proportions, and centred.
struct Projection {
  double scale = 1.0;  ///< pixels per degree of latitude
  double cos_lat = 1.0;
  double lon0 = 0.0;  ///< the left edge's longitude
  double lat0 = 0.0;  ///< the top edge's latitude
  double x0 = 0.0;    ///< the pixel offsets that centre the drawing
  double y0 = 0.0;

  [[nodiscard]] Point operator()(const LonLat& p) const noexcept {
    return {x0 + (p.lon - lon0) * cos_lat * scale, y0 + (lat0 - p.lat) * scale};
  }
};

/// The projection that fits `b` into width × height pixels inside `margin`. An empty or
/// point-sized box gets scale 1 around its corner.
///
/// **Example**: a box 1° wide and 1° high at the equator, fitted into 100 × 100 with margin 0,
/// maps (lon 0, lat 1) to (0, 0) and (1, 0) to (100, 100).
[[nodiscard]] inline Projection fit_projection(const Bounds& b, double width, double height,
                                               double margin) {
  Projection p;
  p.lon0 = b.min_lon;
  p.lat0 = b.max_lat;
  p.cos_lat = std::cos((b.min_lat + b.max_lat) / 2.0 * 3.14159265358979323846 / 180.0);
  const double w = (b.max_lon - b.min_lon) * p.cos_lat;
  const double h = b.max_lat - b.min_lat;
  const double inner_w = std::max(width - 2 * margin, 1.0);
  const double inner_h = std::max(height - 2 * margin, 1.0);
  if (b.empty || (w <= 0 && h <= 0)) {
    p.x0 = margin;
    p.y0 = margin;
    return p;
  }
  p.scale = std::min(w > 0 ? inner_w / w : inner_h / h, h > 0 ? inner_h / h : inner_w / w);
  p.x0 = margin + (inner_w - w * p.scale) / 2.0;
  p.y0 = margin + (inner_h - h * p.scale) / 2.0;
  return p;
}

/// The path data of a grid's shape: each ring a closed piece (`M…L…Z`), holes included (draw it
/// with `fill-rule="evenodd"`).
[[nodiscard]] inline std::string shape_path(const GridShape& shape, const Projection& project) {
  std::string d;
  auto ring = [&](const Ring& r) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      const Point p = project(r[i]);
      d += i ? 'L' : 'M';
      d += svg_number(p.x);
      d += ',';
      d += svg_number(p.y);
    }
    if (!r.empty()) d += 'Z';
  };
  for (const auto& poly : shape.polygons) {
    ring(poly.outer);
    for (const auto& hole : poly.holes) ring(hole);
  }
  return d;
}

}  // namespace gridgov::chart
