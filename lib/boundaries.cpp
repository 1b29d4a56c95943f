// Grid boundaries (docs/design.md §13.2): the GCJ-02 transform, the GeoJSON reader and its
// checks, the stored form, and the locator over a Boost.Geometry R-tree. Boost stays in here.

#include "gridgov/boundaries.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <set>
#include <sstream>
#include <utility>

#include "csv.hpp"
#include "gridgov/error.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "gridgov/unit_tree.hpp"
#include "input.hpp"
#include "json_read.hpp"
#include "nearest.hpp"

namespace gridgov {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

// ---- coordinate systems ------------------------------------------------------------------------

std::optional<Crs> parse_crs(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (s == "wgs84" || s == "wgs-84" || s == "cgcs2000") return Crs::wgs84;
  if (s == "gcj02" || s == "gcj-02") return Crs::gcj02;
  return std::nullopt;
}

std::string_view to_string(Crs crs) noexcept { return crs == Crs::gcj02 ? "gcj02" : "wgs84"; }

namespace {

std::string fmt_number(double v) { return fmt::format("{}", v); }

// The published constants of the GCJ-02 transform: Krasovsky 1940's semi-major axis and
// eccentricity squared.
constexpr double k_gcj_a = 6378245.0;
constexpr double k_gcj_ee = 0.00669342162296594323;
constexpr double k_pi = std::numbers::pi;

double gcj_lat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * k_pi) + 40.0 * std::sin(y / 3.0 * k_pi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * k_pi) + 320.0 * std::sin(y * k_pi / 30.0)) * 2.0 / 3.0;
  return r;
}

double gcj_lon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * k_pi) + 20.0 * std::sin(2.0 * x * k_pi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * k_pi) + 40.0 * std::sin(x / 3.0 * k_pi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * k_pi) + 300.0 * std::sin(x / 30.0 * k_pi)) * 2.0 / 3.0;
  return r;
}

}  // namespace

std::string format_degrees(double degrees) { return fmt_number(degrees); }

bool outside_china(LonLat p) noexcept {
  return p.lon < 72.004 || p.lon > 137.8347 || p.lat < 0.8293 || p.lat > 55.8271;
}

LonLat wgs84_to_gcj02(LonLat p) noexcept {
  if (outside_china(p)) return p;
  double d_lat = gcj_lat(p.lon - 105.0, p.lat - 35.0);
  double d_lon = gcj_lon(p.lon - 105.0, p.lat - 35.0);
  const double rad_lat = p.lat / 180.0 * k_pi;
  double magic = std::sin(rad_lat);
  magic = 1 - k_gcj_ee * magic * magic;
  const double sqrt_magic = std::sqrt(magic);
  d_lat = (d_lat * 180.0) / ((k_gcj_a * (1 - k_gcj_ee)) / (magic * sqrt_magic) * k_pi);
  d_lon = (d_lon * 180.0) / (k_gcj_a / sqrt_magic * std::cos(rad_lat) * k_pi);
  return {p.lon + d_lon, p.lat + d_lat};
}

LonLat gcj02_to_wgs84(LonLat p) noexcept {
  if (outside_china(p)) return p;
  // The offset changes slowly: w ← w − (f(w) − p) converges to f(w) = p in a few steps.
  LonLat w = p;
  for (int i = 0; i < 30; ++i) {
    const LonLat g = wgs84_to_gcj02(w);
    const double d_lon = g.lon - p.lon;
    const double d_lat = g.lat - p.lat;
    w.lon -= d_lon;
    w.lat -= d_lat;
    if (std::abs(d_lon) < 1e-10 && std::abs(d_lat) < 1e-10) break;
  }
  return w;
}

LonLat to_wgs84(LonLat p, Crs crs) noexcept { return crs == Crs::gcj02 ? gcj02_to_wgs84(p) : p; }

std::string point_problem(LonLat p) {
  if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) return "not a number";
  if (p.lon < -180.0 || p.lon > 180.0)
    return "longitude " + fmt_number(p.lon) + " is outside -180…180";
  if (p.lat < -90.0 || p.lat > 90.0) return "latitude " + fmt_number(p.lat) + " is outside -90…90";
  return {};
}

// ---- geometry ----------------------------------------------------------------------------------

