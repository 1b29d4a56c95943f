// gridctl status: counts of units, workers and cases.

#include "commands.hpp"

namespace gridctl {

void setup_status(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("status", "Counts of units, workers and cases in the database");
  cmd->callback([&ctx] {
    auto store = ctx.open();
    const gridgov::Counts c = store->counts();
    const std::pair<const char*, long long> units[] = {{"county", c.units[0]},
                                                       {"town", c.units[1]},
                                                       {"zone", c.units[2]},
                                                       {"village", c.units[3]},
                                                       {"grid", c.units[4]}};
    const std::pair<const char*, long long> workers[] = {
        {"grid", c.workers[0]}, {"town", c.workers[1]}, {"county", c.workers[2]}};
    const std::pair<const char*, long long> cases[] = {
        {"open", c.open}, {"resolved", c.resolved}, {"closed", c.closed}, {"void", c.voided}};
    const Printer out = ctx.printer();
    if (out.format == Format::json || out.format == Format::ndjson) {
      nlohmann::ordered_json j = {{"units", nlohmann::ordered_json::object()},
                                  {"workers", nlohmann::ordered_json::object()},
                                  {"cases", nlohmann::ordered_json::object()}};
      for (const auto& [k, v] : units) j["units"][k] = v;
      for (const auto& [k, v] : workers) j["workers"][k] = v;
      for (const auto& [k, v] : cases) j["cases"][k] = v;
      out.json(j);
      return;
    }
    Table t{{"group", "key", "count"}, {}};
    for (const auto& [k, v] : units) t.rows.push_back({std::string("units"), std::string(k), v});
    for (const auto& [k, v] : workers)
      t.rows.push_back({std::string("workers"), std::string(k), v});
    for (const auto& [k, v] : cases) t.rows.push_back({std::string("cases"), std::string(k), v});
    out.table(t);
  });
}

}  // namespace gridctl
