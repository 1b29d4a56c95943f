// The nearest known word (nearest.hpp), by gridgov::edit_distance.

#include "nearest.hpp"

#include <algorithm>

#include "gridgov/text.hpp"

namespace gridgov::detail {

namespace {

/// Characters in `s`, as edit_distance counts them.
std::size_t length(std::string_view s) {
  return static_cast<std::size_t>(column_of(s, s.size()) - 1);
}

}  // namespace

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  const std::size_t word_length = length(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    const std::size_t longer = std::max(word_length, length(c));
    if (d == 0 || d > std::max<std::size_t>(1, longer / 3)) continue;
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  auto n = nearest(word, candidates);
  return n ? " (did you mean " + *n + "?)" : std::string();
}

}  // namespace gridgov::detail
