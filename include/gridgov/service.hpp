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
  std::vector<Change> changes;  ///< one row per change: added, renamed, moved, … retired
  bool written = false;         ///< false for a dry run or when nothing changed
};

/// Upserts a layout. With no county in the database, a layout that names one creates it.
/// Throws ErrorCode::input (nothing written) on any conflict, ErrorCode::refused when --prune
/// would retire units still in use (naming the workers who serve each, or its cases).
LayoutReport import_layout(Store& store, const LayoutInput& input, const ImportOptions& options,
                           Timestamp now);

struct WorkerReport {
  std::array<ChangeCounts, 3> by_tier{};
  std::vector<Change> changes;  ///< one row per change: added, changed (per field), retired
  bool written = false;
};

/// Upserts workers by code after checking each against the layout and the current policy.
/// A unit that is retired is named so ("unit X is retired"), not as unknown. `now` is when the
/// import happens: the retirement time of the workers `prune` retires.
WorkerReport import_workers(Store& store, const std::vector<WorkerEntry>& entries,
                            const ImportOptions& options, Timestamp now = {});

/// Retires the workers with these codes (`gridctl workers retire`), in one transaction; one
/// already retired is counted unchanged. Throws ErrorCode::not_found naming every unknown code
/// (nothing written). A dry run plans and reports only.
WorkerReport retire_workers(Store& store, const std::vector<std::string>& codes, Timestamp now,
                            bool dry_run);

/// What importing a party file did.
struct PartyReport {
  std::array<ChangeCounts, 4> by_kind{};  ///< indexed by PartyKind
  std::vector<Change> changes;  ///< kind "party": added, changed (per field), restored, retired
  bool written = false;
};

/// Upserts party organisations by code after checking their chain against the layout (see
/// plan_party); `prune` retires the active ones the file leaves out. Throws ErrorCode::input
/// (nothing written) on any problem. A dry run plans and reports only.
PartyReport import_party(Store& store, const std::vector<PartyEntry>& entries,
                         const ImportOptions& options);

/// What a user should know about a valid policy at `now`: e.g. that its calendar does not cover
/// the current (local) year, whose working days then count Monday to Friday.
[[nodiscard]] std::vector<std::string> policy_warnings(const Policy& policy, Timestamp now);

/// The policy in force: the newest stored version, else the built-in default.
[[nodiscard]] Policy current_policy(Store& store);

/// One setting that a new policy changes, for review (`policy load --dry-run`): `setting` is a
/// field of `policy show` (`timezone`, `deadline.grid`, …), `department.CODE`, `category.CODE`
/// or `category.CODE.FIELD`; `change` is added, removed, renamed (a department's or
/// category's name) or changed. Values are shown as `policy show` shows them; empty: none.
struct SettingChange {
  std::string setting;
  std::string change;
  std::string old_value;
  std::string new_value;

  friend bool operator==(const SettingChange&, const SettingChange&) = default;
};

/// What changes from policy `from` to policy `to`, setting by setting, in `policy show`'s order
/// (a category added or removed is one row, not one per field).
[[nodiscard]] std::vector<SettingChange> policy_changes(const Policy& from, const Policy& to);

struct PolicyReport {
  /// The version in force after the load: the new one, the one a dry run would make, or (when
  /// `unchanged`) the current one.
  int version = 0;
  bool written = false;                ///< false when unchanged, or a dry run
  bool unchanged = false;              ///< the text equals the current version's: no new version
  std::vector<SettingChange> changes;  ///< from the policy in force to the loaded one
  std::vector<std::string> warnings;   ///< see policy_warnings
};

/// Stores `text` as a new policy version after checking it, and that departments still named by
/// workers remain. Throws ErrorCode::input with file:line:col for a bad policy, and
/// ErrorCode::refused (nothing written) when it drops categories that cases use, naming each
/// with its count of cases.
PolicyReport load_policy(Store& store, const std::string& text, const std::string& source,
                         Timestamp now, bool dry_run = false);

/// Imports layouts, then workers (so workers may serve units the same command adds), in one
/// transaction: all of it or nothing. Units are added and updated first, then workers put and
/// retired, then units retired: with `prune`, a unit the layout leaves out may be retired when
/// every active worker serving it is retired (or moved elsewhere) by the workers given with it.
struct ImportReport {
  std::optional<LayoutReport> layout;
  std::optional<WorkerReport> workers;
  std::optional<PartyReport> party;

  /// Units', then workers', then party organisations' changes.
  [[nodiscard]] std::vector<Change> changes() const {
    std::vector<Change> all;
    if (layout) all = layout->changes;
    if (workers) all.insert(all.end(), workers->changes.begin(), workers->changes.end());
    if (party) all.insert(all.end(), party->changes.begin(), party->changes.end());
    return all;
  }

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
    if (party)
      for (const auto& c : party->by_kind) add(c);
    return t;
  }
};
ImportReport import_files(Store& store, const LayoutInput* layout,
                          const std::vector<WorkerEntry>* workers, const ImportOptions& options,
                          Timestamp now);

}  // namespace gridgov
