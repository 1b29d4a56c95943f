#include "gridgov/session.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include "gridgov/service.hpp"

using namespace gridgov;
using namespace gridgov::testing;

TEST_CASE("a session parses the policy once and again only when a new version is stored") {
  Session s(open_store(":memory:", {.create = true}), [] { return k_t0; });
  CHECK(s.now() == k_t0);
  const Policy& built_in = s.policy();
  CHECK(built_in == default_policy());
  CHECK(&s.policy() == &built_in);  // the same parse, not a new one
  CHECK(s.utc_offset() == std::chrono::minutes(8 * 60));

  (void)load_policy(s.store(), policy_text_with("timezone = \"+08:00\"", "timezone = \"+05:30\""),
                    "p.toml", k_t0);
  const Policy& newer = s.policy();
  CHECK(newer.utc_offset == std::chrono::minutes(5 * 60 + 30));
  CHECK(s.utc_offset() == std::chrono::minutes(5 * 60 + 30));
  // What a use case took before stays valid for the session's life.
  CHECK(built_in.utc_offset == std::chrono::minutes(8 * 60));
}

TEST_CASE("a session's clock stamps what it records") {
  Session s(open_store(":memory:", {.create = true}), [] { return at_h(5); });
  Unit county;
  county.code = "C";
  county.name = "县";
  county.level = Level::county;
  REQUIRE(init_county(s.store(), county, k_t0));
  CHECK(s.now() == at_h(5));
  CHECK(s.store().policy()->loaded_at == k_t0);
}
