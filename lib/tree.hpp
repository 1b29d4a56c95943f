#pragma once
// TOML and JSON documents as one small tree that keeps each value's line and column, so that the
// layout and policy readers walk either format with the same code and point at the bad value.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/location.hpp"

namespace gridgov::detail {

struct TreeNode {
  enum class Kind { object, array, string, integer, floating, boolean, null };
  Kind kind = Kind::null;
  std::string text;       ///< string values
  long long integer = 0;  ///< integer values
  double floating = 0;
  bool boolean = false;
  std::vector<std::pair<std::string, TreeNode>> members;  ///< objects, in document order
  std::vector<TreeNode> items;                            ///< arrays
  int line = 0;
  int column = 0;

  [[nodiscard]] const TreeNode* get(std::string_view key) const {
    for (const auto& [k, v] : members)
      if (k == key) return &v;
    return nullptr;
  }
  [[nodiscard]] Location at(const std::string& file, std::string field) const {
    return Location{file, line, column, std::move(field)};
  }
};

[[nodiscard]] std::string_view kind_name(TreeNode::Kind kind) noexcept;

/// Parses TOML text; a syntax error becomes a diagnostic and the result is nullopt-like (false).
bool parse_toml(std::string_view text, const std::string& file, TreeNode& out,
                Diagnostics& diagnostics);

/// Parses JSON text, recording the line and column of every value.
bool parse_json(std::string_view text, const std::string& file, TreeNode& out,
                Diagnostics& diagnostics);

/// Checks that `node` is an object whose keys are all in `allowed`; diagnostics otherwise.
bool check_object(const TreeNode& node, const std::string& file, const std::string& path,
                  std::initializer_list<std::string_view> allowed, Diagnostics& diagnostics);

}  // namespace gridgov::detail
