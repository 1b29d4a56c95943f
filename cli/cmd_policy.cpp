// gridctl policy load FILE | show | check FILE

#include <filesystem>
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
};

nlohmann::ordered_json policy_json(const gridgov::Policy& p) {
  nlohmann::ordered_json deadlines = nlohmann::ordered_json::object();
  for (auto level : gridgov::k_levels)
    deadlines[std::string(to_string(level))] =
        gridgov::format_duration(p.deadlines.level[index(level)]);
  deadlines["verification"] = gridgov::format_duration(p.deadlines.verification);
  nlohmann::ordered_json departments = nlohmann::ordered_json::array();
  for (const auto& d : p.departments) departments.push_back({{"code", d.code}, {"name", d.name}});
  nlohmann::ordered_json categories = nlohmann::ordered_json::array();
  for (const auto& c : p.categories)
    categories.push_back(
        {{"code", c.code},
         {"name", c.name},
         {"authority", std::string(to_string(c.authority))},
         {"department",
          c.department.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(c.department)},
         {"deadline", c.deadline ? nlohmann::ordered_json(gridgov::format_duration(*c.deadline))
                                 : nlohmann::ordered_json()},
         {"urgent", c.urgent}});
  return {{"timezone", gridgov::format_utc_offset(p.utc_offset)},
          {"auto_escalate", p.auto_escalate},
          {"daily_reports_per_grid", p.daily_reports_per_grid},
          {"deadlines", deadlines},
          {"departments", departments},
          {"categories", categories}};
}

Table categories_table(const gridgov::Policy& p) {
  Table t{{"code", "name", "authority", "department", "deadline", "urgent"}, {}};
  for (const auto& c : p.categories) {
    const auto* dep = p.find_department(c.department);
    t.rows.push_back({c.code, c.name, std::string(to_string(c.authority)),
                      dep ? dep->code + " " + dep->name : std::string(),
                      c.deadline ? gridgov::format_duration(*c.deadline) + "" : std::string("-"),
                      c.urgent});
  }
  return t;
}

void show(Context& ctx) {
  auto store = ctx.open();
  const auto stored = store->policy();
  const gridgov::Policy p = gridgov::current_policy(*store);
  const Printer out = ctx.printer();
  if (out.format == Format::json || out.format == Format::ndjson) {
    nlohmann::ordered_json j = policy_json(p);
    j["version"] = stored ? stored->version : 0;
    j["loaded_at"] = stored ? gridgov::format_time(stored->loaded_at, p.utc_offset) : "";
    j["source"] = stored ? stored->source : "built-in";
    out.json(j);
    return;
  }
  if (out.format == Format::csv) {
    out.table(categories_table(p));
    return;
  }
  Record settings = {
      {"version", static_cast<long long>(stored ? stored->version : 0)},
      {"source", stored ? stored->source : std::string("built-in")},
      {"loaded_at", stored ? gridgov::format_time(stored->loaded_at, p.utc_offset) : std::string()},
      {"timezone", gridgov::format_utc_offset(p.utc_offset)},
      {"auto_escalate", p.auto_escalate},
      {"daily_reports_per_grid", static_cast<long long>(p.daily_reports_per_grid)}};
  for (auto level : gridgov::k_levels)
    settings.emplace_back("deadline." + std::string(to_string(level)),
                          gridgov::format_duration(p.deadlines.level[index(level)]));
  settings.emplace_back("deadline.verification",
                        gridgov::format_duration(p.deadlines.verification));
  out.record(settings);
  std::cout << '\n';
  Table deps{{"department", "name"}, {}};
  for (const auto& d : p.departments) deps.rows.push_back({d.code, d.name});
  out.table(deps);
  std::cout << '\n';
  out.table(categories_table(p));
}

}  // namespace

void setup_policy(CLI::App& app, Context& ctx) {
  auto flags = std::make_shared<PolicyFlags>();
  auto* cmd = app.add_subcommand("policy", "The policy: deadlines, departments, categories");
  cmd->require_subcommand(1);

  auto* load = cmd->add_subcommand("load", "Check a policy TOML and store it as a new version");
  load->add_option("file", flags->file, "policy.toml (`-` reads standard input)")->required();
  load->add_flag("--dry-run", flags->dry_run, "Check only; write nothing");
  load->callback([flags, &ctx] {
    const std::string text = gridgov::read_text_file(flags->file);
    auto store = ctx.open();
    const auto report = gridgov::load_policy(
        *store, text, flags->file == "-" ? "<stdin>" : flags->file, gridgov::now(), flags->dry_run);
    if (flags->dry_run)
      ctx.say("dry run: " + flags->file + " is valid; it would be policy version " +
              std::to_string(report.version) + "; nothing written");
    else if (report.written)
      ctx.say("loaded " + flags->file + " as policy version " + std::to_string(report.version));
    else
      ctx.say("policy unchanged: " + flags->file + " is version " + std::to_string(report.version) +
              " already");
  });

  auto* check = cmd->add_subcommand("check", "Check a policy TOML without storing it");
  check->add_option("file", flags->file, "policy.toml (`-` reads standard input)")->required();
  check->callback([flags, &ctx] {
    const std::string text = gridgov::read_text_file(flags->file);
    const std::string name = flags->file == "-" ? "<stdin>" : flags->file;
    gridgov::Diagnostics diagnostics;
    const auto policy = gridgov::parse_policy(text, name, diagnostics);
    diagnostics.throw_if_any();
    // With a database at hand, also check what loading it would break there.
    if (std::filesystem::exists(ctx.db_path())) {
      auto store = ctx.open();
      (void)gridgov::load_policy(*store, text, name, gridgov::now(), true);
    }
    ctx.say(name + ": ok (" + std::to_string(policy.departments.size()) + " departments, " +
            std::to_string(policy.categories.size()) + " categories)");
  });

  auto* show_cmd = cmd->add_subcommand("show", "Print the policy in force");
  show_cmd->callback([&ctx] { show(ctx); });
}

}  // namespace gridctl
