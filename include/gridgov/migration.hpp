#pragma once
// Bulk import of cases (hotline exports, migrations from older platforms): one row of a cases
// file, and the pure rule that turns it into a case with a consistent event history.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gridgov/case.hpp"
#include "gridgov/location.hpp"
#include "gridgov/rules.hpp"

namespace gridgov {

/// One row of a cases file (docs/design.md §5), with where each field was given.
struct CaseRow {
  Case header;  ///< ext_id, source, grid, category, kind, title, description, reporter,
                ///< reported_at
  std::optional<Status> status;
  std::optional<Level> level;
  std::string department;
  std::optional<Timestamp> resolved_at;
  std::optional<Timestamp> closed_at;
  std::optional<std::vector<Event>> events;  ///< a whole history (gridctl's own export)

  Location row_at;  ///< the row (column 0)
  Location ext_id_at, grid_at, category_at, reporter_at, reported_at_at, status_at, level_at,
      department_at, resolved_at_at, closed_at_at, events_at, service_at;
};

/// A case ready to store: its state and its events (case_id not yet set).
struct Migration {
  Case c;
  std::vector<Event> events;
};

/// Rebuilds a row's case by the rules, acting as the import (`admin`):
/// - with `events`, each event is replayed through its rule and must land where it says;
/// - else the history columns: escalations (patrol, surveillance, platform) or a dispatch
///   (hotline, petition) up to `level`, a referral when a `department` is named, then the resolve
///   and the close at their times; `status` (or, absent, the times) says where it stopped.
/// Any step a rule refuses, or a time out of order, is a diagnostic on the row.
[[nodiscard]] std::optional<Migration> migrate(const CaseRow& row, const UnitTree& tree,
                                               const Policy& policy, const WorkerLookup& workers,
                                               Diagnostics& diagnostics);

}  // namespace gridgov
