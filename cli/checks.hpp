#pragma once
// Checks of numeric flags, with messages that say what is wanted. CLI11's own number checks print
// floating-point ranges and let an id too big for 64 bits through as the largest one.

#include <CLI/CLI.hpp>

#include <charconv>
#include <limits>
#include <string>

namespace gridctl {

/// A whole number from `min` to `max` (written in decimal digits, no sign, no spaces).
inline CLI::Validator whole_number(long long min,
                                   long long max = std::numeric_limits<long long>::max()) {
  std::string wanted = "a whole number ";
  if (max == std::numeric_limits<long long>::max())
    wanted.append("of at least ").append(std::to_string(min));
  else
    wanted.append("from ").append(std::to_string(min)).append(" to ").append(std::to_string(max));
  return CLI::Validator(
      [min, max, wanted](std::string& text) -> std::string {
        long long n = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, n);
        const bool digits = !text.empty() && text.front() != '-';
        if (!digits || ec != std::errc() || ptr != end || n < min || n > max)
          return std::string("\"").append(text).append("\" is not ").append(wanted);
        return {};
      },
      wanted);
}

/// A case id: 1 up to the largest the store can hold.
inline CLI::Validator case_id() { return whole_number(1); }

}  // namespace gridctl
