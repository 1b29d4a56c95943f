#pragma once
// Counting a period's patrol reports into each grid's daily quota (rule 12, docs/design.md §7),
// the same for both stores: each report by its verdict, and the valid ones per local day, which
// say the days met. A grid is the store's integer key for it (SQLite's unit id; PostgreSQL
// numbers the codes as they come), so a report costs two hash look-ups and no string.

#include <cstdint>
#include <unordered_map>

#include "gridgov/store.hpp"

namespace gridgov::detail {

class QuotaCount {
 public:
  /// One report of `grid` on local day `day` (days since the epoch), with its verdict.
  void add(int64_t grid, int64_t day, QuotaVerdict why) {
    m_by_grid[grid].add(why);
    if (why == QuotaVerdict::valid) ++m_valid_per_day[grid << 32 | (day & 0xffffffff)];
  }

  /// Per grid, its reports by verdict and its days with at least `reports` valid reports.
  [[nodiscard]] std::unordered_map<int64_t, GridQuota> by_grid(int reports) && {
    for (const auto& [grid_day, n] : m_valid_per_day)
      if (n >= reports) ++m_by_grid[grid_day >> 32].days_met;
    return std::move(m_by_grid);
  }

 private:
  std::unordered_map<int64_t, GridQuota> m_by_grid;
  std::unordered_map<int64_t, long long> m_valid_per_day;  // grid << 32 | day → valid reports
};

}  // namespace gridgov::detail
