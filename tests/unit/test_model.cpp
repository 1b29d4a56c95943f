#include "gridgov/model.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gridgov;

TEST_CASE("statistical division codes are valid codes") {
  CHECK(code_problem("371327") == "");          // county
  CHECK(code_problem("371327001") == "");       // town
  CHECK(code_problem("371327001001") == "");    // village
  CHECK(code_problem("37132700100101") == "");  // unit grid
  CHECK(code_problem("371327001Z01") == "");    // zone
  CHECK(code_problem("W0001") == "");
}

TEST_CASE("worker_code_problem reserves admin in any letter case") {
  CHECK(worker_code_problem("W0001") == "");
  CHECK(worker_code_problem("admins") == "");
  CHECK(worker_code_problem("admin") == "code \"admin\" is reserved for the admin role");
  CHECK(worker_code_problem("aDmIn") == "code \"aDmIn\" is reserved for the admin role");
  CHECK(worker_code_problem("G 1") == code_problem("G 1"));
}

TEST_CASE("code_problem allows '-', '_' and '.'") {
  CHECK(code_problem("a-b_c.d") == "");
  CHECK(code_problem("-") == "");
  CHECK(code_problem("_._") == "");
}

TEST_CASE("code_problem refuses an empty code") { CHECK(code_problem("") == "empty code"); }

TEST_CASE("code_problem accepts 32 characters and refuses 33") {
  CHECK(code_problem(std::string(32, 'a')) == "");
  const std::string long_code(33, 'a');
  CHECK(code_problem(long_code) == "code \"" + long_code + "\" is longer than 32 characters");
}

TEST_CASE("code_problem refuses a space and names it") {
  CHECK(code_problem("G 1") == "code \"G 1\" has a forbidden character ' '");
  CHECK(code_problem("G/1") == "code \"G/1\" has a forbidden character '/'");
}

TEST_CASE("code_problem refuses Chinese characters") {
  CHECK(code_problem("大店镇") == "code \"大店镇\" has a non-ASCII character");
  CHECK(code_problem("G1网格") == "code \"G1网格\" has a non-ASCII character");
}

TEST_CASE("code_problem refuses control characters without echoing them") {
  CHECK(code_problem("G\x01"
                     "1") == "code has a control character");
  CHECK(code_problem("G1\t") == "code has a control character");
  CHECK(code_problem("G1\x7f") == "code has a control character");
  CHECK(code_problem(std::string("G\0"
                                 "1",
                                 3)) == "code has a control character");
}

TEST_CASE("parse_tier accepts code names and Chinese words") {
  CHECK(parse_tier("grid") == Tier::grid);
  CHECK(parse_tier("基础") == Tier::grid);
  CHECK(parse_tier("基础网格员") == Tier::grid);
  CHECK(parse_tier("网格员") == Tier::grid);
  CHECK(parse_tier("town") == Tier::town);
  CHECK(parse_tier("镇级") == Tier::town);
  CHECK(parse_tier("镇级网格员") == Tier::town);
  CHECK(parse_tier("county") == Tier::county);
  CHECK(parse_tier("县级") == Tier::county);
  CHECK(parse_tier("县级网格员") == Tier::county);
  CHECK_FALSE(parse_tier("").has_value());
  CHECK_FALSE(parse_tier("village").has_value());
  CHECK_FALSE(parse_tier("Grid").has_value());
}

TEST_CASE("parse_deployment accepts code names and Chinese words") {
  CHECK(parse_deployment("resident") == Deployment::resident);
  CHECK(parse_deployment("片区常驻") == Deployment::resident);
  CHECK(parse_deployment("常驻") == Deployment::resident);
  CHECK(parse_deployment("cluster") == Deployment::cluster);
  CHECK(parse_deployment("连片派驻") == Deployment::cluster);
  CHECK(parse_deployment("派驻") == Deployment::cluster);
  CHECK(parse_deployment("whistle") == Deployment::whistle);
  CHECK(parse_deployment("吹哨进驻") == Deployment::whistle);
  CHECK(parse_deployment("吹哨") == Deployment::whistle);
  CHECK_FALSE(parse_deployment("").has_value());
  CHECK_FALSE(parse_deployment("on_call").has_value());
}

TEST_CASE("to_string of tiers and deployments parses back") {
  for (Tier t : {Tier::grid, Tier::town, Tier::county}) CHECK(parse_tier(to_string(t)) == t);
  for (Deployment d : {Deployment::resident, Deployment::cluster, Deployment::whistle})
    CHECK(parse_deployment(to_string(d)) == d);
  CHECK(to_string(Tier::town) == "town");
  CHECK(to_string(Deployment::whistle) == "whistle");
}

TEST_CASE("to_zh of every tier and deployment parses back") {
  for (Tier t : {Tier::grid, Tier::town, Tier::county}) CHECK(parse_tier(to_zh(t)) == t);
  for (Deployment d : {Deployment::resident, Deployment::cluster, Deployment::whistle})
    CHECK(parse_deployment(to_zh(d)) == d);
  CHECK(to_zh(Deployment::whistle) == "吹哨进驻");
}
