#pragma once
// Use cases of the closed loop: each loads what the rules need, asks them for a decision
// (`decide`, rules.hpp), and records it — the events and the case row together — in one
// transaction of the session's store.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gridgov/case.hpp"
#include "gridgov/migration.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/rules.hpp"
#include "gridgov/session.hpp"
#include "gridgov/store.hpp"

namespace gridgov {

/// The actor named by `code`: `admin`, or an active worker (else ErrorCode::not_found; a retired
/// worker is refused, an empty code is a usage error naming the field `actor`).
[[nodiscard]] Actor find_actor(Store& store, const std::string& code);

/// What `gridctl log` reports.
struct ReportRequest {
  Kind kind = Kind::problem;
  Source source = Source::patrol;
  std::string category;
  std::string service;  ///< kind service: a policy service, by its code or its name
  std::string title;
  std::string description;
  std::string grid;  ///< may be empty when `location` is given: the grid is found from it
  std::string ext_id;
  /// Where it happened (WGS-84). With boundaries loaded, its grid is found from it (without
  /// `grid`) or must be `grid`; a point in no grid is refused (ErrorCode::input).
  std::optional<LonLat> location;
};

/// Logs a new case (rules 1 and 5) and returns it. A (source, ext_id) already taken is refused.
Case log_case(Session& session, const ReportRequest& request, const std::string& actor,
              Timestamp at);

/// Applies `move` (rules.hpp) to case `id` as `actor` at time `at`; returns the case after it.
/// Unknown case, worker, unit or department: ErrorCode::not_found; refused by a rule:
/// ErrorCode::refused, the Error naming the rule and the field.
///
/// **Example**: `act(session, 12, Move{.type = EventType::resolve, .note = "fixed"}, "g1", now)`.
Case act(Session& session, long long id, const Move& move, const std::string& actor, Timestamp at);

/// The overdue sweep: the cases open past their stage deadline at `at`, and (when the policy sets
/// `auto_escalate`, and not `dry_run`) each escalated one level.
struct SweepReport {
  std::vector<Case> stage_overdue;
  bool escalating = false;                                 ///< the policy's auto_escalate
  std::vector<std::pair<long long, std::string>> moved;    ///< case id, what happened
  std::vector<std::pair<long long, std::string>> skipped;  ///< case id, the rule that refused
};
SweepReport sweep_overdue(Session& session, const std::string& actor, Timestamp at, bool dry_run);

/// A case on a meeting's agenda and why it is there.
struct AgendaItem {
  Case c;
  std::vector<std::string> reasons;  ///< e.g. "at_zone", "escalated", "overdue"
};

/// Rule 11: the agenda of a zone's daily meeting, a town's weekly joint meeting, or the county's
/// meeting (`unit` empty), as of time `at`.
std::vector<AgendaItem> agenda(Session& session, Level meeting, const std::string& unit,
                               Timestamp at);

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
void import_cases(Session& session, CaseRows& rows, const CaseImportOptions& options,
                  Diagnostics& diagnostics, CaseImportReport& report);

}  // namespace gridgov
