// gridctl locate LON LAT [--crs C] | locate --file POINTS.csv: the grid of a point, found in the
// grids' boundaries (docs/design.md §13.2).

#include <limits>
#include <memory>
#include <optional>

#include "commands.hpp"
#include "gridgov/boundaries.hpp"
#include "gridgov/render.hpp"

namespace gridctl {

namespace {
struct LocateFlags {
  std::vector<double> point;  ///< LON LAT
  std::string file;
  std::string crs = "wgs84";
  std::size_t max_errors = 20;
};
}  // namespace

void setup_locate(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<LocateFlags>();
  auto* cmd = app.add_subcommand(
      "locate", "Find the grid of a point (LON LAT), or of every point of a CSV file (--file)");
  auto* point = cmd->add_option("point", f->point, "Longitude and latitude, in degrees")
                    ->expected(2)
                    ->type_name("LON LAT");
  auto* file = cmd->add_option("--file", f->file,
                               "A CSV file of points (columns lon,lat and an optional id; `-` "
                               "reads standard input): one row per point, with its id (else "
                               "its line number), no grid for a point in none")
                   ->type_name("POINTS.csv")
                   ->excludes(point);
  point->excludes(file);
  cmd->add_option("--crs", f->crs,
                  "The points' system: wgs84 (GPS, also cgcs2000) or gcj02 (Chinese web maps)")
      ->capture_default_str()
      ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02"}, CLI::ignore_case));
  cmd->add_option("--max-errors", f->max_errors, "With --file: errors to list before stopping")
      ->default_str("20")
      ->type_name("N")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
  cmd->callback([f, &ctx] {
    if (f->point.empty() && f->file.empty())
      throw gridgov::Error(gridgov::ErrorCode::usage, "locate needs LON LAT or --file POINTS.csv");
    const gridgov::Crs crs = gridgov::parse_crs(f->crs).value_or(gridgov::Crs::wgs84);
    auto session = ctx.session();
    auto none_loaded = [] {
      return gridgov::Error(gridgov::ErrorCode::input,
                            "no grid boundaries are loaded; run `gridctl import boundaries "
                            "FILE.geojson` first");
    };
    if (!f->file.empty()) {
      const gridgov::GridLocator locator = gridgov::GridLocator::load(session);
      if (locator.empty()) throw none_loaded();
      gridgov::PlaceRows rows(session, true, true);
      if (ctx.for_people()) {  // a table is aligned once every row is known
        gridgov::Table t{rows.columns(), {}};
        gridgov::locate_file(
            locator, f->file, crs, [&](gridgov::PointPlace&& p) { t.rows.push_back(rows.row(p)); },
            f->max_errors);
        ctx.print(t);
        return;
      }
      // csv, json, ndjson: each row as its point is read; memory stays flat.
      gridgov::RowStream out(std::cout, rows.columns(), ctx.format(), ctx.render_options());
      gridgov::locate_file(
          locator, f->file, crs, [&](gridgov::PointPlace&& p) { out.add(rows.row(p)); },
          f->max_errors);
      out.finish();
      return;
    }
    const gridgov::LonLat given{f->point[0], f->point[1]};
    if (auto problem = gridgov::point_problem(given); !problem.empty())
      throw gridgov::Error(gridgov::ErrorCode::usage, "LON LAT: " + problem);
    gridgov::PointPlace place;
    place.point = gridgov::to_wgs84(given, crs);
    bool any_stored = false;
    const auto locator = gridgov::GridLocator::load_around(session, place.point, any_stored);
    if (!any_stored) throw none_loaded();
    place.grid = locator.locate(place.point);
    if (!place.grid)
      throw gridgov::Error(gridgov::ErrorCode::input,
                           "point (" + gridgov::format_degrees(given.lon) + ", " +
                               gridgov::format_degrees(given.lat) + ") lies in no grid");
    const gridgov::Table t = gridgov::place_table(session, {place});
    ctx.print(gridgov::Record{t.columns, t.rows.front()});
  });
}

}  // namespace gridctl
