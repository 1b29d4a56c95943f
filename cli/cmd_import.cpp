// gridctl import layout|workers|cases|attendance|party|boundaries FILE…, or gridctl import FILE…
// (the kind told by each header, or a .geojson name)

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "gridgov/attendance.hpp"
#include "gridgov/boundaries.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/service.hpp"

namespace gridctl {

namespace {

struct ImportFlags {
  std::vector<std::string> files;
  bool dry_run = false;
  bool prune = false;
  bool changes = false;  ///< list each change (the default of a dry run)
  bool counts = false;   ///< the counts by level and tier (the default of a real import)
  std::size_t max_errors = 20;
  std::size_t batch_size = 0;
  std::string encoding = "utf-8";
  bool strict = false;
  std::string code_property = "code";  ///< boundaries: the feature property naming the grid
  std::string crs = "wgs84";           ///< boundaries: the coordinates' system

  /// How the readers take the files (the encoding was checked when parsed).
  [[nodiscard]] gridgov::ReadOptions read_options() const {
    return {gridgov::parse_encoding(encoding).value_or(gridgov::Encoding::utf8), strict};
  }
};

/// Prints what a reader ignored or guessed: `gridctl: warning: file:line:col: …`.
void print_warnings(const Context& ctx, gridgov::Diagnostics& diagnostics) {
  for (const auto& w : diagnostics.take_warnings())
    if (!ctx.options.quiet)
      std::cerr << "gridctl: warning: " << gridgov::printable(w.to_string()) << '\n';
}

/// Throws what reading found. For workers files alone, the problems the database would add
/// (unknown units and departments) are listed with them, so that one run shows them all: the
/// rows read are checked as a dry run, which writes nothing. (With a layout in the command, a row
/// it could not read would make its workers' units look unknown: only the reading is shown.)
void throw_read_problems(Context& ctx, const ImportFlags& flags, gridgov::Diagnostics& read,
                         bool layouts, const std::vector<gridgov::WorkerEntry>& workers) {
  if (read.empty()) return;
  if (!layouts && !read.full()) {
    try {
      auto session = ctx.session();
      const gridgov::ImportOptions check{true, flags.prune, flags.max_errors};
      (void)gridgov::import_files(session.store(), nullptr, &workers, check, session.now());
    } catch (const gridgov::Error& e) {
      // Only problems with the rows; a missing database or a refusal waits for a clean file.
      for (const auto& d : e.diagnostics()) read.add(d);
    }
  }
  read.throw_if_any();
}

/// Imports cases files into an open store (inside the command's transaction unless batched).
void import_case_files(Context& ctx, gridgov::Session& session, const ImportFlags& flags,
                       const std::vector<std::string>& files,
                       std::vector<std::pair<std::string, gridgov::CaseImportReport>>& done) {
  const auto offset = session.utc_offset();
  const bool tty = isatty(STDERR_FILENO) != 0 && !ctx.options.quiet;
  for (const auto& path : files) {
    gridgov::Diagnostics diagnostics(flags.max_errors);
    gridgov::CaseRows rows(path, offset, diagnostics, flags.read_options());
    print_warnings(ctx, diagnostics);
    gridgov::CaseImportOptions options;
    options.dry_run = flags.dry_run;
    options.batch_size = flags.batch_size;
    if (tty)
      options.progress = [&](long long n) {
        std::cerr << "\rimporting " << gridgov::printable(path) << ": " << n << " rows…"
                  << std::flush;
      };
    gridgov::CaseImportReport report;
    try {
      gridgov::import_cases(session, rows, options, diagnostics, report);
    } catch (const gridgov::Error& e) {
      if (tty) std::cerr << "\r\x1b[K";
      // Problems in the file, or a failure of the database (disk full, busy) said by main.
      const std::size_t problems = e.diagnostics().size() + e.more();
      ctx.say(path + ": " +
              (problems > 0 ? "rejected (" + std::to_string(problems) + " problem(s))"
                            : std::string("not imported")) +
              "; " +
              (report.committed > 0
                   ? std::to_string(report.committed) + " rows of earlier batches stay written"
                   : std::string("nothing written")));
      throw;
    }
    if (tty) std::cerr << "\r\x1b[K";
    done.emplace_back(path, report);
    ctx.say(path + ": " + std::to_string(report.rows) + " rows: " + std::to_string(report.added) +
            " added, " + std::to_string(report.present) + " already present, 0 rejected" +
            (flags.dry_run ? " (dry run: nothing written)" : ""));
  }
}

void run_cases(Context& ctx, const ImportFlags& flags, const std::vector<std::string>& files) {
  auto session = ctx.session();
  std::vector<std::pair<std::string, gridgov::CaseImportReport>> done;
  // One transaction for the whole command, unless batches were asked for.
  std::unique_ptr<gridgov::WriteTransaction> tx;
  if (flags.batch_size == 0) tx = session.begin_write();
  import_case_files(ctx, session, flags, files, done);
  if (tx && !flags.dry_run) tx->commit();
  ctx.print(gridgov::case_import_table(done));
}

void run_attendance(Context& ctx, const ImportFlags& flags, const std::vector<std::string>& files) {
  auto session = ctx.session();
  // One transaction for the whole command: every file is taken, or none.
  auto tx = session.begin_write();
  std::vector<std::pair<std::string, gridgov::AttendanceImportReport>> done;
  for (const auto& path : files) {
    gridgov::Diagnostics diagnostics(flags.max_errors);
    gridgov::AttendanceImportReport report;
    try {
      report = gridgov::import_attendance(session, path, flags.read_options(), flags.dry_run,
                                          diagnostics);
    } catch (const gridgov::Error& e) {
      print_warnings(ctx, diagnostics);
      const std::size_t problems = e.diagnostics().size() + e.more();
      ctx.say(path + ": " +
              (problems > 0 ? "rejected (" + std::to_string(problems) + " problem(s))"
                            : std::string("not imported")) +
              "; nothing written");
      throw;
    }
    print_warnings(ctx, diagnostics);
    ctx.say(path + ": " + std::to_string(report.rows) + " rows: " + std::to_string(report.added) +
            " added, " + std::to_string(report.present) + " already present, 0 rejected" +
            (flags.dry_run ? " (dry run: nothing written)" : ""));
    done.emplace_back(path, report);
  }
  if (!flags.dry_run) tx->commit();
  ctx.print(gridgov::attendance_import_table(done));
}

void print_report(Context& ctx, const ImportFlags& flags, const gridgov::ImportReport& report);

void run_boundaries(Context& ctx, const ImportFlags& flags, const std::vector<std::string>& files) {
  const auto crs = gridgov::parse_crs(flags.crs);
  if (!crs)
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         "--crs: unknown coordinate system " + flags.crs + " (wgs84 or gcj02)");
  auto session = ctx.session();
  gridgov::BoundaryImportOptions options;
  options.code_property = flags.code_property;
  options.crs = *crs;
  options.dry_run = flags.dry_run;
  options.max_errors = flags.max_errors;
  gridgov::BoundaryImportReport report;
  try {
    report = gridgov::import_boundaries(session, files, options);
  } catch (const gridgov::Error& e) {
    if (!e.diagnostics().empty())
      ctx.say("boundaries rejected (" + std::to_string(e.diagnostics().size() + e.more()) +
              " problem(s)); nothing written");
    throw;
  }
  ctx.print(gridgov::boundary_import_record(report));
  const std::string counts = std::to_string(report.added) + " added, " +
                             std::to_string(report.changed) + " changed, " +
                             std::to_string(report.unchanged) + " unchanged";
  if (flags.dry_run)
    ctx.say("dry run: would have " + counts + "; nothing written");
  else
    ctx.say("boundaries of " + std::to_string(report.features) + " grids: " + counts);
}

void run_party(Context& ctx, const ImportFlags& flags, const std::vector<std::string>& files) {
  gridgov::Diagnostics diagnostics(flags.max_errors);
  std::vector<gridgov::PartyEntry> entries;
  for (const auto& path : files) {
    auto read = gridgov::read_party(path, diagnostics, flags.read_options());
    entries.insert(entries.end(), read.begin(), read.end());
  }
  print_warnings(ctx, diagnostics);
  auto session = ctx.session();
  const gridgov::ImportOptions options{flags.dry_run, flags.prune, flags.max_errors};
  // As for workers: the chain's problems of the rows read are listed with the reading's, from
  // a dry run, so that one run shows them all.
  if (!diagnostics.empty() && !diagnostics.full()) {
    try {
      (void)gridgov::import_party(session.store(), entries, {true, flags.prune, flags.max_errors});
    } catch (const gridgov::Error& e) {
      for (const auto& d : e.diagnostics()) diagnostics.add(d);
    }
  }
  diagnostics.throw_if_any();
  gridgov::ImportReport report;
  report.party = gridgov::import_party(session.store(), entries, options);
  print_report(ctx, flags, report);
}

void run_import(Context& ctx, const ImportFlags& flags, std::vector<std::string> layouts,
                std::vector<std::string> workers) {
  gridgov::Diagnostics diagnostics(flags.max_errors);
  gridgov::LayoutInput layout;
  std::vector<gridgov::WorkerEntry> worker_entries;
  if (!layouts.empty()) gridgov::read_layout(layouts, layout, diagnostics, flags.read_options());
  for (const auto& path : workers) {
    auto entries = gridgov::read_workers(path, diagnostics, flags.read_options());
    worker_entries.insert(worker_entries.end(), entries.begin(), entries.end());
  }
  print_warnings(ctx, diagnostics);
  throw_read_problems(ctx, flags, diagnostics, !layouts.empty(), worker_entries);

  // A TOML/JSON layout names its county and may create the database (which appears only
  // when the import commits: a rejected file or a dry run leaves none).
  auto session = ctx.session(layout.county.has_value());
  const gridgov::ImportOptions options{flags.dry_run, flags.prune, flags.max_errors};
  const gridgov::ImportReport report =
      gridgov::import_files(session.store(), layouts.empty() ? nullptr : &layout,
                            workers.empty() ? nullptr : &worker_entries, options, session.now());
  print_report(ctx, flags, report);
}

/// Prints what an import of layouts, workers or party organisations did.
void print_report(Context& ctx, const ImportFlags& flags, const gridgov::ImportReport& report) {
  // A dry run is for review: each change. A real import (949 "added" rows on a first load) says
  // its counts, unless --changes asks for the list.
  const bool list = flags.changes || (flags.dry_run && !flags.counts);
  ctx.print(list ? gridgov::change_table(report.changes()) : gridgov::import_table(report));
  const gridgov::ChangeCounts total = report.total();
  const std::string counts =
      std::to_string(total.added) + " added, " + std::to_string(total.updated) + " updated, " +
      std::to_string(total.unchanged) + " unchanged, " + std::to_string(total.retired) + " retired";
  if (flags.dry_run)
    ctx.say("dry run: would have " + counts + "; nothing written");
  else if (!total.changes())
    ctx.say("nothing to change: " + counts);
  else
    ctx.say("imported into " + ctx.db_name() + ": " + counts);
}

void add_flags(CLI::App* cmd, ImportFlags& flags, const char* files_help, bool prune = true) {
  cmd->add_flag("--dry-run", flags.dry_run, "Check and show what would change; write nothing");
  if (prune) {
    cmd->add_flag("--prune", flags.prune,
                  "Also retire units (or workers) that the files leave out");
    auto* changes = cmd->add_flag(
        "--changes", flags.changes,
        "Print each change (added, renamed, moved, changed, restored, retired); the default of "
        "--dry-run");
    cmd->add_flag("--counts", flags.counts,
                  "Print the counts by level and tier; the default of a real import")
        ->excludes(changes);
  }
  cmd->add_option("--max-errors", flags.max_errors, "Errors to list before stopping")
      ->default_str("20")
      ->type_name("N")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
  cmd->add_option("--encoding", flags.encoding,
                  "The files' encoding: utf-8 (default), or gbk/gb18030 as Excel saves a CSV on "
                  "Chinese Windows")
      ->type_name("ENC")
      ->check(CLI::IsMember({"utf-8", "utf8", "gbk", "gb18030"}, CLI::ignore_case));
  cmd->add_flag("--strict", flags.strict,
                "Refuse a file with an unknown column (else it is ignored, with a warning)");
  cmd->add_option("files", flags.files, files_help)->type_name("FILE");
}

void add_batch_flag(CLI::App* cmd, ImportFlags& flags) {
  cmd->add_option("--batch-size", flags.batch_size,
                  "Cases: commit every N rows, each batch all-or-nothing (default: one "
                  "transaction for the whole file)")
      ->type_name("N")
      ->check(whole_number(1, std::numeric_limits<int>::max()));
}

}  // namespace

