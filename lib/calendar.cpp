// The working-day calendar.

#include "gridgov/calendar.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace gridgov {

std::optional<Date> parse_date(std::string_view text) {
  using namespace std::chrono;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t n) -> std::optional<int> {
    int v = 0;
    const char* first = text.data() + from;
    if (std::from_chars(first, first + n, v).ptr != first + n) return std::nullopt;
    return v;
  };
  const auto y = number(0, 4);
  const auto m = number(5, 2);
  const auto d = number(8, 2);
  if (!y || !m || !d || *y < 2000 || *y > 2099) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)},
                           day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd);
}

std::string format_date(Date d) {
  const std::chrono::year_month_day ymd(d);
  char buf[16];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return std::string(buf, static_cast<std::size_t>(n));
}

bool Calendar::is_working_day(Date d) const {
  if (std::binary_search(workdays.begin(), workdays.end(), d)) return true;
  for (const auto& [from, to] : holidays)
    if (from <= d && d <= to) return false;
  const std::chrono::weekday wd{d};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

std::set<int> Calendar::years() const {
  std::set<int> out;
  auto add = [&](Date d) { out.insert(static_cast<int>(std::chrono::year_month_day(d).year())); };
  for (const auto& [from, to] : holidays) {
    add(from);
    add(to);
  }
  for (Date d : workdays) add(d);
  return out;
}

Timestamp limit_end(const Calendar& calendar, std::chrono::minutes offset, Timestamp at,
                    const Duration& limit) {
  if (!limit.in_working_days())
    return at + std::chrono::duration_cast<std::chrono::seconds>(limit.natural);
  Date day = std::chrono::floor<std::chrono::days>(at + offset);
  for (int counted = 0; counted < limit.working_days;) {
    day += std::chrono::days(1);
    if (calendar.is_working_day(day)) ++counted;
  }
  // 24:00 local of that day, i.e. the next day's local midnight.
  return Timestamp(day + std::chrono::days(1)) - offset;
}

Timestamp move_out(const Calendar& calendar, std::chrono::minutes offset, Timestamp t,
                   const Duration& limit) {
  if (!limit.in_working_days()) return limit_end(calendar, offset, t, limit);
  return limit_end(calendar, offset, t - std::chrono::seconds(1), limit);
}

int working_days_between(const Calendar& calendar, std::chrono::minutes offset, Timestamp from,
                         Timestamp to) {
  const Date first = std::chrono::floor<std::chrono::days>(from + offset);
  const Date last = std::chrono::floor<std::chrono::days>(to + offset);
  int n = 0;
  for (Date d = first + std::chrono::days(1); d <= last; d += std::chrono::days(1))
    n += calendar.is_working_day(d) ? 1 : 0;
  return n;
}

}  // namespace gridgov
