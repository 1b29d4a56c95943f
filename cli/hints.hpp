#pragma once
// What gridctl adds to a library error: the flag or command that helps. The library names rules
// and fields; only the command line knows its own flags.

#include <string>

#include "gridgov/error.hpp"

namespace gridctl {

/// A hint for `e` in gridctl's words (e.g. "give --as WORKER…"), or empty.
[[nodiscard]] std::string hint(const gridgov::Error& e);

}  // namespace gridctl
