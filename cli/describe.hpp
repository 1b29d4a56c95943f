#pragma once
// The command tree as CLI11 holds it, read once for the help, the shell completions and the man
// page. The CLI11 definitions are the one help source: nothing here repeats a flag by hand.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace gridctl {

/// One option or positional argument of a command.
struct OptionInfo {
  std::vector<std::string> names;    ///< "-q", "--quiet"; a positional's one name ("id")
  std::string value;                 ///< what it takes ("PATH", "ID"); empty for a flag
  std::vector<std::string> choices;  ///< the values an IsMember check allows
  std::string help;
  bool positional = false;
  bool required = false;
  bool file = false;  ///< a positional naming files (completed as file names)
};

/// One visible command: gridctl itself (path ""), a group ("units") or a leaf ("units list").
struct CommandInfo {
  std::string path;
  std::string help;
  std::vector<OptionInfo> options;       ///< its own, positionals first; not the global ones
  std::vector<std::string> subcommands;  ///< its visible subcommands' names, in order
  std::vector<std::string> subcommand_help;
  bool needs_subcommand = false;
};

/// The options and positionals of `app` itself (hidden ones left out).
[[nodiscard]] std::vector<OptionInfo> describe_options(const CLI::App& app);

/// Every visible command, depth first, gridctl itself first. Hidden commands (CLI11's empty
/// group, such as `man`) and their subtrees are left out.
[[nodiscard]] std::vector<CommandInfo> describe(const CLI::App& app);

/// The visible subcommands of `app`, in the order they were added.
[[nodiscard]] std::vector<const CLI::App*> visible_subcommands(const CLI::App& app);

/// "units list" for the `list` subcommand of `units`; "" for gridctl itself.
[[nodiscard]] std::string command_path(const CLI::App& app);

}  // namespace gridctl
