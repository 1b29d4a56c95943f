#pragma once
// Use cases: each applies the rules to what a command was given and writes the result through a
// Store, in one transaction. A dry run plans and reports without writing.

#include <optional>
#include <string>
#include <vector>

#include "gridgov/layout.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/store.hpp"
#include "gridgov/workers.hpp"

namespace gridgov {

struct ImportOptions {
  bool dry_run = false;  ///< plan, apply inside the transaction, then roll back
  bool prune = false;    ///< retire what the files leave out
  std::size_t max_errors = 20;
};

/// Creates the county of a new database and stores the built-in policy as version 1.
/// Initialising again with the same county changes nothing; another county is refused.
/// Returns false when the database already had this county.
bool init_county(Store& store, const Unit& county, Timestamp now);

struct LayoutReport {
  std::array<ChangeCounts, 5> by_level{};
  bool written = false;  ///< false for a dry run or when nothing changed
};

/// Upserts a layout. With no county in the database, a layout that names one creates it.
/// Throws ErrorCode::input (nothing written) on any conflict, ErrorCode::refused when --prune
/// would retire units still in use.
LayoutReport import_layout(Store& store, const LayoutInput& input, const ImportOptions& options,
                           Timestamp now);

struct WorkerReport {
  std::array<ChangeCounts, 3> by_tier{};
  bool written = false;
};

/// Upserts workers by code after checking each against the layout and the current policy.
WorkerReport import_workers(Store& store, const std::vector<WorkerEntry>& entries,
                            const ImportOptions& options);

/// What a user should know about a valid policy at `now`: e.g. that its calendar does not cover
/// the current (local) year, whose working days then count Monday to Friday.
[[nodiscard]] std::vector<std::string> policy_warnings(const Policy& policy, Timestamp now);

/// The policy in force: the newest stored version, else the built-in default.
[[nodiscard]] Policy current_policy(Store& store);

struct PolicyReport {
  int version = 0;       ///< the version now in force
  bool written = false;  ///< false when the text equals the current version's, or a dry run
  std::vector<std::string> warnings;  ///< see policy_warnings
};

/// Stores `text` as a new policy version after checking it, and that departments still named by
/// workers remain. Throws ErrorCode::input with file:line:col for a bad policy.
PolicyReport load_policy(Store& store, const std::string& text, const std::string& source,
                         Timestamp now, bool dry_run = false);

/// Imports layouts, then workers (so workers may serve units the same command adds), in one
/// transaction: all of it or nothing.
struct ImportReport {
  std::optional<LayoutReport> layout;
  std::optional<WorkerReport> workers;

  /// Units and workers together.
  [[nodiscard]] ChangeCounts total() const {
    ChangeCounts t;
    auto add = [&](const ChangeCounts& c) {
      t.added += c.added;
      t.updated += c.updated;
      t.unchanged += c.unchanged;
      t.retired += c.retired;
    };
    if (layout)
      for (const auto& c : layout->by_level) add(c);
    if (workers)
      for (const auto& c : workers->by_tier) add(c);
    return t;
  }
};
ImportReport import_files(Store& store, const LayoutInput* layout,
                          const std::vector<WorkerEntry>* workers, const ImportOptions& options,
                          Timestamp now);

}  // namespace gridgov
