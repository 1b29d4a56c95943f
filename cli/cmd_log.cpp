// gridctl log --grid G | --lon X --lat Y [--crs C] --category C [--kind K] [--service S]
// [--source S] --title T [--ext-id X]

#include <memory>

#include "commands.hpp"
#include "gridgov/boundaries.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/service.hpp"
#include "gridgov/text.hpp"

namespace gridctl {

namespace {
struct LogFlags {
  std::string grid;
  std::string category;
  std::string service;
  std::string kind = "problem";
  std::string source = "patrol";
  std::string title;
  std::string description;
  std::string ext_id;
  std::optional<double> lon;
  std::optional<double> lat;
  std::string crs = "wgs84";
};
}  // namespace

void add_actor_flags(CLI::App* cmd, Context& ctx) {
  cmd->add_option("--as", ctx.options.as, "Who acts: a worker code or admin (else $GRIDCTL_ACTOR)")
      ->type_name("ACTOR");
  cmd->add_option("--at", ctx.options.at,
                  "When it happened, ISO 8601; local time in the policy's timezone unless an "
                  "offset is given (default: now)")
      ->type_name("TIME");
}

void setup_log(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<LogFlags>();
  auto* cmd = app.add_subcommand("log", "Report a new case; prints its id");
  cmd->add_option("--grid", f->grid,
                  "The grid where it happened (else found from --lon/--lat in the grids' "
                  "boundaries)")
      ->type_name("CODE");
  cmd->add_option("--lon", f->lon, "Where it happened: longitude in degrees (with --lat)")
      ->type_name("X");
  cmd->add_option("--lat", f->lat, "Where it happened: latitude in degrees (with --lon)")
      ->type_name("Y");
  cmd->add_option("--crs", f->crs,
                  "The system of --lon/--lat: wgs84 (GPS, also cgcs2000) or gcj02 (Chinese web "
                  "maps)")
      ->capture_default_str();
  cmd->add_option("--category", f->category,
                  "A category of the policy, by its code or its name (违法建设)")
      ->required()
      ->type_name("CODE");
  auto* kind_opt =
      cmd->add_option("--kind", f->kind,
                      "problem (问题类), info (民情/服务类) or service (服务); info and "
                      "service are closed at once")
          ->capture_default_str();
  cmd->add_option("--service", f->service,
                  "The policy service delivered, by its code or its name (政策咨询); implies "
                  "--kind service")
      ->type_name("CODE");
  cmd->add_option("--source", f->source, "patrol, hotline, surveillance, petition or platform")
      ->capture_default_str();
  cmd->add_option("--title", f->title, "What it is about")->required();
  cmd->add_option("--description", f->description, "More detail");
  cmd->add_option("--ext-id", f->ext_id, "The hotline or petition number (unique per source)")
      ->type_name("X");
  add_actor_flags(cmd, ctx);
  cmd->callback([f, kind_opt, &ctx] {
    gridgov::ReportRequest r;
    if (!f->service.empty() && kind_opt->count() == 0) f->kind = "service";
    auto kind = gridgov::parse_kind(f->kind);
    if (!kind) throw gridgov::Error(gridgov::ErrorCode::usage, "--kind: unknown kind " + f->kind);
    auto source = gridgov::parse_source(f->source);
    if (!source)
      throw gridgov::Error(gridgov::ErrorCode::usage, "--source: unknown source " + f->source);
    r.kind = *kind;
    r.source = *source;
    r.grid = f->grid;
    if (f->lon.has_value() != f->lat.has_value())
      throw gridgov::Error(gridgov::ErrorCode::usage, "--lon and --lat go together");
    if (f->grid.empty() && !f->lon)
      throw gridgov::Error(gridgov::ErrorCode::usage, "--grid or --lon/--lat is required");
    const auto crs = gridgov::parse_crs(f->crs);
    if (!crs)
      throw gridgov::Error(gridgov::ErrorCode::usage,
                           "--crs: unknown coordinate system " + f->crs + " (wgs84 or gcj02)");
    if (f->lon) r.location = gridgov::to_wgs84({*f->lon, *f->lat}, *crs);
    r.category = f->category;
    r.service = f->service;
    r.title = gridgov::normalize_name(f->title);
    r.description = gridgov::normalize_name(f->description);
    r.ext_id = f->ext_id;
    if (r.title.empty() || gridgov::invalid_utf8_at(f->title))
      throw gridgov::Error(gridgov::ErrorCode::usage, "--title: empty or not UTF-8");
    auto session = ctx.session();
    const auto at = ctx.time(session);
    const gridgov::Case c = gridgov::log_case(session, r, ctx.actor(), at);
    if (ctx.format() == gridgov::Format::json || ctx.format() == gridgov::Format::ndjson)
      ctx.print(gridgov::case_record(c, Context::view(session, at)));
    else
      std::cout << c.id << '\n';
  });
}

}  // namespace gridctl
