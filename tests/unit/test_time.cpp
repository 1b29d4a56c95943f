#include "gridgov/time.hpp"

#include <doctest/doctest.h>

#include <date/date.h>

#include <sstream>

#include <string>

using namespace gridgov;
using namespace std::chrono;

namespace {

// 2026-10-03T01:15:00Z, i.e. 09:15 in China.
Timestamp utc_0115() {
  return Timestamp(sys_days(year(2026) / October / 3)) + hours(1) + minutes(15);
}

constexpr minutes k_china{8 * 60};

}  // namespace

TEST_CASE("parse_time reads a time with an offset") {
  CHECK(parse_time("2026-10-03T09:15:00+08:00", minutes(0)) == utc_0115());
  CHECK(parse_time("2026-10-03T09:15:00+0800", minutes(0)) == utc_0115());
  CHECK(parse_time("2026-10-02T20:15:00-05:00", k_china) == utc_0115());
  CHECK(parse_time("2026-10-02T19:45:00-05:30", k_china) == utc_0115());
}

TEST_CASE("parse_time reads Z as UTC whatever the local offset") {
  CHECK(parse_time("2026-10-03T01:15:00Z", k_china) == utc_0115());
}

TEST_CASE("parse_time applies the local offset to a time without one") {
  CHECK(parse_time("2026-10-03T09:15:00", k_china) == utc_0115());
  CHECK(parse_time("2026-10-03T09:15", k_china) == utc_0115());
  CHECK(parse_time("2026-10-03T01:15:00", minutes(0)) == utc_0115());
}

TEST_CASE("parse_time accepts a space between date and time") {
  CHECK(parse_time("2026-10-03 09:15", k_china) == utc_0115());
  CHECK(parse_time("2026-10-03 09:15:00+08:00", minutes(0)) == utc_0115());
}

TEST_CASE("parse_time reads a date alone as local midnight") {
  CHECK(parse_time("2026-10-03", k_china) ==
        Timestamp(sys_days(year(2026) / October / 3)) - hours(8));
  CHECK(parse_time("2026-10-03", minutes(0)) == Timestamp(sys_days(year(2026) / October / 3)));
}

