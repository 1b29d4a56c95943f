#include "gridgov/error.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gridgov;

TEST_CASE("Diagnostic::to_string gives file:line:column: field: reason") {
  CHECK(Diagnostic{"layout.csv", 12, 31, "grid_code", "empty code"}.to_string() ==
        "layout.csv:12:31: grid_code: empty code");
}

TEST_CASE("Diagnostic::to_string leaves out what is unknown") {
  SUBCASE("no column") {
    CHECK(Diagnostic{"layout.csv", 3, 0, "", "wrong column count"}.to_string() ==
          "layout.csv:3: wrong column count");
  }
  SUBCASE("no line: the column alone is not shown") {
    CHECK(Diagnostic{"policy.toml", 0, 7, "departments", "missing"}.to_string() ==
          "policy.toml: departments: missing");
  }
  SUBCASE("no field") {
    CHECK(Diagnostic{"w.csv", 2, 5, "", "NUL byte"}.to_string() == "w.csv:2:5: NUL byte");
  }
  SUBCASE("no file") {
    CHECK(Diagnostic{"", 0, 0, "", "bad"}.to_string() == "<input>: bad");
    CHECK(Diagnostic{"", 4, 2, "code", "bad"}.to_string() == "<input>:4:2: code: bad");
  }
}

TEST_CASE("Error with a code carries the code, the exit code and no diagnostics") {
  const Error e(ErrorCode::refused, "no way");
  CHECK(e.code() == ErrorCode::refused);
  CHECK(e.exit_code() == 5);
  CHECK(std::string(e.what()) == "no way");
  CHECK(e.diagnostics().empty());
  CHECK(e.more() == 0);
}

TEST_CASE("exit codes follow docs/design.md §6") {
  CHECK(Error(ErrorCode::internal, "").exit_code() == 1);
  CHECK(Error(ErrorCode::usage, "").exit_code() == 2);
  CHECK(Error(ErrorCode::input, "").exit_code() == 3);
  CHECK(Error(ErrorCode::not_found, "").exit_code() == 4);
  CHECK(Error(ErrorCode::busy, "").exit_code() == 6);
  CHECK(Error(ErrorCode::unusable, "").exit_code() == 7);
}

TEST_CASE("Diagnostics stops listing at max_errors and counts the rest") {
  Diagnostics d(2);
  CHECK(d.empty());
  CHECK_FALSE(d.full());
  for (int i = 1; i <= 5; ++i) d.add(Diagnostic{"f.csv", i, 0, "", "problem " + std::to_string(i)});
  CHECK_FALSE(d.empty());
  CHECK(d.full());
  REQUIRE(d.list().size() == 2);
  CHECK(d.list()[0].reason == "problem 1");
  CHECK(d.list()[1].reason == "problem 2");

  bool thrown = false;
  try {
    d.throw_if_any();
  } catch (const Error& e) {
    thrown = true;
    CHECK(e.code() == ErrorCode::input);
    CHECK(e.exit_code() == 3);
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(e.diagnostics()[0].line == 1);
    CHECK(e.diagnostics()[1].line == 2);
    CHECK(e.more() == 3);
    CHECK(std::string(e.what()) == "f.csv:1: problem 1 (and 4 more)");
  }
  CHECK(thrown);
}

TEST_CASE("Diagnostics with nothing added does not throw") {
  Diagnostics d;
  CHECK_NOTHROW(d.throw_if_any());
}

TEST_CASE("Diagnostics with max_errors 0 still keeps one") {
  Diagnostics d(0);
  d.add(Diagnostic{"a", 1, 1, "", "x"});
  d.add(Diagnostic{"a", 2, 1, "", "y"});
  CHECK(d.list().size() == 1);
  CHECK_THROWS_AS(d.throw_if_any(), Error);
}

TEST_CASE("Error from a single diagnostic has that diagnostic as its message") {
  const Error e(std::vector<Diagnostic>{Diagnostic{"p.toml", 3, 9, "timezone", "bad timezone"}});
  CHECK(e.code() == ErrorCode::input);
  CHECK(std::string(e.what()) == "p.toml:3:9: timezone: bad timezone");
  const Error empty(std::vector<Diagnostic>{});
  CHECK(std::string(empty.what()) == "input rejected");
}
