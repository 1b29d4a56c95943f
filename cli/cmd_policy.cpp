// gridctl policy load FILE | show | check FILE

#include <memory>

#include "commands.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/service.hpp"
#include "gridgov/time.hpp"

namespace gridctl {

namespace {

struct PolicyFlags {
  std::string file;
  bool dry_run = false;
  bool changes = false;
};

void show(Context& ctx) {
  auto session = ctx.session();
  const auto stored = session.store().policy();
  const gridgov::Policy& p = session.policy();
  const gridgov::Record settings = gridgov::policy_record(p, stored);
  switch (ctx.format()) {
    case gridgov::Format::json:
    case gridgov::Format::ndjson:
      ctx.print(settings);
      return;
    case gridgov::Format::csv:
      ctx.print(gridgov::category_table(p));
      return;
    default:
      ctx.print(gridgov::policy_settings(p, stored));
      std::cout << '\n';
      ctx.print(gridgov::department_table(p));
      std::cout << '\n';
      ctx.print(gridgov::category_table(p));
  }
}

}  // namespace

void setup_policy(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<PolicyFlags>();
  auto* cmd = app.add_subcommand("policy", "The policy: deadlines, departments, categories");
  cmd->require_subcommand(1);

  auto* load = cmd->add_subcommand("load", "Check a policy TOML and store it as a new version");
  load->add_option("file", flags->file, "policy.toml (`-` reads standard input)")->required();
  load->add_flag("--dry-run", flags->dry_run,
                 "Check, and print what would change setting by setting; write nothing");
  load->add_flag("--changes", flags->changes,
                 "Print what changes setting by setting (the default of --dry-run)");
  load->callback([flags, &ctx] {
    const std::string text = gridgov::read_text_file(flags->file, gridgov::k_max_policy_bytes);
    auto session = ctx.session();
    const auto report =
        gridgov::load_policy(session.store(), text, flags->file, session.now(), flags->dry_run);
    for (const auto& w : report.warnings) ctx.say("gridctl: warning: " + w);
    if ((flags->dry_run || flags->changes) && !report.unchanged)
      ctx.print(gridgov::setting_change_table(report.changes));
    const std::string settings = report.changes.empty()
                                     ? std::string("no setting changes: only the text differs")
                                     : std::to_string(report.changes.size()) + " setting change(s)";
    if (report.unchanged)
      ctx.say((flags->dry_run ? "dry run: " : "") + std::string("policy unchanged: ") +
              flags->file + " is version " + std::to_string(report.version) +
              " already; no new version");
    else if (flags->dry_run)
      ctx.say("dry run: " + flags->file + " is valid; it would be policy version " +
              std::to_string(report.version) + " (" + settings + "); nothing written");
    else if (report.written)
      ctx.say("loaded " + flags->file + " as policy version " + std::to_string(report.version) +
              " (" + settings + ")");
  });

  auto* check = cmd->add_subcommand("check", "Check a policy TOML without storing it");
  check->add_option("file", flags->file, "policy.toml (`-` reads standard input)")->required();
  check->callback([flags, &ctx] {
    const std::string text = gridgov::read_text_file(flags->file, gridgov::k_max_policy_bytes);
    const std::string& name = flags->file;  // standard input is `-` in messages too
    gridgov::Diagnostics diagnostics;
    const auto policy = gridgov::parse_policy(text, name, diagnostics);
    diagnostics.throw_if_any();
    for (const auto& w : gridgov::policy_warnings(policy, gridgov::now()))
      ctx.say("gridctl: warning: " + name + ": " + w);
    // With a database at hand, also check what loading it would break there.
    if (gridgov::store_exists(ctx.db_path())) {
      auto session = ctx.session();
      (void)gridgov::load_policy(session.store(), text, name, session.now(), true);
    }
    ctx.say(name + ": ok (" + std::to_string(policy.departments.size()) + " departments, " +
            std::to_string(policy.categories.size()) + " categories)");
  });

  auto* show_cmd = cmd->add_subcommand("show", "Print the policy in force");
  show_cmd->callback([&ctx] { show(ctx); });
}

}  // namespace gridctl
