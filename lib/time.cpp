// ISO 8601 times with fixed UTC offsets, over howardhinnant-date.

#include "gridgov/time.hpp"

#include <date/date.h>
#include <fmt/format.h>

namespace gridgov {

std::optional<std::chrono::minutes> parse_utc_offset(std::string_view s) noexcept {
  if (s == "Z" || s == "UTC" || s == "z") return std::chrono::minutes(0);
  if (s.size() != 6 && s.size() != 5 && s.size() != 3) return std::nullopt;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  int hours = 0;
  int minutes = 0;
  if (!digit(1) || !digit(2)) return std::nullopt;
  hours = (s[1] - '0') * 10 + (s[2] - '0');
  if (s.size() == 6) {
    if (s[3] != ':' || !digit(4) || !digit(5)) return std::nullopt;
    minutes = (s[4] - '0') * 10 + (s[5] - '0');
  } else if (s.size() == 5) {
    if (!digit(3) || !digit(4)) return std::nullopt;
    minutes = (s[3] - '0') * 10 + (s[4] - '0');
  }
  if (hours > 14 || minutes > 59) return std::nullopt;
  const int total = hours * 60 + minutes;
  return std::chrono::minutes(s[0] == '-' ? -total : total);
}

std::string format_utc_offset(std::chrono::minutes offset) {
  const long long m = offset.count();
  const long long a = m < 0 ? -m : m;
  return fmt::format("{}{:02}:{:02}", m < 0 ? '-' : '+', a / 60, a % 60);
}

namespace {

/// The local time Excel shows in a Chinese locale: `2026/11/01 10:30`, `2026/1/5 9:05:30`,
/// `2026/1/5`. Month, day and hour take one or two digits; minutes and seconds two.
std::optional<Timestamp> parse_excel_time(std::string_view s, std::chrono::minutes local_offset) {
  std::size_t i = 0;
  // Reads 1..max digits (exactly `max` when `exact`) into `v`.
  auto number = [&](std::size_t max, bool exact, int& v) {
    const std::size_t from = i;
    v = 0;
    while (i < s.size() && i - from < max && s[i] >= '0' && s[i] <= '9')
      v = v * 10 + (s[i++] - '0');
    return exact ? i - from == max : i > from;
  };
  auto sep = [&](char c) { return i < s.size() && s[i++] == c; };
  int y = 0, mo = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (!number(4, true, y) || !sep('/') || !number(2, false, mo) || !sep('/') ||
      !number(2, false, d))
    return std::nullopt;
  if (i < s.size()) {
    if (!sep(' ') || !number(2, false, hh) || !sep(':') || !number(2, true, mm))
      return std::nullopt;
    if (i < s.size() && (!sep(':') || !number(2, true, ss))) return std::nullopt;
    if (i != s.size()) return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (y < 2000 || y > 2099 || !date.ok() || hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  const auto local = sys_days(date).time_since_epoch() + hours(hh) + minutes(mm) + seconds(ss);
  return Timestamp(duration_cast<seconds>(local - local_offset));
}

}  // namespace

std::optional<Timestamp> parse_time(std::string_view text, std::chrono::minutes local_offset) {
  if (text.size() >= 8 && text.size() <= 19 && text[4] == '/')
    return parse_excel_time(text, local_offset);
  if (text.size() < 10 || text.size() > 32) return std::nullopt;
  std::string s(text);
  if (s.size() >= 11 && s[10] == ' ') s[10] = 'T';

  // Split off a trailing offset ("Z", "+08:00", "+0800").
  std::optional<std::chrono::minutes> offset;
  if (s.size() > 10) {
    if (s.back() == 'Z' || s.back() == 'z') {
      offset = std::chrono::minutes(0);
      s.pop_back();
    } else {
      const auto sign = s.find_last_of("+-");
      if (sign != std::string::npos && sign > 10) {
        offset = parse_utc_offset(std::string_view(s).substr(sign));
        if (!offset) return std::nullopt;
        s.resize(sign);
      }
    }
  }

  // The shape first: YYYY-MM-DD, then optionally THH:MM or THH:MM:SS, every field two digits
  // (so `2026-10-3T9:5` and `+2026-10-03` are not times), and a year of 2000–2099.
  auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t i = from; i < from + n; ++i)
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
    return true;
  };
  const bool shape =
      digits(0, 4) && s[4] == '-' && digits(5, 2) && s[7] == '-' && digits(8, 2) &&
      (s.size() == 10 ||
       (s.size() >= 16 && s[10] == 'T' && digits(11, 2) && s[13] == ':' && digits(14, 2) &&
        (s.size() == 16 || (s.size() == 19 && s[16] == ':' && digits(17, 2)))));
  if (!shape || s.compare(0, 2, "20") != 0) return std::nullopt;

  // The fields, now that the shape is known; the calendar says whether the date exists.
  auto field = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  using namespace std::chrono;
  const year_month_day date{year{field(0, 4)}, month{static_cast<unsigned>(field(5, 2))},
                            day{static_cast<unsigned>(field(8, 2))}};
  const int hh = s.size() > 10 ? field(11, 2) : 0;
  const int mm = s.size() > 10 ? field(14, 2) : 0;
  const int ss = s.size() > 16 ? field(17, 2) : 0;
  if (!date.ok() || hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  const auto local = sys_days(date).time_since_epoch() + hours(hh) + minutes(mm) + seconds(ss);
  return Timestamp(duration_cast<seconds>(local - offset.value_or(local_offset)));
}

std::string format_time(Timestamp t, std::chrono::minutes offset) {
  const auto local = date::local_seconds((t + offset).time_since_epoch());
  return date::format("%Y-%m-%dT%H:%M:%S", local) + format_utc_offset(offset);
}

}  // namespace gridgov
