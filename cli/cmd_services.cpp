// gridctl services list: the policy's services sunk to the grid (职能下沉).

#include "commands.hpp"
#include "gridgov/views.hpp"

namespace gridctl {

void setup_services(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("services", "The public services the policy sinks to the grid");
  cmd->require_subcommand(1);
  auto* list = cmd->add_subcommand(
      "list", "List the policy's services: code, name, level, delegating department");
  list->callback([&ctx] {
    auto session = ctx.session();
    ctx.print(gridgov::service_table(session.policy()));
  });
}

}  // namespace gridctl
