#pragma once
// A settled case's standing at a period's end (docs/design.md §7) in SQL over `c`, the cases
// table, the same for both stores: the settled tallies OR these bits into one integer (bit i =
// entry i) and count the cases of each. The party figures' two bits follow them; each store
// works those out its own way.

#include <string>
#include <string_view>

#include "gridgov/outcome.hpp"

namespace gridgov::detail {

struct StandingBit {
  std::string_view sql;  ///< `END` stands for the period's end
  bool Standing::*flag;
};

inline constexpr StandingBit k_standing_bits[] = {
    {"c.kind = 'problem'", &Standing::problem_kind},
    {"c.suspended_since IS NOT NULL", &Standing::suspended},
    {"c.escalated", &Standing::escalated},
    {"c.referred", &Standing::referred},
    {"c.extended", &Standing::extended},
    {"c.stage_late", &Standing::stage_late},
    {"coalesce(END > c.due, false)", &Standing::past_due},
    {"coalesce(END > c.deadline, false)", &Standing::past_deadline},
    {"coalesce(END > c.supervision_by, false)", &Standing::past_supervision},
    {"c.close_counted_at IS NOT NULL AND coalesce(c.close_counted_at <= c.due, true)",
     &Standing::closed_by_due}};

/// `bit`'s SQL with `end` for the period's end (SQLite's `?3`, PostgreSQL's `$4`).
inline std::string standing_sql(const StandingBit& bit, std::string_view end) {
  std::string out(bit.sql);
  if (const auto at = out.find("END"); at != std::string::npos) out.replace(at, 3, end);
  return out;
}

}  // namespace gridgov::detail
