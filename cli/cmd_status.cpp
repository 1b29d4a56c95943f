// gridctl status: counts of units, workers and cases.

#include "commands.hpp"

namespace gridctl {

void setup_status(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("status", "Counts of units, workers and cases in the database");
  cmd->callback([&ctx] {
    auto session = ctx.session();
    const gridgov::Counts c = session.store().counts();
    if (ctx.format() == gridgov::Format::json || ctx.format() == gridgov::Format::ndjson)
      ctx.print(gridgov::status_record(c));
    else
      ctx.print(gridgov::status_table(c));
  });
}

}  // namespace gridctl
