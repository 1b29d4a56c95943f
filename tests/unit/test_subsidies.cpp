#include "gridgov/subsidies.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace gridgov;

TEST_CASE("pro_rata: a full month is the monthly amount, part of one its share") {
  CHECK(pro_rata(300000, 21, 21) == 300000);
  CHECK(pro_rata(300000, 7, 21) == 100000);  // exactly a third: no rounding
  CHECK(pro_rata(300000, 0, 21) == 0);
  CHECK(pro_rata(350000, 11, 22) == 175000);
}

TEST_CASE("pro_rata rounds to the nearest fen, halves up") {
  // 100 fen × 1 / 3 = 33.33… → 33; × 2 / 3 = 66.66… → 67.
  CHECK(pro_rata(100, 1, 3) == 33);
  CHECK(pro_rata(100, 2, 3) == 67);
  // 1 fen × 1 / 2 = 0.5 → 1 (a half goes up); 3 fen × 1 / 2 = 1.5 → 2.
  CHECK(pro_rata(1, 1, 2) == 1);
  CHECK(pro_rata(3, 1, 2) == 2);
  // 300000 × 10 / 22 = 136363.63… → 136364; × 1 / 22 = 13636.36… → 13636.
  CHECK(pro_rata(300000, 10, 22) == 136364);
  CHECK(pro_rata(300000, 1, 22) == 13636);
  // The same as the decimal rule, day by day, for a month of 23 working days.
  for (long long days = 0; days <= 23; ++days) {
    CAPTURE(days);
    const long long twice = 2 * 300000 * days;  // 2 × the exact share × 23
    CHECK(pro_rata(300000, days, 23) == (twice / 23 + 1) / 2);
  }
}

TEST_CASE("pro_rata of a month without working days is 0") {
  CHECK(pro_rata(300000, 0, 0) == 0);
  CHECK(pro_rata(300000, 5, 0) == 0);
}

TEST_CASE("format_yuan shows fen as yuan with two decimals") {
  CHECK(format_yuan(300000) == "3000.00");
  CHECK(format_yuan(300050) == "3000.50");
  CHECK(format_yuan(7) == "0.07");
  CHECK(format_yuan(0) == "0.00");
  CHECK(format_yuan(-150) == "-1.50");
  CHECK(format_yuan(136364) == "1363.64");
}

TEST_CASE("parse_yuan reads whole yuan and up to two decimals") {
  CHECK(parse_yuan("3000") == 300000);
  CHECK(parse_yuan("3000.5") == 300050);
  CHECK(parse_yuan("3000.50") == 300050);
  CHECK(parse_yuan("3000.05") == 300005);
  CHECK(parse_yuan("0") == 0);
  CHECK(parse_yuan("0.07") == 7);
  CHECK(parse_yuan("999999999999.99") == 99999999999999);  // 12 digits of yuan
}

TEST_CASE("parse_yuan refuses anything else") {
  for (const char* bad : {"1.234", "-1", "", ".5", "1.", "abc", "1000000000000", "+1", " 1", "1 ",
                          "1,000", "1e3", "1.2.3", "０"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_yuan(bad).has_value());
  }
}

TEST_CASE("format_yuan and parse_yuan round trip") {
  for (long long fen :
       {0LL, 1LL, 9LL, 10LL, 99LL, 100LL, 101LL, 300000LL, 350007LL, 99999999999999LL}) {
    CAPTURE(fen);
    CHECK(parse_yuan(format_yuan(fen)) == fen);
  }
  for (const char* text : {"0.00", "0.07", "3000.00", "1363.64"}) {
    CAPTURE(text);
    REQUIRE(parse_yuan(text).has_value());
    CHECK(format_yuan(*parse_yuan(text)) == text);
  }
}
