// gridctl case show ID | list [filters] | history ID; supervise; agenda zone|town|county

#include <memory>

#include "case_view.hpp"
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
  auto store = ctx.open();
  const auto offset = gridgov::current_policy(*store).utc_offset;
  const auto now = ctx.time(offset);
  gridgov::CaseFilter filter;
  filter.status = parsed<gridgov::Status>("--status", f.status, gridgov::parse_status);
  filter.level = parsed<gridgov::Level>("--level", f.level, gridgov::parse_level);
  filter.source = parsed<gridgov::Source>("--source", f.source, gridgov::parse_source);
  filter.unit = f.unit;
  filter.department = f.department;
  filter.category = f.category;
  if (f.overdue) filter.overdue_at = now;
  if (!f.from.empty()) filter.reported_from = Context::bound("--from", f.from, offset, false);
  if (!f.to.empty()) filter.reported_to = Context::bound("--to", f.to, offset, true);
  if (!f.unit.empty() && !store->find_unit(f.unit))
    throw gridgov::Error(gridgov::ErrorCode::not_found, "unknown unit " + f.unit);
  print_cases(ctx.printer(), store->cases(filter), offset, now);
}

gridgov::Case require_case(gridgov::Store& store, long long id) {
  auto c = store.find_case(id);
  if (!c) throw gridgov::Error(gridgov::ErrorCode::not_found, "unknown case " + std::to_string(id));
  return *c;
}

void run_show(Context& ctx, const CaseFlags& f) {
  auto store = ctx.open();
  const auto offset = gridgov::current_policy(*store).utc_offset;
  const auto now = ctx.time(offset);
  const gridgov::Case c = require_case(*store, f.id);
  const auto events = store->events(c.id);
  const Printer out = ctx.printer();
  if (out.format == Format::json || out.format == Format::ndjson) {
    out.json(case_json(c, offset, now, &events));
    return;
  }
  const auto j = case_json(c, offset, now);
  Record r;
  for (const auto& [k, v] : j.items()) {
    if (v.is_null())
      r.emplace_back(k, Cell{});
    else if (v.is_boolean())
      r.emplace_back(k, v.get<bool>());
    else if (v.is_number_integer())
      r.emplace_back(k, v.get<long long>());
    else if (v.is_string())
      r.emplace_back(k, v.get<std::string>());
    else if (v.is_array()) {
      std::string joined;
      for (const auto& x : v) joined += (joined.empty() ? "" : ";") + x.get<std::string>();
      r.emplace_back(k, joined);
    } else
      r.emplace_back(k, v.dump());
  }
  out.record(r);
  if (out.format != Format::csv) {
    std::cout << '\n';
    out.table(event_table(events, offset));
  }
}

void run_history(Context& ctx, const CaseFlags& f) {
  auto store = ctx.open();
  const auto offset = gridgov::current_policy(*store).utc_offset;
  (void)require_case(*store, f.id);
  const auto events = store->events(f.id);
  const Printer out = ctx.printer();
  if (out.format == Format::json || out.format == Format::ndjson) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& e : events) a.push_back(event_json(e, offset));
    out.json(a);
    return;
  }
  out.table(event_table(events, offset));
}

void run_agenda(Context& ctx, gridgov::Level meeting, const CaseFlags& f) {
  if (meeting != gridgov::Level::county && f.unit.empty())
    throw CLI::RequiredError(std::string("the ") + std::string(to_string(meeting)) + "'s code");
  auto store = ctx.open();
  const auto offset = gridgov::current_policy(*store).utc_offset;
  // --date D: as of the end of that local day; else --at, else now.
  const auto at =
      f.date.empty() ? ctx.time(offset) : Context::bound("--date", f.date, offset, true);
  const auto items = gridgov::agenda(*store, meeting, f.unit, at);
  const Printer out = ctx.printer();
  if (out.format == Format::json || out.format == Format::ndjson) {
    nlohmann::ordered_json a = nlohmann::ordered_json::array();
    for (const auto& item : items) {
      auto j = case_json(item.c, offset, at);
      j["agenda"] = item.reasons;
      a.push_back(j);
    }
    out.json(a);
    return;
  }
  std::vector<gridgov::Case> cases;
  for (const auto& item : items) cases.push_back(item.c);
  Table t = case_table(cases, offset, at, out.format != Format::csv);
  t.columns.insert(t.columns.begin() + 1, "agenda");
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string reasons;
    for (const auto& r : items[i].reasons) reasons += (reasons.empty() ? "" : ";") + r;
    t.rows[i].insert(t.rows[i].begin() + 1, reasons);
  }
  out.table(t);
}

}  // namespace

void setup_case(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<CaseFlags>();
  auto* cmd = app.add_subcommand("case", "Look at cases: show, list, history");
  cmd->require_subcommand(1);

  auto* show = cmd->add_subcommand("show", "One case with its events");
  show->add_option("id", f->id, "The case id")->required()->type_name("ID");
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
  list->add_flag("--overdue", f->overdue, "Only cases open past their deadline");
  list->add_option("--from", f->from, "Reported at or after (a date or a time)")->type_name("D");
  list->add_option("--to", f->to, "Reported before, or on that date")->type_name("D");
  list->add_option("--at", ctx.options.at, "Judge `overdue` at this time (default: now)")
      ->type_name("TIME");
  list->callback([f, &ctx] { run_list(ctx, *f); });

  auto* history = cmd->add_subcommand("history", "A case's events, oldest first");
  history->add_option("id", f->id, "The case id")->required()->type_name("ID");
  history->callback([f, &ctx] { run_history(ctx, *f); });

  auto* supervise =
      app.add_subcommand("supervise", "List the overdue cases (重点督查), open past deadline");
  supervise->add_option("--at", ctx.options.at, "Judge at this time (default: now)")
      ->type_name("TIME");
  supervise->callback([f, &ctx] {
    CaseFlags overdue;
    overdue.overdue = true;
    run_list(ctx, overdue);
  });

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
