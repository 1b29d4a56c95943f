#pragma once
// Shell completion scripts, written from the command tree (describe.hpp), so they name every
// command and option the build has.

#include <iosfwd>
#include <string>
#include <vector>

#include "describe.hpp"

namespace gridctl {

/// A completion script for `shell` (bash, zsh or fish) over `commands` (describe()'s, gridctl
/// itself first: its options are the global ones, offered after every command).
void write_completion(std::ostream& out, const std::string& shell,
                      const std::vector<CommandInfo>& commands);

}  // namespace gridctl
