#pragma once
// Where a value came from, so that a rule refusing it can point at the file, line and column.

#include <string>
#include <utility>

#include "gridgov/error.hpp"

namespace gridgov {

/// A field of an input file: `layout.csv:12:31` and the column's name (`grid_code`).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;

  /// A diagnostic at this place.
  [[nodiscard]] Diagnostic error(std::string reason) const {
    return Diagnostic{file, line, column, field, std::move(reason)};
  }
  /// `file:line`, for messages that name a second place ("… at layout.csv:7").
  [[nodiscard]] std::string where() const {
    return line > 0 ? file + ":" + std::to_string(line) : file;
  }
};

}  // namespace gridgov
