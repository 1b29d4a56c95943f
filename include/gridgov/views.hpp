#pragma once
// The views: what gridctl (and any other program) shows of cases, events, statistics, workers
// and the database's counts, as Tables and Records (table.hpp) whose columns are described here
// once. Render them with render.hpp.

#include <chrono>
#include <string>
#include <vector>

#include "gridgov/assessment.hpp"
#include "gridgov/attendance.hpp"
#include "gridgov/audit.hpp"
#include "gridgov/case.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/party.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/render.hpp"
#include "gridgov/seal.hpp"
#include "gridgov/service.hpp"
#include "gridgov/stats.hpp"
#include "gridgov/store.hpp"
#include "gridgov/subsidies.hpp"
#include "gridgov/table.hpp"
#include "gridgov/time.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

/// What a view needs besides the data: the timezone times are shown in, and "now" (a case's
/// `overdue` is judged then).
struct ViewContext {
  std::chrono::minutes utc_offset{8 * 60};
  Timestamp now{};
};

/// Which of a case's fields a table shows.
enum class CaseColumns {
  brief,   ///< the few a person scans: id, status, level, unit, … overdue, rework
  scalar,  ///< every field but lists (csv)
  all,     ///< every field, `whistled` included (json)
};

/// Cases, one row each. **Example**: `render(out, case_table(cases, ctx), {})`.
[[nodiscard]] Table case_table(const std::vector<Case>& cases, const ViewContext& ctx,
                               CaseColumns which = CaseColumns::all);
/// One case as `case show` gives it; with `events`, its history as the nested `events` table.
[[nodiscard]] Record case_record(const Case& c, const ViewContext& ctx,
                                 const std::vector<Event>* events = nullptr);
/// A case's events, oldest first (the `events` of `case show` and of a cases file).
[[nodiscard]] Table event_table(const std::vector<Event>& events, const ViewContext& ctx);

/// Rule 11's agenda: the cases with the reasons they are on it (`agenda`, a list).
[[nodiscard]] Table agenda_table(const std::vector<AgendaItem>& items, const ViewContext& ctx,
                                 CaseColumns which = CaseColumns::all);
/// The overdue sweep: the overdue cases, with what happened to each (`action`).
[[nodiscard]] Table sweep_table(const SweepReport& report, const ViewContext& ctx,
                                CaseColumns which = CaseColumns::all);

/// The supervision list (重点督查, rule 15): its cases; for people and CSV, with the order's time
/// and whether it is overdue as the columns `order_by` and `order_overdue`.
[[nodiscard]] Table supervise_table(const std::vector<Case>& cases, const ViewContext& ctx,
                                    CaseColumns which = CaseColumns::all);

/// The columns of `export events` and one row: the event with its case's report and its link in
/// the county's chain (enough to check the row's hash alone: `verify_events_file`).
[[nodiscard]] std::vector<Column> event_export_columns();
[[nodiscard]] std::vector<Cell> event_export_row(const Case& c, const Event& e, const Link& link,
                                                 const ViewContext& ctx);

/// Statistics rows (docs/design.md §7): `group`, `name`, then every field of k_stat_fields. A
/// rate without a denominator (no problems, no grid-days) is null, not 0%: people see it blank.
/// In json/ndjson (`format`), `resolution_rate` and `on_time_rate` (over the same problems) are 0
/// then, as docs/design.md §7 promises.
[[nodiscard]] Table stats_table(const std::vector<StatsRow>& rows, Format format = Format::table);
/// The daily quota per grid, with the town each lies in.
[[nodiscard]] Table quota_table(const std::vector<QuotaRow>& rows);

/// A month's attendance (docs/design.md §12): per worker `worker, name, unit, workdays,
/// days_present, patrol_days, grids_covered, attendance_rate, out_of_scope`; by town `group,
/// name` and the same figures. A rate without working days is 0 in json, blank elsewhere.
[[nodiscard]] Table attendance_table(const std::vector<AttendanceRow>& rows, AttendanceGrouping by,
                                     Format format = Format::table);
/// An assessment: `group, name, score, rank, policy_version`, then in json `indicators` (an array
/// of `{field, value, weight, points}`), elsewhere `FIELD_value, FIELD_points` per indicator.
/// Scores and points are rounded to cents.
[[nodiscard]] Table assessment_table(const std::vector<AssessmentRow>& rows,
                                     Format format = Format::table);
/// What `import attendance` did, per file: `kind, file, added, present, rejected`.
[[nodiscard]] Table attendance_import_table(
    const std::vector<std::pair<std::string, AttendanceImportReport>>& files);
