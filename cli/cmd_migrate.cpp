// gridctl migrate --from FILE.db --to URL: copies a county into another database.

#include "commands.hpp"
#include "gridgov/copy.hpp"

namespace gridctl {

namespace {
struct MigrateOptions {
  std::string from;
  std::string to;
};
}  // namespace

void setup_migrate(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<MigrateOptions>();
  auto* cmd = app.add_subcommand(
      "migrate", "Copy a county into another database (an SQLite file into PostgreSQL, say)");
  cmd->add_option("--from", opts->from, "The database to copy from (read only)")
      ->required()
      ->type_name("PATH|URL");
  cmd->add_option("--to", opts->to, "The database to copy into: one without that county")
      ->required()
      ->type_name("PATH|URL");
  cmd->callback([opts, &ctx] {
    gridgov::OpenOptions read;
    read.read_only = true;
    auto from = gridgov::open_store(opts->from, read);
    const auto county = from->county();
    if (!county)
      throw gridgov::Error(gridgov::ErrorCode::not_found,
                           gridgov::display_url(opts->from) + " holds no county", "", "from");
    gridgov::OpenOptions write;
    write.create = true;
    write.on_commit = true;
    write.county = county->code;
    auto to = gridgov::open_store(opts->to, write);
    const auto r = gridgov::copy_county(
        *from, *to, [&ctx](long long n) { ctx.say("… " + std::to_string(n) + " cases"); });
    ctx.say("copied county " + county->code + " " + county->name + " into " +
            gridgov::display_url(opts->to) + ": " + std::to_string(r.units) + " units, " +
            std::to_string(r.workers) + " workers, " + std::to_string(r.party_orgs) +
            " party organisations, " + std::to_string(r.boundaries) + " boundaries, " +
            std::to_string(r.policies) + " policy versions, " + std::to_string(r.attendance) +
            " attendance records, " + std::to_string(r.cases) + " cases, " +
            std::to_string(r.events) + " events");
  });
}

}  // namespace gridctl
