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
  // Objects: keys[i] names items[i], in document order. Arrays: items only. (Two vectors, not a
  // vector of pairs: a pair cannot hold the still-incomplete TreeNode.)
  std::vector<std::string> keys;
  std::vector<TreeNode> items;
  int line = 0;
  int column = 0;

  [[nodiscard]] const TreeNode* get(std::string_view key) const;
  [[nodiscard]] Location at(const std::string& file, std::string field) const {
    return Location{file, line, column, std::move(field)};
  }
};

inline const TreeNode* TreeNode::get(std::string_view key) const {
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &items[i];
  return nullptr;
}

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
