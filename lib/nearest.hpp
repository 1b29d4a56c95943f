#pragma once
// "Did you mean …?": the known word nearest to a mistyped one, for messages about unknown columns
// and values. Internal to lib/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridgov::detail {

/// The edit distance (insertions, deletions, substitutions) between two UTF-8 texts, counted in
/// characters, ASCII letters compared case-insensitively.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, if near enough to be a likely typo: at most a third of the
/// longer text's characters differ (at least one may). Ties go to the first candidate.
[[nodiscard]] std::optional<std::string> nearest(std::string_view word,
                                                 const std::vector<std::string>& candidates);

/// ` (did you mean X?)` for the nearest candidate, or empty.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

}  // namespace gridgov::detail
