// gridctl init --county-code CODE --county-name NAME

#include <memory>

#include "commands.hpp"
#include "gridgov/service.hpp"
#include "gridgov/text.hpp"

namespace gridctl {

namespace {
struct InitOptions {
  std::string code;
  std::string name;
};
}  // namespace

void setup_init(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<InitOptions>();
  auto* cmd =
      app.add_subcommand("init", "Create a database for a county (and its built-in policy)");
  cmd->add_option("--county-code", opts->code, "The county's code, e.g. 371327")->required();
  cmd->add_option("--county-name", opts->name, "The county's name, e.g. 莒南县")->required();
  cmd->callback([opts, &ctx] {
    gridgov::Unit county;
    county.code = opts->code;
    county.name = gridgov::normalize_name(opts->name);
    county.level = gridgov::Level::county;
    if (auto problem = gridgov::code_problem(county.code); !problem.empty())
      throw gridgov::Error(gridgov::ErrorCode::usage, "--county-code: " + problem);
    if (gridgov::invalid_utf8_at(opts->name) || county.name.empty())
      throw gridgov::Error(gridgov::ErrorCode::usage, "--county-name: empty or not UTF-8");
    // The county this command makes is the one it works on (a PostgreSQL database may hold others).
    if (ctx.county().empty()) ctx.options.county = county.code;
    auto session = ctx.session(true);
    gridgov::Store& store = session.store();
    if (gridgov::init_county(store, county, gridgov::now()))
      ctx.say("initialised " + ctx.db_name() + " for county " + county.code + " " + county.name);
    else
      ctx.say(ctx.db_name() + " already belongs to county " + county.code + "; nothing changed");
  });
}

}  // namespace gridctl