void setup_import(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<ImportFlags>();
  auto* cmd = app.add_subcommand(
      "import",
      "Bulk import: `import layout|workers|cases|attendance|party FILE…`, or `import FILE…`");
  cmd->require_subcommand(0, 1);
  add_flags(cmd, *flags,
            "Layout, workers or cases files, told apart by their headers (or a .toml, .json or "
            ".ndjson name)");

  auto* layout = cmd->add_subcommand("layout", "Import the unit tree (CSV, TOML or JSON)");
  add_flags(layout, *flags, "Layout files (`-` reads standard input)");
  layout->get_option("files")->required();
  layout->callback([flags, &ctx] { run_import(ctx, *flags, flags->files, {}); });

  auto* cases = cmd->add_subcommand(
      "cases", "Import cases: hotline exports, migrations (CSV or NDJSON; idempotent)");
  add_flags(cases, *flags, "Cases files (`-` reads standard input)", false);
  add_batch_flag(cases, *flags);
  cases->get_option("files")->required();
  cases->callback([flags, &ctx] { run_cases(ctx, *flags, flags->files); });

  auto* attendance = cmd->add_subcommand(
      "attendance", "Import workers' check-ins and patrol points (CSV; idempotent)");
  add_flags(attendance, *flags, "Attendance files (`-` reads standard input)", false);
  attendance->get_option("files")->required();
  attendance->callback([flags, &ctx] { run_attendance(ctx, *flags, flags->files); });

  auto* party = cmd->add_subcommand(
      "party", "Import the party chain along the unit tree (CSV: 党建引领; idempotent)");
  add_flags(party, *flags, "Party files (`-` reads standard input)");
  party->get_option("files")->required();
  party->callback([flags, &ctx] { run_party(ctx, *flags, flags->files); });

  auto* boundaries = cmd->add_subcommand(
      "boundaries",
      "Import the grids' boundaries (GeoJSON FeatureCollection of Polygon/MultiPolygon; "
      "idempotent)");
  add_flags(boundaries, *flags, "GeoJSON files (`-` reads standard input)", false);
  boundaries
      ->add_option("--code-property", flags->code_property,
                   "The feature property that holds the grid's code")
      ->capture_default_str()
      ->type_name("NAME");
  boundaries
      ->add_option("--crs", flags->crs,
                   "The coordinates' system: wgs84 (also cgcs2000) or gcj02 (Chinese web maps); "
                   "stored as WGS-84")
      ->capture_default_str()
      ->check(CLI::IsMember({"wgs84", "cgcs2000", "gcj02"}, CLI::ignore_case));
  boundaries->get_option("files")->required();
  boundaries->callback([flags, &ctx] { run_boundaries(ctx, *flags, flags->files); });

  auto* workers = cmd->add_subcommand("workers", "Import grid workers (CSV)");
  add_flags(workers, *flags, "Workers files (`-` reads standard input)");
  workers->get_option("files")->required();
  workers->callback([flags, &ctx] { run_import(ctx, *flags, {}, flags->files); });

  cmd->callback([flags, &ctx, cmd] {
    if (!cmd->get_subcommands().empty()) return;
    if (flags->files.empty())
      throw CLI::RequiredError("import needs `layout FILE…`, `workers FILE…` or FILE…");
    std::vector<std::string> layouts;
    std::vector<std::string> workers_files;
    std::vector<std::string> cases_files;
    std::vector<std::string> attendance_files;
    std::vector<std::string> party_files;
    auto geojson = [](const std::string& f) {
      return f.size() > 8 && f.compare(f.size() - 8, 8, ".geojson") == 0;
    };
    const auto n_geojson = std::count_if(flags->files.begin(), flags->files.end(), geojson);
    if (n_geojson > 0) {
      if (static_cast<std::size_t>(n_geojson) != flags->files.size())
        throw gridgov::Error(gridgov::ErrorCode::usage,
                             "import boundaries files on their own, after the layout they "
                             "follow: `gridctl import boundaries FILE.geojson…`");
      run_boundaries(ctx, *flags, flags->files);
      return;
    }
    for (const auto& f : flags->files) {
      const std::string kind = gridgov::sniff_import_kind(f, flags->read_options().encoding);
      if (kind == "layout")
        layouts.push_back(f);
      else if (kind == "workers")
        workers_files.push_back(f);
      else if (kind == "cases")
        cases_files.push_back(f);
      else if (kind == "attendance")
        attendance_files.push_back(f);
      else if (kind == "party")
        party_files.push_back(f);
      else
        throw gridgov::Error(gridgov::ErrorCode::input,
                             f +
                                 ": cannot tell what this file holds (expected a layout or a "
                                 "workers file); name it: `gridctl import layout|workers " +
                                 f + "`");
    }
    if (!party_files.empty()) {
      if (party_files.size() != flags->files.size())
        throw gridgov::Error(gridgov::ErrorCode::usage,
                             "import party files on their own, after the layout they follow: "
                             "`gridctl import party FILE…`");
      run_party(ctx, *flags, party_files);
    } else if (!attendance_files.empty()) {
      if (attendance_files.size() != flags->files.size())
        throw gridgov::Error(gridgov::ErrorCode::usage,
                             "import attendance files on their own, after the workers they name: "
                             "`gridctl import attendance FILE…`");
      run_attendance(ctx, *flags, attendance_files);
    } else if (cases_files.empty()) {
      run_import(ctx, *flags, layouts, workers_files);
    } else if (layouts.empty() && workers_files.empty()) {
      run_cases(ctx, *flags, cases_files);
    } else {
      throw gridgov::Error(gridgov::ErrorCode::usage,
                           "import cases files on their own, after the layout and workers they "
                           "name: `gridctl import cases FILE…`");
    }
  });
}

}  // namespace gridctl