TEST_CASE("parse_time refuses what is not an ISO 8601 time") {
  for (const char* bad :
       {"", "yesterday", "2026-10", "2026-13-01", "2026-10-32", "2026-10-03T25:00",
        "2026-10-03T09:61", "2026-10-03T09:15:00+99:00", "2026-10-03T09:15:00+08:00 extra",
        "2026-10-03T", "03/10/2026", "2026-10-03T09:15:00 +08:00x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_time(bad, k_china).has_value());
  }
}

TEST_CASE("parse_time takes every field at its width and years 2000-2099 only (rule 16)") {
  CHECK(parse_time("2000-01-01T00:00", k_china).has_value());
  CHECK(parse_time("2099-12-31 23:59:59", k_china).has_value());
  for (const char* bad :
       {"1999-12-31T23:59", "2100-01-01", "9999-01-01T00:00:00+08:00", "2026-10-3T9:5",
        "2026-10-03T9:05", "+2026-10-03", "2026-10-03T09", "2026-10-03T09:15:0",
        "2026-10-03T09:15:00.5", "", " 2026-10-03", "2026-10-03x"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_time(bad, k_china).has_value());
  }
}

TEST_CASE("format_time shows local time with the offset") {
  CHECK(format_time(utc_0115(), k_china) == "2026-10-03T09:15:00+08:00");
  CHECK(format_time(utc_0115(), minutes(0)) == "2026-10-03T01:15:00+00:00");
  CHECK(format_time(utc_0115(), -hours(5)) == "2026-10-02T20:15:00-05:00");
}

TEST_CASE("format_time and parse_time round trip") {
  for (minutes offset : {minutes(0), k_china, minutes(-330), minutes(345)}) {
    for (Timestamp t :
         {utc_0115(), utc_0115() + seconds(59), Timestamp(sys_days(year(2024) / February / 29)),
          Timestamp(sys_days(year(2000) / January / 2)) + hours(1)}) {
      const std::string text = format_time(t, offset);
      CAPTURE(text);
      CHECK(parse_time(text, minutes(0)) == t);
      CHECK(parse_time(text, k_china) == t);
    }
  }
}

TEST_CASE("parse_utc_offset reads the usual spellings") {
  CHECK(parse_utc_offset("+08:00") == minutes(480));
  CHECK(parse_utc_offset("+0800") == minutes(480));
  CHECK(parse_utc_offset("+08") == minutes(480));
  CHECK(parse_utc_offset("-05:30") == minutes(-330));
  CHECK(parse_utc_offset("+05:45") == minutes(345));
  CHECK(parse_utc_offset("Z") == minutes(0));
  CHECK(parse_utc_offset("UTC") == minutes(0));
  CHECK(parse_utc_offset("+00:00") == minutes(0));
}

TEST_CASE("parse_utc_offset refuses malformed offsets") {
  for (const char* bad : {"", "08:00", "+8:00", "+15:00", "+08:60", "+08:0a", "+08-00", "GMT", "+",
                          "+080", "+08:000", "Asia/Shanghai"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_utc_offset(bad).has_value());
  }
}

TEST_CASE("format_utc_offset writes +hh:mm") {
  CHECK(format_utc_offset(minutes(480)) == "+08:00");
  CHECK(format_utc_offset(minutes(0)) == "+00:00");
  CHECK(format_utc_offset(minutes(-330)) == "-05:30");
  CHECK(format_utc_offset(minutes(345)) == "+05:45");
  for (int m : {-720, -330, 0, 345, 480, 840})
    CHECK(parse_utc_offset(format_utc_offset(minutes(m))) == minutes(m));
}

namespace {

/// What the date library reads from `text` (a local time, no offset): the reference parse_time's
/// own reading of the fields is held to.
std::optional<Timestamp> date_library_reads(const std::string& text) {
  for (const char* fmt : {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"}) {
    date::local_seconds local{};
    std::istringstream in(text);
    in >> date::parse(fmt, local);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof())
      return Timestamp(local.time_since_epoch());
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("parse_time reads the fields as the date library does, edge dates and times included") {
  int compared = 0;
  int valid = 0;
  for (int y : {2000, 2023, 2024, 2026, 2099})
    for (int mo : {0, 1, 2, 4, 12, 13})
      for (int d : {0, 1, 28, 29, 30, 31, 32})
        for (int h : {0, 9, 23, 24})
          for (int mi : {0, 59, 60})
            for (int sec : {-1, 0, 59, 60}) {
              char text[32];
              if (sec < 0)
                std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d", y, mo, d, h, mi);
              else
                std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi,
                              sec);
              CAPTURE(text);
              const auto ours = parse_time(text, minutes(0));
              const auto reference = date_library_reads(text);
              CHECK(ours == reference);
              ++compared;
              valid += ours.has_value();
            }
  CHECK(compared == 5 * 6 * 7 * 4 * 3 * 4);
  CHECK(valid > 1000);
  CHECK(parse_time("2024-02-29", minutes(0)) == date_library_reads("2024-02-29"));
  CHECK_FALSE(parse_time("2026-02-29", minutes(0)));
}

// ---- Excel's local times ----------------------------------------------------------------------

TEST_CASE("parse_time reads the local times Excel shows in a Chinese locale") {
  // 2026/10/3 9:15 is the same instant as 2026-10-03T09:15 at the same local offset.
  CHECK(parse_time("2026/10/3 9:15", k_china) == utc_0115());
  CHECK(parse_time("2026/10/03 09:15", k_china) == utc_0115());
  CHECK(parse_time("2026/10/03 09:15:00", k_china) == utc_0115());
  CHECK(parse_time("2026/10/3 9:15:30", k_china) == utc_0115() + seconds(30));
  CHECK(parse_time("2026/1/5 9:05", minutes(0)) ==
        Timestamp(sys_days(year(2026) / January / 5)) + hours(9) + minutes(5));
  CHECK(parse_time("2026/10/3", k_china) == parse_time("2026-10-03", k_china));
  // The space form of ISO 8601.
  CHECK(parse_time("2026-10-03 09:15", k_china) == utc_0115());
  CHECK(parse_time("2026-10-03 09:15:00", k_china) == utc_0115());
}

TEST_CASE("parse_time refuses Excel-like times that are not times") {
  for (const char* text :
       {"2026/13/1 9:15", "2026/2/29 9:15", "2026/1/0", "2026/1/5 24:00", "2026/1/5 9:5",
        "2026/1/5 9:60", "2026/1/5 9:15:60", "1999/1/5 9:15", "2026/1/5  9:15", "2026/1/5 9:15 ",
        "2026/1/5T9:15", "2026/001/5", "26/1/5 9:15", "2026/1/5 9:15:0", "2026/1/", "2026//5"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_time(text, k_china));
  }
}

TEST_CASE("parse_time reads Excel's fields as the date library does") {
  // The date library's %m, %d and %H take one or two digits: the reference for Excel's form.
  auto reference = [](const std::string& text) -> std::optional<Timestamp> {
    date::local_seconds local{};
    std::istringstream in(text);
    in >> date::parse("%Y/%m/%d %H:%M", local);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    return Timestamp(local.time_since_epoch());
  };
  int valid = 0;
  for (int mo : {0, 1, 2, 9, 12, 13})
    for (int d : {0, 1, 9, 28, 29, 31, 32})
      for (int h : {0, 7, 23, 24})
        for (int mi : {0, 5, 59, 60}) {
          char text[32];
          std::snprintf(text, sizeof text, "2024/%d/%d %d:%02d", mo, d, h, mi);
          CAPTURE(text);
          const auto ours = parse_time(text, minutes(0));
          CHECK(ours == reference(text));
          valid += ours.has_value();
        }
  CHECK(valid > 100);
}

TEST_CASE("parse_bound: an Excel date alone as an upper bound includes its day") {
  CHECK(parse_bound("2026/8/31", k_china, true) == parse_bound("2026-08-31", k_china, true));
  CHECK(parse_bound("2026/8/31", k_china, false) == parse_bound("2026-08-31", k_china, false));
  CHECK(parse_bound("2026/8/31 10:00", k_china, true) == parse_time("2026-08-31T10:00", k_china));
}
