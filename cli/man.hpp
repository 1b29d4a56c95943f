#pragma once
// The man page gridctl(1), written from the command tree (describe.hpp) and the examples table,
// so it documents every command and option the build has.

#include <iosfwd>
#include <string>
#include <vector>

#include "describe.hpp"

namespace gridctl {

/// gridctl(1) in roff (man(7) macros); `version` goes in its header line.
void write_man(std::ostream& out, const std::vector<CommandInfo>& commands,
               const std::string& version);

}  // namespace gridctl
