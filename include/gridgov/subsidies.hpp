#pragma once
// Subsidies (工作补贴, docs/design.md §12): what each county worker is paid for a month by how
// they are deployed. Money is whole fen (分), so every amount is exact and every total adds up.

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/model.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/stats.hpp"

namespace gridgov {

class Session;

/// `monthly` for `days` of a month's `workdays` working days, rounded to the nearest fen (halves
/// up): (2·monthly·days + workdays) / (2·workdays). Zero when the month has no working days.
[[nodiscard]] constexpr long long pro_rata(long long monthly, long long days,
                                           long long workdays) noexcept {
  if (workdays <= 0 || days <= 0) return 0;
  return (2 * monthly * days + workdays) / (2 * workdays);
}

/// Fen as yuan with two decimals: 300000 → "3000.00", -150 → "-1.50".
[[nodiscard]] inline std::string format_yuan(long long fen) {
  const bool negative = fen < 0;
  const unsigned long long f =
      negative ? 0ULL - static_cast<unsigned long long>(fen) : static_cast<unsigned long long>(fen);
  // Built with append() into one buffer: g++ 12's -O3 -Wrestrict false positive (GCC bug 105329)
  // trips over `"literal" + std::string`, as error.hpp notes.
  std::string out;
  out.reserve(24);
  if (negative) out.push_back('-');
  out.append(std::to_string(f / 100));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + f % 100 / 10));
  out.push_back(static_cast<char>('0' + f % 10));
  return out;
}

/// Yuan as fen: `3000`, `3000.5`, `3000.50`; nullopt for anything else (a sign, more than two
/// decimals, more than 12 digits of yuan).
[[nodiscard]] inline std::optional<long long> parse_yuan(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (whole.empty() || whole.size() > 12 || !digits(whole) || frac.size() > 2 || !digits(frac) ||
      (dot != std::string_view::npos && frac.empty()))
    return std::nullopt;
  long long yuan = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), yuan);
  long long cents = 0;
  if (!frac.empty()) {
    std::from_chars(frac.data(), frac.data() + frac.size(), cents);
    if (frac.size() == 1) cents *= 10;
  }
  return yuan * 100 + cents;
}

/// One row of a subsidy statement: a county worker, or (worker empty) a department's total, or
/// (worker and department empty) the county's.
struct SubsidyRow {
  std::string worker;
  std::string name;  ///< the worker's, the department's or the county's name
  std::optional<Deployment> deployment;
  std::string department;
  long long days = 0;    ///< working days served (resident, cluster) or whistle days
  long long amount = 0;  ///< fen
};

/// The month's statement: every county worker serving in it or whistled in it, by department
/// and code; then each department's total (the policy's order; workers without one last); then
/// the county's. With `department` (a code or name), only that department's workers and its
/// total. Throws ErrorCode::not_found when the policy has no `[subsidies]` or the department is
/// unknown.
[[nodiscard]] std::vector<SubsidyRow> subsidies(Session& session, const Period& period,
                                                std::string_view department = {});

}  // namespace gridgov
