#include "gridgov/limits.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gridgov;
using namespace std::string_literals;

TEST_CASE("text_problem: NUL bytes and texts over 64 KiB are refused") {
  CHECK(text_problem("") == "");
  CHECK(text_problem("十字路街道") == "");
  CHECK(text_problem(std::string(k_max_text_bytes, 'x')) == "");
  CHECK(text_problem(std::string(k_max_text_bytes + 1, 'x')) == "longer than 65536 bytes");
  CHECK(text_problem("a\0b"s) == "NUL byte");
  CHECK(text_problem("abcd", 3) == "longer than 3 bytes");
}

TEST_CASE("title_problem: a title is 1 to 200 characters, counted as characters, not bytes") {
  CHECK(title_problem("路灯不亮") == "");
  CHECK(title_problem("") == "empty title");
  CHECK(title_problem(std::string(200, 'x')) == "");
  CHECK(title_problem(std::string(201, 'x')) == "longer than 200 characters");
  std::string wide;
  for (int i = 0; i < 200; ++i) wide += "路";  // 600 bytes, 200 characters
  CHECK(title_problem(wide) == "");
  CHECK(title_problem(wide + "路") == "longer than 200 characters");
  CHECK(title_problem("a\0b"s) == "NUL byte");
}

TEST_CASE("char_count counts code points") {
  CHECK(char_count("") == 0);
  CHECK(char_count("abc") == 3);
  CHECK(char_count("大店镇") == 3);
}

TEST_CASE("the limits fit together: a record holds every column at its longest") {
  // The 25 other columns of a cases export at 64 KiB each and the events column at its longest,
  // with room for quoting and JSON escapes.
  CHECK(25 * k_max_text_bytes + k_max_events_bytes < k_max_record_bytes);
  CHECK(k_max_events_bytes > 10 * k_max_text_bytes);
  CHECK(k_max_columns >= 26);
  CHECK(k_max_policy_bytes < k_max_document_bytes);
  CHECK(k_max_document_bytes <= k_max_stdin_bytes);
}
