#pragma once
// Storage behind interfaces in domain words (docs/design.md §8): `Store` for the transactional
// side of a command, `Reporting` for the read-only queries of statistics and exports, which a
// backend may answer with SQL aggregates. `open_store(url)` picks the backend by the URL's
// scheme; no storage engine type appears here.

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gridgov/audit.hpp"
#include "gridgov/case.hpp"
#include "gridgov/layout.hpp"
#include "gridgov/model.hpp"
#include "gridgov/outcome.hpp"
#include "gridgov/party.hpp"
#include "gridgov/time.hpp"
#include "gridgov/workers.hpp"

namespace gridgov {

/// One version of the policy as loaded: the TOML text is kept verbatim.
struct StoredPolicy {
  int version = 0;
  Timestamp loaded_at{};
  std::string source;  ///< the file it was loaded from, or "built-in"
  std::string text;
};

/// A grid's boundary as stored (docs/design.md §13.2): its geometry as GeoJSON text (a Polygon or
/// MultiPolygon, WGS-84 degrees) and its bounding box.
struct StoredBoundary {
  std::string grid;  ///< the grid's code
  std::string geometry;
  double min_lon = 0.0;
  double min_lat = 0.0;
  double max_lon = 0.0;
  double max_lat = 0.0;

  friend bool operator==(const StoredBoundary&, const StoredBoundary&) = default;
};

/// What `gridctl status` reports.
struct Counts {
  std::array<long long, 5> units{};    ///< active units, indexed by `index(Level)`
  std::array<long long, 3> workers{};  ///< active workers, indexed by Tier
  long long open = 0;
  long long resolved = 0;
  long long closed = 0;
  long long voided = 0;
};

/// How many cases have one category (see Store::category_use).
struct CategoryUse {
  long long cases = 0;
  long long unsettled = 0;  ///< open or resolved
};

/// Which cases to list; every field left empty matches all.
struct CaseFilter {
  std::optional<Status> status;
  std::optional<Level> level;
  std::string unit;  ///< cases whose grid lies within this unit (a town: its whole subtree)
  std::string department;
  std::string category;
  std::optional<Source> source;
  std::optional<Timestamp> overdue_at;  ///< only cases open, not suspended, past `due` at this time
  /// Only cases open, not suspended, past their stage `deadline` at this time.
  std::optional<Timestamp> stage_overdue_at;
  /// Only cases on the supervision list at this time: overdue, or under a supervision order and
  /// not closed or void (rule 15).
  std::optional<Timestamp> supervised_at;
  std::optional<Timestamp> reported_from;  ///< reported at or after
  std::optional<Timestamp> reported_to;    ///< reported before
};

/// A write transaction: rolled back when destroyed unless committed, so a command's writes live
/// and die together.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  virtual void commit() = 0;
};

/// A read snapshot (Store::begin_read): while it lives, the store's reads see the database as one
/// moment left it. Ending it writes nothing.
class ReadSnapshot {
 public:
  virtual ~ReadSnapshot() = default;
};

/// Why a patrol report counts for its grid's daily quota or not (rule 12).
enum class QuotaVerdict { valid, voided, by_admin, late_record, not_grid_worker };

/// Rule 12's verdict on a patrol report, each store's one reading of it: a void report, one by
/// `admin`, a late record (rule 16) and one by someone not a grid-tier worker serving its grid do
/// not count, and are told apart in that order.
[[nodiscard]] constexpr QuotaVerdict quota_verdict(bool voided, bool by_admin, bool late_record,
                                                   bool grid_worker_serving) noexcept {
  if (voided) return QuotaVerdict::voided;
  if (by_admin) return QuotaVerdict::by_admin;
  if (late_record) return QuotaVerdict::late_record;
  if (!grid_worker_serving) return QuotaVerdict::not_grid_worker;
  return QuotaVerdict::valid;
}

/// The patrol reports of one grid over a period, for the daily quota (rule 12). A valid report is
/// made on patrol by a grid-tier worker serving that grid and is not void.
struct GridQuota {
  long long days_met = 0;         ///< local days with at least the policy's valid reports
  long long valid = 0;            ///< reports that count
  long long by_admin = 0;         ///< reported by `admin`
  long long voided = 0;           ///< void
  long long late_records = 0;     ///< recorded later than the policy's backfill (rule 16)
  long long not_grid_worker = 0;  ///< reported by someone not a grid worker of that grid

