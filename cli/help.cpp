#include "help.hpp"

#include <algorithm>
#include <memory>
#include <ostream>

#include "describe.hpp"
#include "examples.hpp"
#include "gridgov/error.hpp"
#include "gridgov/text.hpp"

namespace gridctl {

namespace {

const CLI::App& root_of(const CLI::App& app) {
  const CLI::App* a = &app;
  while (a->get_parent() != nullptr) a = a->get_parent();
  return *a;
}

/// CLI11's formatter, plus the global options under every command's own: they may follow any
/// command (`gridctl status --format json`), so its help lists them too.
class Formatter : public CLI::Formatter {
 public:
  std::string make_footer(const CLI::App* app) const override {
    std::string out;
    if (app->get_parent() != nullptr) {
      const CLI::App& root = root_of(*app);
      for (const CLI::Option* opt : root.get_options()) {
        if (opt->get_group().empty() || opt == root.get_help_ptr() || opt == root.get_version_ptr())
          continue;
        // A command's own option of the same name (export's --format) hides the global one.
        bool shadowed = false;
        for (const auto& name : opt->get_lnames())
          shadowed = shadowed || app->get_option_no_throw("--" + name) != nullptr;
        if (!shadowed) out += make_option(opt, false);
      }
      if (!out.empty()) out = "Global options:\n" + out + "\n";
    }
    return out + CLI::Formatter::make_footer(app);
  }
};

void finish(CLI::App& app, const std::shared_ptr<Formatter>& formatter) {
  app.formatter(formatter);
  if (const Examples* e = examples_for(command_path(app))) {
    std::string footer = "Examples:\n";
    for (auto line : e->lines) footer.append("  ").append(line).append("\n");
    footer.pop_back();
    app.footer(footer);
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_group() == "Subcommands") sub->group("Commands");  // hidden ones stay hidden
    finish(*sub, formatter);
  }
}

/// "gridctl units" for `units`: how the user types the command.
std::string typed_path(const CLI::App& app) {
  const std::string path = command_path(app);
  return path.empty() ? "gridctl" : "gridctl " + path;
}

}  // namespace

void finish_help(CLI::App& app) {
  auto formatter = std::make_shared<Formatter>();
  // gridctl's words: a command, not a "subcommand".
  formatter->label("SUBCOMMAND", "COMMAND");
  finish(app, formatter);
}

std::vector<std::string> nearest(const std::string& typed,
                                 const std::vector<std::string>& candidates) {
  // A typo of a short word is one letter; of a longer one, two.
  const std::size_t most = std::clamp<std::size_t>(typed.size() / 2, 1, 2);
  std::vector<std::pair<std::size_t, std::string>> near;
  for (const auto& c : candidates) {
    const std::size_t d = gridgov::edit_distance(typed, c);
    const bool prefix = typed.size() >= 2 && c.rfind(typed, 0) == 0;
    if (d <= most || prefix) near.emplace_back(prefix ? std::min<std::size_t>(d, 1) : d, c);
  }
  std::stable_sort(near.begin(), near.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  for (const auto& n : near)
    if (out.size() < 3) out.push_back(n.second);
  return out;
}

int explain_command_error(const CLI::App& app, const CLI::ParseError& e, std::ostream& out,
                          std::ostream& err) {
  if (dynamic_cast<const CLI::RequiredError*>(&e) == nullptr &&
      dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr)
    return -1;
  // The last command the line named, and what it did not take.
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  std::vector<std::string> names;
  for (const CLI::App* sub : visible_subcommands(*at)) names.push_back(sub->get_name());
  if (names.empty()) return -1;
  const std::vector<std::string> left = app.remaining(true);
  const int usage = static_cast<int>(gridgov::ErrorCode::usage);

  if (!left.empty() && !left.front().empty() && left.front().front() != '-') {
    const std::string path = command_path(*at);
    std::string message =
        "unknown command '" + (path.empty() ? "" : path + " ") + left.front() + "'";
    const auto near = nearest(left.front(), names);
    for (std::size_t i = 0; i < near.size(); ++i)
      message += (i == 0                 ? " (did you mean '"
                  : i + 1 == near.size() ? "' or '"
                                         : "', '") +
                 (path.empty() ? "" : path + " ") + near[i];
    if (!near.empty()) message += "'?)";
    err << "gridctl: error: " << gridgov::printable(message) << "\n(run `" << typed_path(*at)
        << " --help` for its commands)\n";
    return usage;
  }
  if (at->get_require_subcommand_min() == 0) return -1;
  if (left.empty()) {
    // `gridctl` or `gridctl units` alone: the help says what may follow. No command ran, so
    // the exit code is still a usage error's (as git's is).
    const CLI::App* parent = at->get_parent();
    out << at->help(parent == nullptr ? "" : typed_path(*parent));
    return usage;
  }
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i)
    list += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  std::string unexpected;
  for (const auto& word : left) unexpected += " " + word;
  err << "gridctl: error: `" << typed_path(*at) << "` needs a command (" << list
      << "); not expected:" << gridgov::printable(unexpected) << "\n(run `" << typed_path(*at)
      << " --help` for usage)\n";
  return usage;
}

}  // namespace gridctl
