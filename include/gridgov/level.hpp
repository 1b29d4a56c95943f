#pragma once
// The levels of the unit tree, county at the root and grid at the leaves.

#include <array>
#include <optional>
#include <string_view>

namespace gridgov {

/// A level of the unit tree. Order matters: a lower value is higher up the tree.
enum class Level : int { county = 0, town = 1, zone = 2, village = 3, grid = 4 };

inline constexpr std::array<Level, 5> k_levels = {Level::county, Level::town, Level::zone,
                                                  Level::village, Level::grid};

/// The glossary's code name: `to_string(Level::zone)` is `"zone"`.
[[nodiscard]] constexpr std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::county:
      return "county";
    case Level::town:
      return "town";
    case Level::zone:
      return "zone";
    case Level::village:
      return "village";
    case Level::grid:
      return "grid";
  }
  return "?";
}

/// The glossary's Chinese word, as `--lang zh` shows it; parse_level reads it back.
[[nodiscard]] constexpr std::string_view to_zh(Level level) noexcept {
  switch (level) {
    case Level::county:
      return "县";
    case Level::town:
      return "镇街";
    case Level::zone:
      return "片区";
    case Level::village:
      return "村居";
    case Level::grid:
      return "网格";
  }
  return "?";
}

/// Plural for summaries: `plural(Level::village)` is `"villages"`.
[[nodiscard]] constexpr std::string_view plural(Level level) noexcept {
  switch (level) {
    case Level::county:
      return "counties";
    case Level::town:
      return "towns";
    case Level::zone:
      return "zones";
    case Level::village:
      return "villages";
    case Level::grid:
      return "grids";
  }
  return "?";
}

/// Parses a level by its code name or its Chinese word (`"片区"` is `Level::zone`).
[[nodiscard]] constexpr std::optional<Level> parse_level(std::string_view s) noexcept {
  if (s == "county" || s == "县") return Level::county;
  if (s == "town" || s == "镇街" || s == "镇" || s == "街道" || s == "园区") return Level::town;
  if (s == "zone" || s == "片区") return Level::zone;
  if (s == "village" || s == "村居" || s == "村" || s == "社区") return Level::village;
  if (s == "grid" || s == "网格" || s == "基础网格") return Level::grid;
  return std::nullopt;
}

/// What parse_level takes, for messages: the code names and the glossary's Chinese.
inline constexpr std::string_view k_level_words =
    "county, town, zone, village or grid, or 县, 镇街, 片区, 村居, 网格";

/// The level one step up the tree; the county has none.
[[nodiscard]] constexpr std::optional<Level> parent_level(Level level) noexcept {
  if (level == Level::county) return std::nullopt;
  return static_cast<Level>(static_cast<int>(level) - 1);
}

[[nodiscard]] constexpr std::size_t index(Level level) noexcept {
  return static_cast<std::size_t>(level);
}

}  // namespace gridgov
