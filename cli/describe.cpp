#include "describe.hpp"

namespace gridctl {

namespace {

/// The values of an IsMember check: CLI11 shows them in the type name as ":{a,b,c}".
std::vector<std::string> choices_of(const std::string& type_name) {
  std::vector<std::string> out;
  const auto open = type_name.find(":{");
  if (open == std::string::npos) return out;
  const auto close = type_name.find('}', open);
  if (close == std::string::npos) return out;
  std::string item;
  for (char c : type_name.substr(open + 2, close - open - 2)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  out.push_back(item);
  return out;
}

}  // namespace

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (!sub->get_name().empty() && !sub->get_group().empty()) out.push_back(sub);
  return out;
}

std::string command_path(const CLI::App& app) {
  std::string path;
  for (const CLI::App* a = &app; a->get_parent() != nullptr; a = a->get_parent())
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  return path;
}

std::vector<OptionInfo> describe_options(const CLI::App& app) {
  std::vector<OptionInfo> positionals;
  std::vector<OptionInfo> named;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    OptionInfo o;
    o.help = opt->get_description();
    o.required = opt->get_required();
    o.positional = !opt->nonpositional();
    const std::string type = opt->get_type_name();
    o.choices = choices_of(type);
    if (o.positional) {
      o.names.push_back(opt->get_name(true));
      o.value = type.substr(0, type.find(':'));
      if (o.value.empty() || o.value == "TEXT") o.value = o.names.front();
      o.file = o.value.find("FILE") != std::string::npos ||
               o.names.front().find("file") != std::string::npos;
      positionals.push_back(std::move(o));
      continue;
    }
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    if (opt->get_expected_max() != 0) {  // a flag expects no value
      o.value = type.substr(0, type.find(':'));
      if (o.value.empty()) o.value = "VALUE";
    }
    named.push_back(std::move(o));
  }
  positionals.insert(positionals.end(), std::make_move_iterator(named.begin()),
                     std::make_move_iterator(named.end()));
  return positionals;
}

std::vector<CommandInfo> describe(const CLI::App& app) {
  std::vector<CommandInfo> out;
  CommandInfo c;
  c.path = command_path(app);
  c.help = app.get_description();
  c.options = describe_options(app);
  c.needs_subcommand = app.get_require_subcommand_min() > 0;
  const auto subs = visible_subcommands(app);
  for (const CLI::App* sub : subs) {
    c.subcommands.push_back(sub->get_name());
    c.subcommand_help.push_back(sub->get_description());
  }
  out.push_back(std::move(c));
  for (const CLI::App* sub : subs) {
    auto below = describe(*sub);
    out.insert(out.end(), std::make_move_iterator(below.begin()),
               std::make_move_iterator(below.end()));
  }
  return out;
}

}  // namespace gridctl
