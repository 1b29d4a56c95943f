#pragma once
// One setup function per command (each in its own file): it declares the command's flags and
// the callback that runs it.

#include <CLI/CLI.hpp>

#include "checks.hpp"
#include "context.hpp"

namespace gridctl {

void setup_init(CLI::App& app, Context& ctx);
void setup_import(CLI::App& app, Context& ctx);
void setup_policy(CLI::App& app, Context& ctx);
void setup_services(CLI::App& app, Context& ctx);
void setup_units(CLI::App& app, Context& ctx);
void setup_workers(CLI::App& app, Context& ctx);
void setup_status(CLI::App& app, Context& ctx);
void setup_log(CLI::App& app, Context& ctx);
void setup_locate(CLI::App& app, Context& ctx);
void setup_migrate(CLI::App& app, Context& ctx);
void setup_moves(CLI::App& app, Context& ctx);
void setup_case(CLI::App& app, Context& ctx);
void setup_supervise(CLI::App& app, Context& ctx);
void setup_stats(CLI::App& app, Context& ctx);
void setup_assessment(CLI::App& app, Context& ctx);
void setup_report(CLI::App& app, Context& ctx);
void setup_export(CLI::App& app, Context& ctx);
void setup_audit(CLI::App& app, Context& ctx);
/// `completion` and the hidden `man`: set up last, they describe every other command.
void setup_completion(CLI::App& app);
void setup_man(CLI::App& app);

/// --as ACTOR and --at TIME, for every command that changes a case.
void add_actor_flags(CLI::App* cmd, Context& ctx);

}  // namespace gridctl