  /// Counts one report of this verdict (days_met is the caller's: it needs the days).
  constexpr void add(QuotaVerdict why) noexcept {
    switch (why) {
      case QuotaVerdict::valid:
        ++valid;
        break;
      case QuotaVerdict::voided:
        ++voided;
        break;
      case QuotaVerdict::by_admin:
        ++by_admin;
        break;
      case QuotaVerdict::late_record:
        ++late_records;
        break;
      case QuotaVerdict::not_grid_worker:
        ++not_grid_worker;
        break;
    }
  }

  friend bool operator==(const GridQuota&, const GridQuota&) = default;
};

/// What a statistics query groups by, as stored: a case's grid, its department (for a case the
/// last one that held it, for an event its own), its category, or its source.
enum class StatsKey { grid, department, category, source, service };

/// The read-only queries of reports: statistics, quota and the streams of exports. Each streams
/// or aggregates, so memory stays flat however many cases there are.
class Reporting {
 public:
  virtual ~Reporting() = default;

  /// Streams the cases reported in [from, to), by id, each with its events (oldest first) that
  /// happened before `until`. Memory stays flat: one case at a time.
  virtual void for_each_case(
      Timestamp from, Timestamp to, Timestamp until,
      const std::function<void(const Case&, const std::vector<Event>&)>& visit) = 0;
  /// Streams the cases reported in [from, to) that are not settled before `end` (an event counts
  /// at or after it), by id, each with its events that happened before `end`: the cases a
  /// report replays through `outcome`.
  virtual void for_each_unsettled_case(
      Timestamp from, Timestamp to, Timestamp end,
      const std::function<void(const Case&, const std::vector<Event>&)>& visit) = 0;
  /// Per group (the values of `keys`, in their order), the tally of the cases reported in
  /// [from, to) that are settled before `end`, each counted as `outcome_at` counts it, from the
  /// stored projection (docs/design.md §7).
  virtual void settled_tallies(
      Timestamp from, Timestamp to, Timestamp end, const std::vector<StatsKey>& keys,
      const std::function<void(const std::vector<std::string>&, const Tally&)>& visit) = 0;
  /// Says that settled_tallies(from, to, end, keys) will be asked for later in the read snapshot
  /// open now, so that a store able to may work it out beside the reads in between: PostgreSQL
  /// runs it on a second connection sharing the snapshot (docs/design.md §14). The tallies asked
  /// for are the same either way. Outside a read snapshot, inside a write, or in SQLite, this
  /// does nothing.
  virtual void expect_settled_tallies(Timestamp /*from*/, Timestamp /*to*/, Timestamp /*end*/,
                                      const std::vector<StatsKey>& /*keys*/) {}
  /// Per group, the tally of the events that happened in [from, to), each counted as
  /// `Tally::add(const Event&)` counts it: whistles, rework, supervision orders, admin's closes.
  virtual void event_tallies(
      Timestamp from, Timestamp to, const std::vector<StatsKey>& keys,
      const std::function<void(const std::vector<std::string>&, const Tally&)>& visit) = 0;
  /// Streams the events that happened in [from, to), oldest first, each with its case's header
  /// and its link in the county's chain (audit.hpp).
  virtual void for_each_event(
      Timestamp from, Timestamp to,
      const std::function<void(const Case&, const Event&, const Link&)>& visit) = 0;
  /// Streams the attendance records of [from, to), oldest first.
  virtual void for_each_attendance(Timestamp from, Timestamp to,
                                   const std::function<void(const AttendanceRecord&)>& visit) = 0;
  /// Streams the patrol reports of [from, to) that count as presence, as records of kind patrol
  /// (worker = the reporter): not void, and not late records (rule 16).
  virtual void for_each_patrol_report(
      Timestamp from, Timestamp to, const std::function<void(const AttendanceRecord&)>& visit) = 0;
  /// The earliest and latest `reported_at` of all cases; nullopt without cases.
  [[nodiscard]] virtual std::optional<std::pair<Timestamp, Timestamp>> reported_range() = 0;
  /// Per grid code, the patrol reports of [from, to) for the daily quota (rule 12): the local
  /// days (at `offset`) with at least `reports` valid reports, and the reports that count and
  /// those that do not, by why.
  [[nodiscard]] virtual std::map<std::string, GridQuota> quota(Timestamp from, Timestamp to,
                                                               std::chrono::minutes offset,
                                                               int reports) = 0;
  /// Per grid code, the valid patrol reports (as `quota` counts them, rule 12) on each local day
  /// (at `offset`) of [from, to): element i is the day beginning `from` + i days. Grids without a
  /// report are absent. The monthly report's heat map (docs/design.md §13).
  [[nodiscard]] virtual std::map<std::string, std::vector<long long>> quota_by_day(
      Timestamp from, Timestamp to, std::chrono::minutes offset) = 0;
};