namespace {

using BPoint = bg::model::d2::point_xy<double>;
using BPolygon = bg::model::polygon<BPoint, false>;  // counter-clockwise outer rings (GeoJSON)
using BMulti = bg::model::multi_polygon<BPolygon>;
using BBox = bg::model::box<BPoint>;

BPolygon to_boost(const Polygon& p) {
  BPolygon out;
  for (const LonLat& q : p.outer) out.outer().emplace_back(q.lon, q.lat);
  for (const Ring& hole : p.holes) {
    out.inners().emplace_back();
    for (const LonLat& q : hole) out.inners().back().emplace_back(q.lon, q.lat);
  }
  bg::correct(out);  // GeoJSON older than RFC 7946 may wind its rings either way
  return out;
}

BMulti to_boost(const GridShape& s) {
  BMulti out;
  for (const Polygon& p : s.polygons) out.push_back(to_boost(p));
  return out;
}

BBox box_of(const GridShape& s) {
  BBox box;
  bg::assign_inverse(box);
  for (const Polygon& p : s.polygons)
    for (const LonLat& q : p.outer) bg::expand(box, BPoint(q.lon, q.lat));
  return box;
}

/// A coordinate as stored: rounded to 1e-7 degree, the shortest text that reads back the same.
double rounded(double v) { return std::round(v * 1e7) / 1e7; }

void append_number(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, rounded(v));
  out.append(buf, r.ptr);
}

void append_ring(std::string& out, const Ring& ring) {
  out += '[';
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (i > 0) out += ',';
    out += '[';
    append_number(out, ring[i].lon);
    out += ',';
    append_number(out, ring[i].lat);
    out += ']';
  }
  out += ']';
}

void append_polygon(std::string& out, const Polygon& p) {
  out += '[';
  append_ring(out, p.outer);
  for (const Ring& h : p.holes) {
    out += ',';
    append_ring(out, h);
  }
  out += ']';
}

}  // namespace

