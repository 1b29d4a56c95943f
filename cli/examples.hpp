#pragma once
// Two examples for every command, in one table (cli/examples.cpp): the help of each command
// ends with them and the man page shows them. One place, so they are kept in step with the
// commands in one review.

#include <array>
#include <string_view>

namespace gridctl {

/// A command path ("" for gridctl itself, "units list") and two command lines that use it.
struct Examples {
  std::string_view path;
  std::array<std::string_view, 2> lines;
};

/// The examples of the command at `path`, or nullptr when the table has none.
[[nodiscard]] const Examples* examples_for(std::string_view path);

}  // namespace gridctl
