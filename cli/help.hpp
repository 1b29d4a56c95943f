#pragma once
// How gridctl explains itself: every command's help ends with the global options and two
// examples, and a command line that names no command, or one that does not exist, is answered
// with the help or with the nearest commands.

#include <CLI/CLI.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace gridctl {

/// Gives every command of `app` (after all setup_* calls) the help formatter and its examples.
void finish_help(CLI::App& app);

/// The names among `candidates` nearest to `typed` (a typo, a missing letter, a prefix),
/// nearest first; empty when none is near.
[[nodiscard]] std::vector<std::string> nearest(const std::string& typed,
                                               const std::vector<std::string>& candidates);

/// After `app.parse` threw `e`: when the command line named no command where one is needed, or
/// an unknown one, says so (the help on `out`, or an error on `err`) and returns the exit code;
/// else returns -1 and prints nothing.
[[nodiscard]] int explain_command_error(const CLI::App& app, const CLI::ParseError& e,
                                        std::ostream& out, std::ostream& err);

}  // namespace gridctl
