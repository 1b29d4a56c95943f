#include "gridgov/level.hpp"

#include <doctest/doctest.h>

using namespace gridgov;

TEST_CASE("levels parse by code name and Chinese word") {
  CHECK(parse_level("zone") == Level::zone);
  CHECK(parse_level("片区") == Level::zone);
  CHECK(parse_level("村居") == Level::village);
  CHECK_FALSE(parse_level("province").has_value());
}

TEST_CASE("parent_level steps one level up and the county has none") {
  CHECK(parent_level(Level::grid) == Level::village);
  CHECK(parent_level(Level::town) == Level::county);
  CHECK_FALSE(parent_level(Level::county).has_value());
}

TEST_CASE("levels parse by every Chinese word of the glossary") {
  CHECK(parse_level("county") == Level::county);
  CHECK(parse_level("县") == Level::county);
  for (const char* town : {"town", "镇街", "镇", "街道", "园区"}) {
    CAPTURE(town);
    CHECK(parse_level(town) == Level::town);
  }
  CHECK(parse_level("村") == Level::village);
  CHECK(parse_level("社区") == Level::village);
  CHECK(parse_level("grid") == Level::grid);
  CHECK(parse_level("网格") == Level::grid);
  CHECK(parse_level("基础网格") == Level::grid);
  CHECK_FALSE(parse_level("").has_value());
  CHECK_FALSE(parse_level("Zone").has_value());
}

TEST_CASE("to_string of every level parses back and k_levels runs root to leaf") {
  for (std::size_t i = 0; i < k_levels.size(); ++i) {
    const Level level = k_levels[i];
    CAPTURE(to_string(level));
    CHECK(parse_level(to_string(level)) == level);
    CHECK(index(level) == i);
    if (i > 0) CHECK(parent_level(level) == k_levels[i - 1]);
  }
  CHECK(to_string(Level::village) == "village");
}

TEST_CASE("plural names every level") {
  CHECK(plural(Level::county) == "counties");
  CHECK(plural(Level::town) == "towns");
  CHECK(plural(Level::zone) == "zones");
  CHECK(plural(Level::village) == "villages");
  CHECK(plural(Level::grid) == "grids");
}

TEST_CASE("to_zh of every level parses back") {
  for (Level l : k_levels) CHECK(parse_level(to_zh(l)) == l);
  CHECK(to_zh(Level::zone) == "片区");
}
