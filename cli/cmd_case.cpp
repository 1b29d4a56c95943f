// gridctl case show ID | list [filters] | history ID; agenda zone|town|county

#include <memory>

#include "commands.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/service.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct CaseFlags {
  long long id = 0;
  std::string unit, date;
  CaseFilterFlags filter;
  ListingFlags listing;
};

void run_list(Context& ctx, const CaseFlags& f) {
  auto session = ctx.session();
  const auto now = ctx.time(session);
  const gridgov::CaseFilter filter = case_filter(session, f.filter, now);
  const auto view = Context::view(session, now);
  print_listing(ctx, f.listing, session.store().cases(filter),
                [&](const std::vector<gridgov::Case>& cases, gridgov::CaseColumns which) {
                  return gridgov::case_table(cases, view, which);
                });
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
    // --columns chooses the case's fields; its events keep theirs.
    Context events_ctx = ctx;
    events_ctx.options.columns.clear();
    events_ctx.print(gridgov::event_table(events, view));
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
  // The meeting's unit by code or unique name.
  const std::string unit =
      f.unit.empty() ? f.unit
                     : gridgov::find_unit(gridgov::UnitTree(session.store().units()), f.unit).code;
  ctx.print(gridgov::agenda_table(gridgov::agenda(session, meeting, unit, at),
                                  Context::view(session, at), ctx.case_columns()));
  // The party organisation of the unit convenes its meeting (党建引领): say which.
  if (!unit.empty()) {
    const auto party = gridgov::party_by_unit(session.store().party_orgs());
    if (auto it = party.find(unit); it != party.end())
      ctx.say("convened by " + it->second.name + " (" + it->second.code + ")");
  }
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
  add_case_filter_flags(list, f->filter);
  add_listing_flags(list, f->listing);
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
    // The glossary's Chinese level word names the meeting too: `agenda 镇街 UNIT`.
    sub->alias(meeting == gridgov::Level::zone   ? "片区"
               : meeting == gridgov::Level::town ? "镇街"
                                                 : "县");
    if (meeting != gridgov::Level::county)
      sub->add_option("unit", f->unit, "The zone's or town's code (or unique name)")
          ->type_name("UNIT");
    sub->add_option("--date", f->date, "The meeting's day (as of its end); default: now")
        ->type_name("D");
    sub->add_option("--at", ctx.options.at, "As of this time (default: now)")->type_name("TIME");
    sub->callback([f, &ctx, meeting] { run_agenda(ctx, meeting, *f); });
  }
}

}  // namespace gridctl
