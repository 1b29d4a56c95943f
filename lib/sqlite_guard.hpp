#pragma once
// What a database file may not do to gridctl (docs/design.md §8, §11): a file is data, never
// code. Every connection runs in SQLite's defensive mode with an untrusted schema, with triggers
// and views switched off, and with a bound on the work of each statement; on open, the schema
// must be exactly the one gridgov's migrations made.

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <cstdint>
#include <optional>
#include <string>

namespace gridgov::detail {

/// The work one statement may do, counted in SQLite virtual-machine steps: a statement that
/// needs more is stopped (it fails with SQLITE_INTERRUPT). The count restarts with each
/// statement gridgov runs, not with the triggers it fires.
struct StepBudget {
  std::int64_t limit = 0;  ///< 0: no bound
  std::int64_t used = 0;
  bool exceeded = false;  ///< the last statement stopped was stopped by this bound
};

/// Sets up a new connection: defensive mode, `trusted_schema` off, no triggers or views from
/// the file, and `budget` watched by a progress handler (kept by the caller, outliving `db`).
void guard_connection(sqlite3* db, StepBudget& budget);

/// What is wrong with the schema of `db`, which says it is at schema `version`: an object the
/// migrations to that version would not have made (a trigger, a view, another table or index),
/// one they made but changed, or one missing; nullopt when it is exactly theirs. SQLite's own
/// statistics tables are allowed. Reads only `sqlite_schema`, in the caller's transaction.
///
/// **Example**: `schema_fault(db, 2)` is `unexpected trigger "steal" (gridgov did not create it)`.
[[nodiscard]] std::optional<std::string> schema_fault(SQLite::Database& db, int version);

}  // namespace gridgov::detail
