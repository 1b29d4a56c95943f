#pragma once
// Grid boundaries (docs/design.md §13.2): the GCJ-02 transform of Chinese web maps, the grids'
// stored shapes, the locator that finds the grid of a point, and `import boundaries` of GeoJSON.
// The R-tree behind the locator lives in lib/; no geometry library appears here.

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/geo.hpp"
#include "gridgov/session.hpp"
#include "gridgov/table.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

/// The coordinate systems gridgov reads: WGS-84 (GPS; CGCS2000 differs from it by centimetres
/// and is taken as the same) and GCJ-02 (国测局坐标, what Amap, Tencent and other Chinese web
/// maps give). Everything stored is WGS-84.
enum class Crs { wgs84, gcj02 };

/// `wgs84`, `cgcs2000` (read as WGS-84) or `gcj02`, in any case; nullopt otherwise.
[[nodiscard]] std::optional<Crs> parse_crs(std::string_view text);
[[nodiscard]] std::string_view to_string(Crs crs) noexcept;

/// Whether the published GCJ-02 transform leaves the point alone (outside China's rough box).
[[nodiscard]] bool outside_china(LonLat p) noexcept;
/// The published GCJ-02 offset of a WGS-84 point; a point outside China is returned unchanged.
///
/// **Example**: `wgs84_to_gcj02({116.404, 39.915})` is about `{116.410244, 39.916404}`.
[[nodiscard]] LonLat wgs84_to_gcj02(LonLat p) noexcept;
/// The inverse, by iteration (within 1e-9 degrees, well under a metre, inside China).
[[nodiscard]] LonLat gcj02_to_wgs84(LonLat p) noexcept;
/// `p` read in `crs`, as WGS-84.
[[nodiscard]] LonLat to_wgs84(LonLat p, Crs crs) noexcept;

/// Degrees as the shortest text that reads back the same (`118.75`).
[[nodiscard]] std::string format_degrees(double degrees);

/// Why `p` is no point on the earth (longitude within ±180, latitude within ±90, both finite),
/// or empty.
[[nodiscard]] std::string point_problem(LonLat p);

/// Every stored grid boundary, by grid code.
[[nodiscard]] std::vector<GridShape> grid_shapes(Session& session);

/// Finds the grid of a point. Built once from the shapes (an R-tree of their bounding boxes;
/// each candidate's polygons are then tested), it answers any number of points.
class GridLocator {
 public:
  /// A locator over `shapes` (every polygon is taken as given: `import boundaries` checks them).
  explicit GridLocator(const std::vector<GridShape>& shapes);
  /// A locator over the stored boundaries.
  [[nodiscard]] static GridLocator load(Session& session);
  /// A locator for one point: over the stored boundaries whose bounding box holds `p` only (a
  /// few), so that locating one point reads and parses a few shapes, not all. `any_stored` tells
  /// whether any boundary is stored at all.
  [[nodiscard]] static GridLocator load_around(Session& session, LonLat p, bool& any_stored);
  GridLocator(GridLocator&&) noexcept;
  GridLocator& operator=(GridLocator&&) noexcept;
  ~GridLocator();

  /// The code of the grid whose shape covers `p` (WGS-84), holes left out; nullopt when none
  /// does. A point on an edge two grids share belongs to the one with the smaller code.
  [[nodiscard]] std::optional<std::string> locate(LonLat p) const;
  /// How many grids it knows.
  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// How `import boundaries` reads its files.
struct BoundaryImportOptions {
  std::string code_property = "code";  ///< the feature property that holds the grid's code
  Crs crs = Crs::wgs84;                ///< the coordinates' system (stored as WGS-84)
  bool dry_run = false;                ///< check and count, write nothing
  std::size_t max_errors = 20;
};

/// What an import did (or, dry, would do), over all its files.
struct BoundaryImportReport {
  long long features = 0;
  long long added = 0;      ///< grids without a boundary before
  long long changed = 0;    ///< grids whose boundary is replaced
  long long unchanged = 0;  ///< grids whose boundary was already this one
};

/// The report as a record: features, added, changed, unchanged.
[[nodiscard]] Record boundary_import_record(const BoundaryImportReport& report);

/// Reads GeoJSON files (a FeatureCollection of Polygon or MultiPolygon features, each naming its
/// grid in `code_property`) into shapes in WGS-84. Every problem found in every file is a
/// diagnostic (`file: feature N (property "code" = X): reason`); any one throws
/// ErrorCode::input. Checks the codes against the active grids of `session`'s store.
[[nodiscard]] std::vector<GridShape> read_boundaries(Session& session,
                                                     const std::vector<std::string>& paths,
                                                     const BoundaryImportOptions& options);

/// Reads the files (as read_boundaries) and stores each grid's shape, replacing the one it had,
/// all in one transaction: a problem anywhere writes nothing; importing the same files again
/// changes nothing.
BoundaryImportReport import_boundaries(Session& session, const std::vector<std::string>& paths,
                                       const BoundaryImportOptions& options = {});

/// The shape as a GeoJSON geometry (Polygon, or MultiPolygon for several), coordinates rounded
/// to 1e-7 degrees (about a centimetre): the stored form.
[[nodiscard]] std::string to_geojson(const GridShape& shape);

/// A point and the grid it lies in (none: in no grid).
struct PointPlace {
  std::string id;
  LonLat point;
  std::optional<std::string> grid;
};

/// Where points lie, as rows: `id` (when asked for), `lon`, `lat`, `grid`, `grid_name`,
/// `village`, `zone`, `town`, the names null for a point in no grid. For a few points the names
/// are read unit by unit; for `many`, the whole unit tree is read once.
class PlaceRows {
 public:
  PlaceRows(Session& session, bool with_id, bool many);
  [[nodiscard]] const std::vector<Column>& columns() const noexcept { return m_columns; }
  [[nodiscard]] std::vector<Cell> row(const PointPlace& place);

 private:
  const std::array<std::string, 4>& names_of(const std::string& grid);

  Session& m_session;
  bool m_with_id;
  std::optional<UnitTree> m_tree;
  std::map<std::string, std::array<std::string, 4>, std::less<>> m_names;
  std::vector<Column> m_columns;
};

/// The rows of PlaceRows as one table (with `id` when any place has one).
[[nodiscard]] Table place_table(Session& session, const std::vector<PointPlace>& places);

/// Locates every point of a CSV file (columns `lon`, `lat` and an optional `id`; 经度, 纬度,
/// 编号 also name them; `-` reads standard input), read in `crs`, calling `visit` with each in
/// file order as it is read (its point as WGS-84; no grid for a point in none; its id, else its
/// line number). A bad number or a point off the earth is a diagnostic `file:line:col`; from the
/// first one on, no point is visited, the rest of the file is checked, and ErrorCode::input is
/// thrown at the end.
void locate_file(const GridLocator& locator, const std::string& path, Crs crs,
                 const std::function<void(PointPlace&&)>& visit, std::size_t max_errors = 20);

}  // namespace gridgov
