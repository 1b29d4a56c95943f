#pragma once
// Copying a county from one store to another (`gridctl migrate`, docs/design.md §14): from an
// SQLite file into a PostgreSQL database of a province, say. Only the Store interface is used,
// so it works between any two backends.

#include <functional>

#include "gridgov/store.hpp"

namespace gridgov {

/// What copy_county copied.
struct CopyReport {
  long long units = 0;
  long long policies = 0;
  long long workers = 0;
  long long party_orgs = 0;
  long long boundaries = 0;
  long long attendance = 0;
  long long cases = 0;
  long long events = 0;
};

/// Copies `from`'s county into `to`, in one write transaction of `to`: units (retired ones
/// retired), every policy version, workers, party organisations, boundaries, attendance, then
/// every case with its stored state and its events (case ids kept; event ids kept too). Memory
/// stays flat: one case at a time. `progress` (when given) hears the cases copied so far every
/// 100,000. Throws ErrorCode::not_found when `from` holds no county and ErrorCode::refused when
/// `to` already holds that county, ErrorCode::unusable when a source case's stored state is not
/// what its events give (`row_disagreement`); nothing is written then. The chain is copied as it is
/// (audit.hpp).
CopyReport copy_county(Store& from, Store& to,
                       const std::function<void(long long)>& progress = nullptr);

}  // namespace gridgov