/// The database of one county. A store belongs to one thread at a time; processes and threads
/// that share a database each open their own store (SQLite's locks keep them apart).
class Store {
 public:
  virtual ~Store() = default;

  /// Begins the command's write transaction (taking the write lock at once, so two writers
  /// never deadlock halfway). Throws ErrorCode::busy if the lock stays taken. Called while a
  /// transaction is open, it joins that one: only the outermost commit writes.
  [[nodiscard]] virtual std::unique_ptr<WriteTransaction> begin_write() = 0;
  /// Begins a read snapshot: until it is gone, every read sees the database as the first of them
  /// found it, whatever other processes commit meanwhile, so the several queries of one report
  /// agree (a case another process moves halfway is never counted both settled and not, and an
  /// audit never takes an event appended meanwhile for a tampered one). Called while a snapshot
  /// or a write transaction is open, it joins that one (and a write inside still joins the
  /// write transaction). No write may begin inside a snapshot opened outside any write: its view
  /// may be older than the database (ErrorCode::internal).
  [[nodiscard]] virtual std::unique_ptr<ReadSnapshot> begin_read() = 0;

  /// The county (root unit); nullopt in a database not yet initialised (in a PostgreSQL
  /// database, when the county chosen by OpenOptions::county has no units there yet).
  /// Throws ErrorCode::usage where the database holds several counties and none was chosen.
  [[nodiscard]] virtual std::optional<Unit> county() = 0;
  /// The codes of the counties the database holds, in code order (an SQLite file holds at most
  /// one; a PostgreSQL database, a province's). Never scoped to the chosen county.
  [[nodiscard]] virtual std::vector<std::string> counties() = 0;
  /// Every unit, retired ones included, parents before children.
  [[nodiscard]] virtual std::vector<StoredUnit> units() = 0;
  [[nodiscard]] virtual std::optional<StoredUnit> find_unit(std::string_view code) = 0;
  virtual void add_unit(const Unit& unit) = 0;
  /// Updates name, parent and sizes of an existing unit and makes it active again.
  virtual void update_unit(const Unit& unit) = 0;
  virtual void retire_unit(std::string_view code) = 0;
  /// Codes of active units that active workers serve or cases happened in.
  [[nodiscard]] virtual std::set<std::string, std::less<>> units_in_use() = 0;
  /// Codes of active units that cases happened in or are held by (--prune never retires them).
  [[nodiscard]] virtual std::set<std::string, std::less<>> units_with_cases() = 0;

  /// Every worker, retired ones included, in code order.
  [[nodiscard]] virtual std::vector<StoredWorker> workers() = 0;
  [[nodiscard]] virtual std::optional<StoredWorker> find_worker(std::string_view code) = 0;
  /// The codes of the workers who are party members (党员), retired ones included.
  [[nodiscard]] virtual std::set<std::string, std::less<>> party_members() = 0;
  /// The active workers who serve `unit` itself (not merely a unit above or below it), by code.
  [[nodiscard]] virtual std::vector<Worker> workers_of(std::string_view unit) = 0;
  /// Adds a worker or replaces one with the same code (and makes it active again).
  virtual void put_worker(const Worker& worker) = 0;
  /// Retires a worker as of `at` (nullopt: the time is not known).
  virtual void retire_worker(std::string_view code, std::optional<Timestamp> at) = 0;

