// gridctl attendance --month M [--by worker|town] | assess --month M --by town|department |
// subsidies --month M [--department D]: supervision and assessment (督导考核, docs/design.md §12).

#include <memory>

#include "commands.hpp"
#include "gridgov/assessment.hpp"
#include "gridgov/attendance.hpp"
#include "gridgov/subsidies.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct AssessmentFlags {
  std::string month;
  std::string by;
  std::string department;
  std::string sort;
  bool desc = false;
  long long limit = -1;
};

}  // namespace

void setup_assessment(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<AssessmentFlags>();

  auto* attendance = app.add_subcommand(
      "attendance", "A month's attendance (考勤): per worker, or per town with the county total");
  add_month_flag(attendance, f->month);
  attendance->add_option("--by", f->by, "worker (default) or town|镇街")->type_name("G");
  add_order_flags(attendance, f->sort, f->desc, f->limit);
  attendance->callback([f, &ctx] {
    gridgov::AttendanceGrouping by = gridgov::AttendanceGrouping::worker;
    if (f->by == "town" || f->by == "镇街")
      by = gridgov::AttendanceGrouping::town;
    else if (!f->by.empty() && f->by != "worker" && f->by != "网格员")
      throw gridgov::Error(gridgov::ErrorCode::usage,
                           "--by: expected worker or town, got " + f->by);
    auto session = ctx.session();
    gridgov::Table t = gridgov::attendance_table(
        gridgov::attendance(session, Context::month(session, f->month), by), by, ctx.format());
    order(t, f->sort, f->desc, f->limit);
    ctx.print(t);
  });

  auto* assess = app.add_subcommand(
      "assess", "A month's assessment (考核): each town's or department's score and rank");
  add_month_flag(assess, f->month);
  assess->add_option("--by", f->by, "town|镇街 or department|部门")->required()->type_name("G");
  add_order_flags(assess, f->sort, f->desc, f->limit);
  assess->callback([f, &ctx] {
    gridgov::AssessmentGrouping by = gridgov::AssessmentGrouping::town;
    if (f->by == "department" || f->by == "部门" || f->by == "县直部门")
      by = gridgov::AssessmentGrouping::department;
    else if (f->by != "town" && f->by != "镇街")
      throw gridgov::Error(gridgov::ErrorCode::usage,
                           "--by: expected town or department, got " + f->by);
    auto session = ctx.session();
    gridgov::Table t = gridgov::assessment_table(
        gridgov::assess(session, Context::month(session, f->month), by), ctx.format());
    order(t, f->sort, f->desc, f->limit);
    ctx.print(t);
  });

  auto* subsidies = app.add_subcommand(
      "subsidies",
      "A month's subsidies (补贴) of county workers, with department and county totals");
  add_month_flag(subsidies, f->month);
  subsidies
      ->add_option("--department", f->department,
                   "Only this department's workers and total (a code or name)")
      ->type_name("D");
  subsidies->callback([f, &ctx] {
    auto session = ctx.session();
    ctx.print(gridgov::subsidy_table(
        gridgov::subsidies(session, Context::month(session, f->month), f->department)));
  });
}

}  // namespace gridctl
