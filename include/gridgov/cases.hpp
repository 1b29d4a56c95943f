#pragma once
// Use cases of the closed loop: each loads what the rules need, asks them for a decision, and
// writes the event and the case row together in one transaction.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gridgov/case.hpp"
#include "gridgov/migration.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/rules.hpp"
#include "gridgov/store.hpp"

namespace gridgov {

/// The actor named by `code`: `admin`, or an active worker (else ErrorCode::not_found).
[[nodiscard]] Actor find_actor(Store& store, const std::string& code);

/// What `gridctl log` reports.
struct ReportRequest {
  Kind kind = Kind::problem;
  Source source = Source::patrol;
  std::string category;
  std::string title;
  std::string description;
  std::string grid;
  std::string ext_id;
};

/// Logs a new case (rules 1 and 5) and returns it. A (source, ext_id) already taken is refused.
Case log_case(Store& store, const ReportRequest& request, const std::string& actor, Timestamp at);

/// A move on an existing case.
struct Move {
  enum class Type { escalate, dispatch, whistle, resolve, close, rework, voided, reopen };
  Type type = Type::escalate;
  std::optional<Level> to;     ///< escalate: the level to go to (urgent categories may skip)
  std::string unit;            ///< dispatch: the unit to send it to
  std::string department;      ///< escalate/dispatch: the county department
  std::string worker;          ///< whistle: the on-call worker
  std::string note;            ///< the reason or result, recorded on the event
  long long duplicate_of = 0;  ///< void: the case this one duplicates
};

/// Applies `move` to case `id` as `actor` at time `at`; returns the case after it.
/// Unknown case, worker, unit or department: ErrorCode::not_found; refused by a rule:
/// ErrorCode::refused with the rule's name.
Case act(Store& store, long long id, const Move& move, const std::string& actor, Timestamp at);

/// The overdue sweep: the cases open past their deadline at `at`, and (when the policy sets
/// `auto_escalate`, and not `dry_run`) each escalated one level.
struct SweepReport {
  std::vector<Case> overdue;
  bool escalating = false;                                 ///< the policy's auto_escalate
  std::vector<std::pair<long long, std::string>> moved;    ///< case id, what happened
  std::vector<std::pair<long long, std::string>> skipped;  ///< case id, the rule that refused
};
SweepReport sweep_overdue(Store& store, const std::string& actor, Timestamp at, bool dry_run);

/// A case on a meeting's agenda and why it is there.
struct AgendaItem {
  Case c;
  std::vector<std::string> reasons;  ///< e.g. "at_zone", "escalated", "overdue"
};

/// Rule 11: the agenda of a zone's daily meeting, a town's weekly joint meeting, or the county's
/// meeting (`unit` empty), as of time `at`.
std::vector<AgendaItem> agenda(Store& store, Level meeting, const std::string& unit, Timestamp at);

/// Options of a bulk case import.
struct CaseImportOptions {
  bool dry_run = false;
  std::size_t batch_size = 0;  ///< 0: one transaction; N: commit every N rows, each all-or-nothing
  std::function<void(long long rows)> progress;  ///< called every 1,000 rows
};

struct CaseImportReport {
  long long rows = 0;
  long long added = 0;
  long long present = 0;    ///< already in the database by (source, ext_id)
  long long committed = 0;  ///< with batches: rows added by batches committed before an error
};

/// Imports the rows of a cases file: each new (source, ext_id) becomes a case with the history
/// its columns imply (see `migrate`); one already present is counted and skipped, so a second
/// import of the same export adds nothing. A row with an unknown grid, category or reporter, a
/// bad time or a history a rule refuses is a diagnostic; any diagnostic means nothing is written
/// (with batches: nothing of the failing batch) and throws ErrorCode::input. `report` is kept
/// up to date, so it tells what was committed even when this throws.
void import_cases(Store& store, CaseRows& rows, const CaseImportOptions& options,
                  Diagnostics& diagnostics, CaseImportReport& report);

}  // namespace gridgov
