// The moves on a case: escalate (and the --overdue sweep), dispatch, whistle, resolve, close,
// void, reopen, extend, suspend, resume, urge, supervise order. Each parses its flags into a
// gridgov::Move (the event it asks for) and calls gridgov::act, which takes the rules' decision and
// records it.

#include <map>
#include <memory>

#include "commands.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/service.hpp"
#include "listing.hpp"

namespace gridctl {

namespace {

struct MoveFlags {
  long long id = 0;
  std::string to;
  std::string department;
  std::string worker;
  std::string note;
  bool fail = false;
  bool overdue = false;
  bool dry_run = false;
  long long duplicate_of = 0;
  std::string by;  ///< extend: a duration; supervise order: a time
};

void run(Context& ctx, long long id, const gridgov::Move& move) {
  auto session = ctx.session();
  const auto at = ctx.time(session);
  const gridgov::Case c = gridgov::act(session, id, move, ctx.actor(), at);
  const auto view = Context::view(session, at);
  if (ctx.format() == gridgov::Format::table) {
    std::string where = c.department.empty() ? std::string(to_string(c.level)) + " " + c.unit
                                             : "department " + c.department;
    if (c.level == gridgov::Level::county && c.unit.empty() && c.department.empty())
      where = "the county platform";
    std::string clocks;
    if (c.suspended()) clocks += ", suspended";
    if (c.deadline) clocks += ", deadline " + gridgov::format_time(*c.deadline, view.utc_offset);
    if (c.due) clocks += ", due " + gridgov::format_time(*c.due, view.utc_offset);
    if (c.supervision)
      clocks += ", ordered by " + gridgov::format_time(c.supervision->by, view.utc_offset);
    ctx.say("case " + std::to_string(c.id) + ": " + std::string(to_string(c.status)) + " at " +
            where + clocks);
  } else if (ctx.format() == gridgov::Format::json || ctx.format() == gridgov::Format::ndjson) {
    ctx.print(gridgov::case_record(c, view));
  } else {
    ctx.print(gridgov::case_table({c}, view, ctx.case_columns()));
  }
}

void run_sweep(Context& ctx, bool dry_run) {
  auto session = ctx.session();
  const auto at = ctx.time(session);
  const auto report = gridgov::sweep_overdue(
      session, ctx.actor().empty() ? std::string(gridgov::k_admin_code) : ctx.actor(), at, dry_run);
  ctx.print(gridgov::sweep_table(report, Context::view(session, at), ctx.case_columns()));
  if (!report.escalating)
    ctx.say(std::to_string(report.stage_overdue.size()) +
            " stage-overdue case(s) listed; the policy's auto_escalate is off, so none was moved");
  else
    ctx.say(std::string(dry_run ? "dry run: would have escalated " : "escalated ") +
            std::to_string(report.moved.size()) + " of " +
            std::to_string(report.stage_overdue.size()) + " stage-overdue case(s)");
}

CLI::App* move_command(CLI::App& app, Context& ctx, const char* name, const char* help,
                       MoveFlags& f) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_option("id", f.id, "The case id")->type_name("ID")->check(case_id());
  add_actor_flags(cmd, ctx);
  return cmd;
}

gridgov::Move make(gridgov::EventType type, const MoveFlags& f) {
  gridgov::Move m;
  m.type = type;
  m.department = f.department;
  m.worker = f.worker;
  m.note = f.note;
  m.duplicate_of = f.duplicate_of;
  return m;
}

}  // namespace

