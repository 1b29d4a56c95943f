#include "gridgov/level.hpp"

#include <doctest/doctest.h>

using namespace gridgov;

TEST_CASE("levels parse by code name and Chinese word") {
  CHECK(parse_level("zone") == Level::zone);
  CHECK(parse_level("片区") == Level::zone);
  CHECK(parse_level("村居") == Level::village);
  CHECK_FALSE(parse_level("province").has_value());
}

TEST_CASE("parent_level steps one level up; the county has none") {
  CHECK(parent_level(Level::grid) == Level::village);
  CHECK(parent_level(Level::town) == Level::county);
  CHECK_FALSE(parent_level(Level::county).has_value());
}
