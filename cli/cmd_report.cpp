// gridctl report --month M -o FILE.html [--unit TOWN] [--lang zh|en] [--at TIME]: the monthly
// report, one self-contained HTML page (docs/design.md §13).

#include <memory>

#include "commands.hpp"
#include "gridgov/report.hpp"
#include "gridgov/unit_lookup.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct ReportFlags {
  std::string month;
  std::string output;
  std::string unit;
  std::string lang;
};

}  // namespace

void setup_report(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ReportFlags>();
  auto* report = app.add_subcommand(
      "report", "The monthly report (月度报告): one self-contained HTML page for the meeting");
  add_month_flag(report, f->month);
  report->add_option("-o,--output", f->output, "The HTML file to write (- for standard output)")
      ->required()
      ->type_name("FILE");
  report->add_option("--unit", f->unit, "A town's own report: its units (a code or unique name)")
      ->type_name("TOWN");
  report->add_option("--lang", f->lang, "The page's language: zh (the default) or en")
      ->check(CLI::IsMember({"en", "zh"}))
      ->type_name("zh|en");
  report
      ->add_option("--at", ctx.options.at, "Judge the supervision list at this time (default: now)")
      ->type_name("TIME");
  report->callback([f, &ctx, &app] {
    // The page is Chinese unless --lang says otherwise, here or before the command.
    std::string lang = f->lang;
    if (lang.empty() && app.get_option("--lang")->count() > 0) lang = ctx.options.lang;
    auto session = ctx.session();
    gridgov::ReportOptions options;
    options.month = Context::month(session, f->month);
    options.now = ctx.time(session);
    if (!f->unit.empty())
      options.unit = gridgov::find_unit(gridgov::UnitTree(session.store().units()), f->unit).code;
    const auto data = gridgov::report_data(session, options);
    gridgov::save_report(f->output, gridgov::render_report(data, lang == "en" ? gridgov::Lang::en
                                                                              : gridgov::Lang::zh));
    if (f->output != "-") ctx.say("wrote " + f->output);
  });
}

}  // namespace gridctl
