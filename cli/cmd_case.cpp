// gridctl case show ID | list [filters] | history ID; agenda zone|town|county

#include <memory>

#include "commands.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/service.hpp"

namespace gridctl {

namespace {

struct CaseFlags {
  long long id = 0;
  std::string status, level, unit, department, category, source, from, to, date;
  bool overdue = false;
};

template <class T, class Parse>
std::optional<T> parsed(const std::string& flag, const std::string& text, Parse parse) {
  if (text.empty()) return std::nullopt;
  auto v = parse(text);
  if (!v) throw gridgov::Error(gridgov::ErrorCode::usage, flag + ": unknown value " + text);
  return v;
}

void run_list(Context& ctx, const CaseFlags& f) {
  auto session = ctx.session();
  const auto now = ctx.time(session);
  gridgov::CaseFilter filter;
  filter.status = parsed<gridgov::Status>("--status", f.status, gridgov::parse_status);
  filter.level = parsed<gridgov::Level>("--level", f.level, gridgov::parse_level);
  filter.source = parsed<gridgov::Source>("--source", f.source, gridgov::parse_source);
  filter.unit = f.unit;
  filter.department = f.department;
  filter.category = f.category;
  if (f.overdue) filter.overdue_at = now;
  if (!f.from.empty()) filter.reported_from = Context::bound(session, "--from", f.from, false);
  if (!f.to.empty()) filter.reported_to = Context::bound(session, "--to", f.to, true);
  if (!f.unit.empty() && !session.store().find_unit(f.unit))
    throw gridgov::Error(gridgov::ErrorCode::not_found, "unknown unit " + f.unit);
  ctx.print(gridgov::case_table(session.store().cases(filter), Context::view(session, now),
                                ctx.case_columns()));
}

gridgov::Case require_case(gridgov::Store& store, long long id) {
  auto c = store.find_case(id);
  if (!c) throw gridgov::Error(gridgov::ErrorCode::not_found, "unknown case " + std::to_string(id));
  return *c;
}

void run_show(Context& ctx, const CaseFlags& f) {
  auto session = ctx.session();
  const auto view = Context::view(session, ctx.time(session));
  const gridgov::Case c = require_case(session.store(), f.id);
  const auto events = session.store().events(c.id);
  if (!ctx.for_people() && ctx.format() != gridgov::Format::csv) {
    ctx.print(gridgov::case_record(c, view, &events));
    return;
  }
  ctx.print(gridgov::case_record(c, view));
  if (ctx.for_people()) {
    std::cout << '\n';
    ctx.print(gridgov::event_table(events, view));
  }
}

void run_history(Context& ctx, const CaseFlags& f) {
  auto session = ctx.session();
  (void)require_case(session.store(), f.id);
  ctx.print(
      gridgov::event_table(session.store().events(f.id), Context::view(session, session.now())));
}

void run_agenda(Context& ctx, gridgov::Level meeting, const CaseFlags& f) {
  if (meeting != gridgov::Level::county && f.unit.empty())
    throw CLI::RequiredError(std::string("the ") + std::string(to_string(meeting)) + "'s code");
  auto session = ctx.session();
  // --date D: as of the end of that local day; else --at, else now.
  const auto at =
      f.date.empty() ? ctx.time(session) : Context::bound(session, "--date", f.date, true);
  ctx.print(gridgov::agenda_table(gridgov::agenda(session, meeting, f.unit, at),
                                  Context::view(session, at), ctx.case_columns()));
}

}  // namespace

void setup_case(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<CaseFlags>();
  auto* cmd = app.add_subcommand("case", "Look at cases: show, list, history");
  cmd->require_subcommand(1);

  auto* show = cmd->add_subcommand("show", "One case with its events");
  show->add_option("id", f->id, "The case id")->required()->type_name("ID")->check(case_id());
  show->add_option("--at", ctx.options.at, "Judge `overdue` at this time (default: now)")
      ->type_name("TIME");
  show->callback([f, &ctx] { run_show(ctx, *f); });

  auto* list = cmd->add_subcommand("list", "Cases matching every filter given");
  list->add_option("--status", f->status, "open, resolved, closed or void");
  list->add_option("--level", f->level, "Where the case stands: county … grid");
  list->add_option("--unit", f->unit, "Cases whose grid lies within this unit")->type_name("CODE");
  list->add_option("--department", f->department, "Cases at this department")->type_name("CODE");
  list->add_option("--category", f->category, "Cases of this category")->type_name("CODE");
  list->add_option("--source", f->source, "patrol, hotline, surveillance, petition or platform");
  list->add_flag("--overdue", f->overdue, "Only cases open, not suspended, past their due");
  list->add_option("--from", f->from, "Reported at or after (a date or a time)")->type_name("D");
  list->add_option("--to", f->to, "Reported before, or on that date")->type_name("D");
  list->add_option("--at", ctx.options.at, "Judge `overdue` at this time (default: now)")
      ->type_name("TIME");
  list->callback([f, &ctx] { run_list(ctx, *f); });

  auto* history = cmd->add_subcommand("history", "A case's events, oldest first");
  history->add_option("id", f->id, "The case id")->required()->type_name("ID")->check(case_id());
  history->callback([f, &ctx] { run_history(ctx, *f); });

  auto* agenda = app.add_subcommand("agenda",
                                    "What a meeting takes up: zone daily, town weekly, "
                                    "county");
  agenda->require_subcommand(1);
  for (auto meeting : {gridgov::Level::zone, gridgov::Level::town, gridgov::Level::county}) {
    auto* sub =
        agenda->add_subcommand(std::string(to_string(meeting)),
                               meeting == gridgov::Level::zone   ? "The zone's daily meeting"
                               : meeting == gridgov::Level::town ? "The town's weekly joint meeting"
                                                                 : "The county's meeting");
    if (meeting != gridgov::Level::county)
      sub->add_option("unit", f->unit, "The zone's or town's code")->type_name("UNIT");
    sub->add_option("--date", f->date, "The meeting's day (as of its end); default: now")
        ->type_name("D");
    sub->add_option("--at", ctx.options.at, "As of this time (default: now)")->type_name("TIME");
    sub->callback([f, &ctx, meeting] { run_agenda(ctx, meeting, *f); });
  }
}

}  // namespace gridctl
