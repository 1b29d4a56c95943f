// gridctl completion bash|zsh|fish, and the hidden gridctl man: both print what they write from
// the command tree, so the build installs what `gridctl` itself knows (cmake/Docs.cmake).

#include <iostream>
#include <memory>

#include "commands.hpp"
#include "completion.hpp"
#include "gridgov/version.hpp"
#include "man.hpp"

namespace gridctl {

void setup_completion(CLI::App& app) {
  auto shell = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("completion", "Print a shell completion script for gridctl");
  cmd->add_option("shell", *shell, "The shell")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  cmd->callback([shell, &app] { write_completion(std::cout, *shell, describe(app)); });
}

void setup_man(CLI::App& app) {
  // Hidden (no group): a build step, not a command for people, who read `man gridctl`.
  auto* cmd = app.add_subcommand("man", "Print the man page gridctl(1) in roff")->group("");
  cmd->callback([&app] { write_man(std::cout, describe(app), gridgov::k_version); });
}

}  // namespace gridctl
