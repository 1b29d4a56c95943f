// gridctl: parse the command line, run the chosen command, turn failures into exit codes.
// The only catch ladder of the program lives here. Messages quote what users typed and what files
// hold, so they are printed with control characters escaped (gridgov::printable).

#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "context.hpp"
#include "gridgov/error.hpp"
#include "gridgov/text.hpp"
#include "gridgov/version.hpp"
#include "help.hpp"
#include "hints.hpp"

int main(int argc, char** argv) {
  gridctl::Context ctx;
  CLI::App app{"gridctl: grid-based social governance (网格化社会治理) from the shell", "gridctl"};
  // Plain concatenation: gridctl does not link fmt itself (a shared libgridgov keeps it private).
  app.set_version_flag(
      "--version",
      std::string("gridctl ") + gridgov::k_version + " (database schema " +
          std::to_string(gridgov::schema_version()) + ", PostgreSQL schema " +
          std::to_string(gridgov::pg_schema_version()) + ")",
      "Print gridctl's version and the schema versions it writes (SQLite, PostgreSQL)");
  app.require_subcommand(1);
  // Global options may also follow the command: `gridctl status --format json`.
  app.fallthrough();
  app.add_option("--db", ctx.options.db,
                 "Database: a file, or a postgresql:// URL (else $GRIDCTL_DB, else ./gridgov.db)")
      ->type_name("PATH|URL");
  app.add_option("--county", ctx.options.county,
                 "The county to work on, where the database holds several (PostgreSQL; else "
                 "$GRIDCTL_COUNTY)")
      ->type_name("CODE");
  app.add_option("--format", ctx.options.format, "Output format (default: table)")
      ->check(CLI::IsMember({"table", "csv", "json", "ndjson", "md"}));
  app.add_flag("-q,--quiet", ctx.options.quiet, "No messages on standard error, only errors");
  app.add_option("--color", ctx.options.color, "Colour in tables (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_option("--columns", ctx.options.columns,
                 "Only these columns of a table, in this order (comma-separated field names)")
      ->type_name("A,B,...");
  app.add_option("--lang", ctx.options.lang,
                 "Headers and code words: en (the field names) or zh (Chinese; table, md, csv)")
      ->check(CLI::IsMember({"en", "zh"}));
  app.add_flag("--bom", ctx.options.bom,
               "CSV begins with a UTF-8 byte order mark (for Excel on Chinese Windows)");

  gridctl::setup_init(app, ctx);
  gridctl::setup_import(app, ctx);
  gridctl::setup_policy(app, ctx);
  gridctl::setup_services(app, ctx);
  gridctl::setup_units(app, ctx);
  gridctl::setup_workers(app, ctx);
  gridctl::setup_log(app, ctx);
  gridctl::setup_locate(app, ctx);
  gridctl::setup_moves(app, ctx);
  gridctl::setup_case(app, ctx);
  gridctl::setup_supervise(app, ctx);
  gridctl::setup_stats(app, ctx);
  gridctl::setup_assessment(app, ctx);
  gridctl::setup_report(app, ctx);
  gridctl::setup_export(app, ctx);
  gridctl::setup_status(app, ctx);
  gridctl::setup_migrate(app, ctx);
  gridctl::setup_audit(app, ctx);
  gridctl::setup_completion(app);
  gridctl::setup_man(app);
  // After every command exists: the help formatter and each command's examples.
  gridctl::finish_help(app);

  try {
    app.parse(argc, argv);
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // No command where one is needed, or an unknown one: the help, or the nearest commands.
    if (const int rc = gridctl::explain_command_error(app, e, std::cout, std::cerr); rc >= 0)
      return rc;
    std::cerr << "gridctl: error: " << gridgov::printable(e.what())
              << "\n(run `gridctl --help` for usage)\n";
    return static_cast<int>(gridgov::ErrorCode::usage);
  } catch (const gridgov::Error& e) {
    if (e.diagnostics().empty()) {
      const std::string h = gridctl::hint(e);
      std::cerr << "gridctl: error: " << gridgov::printable(e.what())
                << (h.empty() ? "" : " (" + h + ")") << '\n';
    } else {
      for (const auto& d : e.diagnostics())
        std::cerr << "gridctl: error: " << gridgov::printable(d.to_string()) << '\n';
      if (e.more() > 0)
        std::cerr << "gridctl: error: … and " << e.more()
                  << " more (raise --max-errors to see them)\n";
    }
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "gridctl: error: internal error: " << gridgov::printable(e.what()) << '\n';
    return static_cast<int>(gridgov::ErrorCode::internal);
  }
}