  /// Records a worker's check-in or patrol point; false (nothing written) when that worker
  /// already has a record at that instant, so that importing a file twice adds nothing. The
  /// worker and the grid must exist.
  virtual bool add_attendance(const AttendanceRecord& record, Timestamp recorded_at) = 0;
  /// Streams every attendance record as stored, with the time it was recorded, in the order
  /// they were added (`gridctl migrate` copies them).
  virtual void for_each_stored_attendance(
      const std::function<void(const AttendanceRecord&, Timestamp recorded_at)>& visit) = 0;

  /// Every party organisation, retired ones included, parents before children (by kind, code).
  [[nodiscard]] virtual std::vector<StoredPartyOrg> party_orgs() = 0;
  /// Adds an organisation or replaces the one with its code (and makes it active again). Its
  /// unit, and its parent organisation when it has one, must exist.
  virtual void put_party_org(const PartyOrg& org) = 0;
  virtual void retire_party_org(std::string_view code) = 0;

  /// Every stored grid boundary, by grid code.
  [[nodiscard]] virtual std::vector<StoredBoundary> boundaries() = 0;
  /// The stored boundaries whose bounding box holds `lon`, `lat`, by grid code: the only ones
  /// that may hold the point.
  [[nodiscard]] virtual std::vector<StoredBoundary> boundaries_around(double lon, double lat) = 0;
  /// Whether any boundary is stored.
  [[nodiscard]] virtual bool has_boundaries() = 0;
  /// Stores a grid's boundary, replacing the one it had. The grid must exist.
  virtual void put_boundary(const StoredBoundary& boundary) = 0;

  /// The newest policy version, or nullopt before any was stored.
  [[nodiscard]] virtual std::optional<StoredPolicy> policy() = 0;
  /// Every policy version, oldest first.
  [[nodiscard]] virtual std::vector<StoredPolicy> policies() = 0;
  /// Stores a new policy version; returns its number.
  virtual int add_policy(const StoredPolicy& policy) = 0;

  [[nodiscard]] virtual Counts counts() = 0;
  /// Per category code, how many cases have it: all, and those still open or resolved (which a
  /// policy without the category would leave unable to move). One scan of the cases.
  [[nodiscard]] virtual std::map<std::string, CategoryUse, std::less<>> category_use() = 0;

  /// Stores a new case (header and state) and returns its id.
  virtual long long add_case(const Case& c) = 0;
  /// Writes a case's state (status, level, unit, department, deadline, rework).
  virtual void update_case(const Case& c) = 0;
  /// Appends an event of the case `c` (its row; the chain encodes its report) and returns its
  /// id, the county's next. The store links it into the county's chain (audit.hpp) in the same
  /// transaction, starting the chain (ChainStart "new") at the county's first event.
  virtual long long add_event(const Case& c, const Event& e) = 0;
  /// Appends an event keeping its id, which no event of the county has yet, and its hash (a
  /// copy of a county, after copy_chain_start: `export events` orders events of one second by
  /// id, and the chain's hashes stay those a seal signed).
  virtual void copy_event(const Event& e, const Digest& hash) = 0;
  /// Stores the chain's start entry of a county that has none (a copy of a county).
  virtual void copy_chain_start(const ChainStart& start) = 0;
  /// The county's chain start entry; nullopt before its first event.
  [[nodiscard]] virtual std::optional<ChainStart> chain_start() = 0;
  /// The event with the greatest id among those recorded before `recorded_before` (all, when
  /// nullopt), and its hash; nullopt when there is none.
  [[nodiscard]] virtual std::optional<std::pair<long long, Digest>> chain_head(
      std::optional<Timestamp> recorded_before) = 0;
  /// Streams the cases that have an event with id >= `from_event`, by id, each as its row
  /// stands, with all its events (oldest first) and their links. Memory stays flat.
  virtual void for_each_linked_case(long long from_event,
                                    const std::function<void(const Case&, const std::vector<Event>&,
                                                             const std::vector<Link>&)>& visit) = 0;
  /// Streams the events with id >= `from_event`, by id: the id, its case's id, whether that
  /// case's row is there, and its stored hash.
  virtual void for_each_link(
      long long from_event,
      const std::function<void(long long id, long long case_id, bool case_exists,
                               const Digest& hash)>& visit) = 0;
  /// Many cases follow in this write transaction (a bulk import). When the store holds no case
  /// yet, it may set aside the indexes that only reports read, and build them, sorted, in
  /// `end_bulk`, which the caller calls before committing. A rollback restores them anyway.
  /// A store may also refresh its query planner's statistics once the write has committed
  /// (PostgreSQL does when the write's loads at least doubled the county's cases).
  virtual void begin_bulk() = 0;
  virtual void end_bulk() = 0;
  [[nodiscard]] virtual std::optional<Case> find_case(long long id) = 0;
  /// The case with this (source, ext_id), if any.
  [[nodiscard]] virtual std::optional<long long> find_case_id(Source source,
                                                              std::string_view ext_id) = 0;
  /// A case's events, oldest first.
  [[nodiscard]] virtual std::vector<Event> events(long long case_id) = 0;
  /// Events of `type` that happened in [from, to), oldest first.
  [[nodiscard]] virtual std::vector<Event> events_between(EventType type, Timestamp from,
                                                          Timestamp to) = 0;
  /// Cases matching `filter`, by id.
  [[nodiscard]] virtual std::vector<Case> cases(const CaseFilter& filter) = 0;

