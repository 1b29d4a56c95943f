#pragma once
// Whether a PostgreSQL schema is gridgov's, as its migrations made it (docs/design.md §14): the
// check SQLite's `schema_fault` makes on every open, over PostgreSQL's catalog. A trigger, rule,
// policy, view or table added behind gridctl's back, or a column, constraint or index changed or
// dropped, makes the database unusable until someone looks.

#include <optional>
#include <string>

namespace gridgov::detail {

class PgConnection;

/// What is wrong with the current schema of `db`, which says it is at schema `version`: an
/// object the migrations to that version would not have made, one they made but changed, or one
/// missing; nullopt when it is exactly theirs. Objects an extension owns (Citus's truncate
/// trigger) are not gridgov's to judge. Runs in the caller's transaction and leaves it as it was.
///
/// The catalog's description is compared first with the digest of the newest schema's
/// (`k_pg_schema_digest`); when they differ, or for an older version, the migrations are run in
/// the session's temporary schema, inside a savepoint rolled back at once, and the two
/// descriptions compared line by line: so a server that words a definition otherwise than
/// PostgreSQL 15 costs time, never a false refusal.
///
/// **Example**: `pg_schema_fault(db, 4)` is
/// `unexpected trigger "forge" on table "events" (gridgov did not create it)`.
[[nodiscard]] std::optional<std::string> pg_schema_fault(PgConnection& db, int version);

/// The description the check compares, for schema `version` as this server describes it: a line
/// per object, `what\tdefinition`, in byte order. Built in the temporary schema, as above.
[[nodiscard]] std::string pg_expected_schema(PgConnection& db, int version);

}  // namespace gridgov::detail