void setup_moves(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<MoveFlags>();
  using Type = gridgov::EventType;

  auto* escalate = move_command(
      app, ctx, "escalate",
      "Move a case one level up (逐级上报); from town, refer it to a county department (乡呼县应)",
      *f);
  escalate->add_option("--to", f->to, "The level to go to (only urgent categories skip levels)")
      ->type_name("LEVEL");
  escalate
      ->add_option("--department", f->department,
                   "Refer to this county department (its code or its name)")
      ->type_name("CODE");
  escalate->add_option("--reason", f->note, "Why");
  escalate->add_flag(
      "--overdue", f->overdue,
      "The sweep: list cases past their stage deadline; escalate them when the policy's "
      "auto_escalate is on");
  escalate->add_flag("--dry-run", f->dry_run, "With --overdue: show what would move");
  escalate->callback([f, &ctx] {
    if (f->overdue) {
      if (f->id != 0) throw CLI::ValidationError("--overdue", "takes no case id");
      run_sweep(ctx, f->dry_run);
      return;
    }
    if (f->id == 0) throw CLI::RequiredError("a case id (or --overdue)");
    if (f->dry_run) throw CLI::ValidationError("--dry-run", "goes with --overdue");
    if (f->note.empty()) throw CLI::RequiredError("--reason");
    gridgov::Move m = make(Type::escalate, *f);
    if (!f->to.empty()) {
      m.to = gridgov::parse_level(f->to);
      if (!m.to)
        throw gridgov::Error(gridgov::ErrorCode::usage,
                             "--to: unknown level " + f->to + " (expected " +
                                 std::string(gridgov::k_level_words) + ")");
    }
    run(ctx, f->id, m);
  });

  auto* dispatch =
      move_command(app, ctx, "dispatch",
                   "Send a case from the county platform down to a unit or department", *f);
  dispatch->add_option("--to", f->to, "The unit to send it to")->type_name("UNIT");
  dispatch
      ->add_option("--department", f->department,
                   "The department to send it to (its code or its name)")
      ->type_name("CODE");
  dispatch->add_option("--note", f->note, "Instructions");
  dispatch->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    if (f->to.empty() == f->department.empty())
      throw CLI::ValidationError("dispatch", "give exactly one of --to UNIT and --department D");
    gridgov::Move m = make(Type::dispatch, *f);
    m.unit = f->to;
    run(ctx, f->id, m);
  });

  auto* whistle = move_command(
      app, ctx, "whistle", "Summon an on-call county worker to a case (吹哨); it stays put", *f);
  whistle->add_option("--worker", f->worker, "The on-call (whistle) county worker")
      ->required()
      ->type_name("CODE");
  whistle->add_option("--note", f->note, "Why");
  whistle->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::whistle, *f));
  });

  auto* resolve = move_command(app, ctx, "resolve", "Report the result (办结)", *f);
  resolve->add_option("--note", f->note, "The result")->required();
  resolve->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::resolve, *f));
  });

  auto* close = move_command(app, ctx, "close",
                             "Verify a case in its grid and close it; --fail sends it back "
                             "(rework, 返工)",
                             *f);
  close->add_flag("--fail", f->fail, "Verification failed: back to the handler");
  close->add_option("--note", f->note, "What was found (needed with --fail)");
  close->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    if (f->fail && f->note.empty()) throw CLI::RequiredError("--note (with --fail)");
    run(ctx, f->id, make(f->fail ? Type::rework : Type::close, *f));
  });

  auto* voided = move_command(app, ctx, "void", "Void a case recorded by mistake or twice", *f);
  voided->add_option("--reason", f->note, "Why")->required();
  voided->add_option("--duplicate-of", f->duplicate_of, "The case this one repeats")
      ->type_name("ID")
      ->check(case_id());
  voided->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::voided, *f));
  });

  auto* extend = move_command(app, ctx, "extend",
                              "Move a case's time limit (due) out (延期), before it passes", *f);
  extend->add_option("--by", f->by, "How much: \"3d\", \"36h\", or working days \"5wd\"")
      ->required()
      ->type_name("DURATION");
  extend->add_option("--reason", f->note, "Why")->required();
  extend->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    gridgov::Move m = make(Type::extend, *f);
    m.extension = gridgov::parse_duration(f->by);
    if (!m.extension)
      throw gridgov::Error(gridgov::ErrorCode::usage,
                           "--by: bad duration \"" + f->by +
                               "\" (expected e.g. \"36h\", \"3d\", or working days \"5wd\")",
                           "", "by");
    run(ctx, f->id, m);
  });

  auto* suspend = move_command(app, ctx, "suspend",
                               "Stop a case's clocks while it awaits joint action (挂账)", *f);
  suspend->add_option("--reason", f->note, "Why")->required();
  suspend->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::suspend, *f));
  });

  auto* resume = move_command(
      app, ctx, "resume", "Run a suspended case's clocks again, moved out by the time lost", *f);
  resume->add_option("--note", f->note, "What changed")->required();
  resume->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::resume, *f));
  });

  auto* urge = move_command(app, ctx, "urge", "Remind a case's holder (催办)", *f);
  urge->add_option("--note", f->note, "The reminder")->required();
  urge->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::urge, *f));
  });

  auto* reopen = move_command(app, ctx, "reopen", "Open a closed case again", *f);
  reopen->add_option("--reason", f->note, "Why")->required();
  reopen->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    run(ctx, f->id, make(Type::reopen, *f));
  });
}

void setup_supervise(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<MoveFlags>();
  auto* supervise = app.add_subcommand(
      "supervise",
      "The supervision list (重点督查): overdue cases and cases under a supervision order");
  supervise->add_option("--at", ctx.options.at, "Judge at this time (default: now)")
      ->type_name("TIME");
  auto listing = std::make_shared<ListingFlags>();
  add_listing_flags(supervise, *listing);
  auto list_cases = [&ctx, listing] {
    auto session = ctx.session();
    const auto now = ctx.time(session);
    gridgov::CaseFilter filter;
    filter.supervised_at = now;
    const auto view = Context::view(session, now);
    print_listing(ctx, *listing, session.store().cases(filter),
                  [&](const std::vector<gridgov::Case>& cases, gridgov::CaseColumns which) {
                    return gridgov::supervise_table(cases, view, which);
                  });
  };
  auto* list = supervise->add_subcommand("list", "The list (the default)");
  list->add_option("--at", ctx.options.at, "Judge at this time (default: now)")->type_name("TIME");
  add_listing_flags(list, *listing);
  list->callback(list_cases);
  auto* order =
      move_command(*supervise, ctx, "order",
                   "Order a case solved by a time (限期督办): county workers or admin", *f);
  order->add_option("--by", f->by, "The time (or date: its end) it must be solved by")
      ->required()
      ->type_name("TIME");
  order->add_option("--note", f->note, "The order")->required();
  order->callback([f, &ctx] {
    if (f->id == 0) throw CLI::RequiredError("id");
    gridgov::Move m = make(gridgov::EventType::supervise, *f);
    {
      auto session = ctx.session();
      m.supervision_by = Context::bound(session, "--by", f->by, true);
    }
    run(ctx, f->id, m);
  });
  supervise->callback([supervise, list_cases] {
    if (supervise->get_subcommands().empty()) list_cases();
  });
}

}  // namespace gridctl