std::string to_geojson(const GridShape& shape) {
  std::string out;
  if (shape.polygons.size() == 1) {
    out = R"({"type":"Polygon","coordinates":)";
    append_polygon(out, shape.polygons.front());
  } else {
    out = R"({"type":"MultiPolygon","coordinates":[)";
    for (std::size_t i = 0; i < shape.polygons.size(); ++i) {
      if (i > 0) out += ',';
      append_polygon(out, shape.polygons[i]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

// ---- reading GeoJSON ---------------------------------------------------------------------------

namespace {

std::string json_type_name(const nlohmann::json& j) {
  if (j.is_null()) return "null";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "a string";
  if (j.is_array()) return "an array";
  return "an object";
}

/// Reads the coordinates of a geometry into polygons; false with `why` set on a wrong shape.
bool read_position(const nlohmann::json& j, LonLat& out, std::string& why) {
  if (!j.is_array() || j.size() < 2 || !j[0].is_number() || !j[1].is_number()) {
    why = "a position must be an array [lon, lat] of numbers, not " +
          (j.is_array() ? std::string("this array") : json_type_name(j));
    return false;
  }
  out = {j[0].get<double>(), j[1].get<double>()};
  if (auto problem = point_problem(out); !problem.empty()) {
    why = "position [" + fmt_number(out.lon) + ", " + fmt_number(out.lat) + "]: " + problem;
    return false;
  }
  return true;
}

bool read_ring(const nlohmann::json& j, Crs crs, Ring& out, std::string& why) {
  if (!j.is_array()) {
    why = "a ring must be an array of positions, not " + json_type_name(j);
    return false;
  }
  for (const auto& p : j) {
    LonLat q;
    if (!read_position(p, q, why)) return false;
    q = to_wgs84(q, crs);
    out.push_back({rounded(q.lon), rounded(q.lat)});
  }
  if (out.size() < 4) {
    why = "a ring needs at least 4 positions (the first repeated last), this one has " +
          std::to_string(out.size());
    return false;
  }
  if (!(out.front() == out.back())) {
    why = "a ring is not closed: its last position is not its first";
    return false;
  }
  return true;
}

bool read_polygon(const nlohmann::json& j, Crs crs, Polygon& out, std::string& why) {
  if (!j.is_array() || j.empty()) {
    why = "a polygon must be a non-empty array of rings, not " +
          (j.is_array() ? std::string("an empty array") : json_type_name(j));
    return false;
  }
  for (std::size_t i = 0; i < j.size(); ++i) {
    Ring ring;
    if (!read_ring(j[i], crs, ring, why)) {
      why = (i == 0 ? std::string("outer ring: ") : "hole " + std::to_string(i) + ": ") + why;
      return false;
    }
    if (i == 0)
      out.outer = std::move(ring);
    else
      out.holes.push_back(std::move(ring));
  }
  return true;
}

/// A geometry (Polygon or MultiPolygon) into `shape.polygons`; empty on success, else why not.
std::string read_geometry(const nlohmann::json& g, Crs crs, GridShape& shape) {
  if (!g.is_object()) return "geometry must be a GeoJSON geometry object, not " + json_type_name(g);
  const auto type = g.find("type");
  const auto coords = g.find("coordinates");
  if (type == g.end() || !type->is_string()) return "geometry has no \"type\"";
  const std::string t = type->get<std::string>();
  if (t != "Polygon" && t != "MultiPolygon")
    return "geometry is a " + t + "; a Polygon or MultiPolygon is expected";
  if (coords == g.end()) return "geometry has no \"coordinates\"";
  std::string why;
  if (t == "Polygon") {
    Polygon p;
    if (!read_polygon(*coords, crs, p, why)) return why;
    shape.polygons.push_back(std::move(p));
  } else {
    if (!coords->is_array() || coords->empty())
      return "a MultiPolygon's coordinates must be a non-empty array of polygons";
    for (std::size_t i = 0; i < coords->size(); ++i) {
      Polygon p;
      if (!read_polygon((*coords)[i], crs, p, why))
        return "polygon " + std::to_string(i + 1) + ": " + why;
      shape.polygons.push_back(std::move(p));
    }
  }
  // Self-intersections, holes outside their polygon, polygons of a MultiPolygon overlapping.
  const BMulti m = to_boost(shape);
  std::string reason;
  if (!bg::is_valid(m, reason)) return "not a valid polygon: " + reason;
  return {};
}

/// The feature's code property as text; empty with `why` set when missing or of a wrong type.
std::string code_of(const nlohmann::json& feature, const std::string& property, std::string& why) {
  const auto props = feature.find("properties");
  if (props == feature.end() || !props->is_object()) {
    why = "has no \"properties\" object (the grid's code goes in property \"" + property + "\")";
    return {};
  }
  const auto v = props->find(property);
  if (v == props->end()) {
    std::vector<std::string> keys;
    for (const auto& [k, _] : props->items()) keys.push_back(k);
    std::string shown;
    for (const auto& k : keys) shown += (shown.empty() ? "" : ", ") + k;
    why = "property \"" + property + "\" is missing" + detail::did_you_mean(property, keys) +
          (shown.empty() ? std::string() : " (it has: " + shown + ")");
    return {};
  }
  if (v->is_string()) {
    std::string code = normalize_name(v->get<std::string>());
    if (code.empty()) why = "property \"" + property + "\" is empty";
    return code;
  }
  if (v->is_number_unsigned()) return std::to_string(v->get<unsigned long long>());
  why = "property \"" + property + "\" is " + json_type_name(*v) + ", not a grid's code";
  return {};
}

}  // namespace

namespace {

/// Refuses two grids whose shapes overlap by more than a hundredth of the smaller one (slivers
/// of digitising are let through: the locator picks the smaller code there). The shapes being
/// imported are checked against each other and against the stored ones they do not replace;
/// only pairs whose boxes meet (an R-tree query) are intersected.
void check_overlaps(
    Store& store, const std::vector<GridShape>& shapes,
    const std::map<std::string, std::pair<std::string, std::size_t>, std::less<>>& seen,
    Diagnostics& diagnostics) {
  std::vector<std::string> codes;
  std::vector<BMulti> polys;
  std::vector<bool> imported;
  std::vector<std::pair<BBox, std::size_t>> boxes;
  for (const GridShape& s : shapes) {
    boxes.emplace_back(box_of(s), codes.size());
    codes.push_back(s.grid);
    polys.push_back(to_boost(s));
    imported.push_back(true);
  }
  for (const StoredBoundary& b : store.boundaries()) {
    if (seen.count(b.grid) != 0) continue;  // replaced by this import
    nlohmann::json g = nlohmann::json::parse(b.geometry, nullptr, false);
    GridShape s;
    if (g.is_discarded() || !read_geometry(g, Crs::wgs84, s).empty()) continue;
    boxes.emplace_back(box_of(s), codes.size());
    codes.push_back(b.grid);
    polys.push_back(to_boost(s));
    imported.push_back(false);
  }
  const bgi::rtree<std::pair<BBox, std::size_t>, bgi::rstar<16>> tree(boxes.begin(), boxes.end());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    std::vector<std::pair<BBox, std::size_t>> near;
    tree.query(bgi::intersects(boxes[i].first), std::back_inserter(near));
    for (const auto& [box, j] : near) {
      if (j == i || (imported[j] && j < i)) continue;  // each imported pair once
      // Polygon by polygon: each of a MultiPolygon is valid and apart from the others.
      double overlap = 0.0;
      for (const BPolygon& a : polys[i])
        for (const BPolygon& b : polys[j]) {
          std::vector<BPolygon> common;
          bg::intersection(a, b, common);
          for (const BPolygon& c : common) overlap += bg::area(c);
        }
      const double smaller = std::min(bg::area(polys[i]), bg::area(polys[j]));
      if (overlap <= 0.01 * smaller) continue;
      const auto& [file, index] = seen.at(codes[i]);
      std::string other = "grid " + codes[j];
      if (imported[j]) {
        const auto& [other_file, other_index] = seen.at(codes[j]);
        other += " (" + (other_file == file ? std::string() : other_file + ": ") + "feature " +
                 std::to_string(other_index) + ")";
      } else {
        other += " (stored)";
      }
      diagnostics.add(
          {file, 0, 0,
           "feature " + std::to_string(index) + " (property \"code\" = " + codes[i] + ")",
           "overlaps " + other + " by " + fmt::format("{:.0f}", 100.0 * overlap / smaller) +
               "% of the smaller one"});
    }
  }
}

}  // namespace

std::vector<GridShape> read_boundaries(Session& session, const std::vector<std::string>& paths,
                                       const BoundaryImportOptions& options) {
  Store& store = session.store();
  const UnitTree tree(store.units());
  std::vector<std::string> grid_codes;
  for (const Unit& u : tree.units())
    if (u.level == Level::grid) grid_codes.push_back(u.code);
  Diagnostics diagnostics(options.max_errors);
  std::vector<GridShape> shapes;
  // Where each grid was seen: the file and the feature.
  std::map<std::string, std::pair<std::string, std::size_t>, std::less<>> seen;
  for (const std::string& path : paths) {
    const std::string text = read_text_file(path, k_max_document_bytes);
    nlohmann::json doc;
    detail::JsonProblem problem;
    if (!detail::parse_json_value(text, doc, problem)) {
      int line = 0;
      int column = 0;
      detail::line_column(text, problem.offset, line, column);
      diagnostics.add({path, line, column, "", problem.reason});
      continue;
    }
    auto file_problem = [&](const std::string& reason) {
      diagnostics.add({path, 0, 0, "", reason});
    };
    if (!doc.is_object() || !doc.contains("type") || !doc["type"].is_string()) {
      file_problem("not GeoJSON: a FeatureCollection object is expected");
      continue;
    }
    const std::string type = doc["type"].get<std::string>();
    if (type != "FeatureCollection") {
      file_problem("a GeoJSON " + type +
                   " is not taken: a FeatureCollection of the grids' Polygon or MultiPolygon "
                   "features is expected");
      continue;
    }
    if (doc.contains("crs") && doc["crs"].is_object()) {
      // Old GeoJSON (2008) named its system; only the ones meaning WGS-84 degrees are read.
      const auto& crs = doc["crs"];
      std::string named;
      if (crs.contains("properties") && crs["properties"].is_object())
        named = crs["properties"].value("name", std::string());
      if (!named.empty() && named.find("CRS84") == std::string::npos &&
          named.find("4326") == std::string::npos && named.find("4490") == std::string::npos)
        file_problem("crs " + named +
                     " is not read: coordinates must be degrees of WGS-84 or CGCS2000 "
                     "(or GCJ-02 with --crs gcj02)");
    }
    const auto features = doc.find("features");
    if (features == doc.end() || !features->is_array()) {
      file_problem("\"features\" must be an array");
      continue;
    }
    for (std::size_t i = 0; i < features->size(); ++i) {
      const nlohmann::json& f = (*features)[i];
      std::string where = "feature " + std::to_string(i);
      auto add = [&](const std::string& reason) { diagnostics.add({path, 0, 0, where, reason}); };
      if (!f.is_object() || f.value("type", std::string()) != "Feature") {
        add("not a GeoJSON Feature object");
        continue;
      }
      std::string why;
      const std::string code = code_of(f, options.code_property, why);
      if (!why.empty()) {
        add(why);
        continue;
      }
      where += " (property \"" + options.code_property + "\" = " + code + ")";
      const Unit* unit = tree.find(code);
      if (unit == nullptr) {
        add("unknown grid " + code + detail::did_you_mean(code, grid_codes));
        continue;
      }
      if (unit->level != Level::grid) {
        add(code + " is a " + std::string(to_string(unit->level)) + " (" + unit->name +
            "), not a grid");
        continue;
      }
      if (auto [it, fresh] = seen.try_emplace(code, path, i); !fresh) {
        add("grid " + code + " twice: also " +
            (it->second.first == path ? std::string() : it->second.first + ": ") + "feature " +
            std::to_string(it->second.second));
        continue;
      }
      GridShape shape;
      shape.grid = code;
      const auto geometry = f.find("geometry");
      if (geometry == f.end() || geometry->is_null()) {
        add("has no geometry");
        continue;
      }
      if (auto reason = read_geometry(*geometry, options.crs, shape); !reason.empty()) {
        add(reason);
        continue;
      }
      shapes.push_back(std::move(shape));
    }
  }
  diagnostics.throw_if_any();
  std::sort(shapes.begin(), shapes.end(),
            [](const GridShape& a, const GridShape& b) { return a.grid < b.grid; });
  check_overlaps(store, shapes, seen, diagnostics);
  diagnostics.throw_if_any();
  return shapes;
}

namespace {

/// A stored geometry back into a shape; ErrorCode::unusable when it is not one.
GridShape parse_stored(const StoredBoundary& b) {
  GridShape shape;
  shape.grid = b.grid;
  nlohmann::json g = nlohmann::json::parse(b.geometry, nullptr, false);
  std::string why = g.is_discarded() ? "not JSON" : read_geometry(g, Crs::wgs84, shape);
  if (!why.empty())
    throw Error(ErrorCode::unusable, "the stored boundary of grid " + b.grid + " is broken (" +
                                         why + "); the database was changed outside gridgov");
  return shape;
}

}  // namespace

std::vector<GridShape> grid_shapes(Session& session) {
  std::vector<GridShape> out;
  for (const StoredBoundary& b : session.store().boundaries()) out.push_back(parse_stored(b));
  return out;
}

BoundaryImportReport import_boundaries(Session& session, const std::vector<std::string>& paths,
                                       const BoundaryImportOptions& options) {
  auto tx = session.begin_write();
  const std::vector<GridShape> shapes = read_boundaries(session, paths, options);
  Store& store = session.store();
  std::map<std::string, std::string, std::less<>> before;
  for (StoredBoundary& b : store.boundaries()) before.emplace(b.grid, std::move(b.geometry));
  BoundaryImportReport report;
  for (const GridShape& s : shapes) {
    ++report.features;
    StoredBoundary b;
    b.grid = s.grid;
    b.geometry = to_geojson(s);
    const BBox box = box_of(s);
    b.min_lon = box.min_corner().x();
    b.min_lat = box.min_corner().y();
    b.max_lon = box.max_corner().x();
    b.max_lat = box.max_corner().y();
    auto it = before.find(s.grid);
    if (it == before.end())
      ++report.added;
    else if (it->second == b.geometry)
      ++report.unchanged;
    else
      ++report.changed;
    if (!options.dry_run && (it == before.end() || it->second != b.geometry)) store.put_boundary(b);
  }
  if (!options.dry_run) tx->commit();
  return report;
}

// ---- the locator -------------------------------------------------------------------------------

struct GridLocator::Impl {
  std::vector<std::string> grids;  ///< by code
  std::vector<BMulti> shapes;      ///< the grids' shapes, in the same order
  bgi::rtree<std::pair<BBox, std::size_t>, bgi::rstar<16>> tree;
};

GridLocator::GridLocator(const std::vector<GridShape>& shapes) : m_impl(std::make_unique<Impl>()) {
  std::vector<const GridShape*> sorted;
  for (const GridShape& s : shapes)
    if (!s.polygons.empty()) sorted.push_back(&s);
  std::sort(sorted.begin(), sorted.end(),
            [](const GridShape* a, const GridShape* b) { return a->grid < b->grid; });
  std::vector<std::pair<BBox, std::size_t>> boxes;
  for (const GridShape* s : sorted) {
    boxes.emplace_back(box_of(*s), m_impl->grids.size());
    m_impl->grids.push_back(s->grid);
    m_impl->shapes.push_back(to_boost(*s));
  }
  m_impl->tree = decltype(m_impl->tree)(boxes.begin(), boxes.end());  // packed: bulk loading
}

GridLocator GridLocator::load(Session& session) { return GridLocator(grid_shapes(session)); }

GridLocator GridLocator::load_around(Session& session, LonLat p, bool& any_stored) {
  Store& store = session.store();
  std::vector<GridShape> shapes;
  for (const StoredBoundary& b : store.boundaries_around(p.lon, p.lat))
    shapes.push_back(parse_stored(b));
  any_stored = !shapes.empty() || store.has_boundaries();
  return GridLocator(shapes);
}

GridLocator::GridLocator(GridLocator&&) noexcept = default;
GridLocator& GridLocator::operator=(GridLocator&&) noexcept = default;
GridLocator::~GridLocator() = default;

std::size_t GridLocator::size() const noexcept { return m_impl->grids.size(); }

std::optional<std::string> GridLocator::locate(LonLat p) const {
  const BPoint point(p.lon, p.lat);
  // The candidates whose box holds the point, smallest code first: on a shared edge, it wins.
  std::vector<std::pair<BBox, std::size_t>> candidates;
  m_impl->tree.query(bgi::covers(point), std::back_inserter(candidates));
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [box, i] : candidates)
    if (bg::covered_by(point, m_impl->shapes[i])) return m_impl->grids[i];
  return std::nullopt;
}

Record boundary_import_record(const BoundaryImportReport& report) {
  Record r;
  r.add(number_column("features"), report.features);
  r.add(number_column("added"), report.added);
  r.add(number_column("changed"), report.changed);
  r.add(number_column("unchanged"), report.unchanged);
  return r;
}

// ---- the view ----------------------------------------------------------------------------------

PlaceRows::PlaceRows(Session& session, bool with_id, bool many)
    : m_session(session), m_with_id(with_id) {
  if (many) m_tree.emplace(session.store().units());
  if (with_id) m_columns.push_back(text_column("id"));
  m_columns.push_back(number_column("lon", ColumnType::number));
  m_columns.push_back(number_column("lat", ColumnType::number));
  for (const char* name : {"grid", "grid_name", "village", "zone", "town"})
    m_columns.push_back(text_column(name));
}

const std::array<std::string, 4>& PlaceRows::names_of(const std::string& grid) {
  auto it = m_names.find(grid);
  if (it != m_names.end()) return it->second;
  std::array<std::string, 4> n;  // grid, village, zone, town
  if (m_tree) {
    const Unit* g = m_tree->find(grid);
    const Unit* ups[] = {g, g ? m_tree->village_of(grid) : nullptr,
                         g ? m_tree->zone_of(grid) : nullptr, g ? m_tree->town_of(grid) : nullptr};
    for (std::size_t i = 0; i < 4; ++i)
      if (ups[i] != nullptr) n[i] = ups[i]->name;
  } else {
    std::string code = grid;
    for (int guard = 0; !code.empty() && guard < 5; ++guard) {
      const auto u = m_session.store().find_unit(code);
      if (!u || u->retired) break;
      const Level level = u->unit.level;
      if (level == Level::grid) n[0] = u->unit.name;
      if (level == Level::village) n[1] = u->unit.name;
      if (level == Level::zone) n[2] = u->unit.name;
      if (level == Level::town) n[3] = u->unit.name;
      code = u->unit.parent;
    }
  }
  return m_names.emplace(grid, std::move(n)).first->second;
}

std::vector<Cell> PlaceRows::row(const PointPlace& p) {
  std::vector<Cell> row;
  row.reserve(m_columns.size());
  if (m_with_id) row.emplace_back(text_or_null(p.id));
  row.emplace_back(p.point.lon);
  row.emplace_back(p.point.lat);
  if (p.grid) {
    row.emplace_back(*p.grid);
    for (const std::string& n : names_of(*p.grid)) row.push_back(text_or_null(n));
  } else {
    row.resize(m_columns.size());
  }
  return row;
}

Table place_table(Session& session, const std::vector<PointPlace>& places) {
  const bool ids =
      std::any_of(places.begin(), places.end(), [](const PointPlace& p) { return !p.id.empty(); });
  PlaceRows rows(session, ids, places.size() > 16);
  Table t{rows.columns(), {}};
  t.rows.reserve(places.size());
  for (const PointPlace& p : places) t.rows.push_back(rows.row(p));
  return t;
}

// ---- points files -----------------------------------------------------------------------------

void locate_file(const GridLocator& locator, const std::string& path, Crs crs,
                 const std::function<void(PointPlace&&)>& visit, std::size_t max_errors) {
  Diagnostics diagnostics(max_errors);
  std::ifstream file;
  std::istringstream piped;
  std::istream* in = &piped;
  if (path == "-") {
    piped.str(detail::stdin_text());
  } else {
    detail::open_input(path, file);
    in = &file;
  }
  detail::CsvReader reader(*in, path, diagnostics);
  std::vector<detail::CsvField> record;
  if (!reader.next(record)) {
    diagnostics.add({path, 0, 0, "", "empty: a header lon,lat[,id] is expected"});
    diagnostics.throw_if_any();
  }
  int lon = -1;
  int lat = -1;
  int id = -1;
  for (std::size_t i = 0; i < record.size(); ++i) {
    const std::string& name = record[i].text;
    if (name == "lon" || name == "lng" || name == "longitude" || name == "经度")
      lon = static_cast<int>(i);
    else if (name == "lat" || name == "latitude" || name == "纬度")
      lat = static_cast<int>(i);
    else if (name == "id" || name == "编号")
      id = static_cast<int>(i);
  }
  if (lon < 0 || lat < 0) {
    diagnostics.add({path, record.front().line, 1, "",
                     "the header must name columns lon and lat (and may name id)"});
    diagnostics.throw_if_any();
  }
  auto number = [&](const std::vector<detail::CsvField>& r, int i, const char* field, double& out) {
    if (static_cast<std::size_t>(i) >= r.size()) {
      diagnostics.add({path, reader.record_line(), 0, field, "missing"});
      return false;
    }
    const detail::CsvField& f = r[static_cast<std::size_t>(i)];
    std::string_view t = f.text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
      diagnostics.add(
          {path, f.line, f.column, field, "\"" + std::string(t) + "\" is not a number of degrees"});
      return false;
    }
    return true;
  };
  while (reader.next(record)) {
    PointPlace place;
    double x = 0.0;
    double y = 0.0;
    const bool ok_lon = number(record, lon, "lon", x);
    const bool ok_lat = number(record, lat, "lat", y);
    if (!ok_lon || !ok_lat) continue;
    if (auto problem = point_problem({x, y}); !problem.empty()) {
      diagnostics.add({path, reader.record_line(), 0, "", problem});
      continue;
    }
    if (!diagnostics.empty()) continue;  // the rest is checked, not located
    place.id = id >= 0 && static_cast<std::size_t>(id) < record.size()
                   ? record[static_cast<std::size_t>(id)].text
                   : std::to_string(reader.record_line());
    place.point = to_wgs84({x, y}, crs);
    place.grid = locator.locate(place.point);
    visit(std::move(place));
  }
  diagnostics.throw_if_any();
}

}  // namespace gridgov