/// A subsidy statement: `worker, name, deployment, department, days, amount` (yuan, two
/// decimals, as text so that no format rounds it).
[[nodiscard]] Table subsidy_table(const std::vector<SubsidyRow>& rows);

/// `status` for people: one (group, key, count) row per count.
[[nodiscard]] Table status_table(const Counts& counts);
/// `status` as one object of three: units by level, workers by tier, cases by status.
[[nodiscard]] Record status_record(const Counts& counts);

/// What `audit verify` checked (docs/design.md §15): `events`, `cases`, `first_event`,
/// `last_event`, `head` (hex), and `chain_start` {`county`, `at` (local time at `utc_offset`),
/// `reason`, `events_before`}, null for a file.
[[nodiscard]] Record audit_record(const AuditReport& report, std::chrono::minutes utc_offset);
/// What `audit check-seal` checked: `county`, `month`, `head_event`, `towns`.
[[nodiscard]] Record seal_record(const SealCheck& check);

/// Workers, one row each (`retired` column when `with_retired`).
[[nodiscard]] Table worker_table(const std::vector<StoredWorker>& workers, bool with_retired);
/// One worker, with the names of the units it serves.
/// `retired_at` is shown in local time at `utc_offset` (null unless known).
[[nodiscard]] Record worker_record(const StoredWorker& worker, const UnitTree& tree,
                                   std::chrono::minutes utc_offset);

/// Units with their grids, households and population.
[[nodiscard]] Table unit_table(const std::vector<const Unit*>& units, const UnitTree& tree);
/// One unit: its place in the tree, the units below it, its size and its workers.
/// With `party`, also the organisation leading the unit: `party`, `party_name`, `party_kind`,
/// `secretary` and `secretary_name` (null when none); `workers` names the secretary.
[[nodiscard]] Record unit_record(const Unit& unit, const UnitTree& tree, long long workers,
                                 const PartyByUnit* party = nullptr,
                                 const std::vector<StoredWorker>* staff = nullptr);
/// The tree from `root`, `depth` levels down (-1: all): rows in drawing order with their depth,
/// or (`nested`) one row whose `children` nest.
/// With `party`, each unit also gives `party` and `party_name`, its organisation's.
[[nodiscard]] Table unit_tree_table(const UnitTree& tree, const Unit& root, int depth, bool nested,
                                    const PartyByUnit* party = nullptr);

/// What an import of layouts and workers changed: (kind, level or tier, added, updated,
/// unchanged, retired) rows.
[[nodiscard]] Table import_table(const ImportReport& report);
/// What an import of layouts and workers changes, one row per change (`import --dry-run`,
/// `--changes`, `workers retire`): kind (unit, worker), change (added, renamed, moved, changed,
/// restored, retired), level (or tier), code, name, and for a changed field: field, old, new.
[[nodiscard]] Table change_table(const std::vector<Change>& changes);
/// What a policy load changes (`policy load --dry-run`): setting, change, old, new.
[[nodiscard]] Table setting_change_table(const std::vector<SettingChange>& changes);

/// What imports of cases files did: (kind, file, added, present, rejected) rows.
[[nodiscard]] Table case_import_table(
    const std::vector<std::pair<std::string, CaseImportReport>>& files);

/// The policy in force as one object (`policy show --format json`): its settings, deadlines,
/// departments and categories, and the stored version it comes from.
[[nodiscard]] Record policy_record(const Policy& policy, const std::optional<StoredPolicy>& stored);
/// The policy's settings as field/value lines for people.
[[nodiscard]] Record policy_settings(const Policy& policy,
                                     const std::optional<StoredPolicy>& stored);
/// An indicator as `policy show` and `policy load --dry-run` show it:
/// `weight 25, target 0.95` (its field named beside it).
[[nodiscard]] std::string indicator_text(const Indicator& indicator);
/// `[subsidies]` as `policy show` shows it (`resident_monthly 3000.00, …`); none: empty.
[[nodiscard]] std::string subsidies_text(const std::optional<SubsidyRates>& subsidies);
[[nodiscard]] Table department_table(const Policy& policy);
/// The policy's department and category names by code, for `--lang zh` (render.hpp).
[[nodiscard]] Names policy_names(const Policy& policy);
/// Categories for people and csv: the department as `code name`; no own limit or deadline is
/// empty, as every absent value is (null in json, blank elsewhere).
[[nodiscard]] Table category_table(const Policy& policy);
/// The policy's services (`services list`, and `services` of `policy show --format json`): code,
/// name, level, department (the delegating one's code, or null) and its name.
[[nodiscard]] Table service_table(const Policy& policy);

}  // namespace gridgov
