#pragma once
// One setup function per command (each in its own file): it declares the command's flags and
// the callback that runs it.

#include <CLI/CLI.hpp>

#include "context.hpp"

namespace gridctl {

void setup_init(CLI::App& app, Context& ctx);
void setup_import(CLI::App& app, Context& ctx);
void setup_policy(CLI::App& app, Context& ctx);
void setup_units(CLI::App& app, Context& ctx);
void setup_workers(CLI::App& app, Context& ctx);
void setup_status(CLI::App& app, Context& ctx);

}  // namespace gridctl
