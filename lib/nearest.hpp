#pragma once
// "Did you mean …?": the known word nearest to a mistyped one, for messages about unknown columns
// and values, by gridgov::edit_distance (text.hpp). Internal to lib/.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gridgov::detail {

/// The candidate nearest to `word`, if near enough to be a likely typo: at most a third of the
/// longer text's characters differ (at least one may). Ties go to the first candidate.
[[nodiscard]] std::optional<std::string> nearest(std::string_view word,
                                                 const std::vector<std::string>& candidates);

/// ` (did you mean X?)` for the nearest candidate, or empty.
[[nodiscard]] std::string did_you_mean(std::string_view word,
                                       const std::vector<std::string>& candidates);

}  // namespace gridgov::detail