  /// The read-only queries of statistics and exports, on the same database.
  [[nodiscard]] virtual Reporting& reporting() = 0;

  /// The newest stored policy's version; 0 before any was stored. Cheap: a session asks it at
  /// every write to notice a policy another process loaded.
  [[nodiscard]] virtual int policy_version() = 0;
  /// The schema version this database has now (after any migration on open).
  [[nodiscard]] virtual int schema_version() = 0;
};

/// How to open a database.
struct OpenOptions {
  bool create = false;  ///< create the database when missing (else ErrorCode::not_found)
  bool read_only = false;
  /// With `create`: a new database appears at its place only when its first write transaction
  /// commits, so a command that fails or writes nothing leaves none behind (and never removes
  /// one another process made meanwhile).
  bool on_commit = false;
  /// The most work one statement may do, in SQLite virtual-machine steps (0: no bound). A
  /// statement needing more is stopped with ErrorCode::unusable: only a database changed
  /// outside gridgov (a loop in its data) makes one run that long. The heaviest statements over
  /// a million cases (an export's stream, `stats summary`) take some 2×10⁸ steps; the default
  /// is fifty times that, a minute or two of work.
  std::int64_t max_statement_steps = 10'000'000'000;
  /// The county to work on (its code). PostgreSQL: every statement is scoped to it; empty
  /// chooses the database's only county, or in one holding none yet the county that the first
  /// county-level unit added names (`init`); a county not in the database yet is one `init`
  /// may add. SQLite (one county per file): without `create`, a file of another county is
  /// ErrorCode::not_found.
  std::string county{};
};

/// Opens (and, if needed, migrates) the database at `url`: a file path, `sqlite:PATH` or
/// `:memory:` opens SQLite; `postgresql://…` or `postgres://…` (a libpq connection URI) opens
/// PostgreSQL (docs/design.md §14), which is ErrorCode::unusable when the server cannot be
/// reached, refuses the credentials, or holds another application's tables (the message names
/// host and database, never the password). Any other scheme is ErrorCode::usage.
/// Throws ErrorCode::not_found when it is missing, ErrorCode::unusable when it is not a gridgov
/// database, is corrupt or unwritable, or comes from a newer gridgov (never altered then), or
/// when its schema holds anything gridgov did not create (a trigger, a view, another table or
/// index, or one of gridgov's changed): a database file is data, and none of its SQL runs.
/// A file this process cannot write (or whose directory it cannot write, so that SQLite cannot
/// make its `-wal` and `-shm` files) is opened read-only: reading works, and a write or a
/// needed schema upgrade is ErrorCode::unusable.
///
/// **Example**: `auto store = gridgov::open_store("gridgov.db", {.create = true});`
[[nodiscard]] std::unique_ptr<Store> open_store(const std::string& url,
                                                const OpenOptions& options = {});

/// `url` as it may be shown to people and logs: a PostgreSQL URL without its password.
[[nodiscard]] std::string display_url(const std::string& url);

/// Whether a database exists at `url` (for a command that only checks against one if present).
[[nodiscard]] bool store_exists(const std::string& url);

}  // namespace gridgov
