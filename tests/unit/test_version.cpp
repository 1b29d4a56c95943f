#include "gridgov/version.hpp"

#include <doctest/doctest.h>

#include <string>

#include "gridgov/store.hpp"

using namespace gridgov;

TEST_CASE("k_version is major.minor.patch of its parts") {
  CHECK(std::string(k_version) == std::to_string(k_version_major) + "." +
                                      std::to_string(k_version_minor) + "." +
                                      std::to_string(k_version_patch));
}

TEST_CASE("schema_version is the version a new database is created at") {
  auto store = open_store(":memory:", {.create = true});
  CHECK(schema_version() >= 1);
  CHECK(store->schema_version() == schema_version());
}
