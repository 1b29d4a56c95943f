// gridctl export cases [the filters of `case list`] | events [--from D --to D]
//   [--format csv|json|ndjson|open311]
// Streams: one case (or event) at a time, in constant memory.

#include <memory>

#include "commands.hpp"
#include "gridgov/exports.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct ExportFlags {
  CaseFilterFlags filter;  ///< cases: all of them; events: --from and --to
  std::string format;
};

gridgov::Period period(gridgov::Session& session, const ExportFlags& f) {
  gridgov::Period p;
  p.from = f.filter.from.empty() ? gridgov::Timestamp::min()
                                 : Context::bound(session, "--from", f.filter.from, false);
  p.to = f.filter.to.empty() ? gridgov::Timestamp::max()
                             : Context::bound(session, "--to", f.filter.to, true);
  return p;
}

/// --format of the export, else the global one where it is an export format, else csv.
gridgov::ExportFormat format(const Context& ctx, const ExportFlags& f) {
  return gridgov::parse_export_format(f.format.empty() ? ctx.options.format : f.format)
      .value_or(gridgov::ExportFormat::csv);
}

}  // namespace

void setup_export(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ExportFlags>();
  auto* cmd =
      app.add_subcommand("export", "Stream cases or events out (csv, json, ndjson, open311)");
  cmd->require_subcommand(1);
  for (const char* what : {"cases", "events"}) {
    const bool cases = std::string_view(what) == "cases";
    auto* sub = cmd->add_subcommand(
        what, cases ? "Cases matching every filter given (those of `case list`), with histories"
                    : "Events that happened in the period, each with its case's report");
    if (cases) {
      add_case_filter_flags(sub, f->filter);
      sub->add_option("--at", ctx.options.at, "Judge --overdue at this time (default: now)")
          ->type_name("TIME");
    } else {
      sub->add_option("--from", f->filter.from, "From this date or time")->type_name("D");
      sub->add_option("--to", f->filter.to, "To this date (inclusive) or time")->type_name("D");
    }
    sub->add_option("--format", f->format,
                    "csv (default), json, ndjson, or open311 (GeoReport v2 service requests)")
        ->check(CLI::IsMember({"csv", "json", "ndjson", "open311"}));
    sub->callback([f, &ctx, cases] {
      auto session = ctx.session();
      const gridgov::RenderOptions options = ctx.render_options();
      if (cases)
        gridgov::export_cases(session, case_filter(session, f->filter, ctx.time(session)),
                              format(ctx, *f), std::cout, options);
      else
        gridgov::export_events(session, period(session, *f), format(ctx, *f), std::cout, options);
    });
  }
}

}  // namespace gridctl
