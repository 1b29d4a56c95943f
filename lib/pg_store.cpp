// The Store over PostgreSQL (docs/design.md §14). One database holds many counties: every
// statement names the county it works on ($1 throughout). A write transaction first takes the
// county's advisory lock, so a county has one writer at a time (as SQLite's BEGIN IMMEDIATE
// gives a file) while other counties write on; waiting longer than lock_timeout is
// ErrorCode::busy. A bulk load collects its rows and sends them by COPY.

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "gridgov/policy.hpp"
#include "gridgov/store.hpp"
#include "gridgov/unit_tree.hpp"
#include "gridgov/version.hpp"
#include "pg_connection.hpp"
#include "pg_schema.hpp"
#include "pg_schema_check.hpp"
#include "quota_count.hpp"
#include "standing_sql.hpp"
#include "stores.hpp"

namespace gridgov {

namespace {

using detail::k_standing_bits;
using detail::PgParams;
using detail::PgRows;
using detail::QuotaCount;
using detail::standing_sql;
using Param = std::optional<std::string>;

/// Rows a streaming query fetches from its cursor at a time.
constexpr int k_fetch_rows = 20000;
/// A bulk load sends its rows when the cases collected reach this many.
constexpr std::size_t k_bulk_cases = 20000;
/// A write that bulk loaded at least this many cases more than its county held before is
/// followed by ANALYZE (docs/design.md §14): PostgreSQL's own threshold, 50 rows.
constexpr long long k_analyze_rows = 50;

int64_t seconds(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp timestamp(int64_t s) { return Timestamp(std::chrono::seconds(s)); }

Param text_or_null(const std::string& s) { return s.empty() ? Param() : Param(s); }
Param num(int64_t v) { return std::to_string(v); }
Param time_or_null(const std::optional<Timestamp>& t) { return t ? num(seconds(*t)) : Param(); }
Param flag(bool b) { return std::string(b ? "t" : "f"); }
Param real(double d) { return fmt::format("{}", d); }

Level level_of(std::string_view s) { return parse_level(s).value_or(Level::grid); }

/// Hashes a std::string and a std::string_view alike: a map keyed by strings then finds a
/// row's text without copying it.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

std::vector<std::string> split(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    auto end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The columns of the streaming queries: a case's header, an event.
constexpr std::string_view k_header_columns =
    "c.id, c.kind, c.source, coalesce(c.ext_id, ''), c.category, c.title, "
    "coalesce(c.description, ''), c.grid, c.reporter, c.reported_at, coalesce(c.service, ''), "
    "c.lon, c.lat";
constexpr int k_header_count = 13;
constexpr std::string_view k_event_columns =
    "e.id, e.case_id, e.type, e.at, e.recorded_at, e.actor, e.from_level, "
    "coalesce(e.from_unit, ''), coalesce(e.from_department, ''), e.level, coalesce(e.unit, ''), "
    "coalesce(e.department, ''), coalesce(e.worker, ''), e.deadline, coalesce(e.note, ''), "
    "e.due, e.extension, e.supervision_by, e.late_record";

/// The columns of `cases` in the order case_row gives them, and of `events` for event_row.
constexpr std::string_view k_case_table_columns =
    "county, id, kind, source, ext_id, category, title, description, grid, reporter, "
    "reported_at, service, lon, lat, status, level, unit, department, deadline, rework, due, "
    "suspended_since, last_counted_at, close_counted_at, escalated, referred, extended, "
    "stage_late, last_department, supervision_by, resolved_by";
constexpr std::string_view k_event_table_columns =
    "county, id, case_id, type, at, recorded_at, actor, from_level, from_unit, from_department, "
    "level, unit, department, worker, deadline, note, due, extension, supervision_by, "
    "late_record, hash";
constexpr int k_event_count = 19;

/// A case's state columns (from `status` on), as update_case writes them.
PgParams state_values(const Case& c) {
  const CaseFacts& f = c.facts;
  return {std::string(to_string(c.status)),
          std::string(to_string(c.level)),
          text_or_null(c.unit),
          text_or_null(c.department),
          time_or_null(c.deadline),
          num(c.rework),
          time_or_null(c.due),
          time_or_null(c.suspended_since),
          time_or_null(f.last_counted_at),
          time_or_null(f.close_counted_at),
          flag(f.escalated),
          flag(f.referred),
          flag(f.extended),
          flag(f.stage_late),
          text_or_null(f.last_department),
          time_or_null(c.supervision ? std::optional<Timestamp>(c.supervision->by) : std::nullopt),
          text_or_null(c.resolved_by)};
}

PgParams case_row(const std::string& county, long long id, const Case& c) {
  PgParams row = {county,
                  num(id),
                  std::string(to_string(c.kind)),
                  std::string(to_string(c.source)),
                  text_or_null(c.ext_id),
                  c.category,
                  c.title,
                  text_or_null(c.description),
                  c.grid,
                  c.reporter,
                  num(seconds(c.reported_at)),
                  text_or_null(c.service),
                  c.location ? real(c.location->lon) : Param(),
                  c.location ? real(c.location->lat) : Param()};
  for (auto& v : state_values(c)) row.push_back(std::move(v));
  return row;
}

/// A digest as bytea's hex input (and output) text.
std::string bytea(const Digest& d) { return "\\x" + to_hex(d); }
Digest digest_of(const PgRows& r, int i, int col) {
  if (r.null(i, col)) return {};
  const auto text = r.text(i, col);
  return digest_from_hex(text.size() > 2 ? text.substr(2) : text).value_or(Digest{});
}
Link read_link(const PgRows& r, int i, int first) {
  return {digest_of(r, i, first), digest_of(r, i, first + 1)};
}

// An event's link: the hash before it, which is not stored but read where it is (the event of
// the id before, or the start entry's for event 1: docs/design.md §15.2; none when that event is
// missing, which `audit verify` reports as a gap), then its own.
constexpr std::string_view k_link_columns =
    "CASE WHEN e.id = 1 THEN (SELECT s.hash FROM chain_start s WHERE s.county = e.county) "
    "ELSE p.hash END, e.hash";
constexpr std::string_view k_link_join =
    " LEFT JOIN events p ON p.county = e.county AND p.id = e.id - 1";

PgParams event_row(const std::string& county, long long id, const Event& e, const Digest& hash) {
  return {county,
          num(id),
          num(e.case_id),
          std::string(to_string(e.type)),
          num(seconds(e.at)),
          num(seconds(e.recorded_at)),
          e.actor,
          e.type == EventType::report ? Param() : Param(std::string(to_string(e.from_level))),
          text_or_null(e.from_unit),
          text_or_null(e.from_department),
          std::string(to_string(e.level)),
          text_or_null(e.unit),
          text_or_null(e.department),
          text_or_null(e.worker),
          time_or_null(e.deadline),
          text_or_null(e.note),
          time_or_null(e.due),
          e.extension ? Param(format_duration(*e.extension)) : Param(),
          time_or_null(e.supervision_by),
          flag(e.late_record),
          bytea(hash)};
}

/// "$first, $first+1, …" for `n` parameters.
std::string placeholders(int first, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += fmt::format("{}${}", i ? ", " : "", first + i);
  return out;
}

void append_copy_row(std::string& out, const PgParams& row) {
  for (std::size_t i = 0; i < row.size(); ++i) {
    const char end = i + 1 == row.size() ? '\n' : '\t';
    if (row[i])
      detail::copy_field(out, *row[i], end);
    else
      detail::copy_null(out, end);
  }
}

Case read_header(const PgRows& r, int i) {
  Case c;
  c.id = r.int64(i, 0);
  c.kind = parse_kind(r.text(i, 1)).value_or(Kind::problem);
  c.source = parse_source(r.text(i, 2)).value_or(Source::patrol);
  c.ext_id = r.str(i, 3);
  c.category = r.str(i, 4);
  c.title = r.str(i, 5);
  c.description = r.str(i, 6);
  c.grid = r.str(i, 7);
  c.reporter = r.str(i, 8);
  c.reported_at = timestamp(r.int64(i, 9));
  c.service = r.str(i, 10);
  if (!r.null(i, 11) && !r.null(i, 12)) c.location = LonLat{r.real(i, 11), r.real(i, 12)};
  return c;
}

Event read_event(const PgRows& r, int i, int first = 0) {
  auto col = [&](int k) { return first + k; };
  Event e;
  e.id = r.int64(i, col(0));
  e.case_id = r.int64(i, col(1));
  e.type = parse_event_type(r.text(i, col(2))).value_or(EventType::report);
  e.at = timestamp(r.int64(i, col(3)));
  e.recorded_at = timestamp(r.int64(i, col(4)));
  e.actor = r.str(i, col(5));
  e.from_level = r.null(i, col(6)) ? Level::grid : level_of(r.text(i, col(6)));
  e.from_unit = r.str(i, col(7));
  e.from_department = r.str(i, col(8));
  e.level = level_of(r.text(i, col(9)));
  e.unit = r.str(i, col(10));
  e.department = r.str(i, col(11));
  e.worker = r.str(i, col(12));
  if (!r.null(i, col(13))) e.deadline = timestamp(r.int64(i, col(13)));
  e.note = r.str(i, col(14));
  if (!r.null(i, col(15))) e.due = timestamp(r.int64(i, col(15)));
  if (!r.null(i, col(16))) e.extension = parse_duration(r.text(i, col(16)));
  if (!r.null(i, col(17))) e.supervision_by = timestamp(r.int64(i, col(17)));
  e.late_record = r.boolean(i, col(18));
  return e;
}

const std::string k_case_select =
    "SELECT " + std::string(k_header_columns) +
    ", c.status, c.level, coalesce(c.unit, ''), coalesce(c.department, ''), c.deadline, "
    "c.rework, (SELECT string_agg(worker, ';' ORDER BY id) FROM events WHERE county = c.county "
    "AND case_id = c.id AND type = 'whistle'), c.resolved_by, c.due, c.suspended_since, "
    "(SELECT string_agg(extension, ';' ORDER BY id) FROM events WHERE county = c.county AND "
    "case_id = c.id AND type = 'extend'), s.supervision_by, s.note, c.last_counted_at, "
    "c.close_counted_at, c.escalated, c.referred, c.extended, c.stage_late, "
    "coalesce(c.last_department, '') FROM cases c LEFT JOIN LATERAL (SELECT supervision_by, "
    "coalesce(note, '') AS note FROM events WHERE county = c.county AND case_id = c.id AND "
    "type = 'supervise' ORDER BY id DESC LIMIT 1) s ON true WHERE c.county = $1";

Case read_case(const PgRows& r, int i) {
  Case c = read_header(r, i);
  c.status = parse_status(r.text(i, 13)).value_or(Status::open);
  c.level = level_of(r.text(i, 14));
  c.unit = r.str(i, 15);
  c.department = r.str(i, 16);
  if (!r.null(i, 17)) c.deadline = timestamp(r.int64(i, 17));
  c.rework = static_cast<int>(r.int64(i, 18));
  if (!r.null(i, 19)) c.whistled = split(r.text(i, 19));
  if (!r.null(i, 20)) c.resolved_by = r.str(i, 20);
  if (!r.null(i, 21)) c.due = timestamp(r.int64(i, 21));
  if (!r.null(i, 22)) c.suspended_since = timestamp(r.int64(i, 22));
  if (!r.null(i, 23))
    for (const auto& d : split(r.text(i, 23)))
      if (auto parsed = parse_duration(d)) c.extensions.push_back(*parsed);
  if (!r.null(i, 24)) c.supervision = Supervision{timestamp(r.int64(i, 24)), r.str(i, 25)};
  CaseFacts& f = c.facts;
  if (!r.null(i, 26)) f.last_counted_at = timestamp(r.int64(i, 26));
  if (!r.null(i, 27)) f.close_counted_at = timestamp(r.int64(i, 27));
  f.escalated = r.boolean(i, 28);
  f.referred = r.boolean(i, 29);
  f.extended = r.boolean(i, 30);
  f.stage_late = r.boolean(i, 31);
  f.last_department = r.str(i, 32);
  return c;
}

const std::string k_unit_select =
    "SELECT code, name, level, coalesce(parent, ''), households, population, retired FROM units "
    "WHERE county = $1";

StoredUnit read_unit(const PgRows& r, int i) {
  StoredUnit s;
  s.unit.code = r.str(i, 0);
  s.unit.name = r.str(i, 1);
  s.unit.level = level_of(r.text(i, 2));
  s.unit.parent = r.str(i, 3);
  s.unit.households = r.opt_int64(i, 4);
  s.unit.population = r.opt_int64(i, 5);
  s.retired = r.boolean(i, 6);
  return s;
}

const std::string k_worker_select =
    "SELECT w.code, w.name, w.tier, w.deployment, coalesce(w.department, ''), "
    "coalesce(w.phone, ''), w.retired, (SELECT string_agg(unit, ';' ORDER BY position) FROM "
    "worker_units wu WHERE wu.county = w.county AND wu.worker = w.code), w.retired_at, "
    "w.party_member, coalesce(w.party_role, '') FROM workers w WHERE w.county = $1";

StoredWorker read_worker(const PgRows& r, int i) {
  StoredWorker s;
  Worker& w = s.worker;
  w.code = r.str(i, 0);
  w.name = r.str(i, 1);
  w.tier = parse_tier(r.text(i, 2)).value_or(Tier::grid);
  if (!r.null(i, 3)) w.deployment = parse_deployment(r.text(i, 3));
  w.department = r.str(i, 4);
  w.phone = r.str(i, 5);
  s.retired = r.boolean(i, 6);
  if (!r.null(i, 7)) w.units = split(r.text(i, 7));
  if (!r.null(i, 8)) s.retired_at = timestamp(r.int64(i, 8));
  if (!r.null(i, 9)) w.party_member = r.boolean(i, 9);
  w.party_role = r.str(i, 10);
  return s;
}

StoredBoundary read_boundary(const PgRows& r, int i) {
  return {r.str(i, 0), r.str(i, 1), r.real(i, 2), r.real(i, 3), r.real(i, 4), r.real(i, 5)};
}

class PgStore;

/// The session's settings, the same on each of a store's connections.
void configure(detail::PgConnection& db) {
  // Text is UTF-8 both ways; a database of another encoding could not hold Chinese names.
  // A cursor streams all its rows: planned for them all, not for the first tenth. No JIT:
  // a month's statistics over a province reach its cost threshold, and compiling them took
  // 177 ms of a 246 ms query that runs in 111 ms without it.
  db.exec(
      "SET lock_timeout = '5s'; SET client_encoding = 'UTF8'; SET cursor_tuple_fraction = 1; "
      "SET jit = off; "
      // Hashes read as hex and doubles as their exact shortest text, whatever the database's
      // or role's settings: the chain recomputes from what is read (docs/design.md §15).
      "SET bytea_output = 'hex'; SET extra_float_digits = 3");
}

/// The outermost write transaction of a command; nested ones join it (as SQLite's do).
class PgTransaction final : public WriteTransaction {
 public:
  PgTransaction(PgStore& store, int& depth);
  ~PgTransaction() override;
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void commit() override;

 private:
  PgStore* m_store;
  int* m_depth;
  bool m_outermost;
  bool m_done = false;
};

class PgStore final : public Store, public Reporting {
 public:
  PgStore(const std::string& url, const OpenOptions& options)
      : m_db(url), m_url(url), m_read_only(options.read_only) {
    configure(m_db);
    if (auto enc = m_db.query("SELECT current_setting('server_encoding')");
        enc.text(0, 0) != "UTF8")
      throw Error(ErrorCode::unusable, "PostgreSQL " + m_db.name() +
                                           " is unusable: its encoding is " + enc.str(0, 0) +
                                           ", not UTF8 (create it with ENCODING 'UTF8')");
    open_schema(options.create, options.on_commit);
    choose_county(options.county, options.create);
  }

  // The transaction's steps, for PgTransaction.
  void begin_outermost() {
    m_bulk_before.reset();
    m_bulk_added = 0;
    m_next_case.reset();
    m_next_event.reset();
    m_head.reset();
    m_next_attendance.reset();
    // A new schema's transaction is still open (see open_schema): the command's joins it.
    if (!m_schema_pending) m_db.exec("BEGIN");
    // One writer per county: the lock is held until the transaction ends.
    (void)m_db.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {m_county});
  }
  void commit_outermost() {
    flush();
    m_db.exec("COMMIT");
    m_schema_pending = false;
    if (m_bulk_before && m_bulk_added >= k_analyze_rows + *m_bulk_before) analyze();
  }
  void rollback_outermost() noexcept {
    m_cases_copy.clear();
    m_events_copy.clear();
    m_db.drop_ahead();  // rows still being sent go with the rest
    m_bulk = false;
    m_schema_pending = false;  // a new schema goes with the rest
    try {
      m_db.exec("ROLLBACK");
    } catch (const Error&) {  // the connection is lost: the server rolls back anyway
    }
  }

  std::unique_ptr<WriteTransaction> begin_write() override {
    if (m_read_depth > 0)
      throw Error(ErrorCode::internal,
                  "a write began inside a read snapshot of PostgreSQL " + m_db.name());
    if (m_read_only)
      throw Error(ErrorCode::unusable, "PostgreSQL " + m_db.name() +
                                           " was opened read-only; this command writes, and "
                                           "wrote nothing");
    if (m_depth == 0) (void)scope();
    return std::make_unique<PgTransaction>(*this, m_depth);
  }

  std::unique_ptr<ReadSnapshot> begin_read() override {
    // Inside a write transaction (or a new schema's), the reads already share its view, and a
    // nested write still joins it; inside another snapshot, this one is that one.
    // REPEATABLE READ takes the snapshot at the first statement and keeps it.
    if (m_depth > 0 || m_schema_pending) return std::make_unique<detail::EndingSnapshot>([] {});
    const bool outermost = m_read_depth == 0;
    if (outermost) {
      flush();
      m_db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
    ++m_read_depth;
    return std::make_unique<detail::EndingSnapshot>([this, outermost] {
      --m_read_depth;
      if (!outermost) return;
      end_beside();
      try {
        m_db.exec("COMMIT");    // it read only: nothing to keep or to lose
      } catch (const Error&) {  // the connection is lost: the server ends it anyway
      }
    });
  }

  Reporting& reporting() override { return *this; }

  int policy_version() override {
    return static_cast<int>(
        q("SELECT coalesce(max(version), 0) FROM policies WHERE county = $1").int64(0, 0));
  }

  int schema_version() override {
    return static_cast<int>(
        m_db.query("SELECT value::integer FROM gridgov_meta WHERE key = 'schema_version'")
            .int64(0, 0));
  }

  std::optional<Unit> county() override {
    if (scope().empty()) return std::nullopt;
    auto r = q(k_unit_select + " AND depth = 0 LIMIT 1");
    if (r.empty()) return std::nullopt;
    return read_unit(r, 0).unit;
  }

  std::vector<std::string> counties() override {
    flush();
    auto r = m_db.query("SELECT county FROM counties ORDER BY county COLLATE \"C\"");
    std::vector<std::string> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(r.str(i, 0));
    return out;
  }

  std::vector<StoredUnit> units() override {
    auto r = q(k_unit_select + " ORDER BY depth, code COLLATE \"C\"");
    std::vector<StoredUnit> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_unit(r, i));
    if (auto fault = unit_tree_fault(out))
      throw Error(ErrorCode::unusable, "PostgreSQL " + m_db.name() + " is unusable: " + *fault);
    return out;
  }

  std::optional<StoredUnit> find_unit(std::string_view code) override {
    auto r = q(k_unit_select + " AND code = $2", {std::string(code)});
    if (r.empty()) return std::nullopt;
    return read_unit(r, 0);
  }

  void add_unit(const Unit& u) override {
    if (u.level == Level::county && m_county.empty() && m_counties_held <= 1) m_county = u.code;
    if (u.level == Level::county)
      (void)q(
          "INSERT INTO counties (county, created_at) VALUES ($1, "
          "extract(epoch FROM now())::bigint) ON CONFLICT DO NOTHING");
    (void)q(
        "INSERT INTO units (county, code, name, level, depth, parent, households, "
        "population) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        unit_values(u));
  }

  void update_unit(const Unit& u) override {
    (void)q(
        "UPDATE units SET name = $3, level = $4, depth = $5, parent = $6, households = $7, "
        "population = $8, retired = false WHERE county = $1 AND code = $2",
        unit_values(u));
  }

  void retire_unit(std::string_view code) override {
    (void)q("UPDATE units SET retired = true WHERE county = $1 AND code = $2", {std::string(code)});
  }

  std::set<std::string, std::less<>> units_in_use() override {
    return code_set(
        q("SELECT u.code FROM units u WHERE u.county = $1 AND NOT u.retired AND (u.code IN "
          "(SELECT wu.unit FROM worker_units wu JOIN workers w ON w.county = wu.county AND "
          "w.code = wu.worker WHERE wu.county = $1 AND NOT w.retired) OR u.code IN "
          "(SELECT grid FROM cases WHERE county = $1) OR u.code IN (SELECT unit FROM cases WHERE "
          "county = $1 AND unit IS NOT NULL))"));
  }

  std::set<std::string, std::less<>> units_with_cases() override {
    return code_set(
        q("SELECT u.code FROM units u WHERE u.county = $1 AND NOT u.retired AND (u.code IN "
          "(SELECT grid FROM cases WHERE county = $1) OR u.code IN (SELECT unit FROM cases "
          "WHERE county = $1 AND unit IS NOT NULL))"));
  }

  std::map<std::string, CategoryUse, std::less<>> category_use() override {
    auto r =
        q("SELECT category, count(*), count(*) FILTER (WHERE status IN ('open', 'resolved')) "
          "FROM cases WHERE county = $1 GROUP BY category");
    std::map<std::string, CategoryUse, std::less<>> out;
    for (int i = 0; i < r.size(); ++i) out[r.str(i, 0)] = CategoryUse{r.int64(i, 1), r.int64(i, 2)};
    return out;
  }

  std::vector<StoredWorker> workers() override {
    auto r = q(k_worker_select + " ORDER BY w.code COLLATE \"C\"");
    std::vector<StoredWorker> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_worker(r, i));
    return out;
  }

  std::optional<StoredWorker> find_worker(std::string_view code) override {
    auto r = q(k_worker_select + " AND w.code = $2", {std::string(code)});
    if (r.empty()) return std::nullopt;
    return read_worker(r, 0);
  }

  std::set<std::string, std::less<>> party_members() override {
    return code_set(q("SELECT code FROM workers WHERE county = $1 AND party_member"));
  }

  std::vector<Worker> workers_of(std::string_view unit) override {
    auto r = q(k_worker_select +
                   " AND NOT w.retired AND w.code IN (SELECT worker FROM worker_units WHERE "
                   "county = $1 AND unit = $2) ORDER BY w.code COLLATE \"C\"",
               {std::string(unit)});
    std::vector<Worker> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_worker(r, i).worker);
    return out;
  }

  void put_worker(const Worker& w) override {
    (void)q(
        "INSERT INTO workers (county, code, name, tier, deployment, department, phone, "
        "retired, retired_at, party_member, party_role) VALUES ($1, $2, $3, $4, $5, $6, $7, "
        "false, NULL, $8, $9) ON CONFLICT (county, code) DO UPDATE SET name = $3, tier = $4, "
        "deployment = $5, department = $6, phone = $7, retired = false, retired_at = NULL, "
        "party_member = $8, party_role = $9",
        {w.code, w.name, std::string(to_string(w.tier)),
         w.deployment ? Param(std::string(to_string(*w.deployment))) : Param(),
         text_or_null(w.department), text_or_null(w.phone),
         w.party_member ? flag(*w.party_member) : Param(), text_or_null(w.party_role)});
    (void)q("DELETE FROM worker_units WHERE county = $1 AND worker = $2", {w.code});
    for (std::size_t i = 0; i < w.units.size(); ++i)
      (void)q("INSERT INTO worker_units (county, worker, position, unit) VALUES ($1, $2, $3, $4)",
              {w.code, num(static_cast<int64_t>(i)), w.units[i]});
  }

  void retire_worker(std::string_view code, std::optional<Timestamp> at) override {
    (void)q("UPDATE workers SET retired = true, retired_at = $3 WHERE county = $1 AND code = $2",
            {std::string(code), time_or_null(at)});
  }

  bool add_attendance(const AttendanceRecord& r, Timestamp recorded_at) override {
    const long long id = next_id(m_next_attendance, "attendance");
    const bool added =
        q("INSERT INTO attendance (county, id, worker, at, grid, kind, recorded_at) VALUES ($1, "
          "$2, $3, $4, $5, $6, $7) ON CONFLICT (county, worker, at) DO NOTHING",
          {num(id), r.worker, num(seconds(r.at)), r.grid, std::string(to_string(r.kind)),
           num(seconds(recorded_at))})
            .affected() > 0;
    if (added) ++*m_next_attendance;
    return added;
  }

  void for_each_stored_attendance(
      const std::function<void(const AttendanceRecord&, Timestamp)>& visit) override {
    stream(
        "SELECT worker, at, grid, kind, recorded_at FROM attendance WHERE county = $1 "
        "ORDER BY id",
        {scope()},
        [&](const PgRows& r, int i) { visit(attendance(r, i), timestamp(r.int64(i, 4))); });
  }

  std::vector<StoredPartyOrg> party_orgs() override {
    auto r =
        q("SELECT code, name, kind, unit, coalesce(parent, ''), coalesce(secretary, ''), retired "
          "FROM party_orgs WHERE county = $1");
    std::vector<StoredPartyOrg> out;
    for (int i = 0; i < r.size(); ++i) {
      StoredPartyOrg s;
      s.org.code = r.str(i, 0);
      s.org.name = r.str(i, 1);
      s.org.kind = parse_party_kind(r.text(i, 2)).value_or(PartyKind::town_committee);
      s.org.unit = r.str(i, 3);
      s.org.parent = r.str(i, 4);
      s.org.secretary = r.str(i, 5);
      s.retired = r.boolean(i, 6);
      out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const StoredPartyOrg& a, const StoredPartyOrg& b) {
      return a.org.kind != b.org.kind ? a.org.kind < b.org.kind : a.org.code < b.org.code;
    });
    return out;
  }

  void put_party_org(const PartyOrg& o) override {
    (void)q(
        "INSERT INTO party_orgs (county, code, name, kind, unit, parent, secretary, retired) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, false) ON CONFLICT (county, code) DO UPDATE SET "
        "name = $3, kind = $4, unit = $5, parent = $6, secretary = $7, retired = false",
        {o.code, o.name, std::string(to_string(o.kind)), o.unit, text_or_null(o.parent),
         text_or_null(o.secretary)});
  }

  void retire_party_org(std::string_view code) override {
    (void)q("UPDATE party_orgs SET retired = true WHERE county = $1 AND code = $2",
            {std::string(code)});
  }

  std::vector<StoredBoundary> boundaries() override {
    return boundary_list(
        q("SELECT grid, geometry, min_lon, min_lat, max_lon, max_lat FROM "
          "boundaries WHERE county = $1 ORDER BY grid COLLATE \"C\""));
  }

  std::vector<StoredBoundary> boundaries_around(double lon, double lat) override {
    return boundary_list(
        q("SELECT grid, geometry, min_lon, min_lat, max_lon, max_lat FROM boundaries WHERE "
          "county = $1 AND min_lon <= $2 AND max_lon >= $2 AND min_lat <= $3 AND max_lat >= $3 "
          "ORDER BY grid COLLATE \"C\"",
          {real(lon), real(lat)}));
  }

  bool has_boundaries() override {
    return q("SELECT EXISTS (SELECT 1 FROM boundaries WHERE county = $1)").boolean(0, 0);
  }

  void put_boundary(const StoredBoundary& b) override {
    if (q("SELECT 1 FROM units WHERE county = $1 AND code = $2", {b.grid}).empty())
      throw Error(ErrorCode::not_found, "unknown grid " + b.grid);
    (void)q(
        "INSERT INTO boundaries (county, grid, geometry, min_lon, min_lat, max_lon, max_lat) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (county, grid) DO UPDATE SET "
        "geometry = $3, min_lon = $4, min_lat = $5, max_lon = $6, max_lat = $7",
        {b.grid, b.geometry, real(b.min_lon), real(b.min_lat), real(b.max_lon), real(b.max_lat)});
  }

  std::optional<StoredPolicy> policy() override {
    auto r =
        q("SELECT version, loaded_at, source, text FROM policies WHERE county = $1 ORDER BY "
          "version DESC LIMIT 1");
    if (r.empty()) return std::nullopt;
    return read_policy(r, 0);
  }

  std::vector<StoredPolicy> policies() override {
    auto r =
        q("SELECT version, loaded_at, source, text FROM policies WHERE county = $1 ORDER BY "
          "version");
    std::vector<StoredPolicy> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_policy(r, i));
    return out;
  }

  int add_policy(const StoredPolicy& p) override {
    return static_cast<int>(
        q("INSERT INTO policies (county, version, loaded_at, source, text) SELECT $1, "
          "coalesce(max(version), 0) + 1, $2, $3, $4 FROM policies WHERE county = $1 "
          "RETURNING version",
          {num(p.loaded_at.time_since_epoch().count()), p.source, p.text})
            .int64(0, 0));
  }

  Counts counts() override {
    Counts c;
    auto units =
        q("SELECT depth, count(*) FROM units WHERE county = $1 AND NOT retired GROUP BY depth");
    for (int i = 0; i < units.size(); ++i)
      c.units[static_cast<std::size_t>(units.int64(i, 0))] = units.int64(i, 1);
    auto workers =
        q("SELECT tier, count(*) FROM workers WHERE county = $1 AND NOT retired GROUP BY tier");
    for (int i = 0; i < workers.size(); ++i)
      if (auto t = parse_tier(workers.text(i, 0)))
        c.workers[static_cast<std::size_t>(*t)] = workers.int64(i, 1);
    auto cases = q("SELECT status, count(*) FROM cases WHERE county = $1 GROUP BY status");
    for (int i = 0; i < cases.size(); ++i) {
      const auto status = cases.text(i, 0);
      const long long n = cases.int64(i, 1);
      if (status == "open") c.open = n;
      if (status == "resolved") c.resolved = n;
      if (status == "closed") c.closed = n;
      if (status == "void") c.voided = n;
    }
    return c;
  }

  long long add_case(const Case& c) override {
    const long long id = next_id(m_next_case, "cases");
    if (m_in_bulk) ++m_bulk_added;
    auto row = case_row(scope(), id, c);
    if (m_bulk) {
      append_copy_row(m_cases_copy, row);
      ++m_cases_collected;
      if (!c.ext_id.empty()) m_bulk_keys.insert(bulk_key(c.source, c.ext_id));
    } else {
      row.erase(row.begin());  // the county is $1
      (void)q("INSERT INTO cases (" + std::string(k_case_table_columns) + ") VALUES (" +
                  placeholders(1, static_cast<int>(row.size()) + 1) + ")",
              row);
    }
    ++*m_next_case;
    return id;
  }

  void update_case(const Case& c) override {
    auto values = state_values(c);
    values.insert(values.begin(), num(c.id));
    (void)q(
        "UPDATE cases SET (status, level, unit, department, deadline, rework, due, "
        "suspended_since, last_counted_at, close_counted_at, escalated, referred, extended, "
        "stage_late, last_department, supervision_by, resolved_by) = (" +
            placeholders(3, 17) + ") WHERE county = $1 AND id = $2",
        values);
  }

  long long add_event(const Case& c, const Event& e) override {
    const Digest prev = head_hash(e.recorded_at);
    const long long id = next_id(m_next_event, "events");
    const Link link = detail::link_as(prev, c, e, id);
    insert_event(e, id, link.hash);
    m_head = link.hash;
    return id;
  }

  void copy_event(const Event& e, const Digest& hash) override {
    const long long next = next_id(m_next_event, "events");
    m_next_event = std::max(next, e.id + 1) - 1;  // insert_event counts one on
    insert_event(e, e.id, hash);
    m_head.reset();
  }

  void copy_chain_start(const ChainStart& start) override { insert_chain_start(start); }

  std::optional<ChainStart> chain_start() override {
    auto r = q("SELECT at, reason, events_before, hash FROM chain_start WHERE county = $1");
    if (r.empty()) return std::nullopt;
    return ChainStart{m_county, timestamp(r.int64(0, 0)), r.str(0, 1), r.int64(0, 2),
                      digest_of(r, 0, 3)};
  }

  std::optional<std::pair<long long, Digest>> chain_head(
      std::optional<Timestamp> recorded_before) override {
    auto r = recorded_before
                 ? q("SELECT id, hash FROM events WHERE county = $1 AND recorded_at < $2 ORDER BY "
                     "id DESC LIMIT 1",
                     {num(seconds(*recorded_before))})
                 : q("SELECT id, hash FROM events WHERE county = $1 ORDER BY id DESC LIMIT 1");
    if (r.empty()) return std::nullopt;
    return std::pair{static_cast<long long>(r.int64(0, 0)), digest_of(r, 0, 1)};
  }

  void for_each_linked_case(long long from_event,
                            const std::function<void(const Case&, const std::vector<Event>&,
                                                     const std::vector<Link>&)>& visit) override {
    // The row's stored columns in read_case's places; those it derives from the events
    // (whistled, extensions, the order's note) left empty: the caller's replay gives them.
    constexpr int k_row = 33;
    Case row;
    std::vector<Event> events;
    std::vector<Link> links;
    stream("SELECT " + std::string(k_header_columns) +
               ", c.status, c.level, coalesce(c.unit, ''), coalesce(c.department, ''), "
               "c.deadline, c.rework, NULL, c.resolved_by, c.due, c.suspended_since, NULL, "
               "c.supervision_by, '', c.last_counted_at, c.close_counted_at, c.escalated, "
               "c.referred, c.extended, c.stage_late, coalesce(c.last_department, ''), " +
               std::string(k_event_columns) + ", " + std::string(k_link_columns) +
               " FROM cases c LEFT JOIN events e ON e.county = c.county AND e.case_id = c.id" +
               std::string(k_link_join) + " WHERE c.county = $1" +
               (from_event > 1 ? " AND c.id IN (SELECT case_id FROM events WHERE county = $1 "
                                 "AND id >= $2)"
                               : " AND $2::bigint IS NOT NULL") +
               " ORDER BY c.id, e.id",
           {scope(), num(from_event)}, [&](const PgRows& r, int i) {
             const long long id = r.int64(i, 0);
             if (id != row.id && row.id != 0) {
               visit(row, events, links);
               events.clear();
               links.clear();
             }
             if (id != row.id) row = read_case(r, i);
             if (r.null(i, k_row)) return;  // a case without events
             events.push_back(read_event(r, i, k_row));
             links.push_back(read_link(r, i, k_row + k_event_count));
           });
    if (row.id != 0) visit(row, events, links);
  }

  void for_each_link(
      long long from_event,
      const std::function<void(long long, long long, bool, const Digest&)>& visit) override {
    stream(
        "SELECT e.id, e.case_id, c.id IS NOT NULL, e.hash FROM events e LEFT JOIN cases c ON "
        "c.county = e.county AND c.id = e.case_id WHERE e.county = $1 AND e.id >= $2 ORDER BY "
        "e.id",
        {scope(), num(from_event)}, [&](const PgRows& r, int i) {
          visit(r.int64(i, 0), r.int64(i, 1), r.boolean(i, 2), digest_of(r, i, 3));
        });
  }

  /// The hash of the chain's last link as this transaction leaves it (read once per
  /// transaction), starting the chain, at `at`, when the county has no event yet.
  Digest head_hash(Timestamp at) {
    if (m_head) return *m_head;
    if (auto last = chain_head(std::nullopt)) {
      m_head = last->second;
    } else {
      auto start = chain_start();
      if (!start) {
        start = make_chain_start(scope(), at, "new", 0);
        insert_chain_start(*start);
      }
      m_head = start->hash;
    }
    return *m_head;
  }

  void insert_chain_start(const ChainStart& s) {
    (void)q(
        "INSERT INTO chain_start (county, at, reason, events_before, hash) VALUES ($1, $2, "
        "$3, $4, $5)",
        {num(seconds(s.at)), s.reason, num(s.events_before), bytea(s.hash)});
  }

  /// Inserts (or, in a bulk load, collects) an event with the id `id` and its hash.
  void insert_event(const Event& e, long long id, const Digest& hash) {
    auto row = event_row(scope(), id, e, hash);
    if (m_bulk) {
      append_copy_row(m_events_copy, row);
      if (m_cases_collected >= k_bulk_cases) flush();
    } else {
      row.erase(row.begin());
      (void)q("INSERT INTO events (" + std::string(k_event_table_columns) + ") VALUES (" +
                  placeholders(1, static_cast<int>(row.size()) + 1) + ")",
              row);
    }
    ++*m_next_event;
  }

  void begin_bulk() override {
    // Case ids count up from 1 in each county, and no case is ever deleted: the highest is
    // how many the county holds.
    const long long held =
        q("SELECT coalesce(max(id), 0) FROM cases WHERE county = $1").int64(0, 0);
    if (!m_bulk_before) m_bulk_before = held;
    // Collected only into a county without cases: then a case is in the database already
    // only if this load added it (see find_case_id).
    m_bulk = held == 0;
    m_in_bulk = true;
    m_bulk_keys.clear();
  }

  void end_bulk() override {
    flush();
    m_bulk = false;
    m_in_bulk = false;
    m_bulk_keys.clear();
  }

  std::optional<Case> find_case(long long id) override {
    auto r = q(k_case_select + " AND c.id = $2", {num(id)});
    if (r.empty()) return std::nullopt;
    return read_case(r, 0);
  }

  std::optional<long long> find_case_id(Source source, std::string_view ext_id) override {
    if (ext_id.empty()) return std::nullopt;
    // In a bulk load into an empty county, only a key this load added can be there.
    if (m_bulk && !m_bulk_keys.contains(bulk_key(source, ext_id))) return std::nullopt;
    auto r = q("SELECT id FROM cases WHERE county = $1 AND source = $2 AND ext_id = $3",
               {std::string(to_string(source)), std::string(ext_id)});
    if (r.empty()) return std::nullopt;
    return r.int64(0, 0);
  }

  std::vector<Event> events(long long case_id) override {
    return event_list(q(event_select() + " AND e.case_id = $2 ORDER BY e.id", {num(case_id)}));
  }

  std::vector<Event> events_between(EventType type, Timestamp from, Timestamp to) override {
    return event_list(
        q(event_select() + " AND e.type = $2 AND e.at >= $3 AND e.at < $4 ORDER BY e.id",
          {std::string(to_string(type)), num(seconds(from)), num(seconds(to))}));
  }

  std::vector<Case> cases(const CaseFilter& f) override {
    std::string sql = k_case_select;
    PgParams params{scope()};
    auto where = [&](const std::string& clause, Param value) {
      params.push_back(std::move(value));
      std::string c = clause;
      const std::string n = fmt::format("${}", params.size());
      for (auto at = c.find('?'); at != std::string::npos; at = c.find('?', at + n.size()))
        c.replace(at, 1, n);
      sql += " AND " + c;
    };
    if (f.status) where("c.status = ?", std::string(to_string(*f.status)));
    if (f.level) where("c.level = ?", std::string(to_string(*f.level)));
    if (!f.department.empty()) where("c.department = ?", f.department);
    if (!f.category.empty()) where("c.category = ?", f.category);
    if (f.source) where("c.source = ?", std::string(to_string(*f.source)));
    if (f.overdue_at)
      where("c.status = 'open' AND c.suspended_since IS NULL AND c.due < ?",
            num(seconds(*f.overdue_at)));
    if (f.stage_overdue_at)
      where("c.status = 'open' AND c.suspended_since IS NULL AND c.deadline < ?",
            num(seconds(*f.stage_overdue_at)));
    if (f.supervised_at)
      where(
          "((c.status = 'open' AND c.suspended_since IS NULL AND c.due < ?) OR (c.status IN "
          "('open', 'resolved') AND EXISTS (SELECT 1 FROM events WHERE county = c.county AND "
          "case_id = c.id AND type = 'supervise')))",
          num(seconds(*f.supervised_at)));
    if (f.reported_from) where("c.reported_at >= ?", num(seconds(*f.reported_from)));
    if (f.reported_to) where("c.reported_at < ?", num(seconds(*f.reported_to)));
    if (!f.unit.empty()) {
      check_subtree(f.unit);
      // At most four levels below a unit: a cycle of parents cannot make it endless.
      where(
          "c.grid IN (WITH RECURSIVE sub(code, below) AS (SELECT code, 0 FROM units WHERE "
          "county = $1 AND code = ? UNION ALL SELECT u.code, sub.below + 1 FROM units u JOIN "
          "sub ON u.county = $1 AND u.parent = sub.code WHERE sub.below < 4) SELECT code FROM "
          "sub)",
          f.unit);
    }
    sql += " ORDER BY c.id";
    std::vector<Case> out;
    stream(sql, params, [&](const PgRows& r, int i) { out.push_back(read_case(r, i)); });
    return out;
  }

  // Reporting

  void for_each_case(
      Timestamp from, Timestamp to, Timestamp until,
      const std::function<void(const Case&, const std::vector<Event>&)>& visit) override {
    stream_cases(from, to, until, "", visit);
  }

  void for_each_unsettled_case(
      Timestamp from, Timestamp to, Timestamp end,
      const std::function<void(const Case&, const std::vector<Event>&)>& visit) override {
    stream_cases(from, to, end, " AND c.last_counted_at >= $4", visit);
  }

  void expect_settled_tallies(Timestamp from, Timestamp to, Timestamp end,
                              const std::vector<StatsKey>& keys) override {
    // Only a read snapshot's view can be shared: a write's own rows are its connection's alone.
    if (m_read_depth == 0 || m_depth > 0 || m_schema_pending || m_beside_failed || m_settled_ahead)
      return;
    try {
      if (!m_beside) {
        m_beside = std::make_unique<detail::PgConnection>(m_url);
        configure(*m_beside);
        // Its query is the command's parallelism: workers of its own would contend with the
        // first connection's reads (on 2 cores, a month of the province: 0.94-0.98 the time).
        // And it groups in a hash table: the planner, blind to how few the standings are,
        // expects a group per case and sorts them all (a month of the province, serially:
        // 182 ms sorted, 125 ms hashed, medians of 7 alternating).
        m_beside->exec("SET max_parallel_workers_per_gather = 0; SET enable_sort = off");
      }
    } catch (const Error&) {  // (too many connections, say) the tallies are read inline later
      m_beside.reset();
      m_beside_failed = true;
      return;
    }
    // The snapshot's id is the server's own text (hex digits and dashes): safe to quote.
    const std::string id = m_db.query("SELECT pg_export_snapshot()").str(0, 0);
    m_beside_open = true;
    try {
      m_beside->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT '" +
                     id + "'");
    } catch (const Error&) {
      end_beside();
      m_beside_failed = true;
      return;
    }
    m_beside->query_ahead(settled_sql(keys),
                          {scope(), num(seconds(from)), num(seconds(to)), num(seconds(end))});
    m_settled_ahead = SettledAhead{from, to, end, keys};
  }

  void settled_tallies(
      Timestamp from, Timestamp to, Timestamp end, const std::vector<StatsKey>& keys,
      const std::function<void(const std::vector<std::string>&, const Tally&)>& visit) override {
    std::optional<PgRows> r;
    if (m_settled_ahead && *m_settled_ahead == SettledAhead{from, to, end, keys}) {
      m_settled_ahead.reset();
      r.emplace(m_beside->take_ahead());
      end_beside();
    } else {
      // Grouped rows are few: one plain query, not a cursor (which would be planned for its
      // first rows, walking an index in group order over the county's every case).
      r.emplace(q(settled_sql(keys), {num(seconds(from)), num(seconds(to)), num(seconds(end))}));
    }
    const int n = static_cast<int>(keys.size());
    std::map<std::vector<std::string>, Tally> tallies;
    for (int i = 0; i < r->size(); ++i) {
      std::vector<std::string> key;
      for (int k = 0; k < n; ++k) key.push_back(r->str(i, k));
      Standing s;
      s.status = parse_status(r->text(i, n)).value_or(Status::open);
      const int64_t set = r->int64(i, n + 1);
      for (std::size_t b = 0; b < std::size(k_standing_bits); ++b)
        s.*k_standing_bits[b].flag = (set >> b) & 1;
      for (std::size_t b = 0; b < std::size(k_member_bits); ++b)
        s.*k_member_bits[b].second = (set >> (std::size(k_standing_bits) + b)) & 1;
      Tally& t = tallies[key];
      t.add(outcome_of(s), r->int64(i, n + 2));
      if (r->null(i, n + 3)) continue;
      const auto list = r->text(i, n + 3);
      for (std::size_t start = 0; start <= list.size();) {
        auto comma = list.find(',', start);
        if (comma == std::string_view::npos) comma = list.size();
        int64_t secs = 0;
        std::from_chars(list.data() + start, list.data() + comma, secs);
        t.hours.push_back(static_cast<double>(secs) / 3600.0);
        start = comma + 1;
      }
    }
    for (const auto& [key, t] : tallies) visit(key, t);
  }

  void event_tallies(
      Timestamp from, Timestamp to, const std::vector<StatsKey>& keys,
      const std::function<void(const std::vector<std::string>&, const Tally&)>& visit) override {
    // Tally::add(const Event&) in SQL.
    const int n = static_cast<int>(keys.size());
    std::string sql = "SELECT ";
    for (StatsKey k : keys) sql += stats_key(k, "coalesce(e.department, '')", "c.grid") + ", ";
    sql +=
        "count(*) FILTER (WHERE e.type = 'whistle'), count(*) FILTER (WHERE "
        "e.type = 'rework'), count(*) FILTER (WHERE e.type = 'supervise'), "
        "count(*) FILTER (WHERE e.type = 'close' AND e.actor = 'admin') FROM "
        "events e JOIN cases c ON c.county = e.county AND c.id = e.case_id WHERE "
        "e.county = $1 AND e.at >= $2 AND e.at < $3 AND (e.type IN ('whistle', "
        "'rework', 'supervise') OR (e.type = 'close' AND e.actor = 'admin'))";
    for (int i = 1; i <= n; ++i) sql += fmt::format("{}{}", i > 1 ? ", " : " GROUP BY ", i);
    auto r = q(sql, {num(seconds(from)), num(seconds(to))});
    for (int i = 0; i < r.size(); ++i) {
      Tally t;
      t.whistles = r.int64(i, n);
      t.rework = r.int64(i, n + 1);
      t.supervised = r.int64(i, n + 2);
      t.verified_by_admin = r.int64(i, n + 3);
      std::vector<std::string> key;
      for (int k = 0; k < n; ++k) key.push_back(r.str(i, k));
      visit(key, t);
    }
  }

  void for_each_event(
      Timestamp from, Timestamp to,
      const std::function<void(const Case&, const Event&, const Link&)>& visit) override {
    stream("SELECT " + std::string(k_header_columns) + ", " + std::string(k_event_columns) + ", " +
               std::string(k_link_columns) +
               " FROM events e JOIN cases c ON c.county = e.county AND c.id = e.case_id" +
               std::string(k_link_join) +
               " WHERE e.county = $1 AND e.at >= $2 AND e.at < $3 ORDER BY e.at, e.id",
           {scope(), num(seconds(from)), num(seconds(to))}, [&](const PgRows& r, int i) {
             visit(read_header(r, i), read_event(r, i, k_header_count),
                   read_link(r, i, k_header_count + k_event_count));
           });
  }

  void for_each_attendance(Timestamp from, Timestamp to,
                           const std::function<void(const AttendanceRecord&)>& visit) override {
    stream(
        "SELECT worker, at, grid, kind FROM attendance WHERE county = $1 AND at >= $2 AND "
        "at < $3 ORDER BY at, id",
        {scope(), num(seconds(from)), num(seconds(to))},
        [&](const PgRows& r, int i) { visit(attendance(r, i)); });
  }

  void for_each_patrol_report(Timestamp from, Timestamp to,
                              const std::function<void(const AttendanceRecord&)>& visit) override {
    // The reports rule 12 also reads for the quota: patrol, not void, not a late record.
    AttendanceRecord a;
    a.kind = AttendanceKind::patrol;
    stream(
        "SELECT c.reporter, c.reported_at, c.grid FROM cases c WHERE c.county = $1 AND "
        "c.source = 'patrol' AND c.reported_at >= $2 AND c.reported_at < $3 AND c.status <> "
        "'void' AND NOT EXISTS (SELECT 1 FROM events WHERE county = c.county AND case_id = "
        "c.id AND late_record AND type = 'report') ORDER BY c.reported_at, c.id",
        {scope(), num(seconds(from)), num(seconds(to))}, [&](const PgRows& r, int i) {
          a.worker = r.str(i, 0);
          a.at = timestamp(r.int64(i, 1));
          a.grid = r.str(i, 2);
          visit(a);
        });
  }

  std::optional<std::pair<Timestamp, Timestamp>> reported_range() override {
    auto r = q("SELECT min(reported_at), max(reported_at) FROM cases WHERE county = $1");
    if (r.null(0, 0)) return std::nullopt;
    return std::pair{timestamp(r.int64(0, 0)), timestamp(r.int64(0, 1))};
  }

  std::map<std::string, GridQuota> quota(Timestamp from, Timestamp to, std::chrono::minutes offset,
                                         int reports) override {
    QuotaCount count;
    const auto grid_code = for_each_quota_report(
        from, to, offset,
        [&](int64_t grid, int64_t day, QuotaVerdict why) { count.add(grid, day, why); });
    std::map<std::string, GridQuota> out;
    for (const auto& [grid, g] : std::move(count).by_grid(reports))
      out[grid_code[static_cast<std::size_t>(grid)]] = g;
    return out;
  }

  std::map<std::string, std::vector<long long>> quota_by_day(Timestamp from, Timestamp to,
                                                             std::chrono::minutes offset) override {
    const int64_t shift = static_cast<int64_t>(offset.count()) * 60;
    const int64_t first = floor_div(seconds(from) + shift, 86400);
    const int64_t days =
        std::max<int64_t>(floor_div(seconds(to) + shift - 1, 86400) - first + 1, 0);
    std::unordered_map<int64_t, std::vector<long long>> by_grid;
    const auto grid_code =
        for_each_quota_report(from, to, offset, [&](int64_t grid, int64_t day, QuotaVerdict why) {
          if (why != QuotaVerdict::valid || day < first || day >= first + days) return;
          auto& v = by_grid[grid];
          if (v.empty()) v.assign(static_cast<std::size_t>(days), 0);
          ++v[static_cast<std::size_t>(day - first)];
        });
    std::map<std::string, std::vector<long long>> out;
    for (auto& [grid, v] : by_grid) out[grid_code[static_cast<std::size_t>(grid)]] = std::move(v);
    return out;
  }

  /// After a write whose bulk loads at least doubled its county's cases (a first load, say):
  /// ANALYZE, so that the planner knows how many rows the county has. One table holds every
  /// county, and autovacuum waits for a tenth of the table to change, which a county among
  /// many may never be; meanwhile a month's statistics of a freshly loaded 1M county took 17 s
  /// instead of 0.25 s. The write is committed: should this fail (another ANALYZE holding the
  /// table past lock_timeout), autovacuum is left to do it.
  void analyze() {
    try {
      m_db.exec("ANALYZE cases, events");
    } catch (const Error&) {
    }
  }

  /// Sends the rows a bulk load collected, on the connection's own thread: the load goes on
  /// collecting while the server stores them, and the connection's next call waits for them.
  void flush() {
    m_cases_collected = 0;
    std::vector<std::pair<std::string, std::string>> copies;
    if (!m_cases_copy.empty())
      copies.emplace_back("cases (" + std::string(k_case_table_columns) + ")",
                          std::exchange(m_cases_copy, {}));
    if (!m_events_copy.empty())
      copies.emplace_back("events (" + std::string(k_event_table_columns) + ")",
                          std::exchange(m_events_copy, {}));
    if (!copies.empty()) m_db.copy_in_ahead(std::move(copies));
  }

 private:
  /// The party figures' two bits, after the shared ones: the reporter is a member, the last
  /// resolve was recorded by one.
  static constexpr std::pair<const char*, bool Standing::*> k_member_bits[] = {
      {"coalesce(wr.party_member, false)", &Standing::reported_by_member},
      {"coalesce(wv.party_member, false)", &Standing::resolved_by_member}};

  /// settled_tallies' query ($1 county, $2 from, $3 to, $4 end): the server groups the period's
  /// settled cases by key and standing (docs/design.md §7), each group's count and its closed
  /// problems' seconds to close; the client makes each group its outcome, as `outcome_at` does.
  static std::string settled_sql(const std::vector<StatsKey>& keys) {
    // The standing as one integer (few groups, one short hash table or sort).
    std::vector<std::string> conditions;
    for (const auto& bit : k_standing_bits) conditions.push_back(standing_sql(bit, "$4"));
    for (const auto& [sql, flag] : k_member_bits) conditions.emplace_back(sql);
    std::string bits;
    for (std::size_t b = 0; b < conditions.size(); ++b)
      bits += fmt::format("{}(({})::integer << {})", b ? " | " : "", conditions[b], b);
    // Keys and status compared as bytes, which sorts them fastest.
    std::string columns;
    for (StatsKey k : keys)
      columns += stats_key(k, "coalesce(c.last_department, '')", "c.grid") + " COLLATE \"C\", ";
    std::string group_by;
    for (std::size_t i = 1; i <= keys.size() + 2; ++i)
      group_by += fmt::format("{}{}", i > 1 ? ", " : "", i);
    return "SELECT " + columns + "c.status COLLATE \"C\", " + bits +
           ", count(*), string_agg(CASE WHEN c.kind = 'problem' AND c.status = 'closed' THEN "
           "(c.close_counted_at - c.reported_at)::text END, ',') FROM cases c LEFT JOIN workers "
           "wr ON wr.county = c.county AND wr.code = c.reporter LEFT JOIN workers wv ON "
           "wv.county = c.county AND wv.code = c.resolved_by WHERE c.county = $1 AND "
           "c.reported_at >= $2 AND c.reported_at < $3 AND (c.last_counted_at IS NULL OR "
           "c.last_counted_at < $4) GROUP BY " +
           group_by;
  }

  /// Ends the transaction on the second connection, and the query it may still run.
  void end_beside() noexcept {
    m_settled_ahead.reset();
    if (!std::exchange(m_beside_open, false)) return;
    m_beside->drop_ahead();
    try {
      m_beside->exec("ROLLBACK");  // it read only
    } catch (const Error&) {       // the connection is lost: the server ends it anyway
    }
  }

  static int64_t floor_div(int64_t a, int64_t b) {
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
  }

  /// Each patrol report of [from, to) with its grid's number, its local day (days since the
  /// epoch at `offset`) and its verdict; returns the grid codes by number. Numbers, not codes,
  /// because a month has tens of thousands of reports and a code costs a string each.
  std::vector<std::string> for_each_quota_report(
      Timestamp from, Timestamp to, std::chrono::minutes offset,
      const std::function<void(int64_t, int64_t, QuotaVerdict)>& visit) {
    std::vector<std::string> grid_code;
    std::unordered_map<std::string, int64_t, TextHash, std::equal_to<>> grid_number;
    auto number_of = [&](std::string_view code) {
      auto it = grid_number.find(code);
      if (it == grid_number.end()) {
        it = grid_number.emplace(code, static_cast<int64_t>(grid_code.size())).first;
        grid_code.emplace_back(code);
      }
      return it->second;
    };
    // Who may report for a grid: the grid-tier workers serving it.
    std::unordered_map<std::string, std::vector<int64_t>, TextHash, std::equal_to<>> serving;
    auto workers =
        q("SELECT w.code, wu.unit FROM workers w JOIN worker_units wu ON wu.county = w.county "
          "AND wu.worker = w.code WHERE w.county = $1 AND w.tier = 'grid'");
    for (int i = 0; i < workers.size(); ++i)
      serving[workers.str(i, 0)].push_back(number_of(workers.text(i, 1)));
    stream(
        "SELECT c.grid, (c.reported_at + $2) / 86400, c.reporter, "
        "c.status = 'void', c.id IN (SELECT case_id FROM events WHERE county = $1 AND "
        "late_record AND type = 'report') FROM cases c WHERE c.county = $1 "
        "AND c.source = 'patrol' AND c.reported_at >= $3 AND c.reported_at < $4",
        {scope(), num(static_cast<int64_t>(offset.count()) * 60), num(seconds(from)),
         num(seconds(to))},
        [&](const PgRows& r, int i) {
          const int64_t grid = number_of(r.text(i, 0));
          const auto reporter = r.text(i, 2);
          const auto w = serving.find(reporter);
          visit(grid, r.int64(i, 1),
                quota_verdict(r.boolean(i, 3), reporter == k_admin_code, r.boolean(i, 4),
                              w != serving.end() && std::find(w->second.begin(), w->second.end(),
                                                              grid) != w->second.end()));
        });
    return grid_code;
  }

  void stream_cases(Timestamp from, Timestamp to, Timestamp until, const std::string& where,
                    const std::function<void(const Case&, const std::vector<Event>&)>& visit) {
    Case header;
    std::vector<Event> events;
    stream("SELECT " + std::string(k_header_columns) + ", " + std::string(k_event_columns) +
               " FROM cases c JOIN events e ON e.county = c.county AND e.case_id = c.id AND "
               "e.at < $4 WHERE c.county = $1 AND c.reported_at >= $2 AND c.reported_at < $3" +
               where + " ORDER BY c.id, e.id",
           {scope(), num(seconds(from)), num(seconds(to)), num(seconds(until))},
           [&](const PgRows& r, int i) {
             const long long id = r.int64(i, 0);
             if (id != header.id && header.id != 0) {
               visit(header, events);
               events.clear();
             }
             if (id != header.id) header = read_header(r, i);
             events.push_back(read_event(r, i, k_header_count));
           });
    if (header.id != 0) visit(header, events);
  }

  /// Runs a query through a server-side cursor, `k_fetch_rows` rows at a time, so that the
  /// client holds one batch however many rows there are.
  void stream(const std::string& sql, const PgParams& params,
              const std::function<void(const PgRows&, int)>& row) {
    flush();
    // A cursor lives in a transaction: the caller's (a snapshot, a write), or its own snapshot.
    const auto snapshot = begin_read();
    const std::string cursor = fmt::format("gridgov_{}", ++m_cursors);
    m_db.query_once("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + sql, params);
    const std::string fetch = fmt::format("FETCH {} FROM {}", k_fetch_rows, cursor);
    for (;;) {
      auto rows = m_db.query_once(fetch, {});
      for (int i = 0; i < rows.size(); ++i) row(rows, i);
      if (rows.size() < k_fetch_rows) break;
    }
    m_db.exec("CLOSE " + cursor);
  }

  /// Runs `sql` with the county as $1 and `params` after it.
  PgRows q(const std::string& sql, PgParams params = {}) {
    flush();
    params.insert(params.begin(), scope());
    return m_db.query(sql, params);
  }

  /// The county every statement works on; ErrorCode::usage where none was chosen among several.
  const std::string& scope() {
    if (m_county.empty() && m_counties_held > 1) {
      std::string list;
      for (const auto& c : counties()) list += (list.empty() ? "" : ", ") + c;
      throw Error(ErrorCode::usage, "PostgreSQL " + m_db.name() + " holds " +
                                        std::to_string(m_counties_held) + " counties (" + list +
                                        "); choose one with --county CODE");
    }
    return m_county;
  }

  long long next_id(std::optional<long long>& next, const char* table) {
    if (!next)
      next = q(std::string("SELECT coalesce(max(id), 0) + 1 FROM ") + table + " WHERE county = $1")
                 .int64(0, 0);
    return *next;
  }

  static std::string bulk_key(Source source, std::string_view ext_id) {
    return std::string(to_string(source)) + '\0' + std::string(ext_id);
  }

  PgParams unit_values(const Unit& u) {
    return {u.code,
            u.name,
            std::string(to_string(u.level)),
            num(static_cast<int64_t>(index(u.level))),
            text_or_null(u.parent),
            u.households ? num(*u.households) : Param(),
            u.population ? num(*u.population) : Param()};
  }

  static std::set<std::string, std::less<>> code_set(const PgRows& r) {
    std::set<std::string, std::less<>> out;
    for (int i = 0; i < r.size(); ++i) out.insert(r.str(i, 0));
    return out;
  }

  static std::vector<StoredBoundary> boundary_list(const PgRows& r) {
    std::vector<StoredBoundary> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_boundary(r, i));
    return out;
  }

  static std::vector<Event> event_list(const PgRows& r) {
    std::vector<Event> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(read_event(r, i));
    return out;
  }

  static std::string event_select() {
    return "SELECT " + std::string(k_event_columns) + " FROM events e WHERE e.county = $1";
  }

  static StoredPolicy read_policy(const PgRows& r, int i) {
    return {static_cast<int>(r.int64(i, 0)), timestamp(r.int64(i, 1)), r.str(i, 2), r.str(i, 3)};
  }

  static AttendanceRecord attendance(const PgRows& r, int i) {
    AttendanceRecord a;
    a.worker = r.str(i, 0);
    a.at = timestamp(r.int64(i, 1));
    a.grid = r.str(i, 2);
    a.kind = parse_attendance_kind(r.text(i, 3)).value_or(AttendanceKind::checkin);
    return a;
  }

  /// The SQL of one statistics key, with `department` for the department and `grid` for the
  /// grid.
  static std::string stats_key(StatsKey k, const std::string& department, const std::string& grid) {
    switch (k) {
      case StatsKey::grid:
        return grid;
      case StatsKey::department:
        return department;
      case StatsKey::category:
        return "c.category";
      case StatsKey::source:
        return "c.source";
      case StatsKey::service:
        return "coalesce(c.service, '')";
    }
    return grid;
  }

  /// ErrorCode::unusable when the units below `code` go deeper than the model's four levels.
  void check_subtree(const std::string& code) {
    auto r =
        q("WITH RECURSIVE sub(code, below) AS (SELECT code, 0 FROM units WHERE county = $1 AND "
          "code = $2 UNION ALL SELECT u.code, sub.below + 1 FROM units u JOIN sub ON u.county = $1 "
          "AND u.parent = sub.code WHERE sub.below < 5) SELECT EXISTS (SELECT 1 FROM sub WHERE "
          "below = 5)",
          {code});
    if (!r.boolean(0, 0)) return;
    (void)units();
    throw Error(ErrorCode::unusable, "PostgreSQL " + m_db.name() +
                                         " is unusable: the units below " + code +
                                         " go more than four levels deep");
  }

  /// The schema version the database says it has (-1: empty, and `create` allows making it);
  /// throws for a database that is not gridgov's, is newer, or is empty when it may not be made.
  int schema_version(bool create) {
    auto found = m_db.query(
        "SELECT to_regclass('gridgov_meta') IS NOT NULL, (SELECT count(*) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
        "c.relkind IN ('r', 'p', 'v', 'm', 'f')), current_schema() IS NULL");
    if (found.boolean(0, 2))
      throw Error(ErrorCode::unusable,
                  "PostgreSQL " + m_db.name() + " is unusable: its search_path names no schema");
    if (found.boolean(0, 0)) {
      auto meta = m_db.query(
          "SELECT (SELECT value FROM gridgov_meta WHERE key = 'application'), (SELECT value "
          "FROM gridgov_meta WHERE key = 'schema_version')");
      if (meta.null(0, 0) || meta.text(0, 0) != "gridgov" || meta.null(0, 1)) throw foreign();
      const int version = std::atoi(meta.str(0, 1).c_str());
      if (version > pg_schema_version())
        throw Error(ErrorCode::unusable,
                    "PostgreSQL " + m_db.name() + " has gridgov schema version " +
                        std::to_string(version) + ", newer than this gridgov's " +
                        std::to_string(pg_schema_version()) +
                        "; upgrade gridgov (the database was left untouched)",
                    "", "schema");
      return version;
    }
    if (found.int64(0, 1) > 0) throw foreign();
    if (!create)
      throw Error(ErrorCode::not_found,
                  "no gridgov database in PostgreSQL " + m_db.name() +
                      " (it holds no tables yet): run gridctl init first",
                  "", "database");
    return -1;  // empty: the first migration creates gridgov_meta
  }

  /// Creates or migrates the schema, under a lock that keeps two first runs apart; refuses a
  /// database of another application or of a newer gridgov, which it leaves untouched.
  /// With `on_commit`, an empty database's new schema stays in an open transaction that the
  /// command's first write transaction joins: a command that fails or writes nothing leaves the
  /// database as empty as it found it (as a new SQLite file appears only on its first commit).
  void open_schema(bool create, bool on_commit) {
    m_db.exec("BEGIN");
    try {
      int version = schema_version(create);
      // Only a schema to create or migrate takes the lock, and is read again under it (another
      // command may have done the work meanwhile): opens of a current schema, in every
      // county, run side by side.
      if (version < pg_schema_version()) {
        (void)m_db.query("SELECT pg_advisory_xact_lock(1196573767)");  // "GRDG"
        version = schema_version(create);
      }
      // As SQLite's schema is checked on every open: an old schema against its own version,
      // before it is migrated.
      if (version >= 0)
        if (auto fault = detail::pg_schema_fault(m_db, version))
          throw Error(ErrorCode::unusable, "PostgreSQL " + m_db.name() + " is unusable: " + *fault +
                                               " (the database was left untouched)");
      if (version < pg_schema_version() && m_read_only)
        throw Error(ErrorCode::unusable, "PostgreSQL " + m_db.name() +
                                             " needs a schema upgrade, but was opened read-only");
      for (int v = std::max(version, 0); v < pg_schema_version(); ++v) {
        m_db.exec(std::string(detail::k_pg_migrations[static_cast<std::size_t>(v)]));
        if (v == 1) chain_events(version);
      }
      if (version < pg_schema_version())
        m_db.exec("UPDATE gridgov_meta SET value = '" + std::to_string(pg_schema_version()) +
                  "' WHERE key = 'schema_version'");
      if (version < 0 && on_commit) {
        m_schema_pending = true;  // committed with the command's writes, or never
        return;
      }
      m_db.exec("COMMIT");
    } catch (...) {
      try {
        m_db.exec("ROLLBACK");
      } catch (const Error&) {  // the connection is lost: nothing was written
      }
      throw;
    }
  }

  /// Migration 1 → 2: each county's events already there are chained, in id order, after a
  /// start entry that says the chain began on this upgrade and how many events it found.
  void chain_events(int from_version) {
    auto counts = m_db.query("SELECT county, count(*) FROM events GROUP BY county ORDER BY county");
    for (int k = 0; k < counts.size(); ++k) {
      const std::string county = counts.str(k, 0);
      const ChainStart start = make_chain_start(
          county, gridgov::now(), "upgrade from schema " + std::to_string(from_version),
          counts.int64(k, 1));
      (void)m_db.query(
          "INSERT INTO chain_start (county, at, reason, events_before, hash) VALUES ($1, $2, "
          "$3, $4, $5)",
          {county, num(seconds(start.at)), start.reason, num(start.events_before),
           bytea(start.hash)});
      m_db.query_once("DECLARE gridgov_chain NO SCROLL CURSOR FOR SELECT " +
                          std::string(k_header_columns) + ", " + std::string(k_event_columns) +
                          " FROM events e JOIN cases c ON c.county = e.county AND c.id = "
                          "e.case_id WHERE e.county = $1 ORDER BY e.id",
                      {county});
      Digest prev = start.hash;
      for (;;) {
        auto rows = m_db.query_once(fmt::format("FETCH {} FROM gridgov_chain", k_fetch_rows), {});
        for (int i = 0; i < rows.size(); ++i) {
          const Event e = read_event(rows, i, k_header_count);
          const Link link = link_after(prev, read_header(rows, i), e);
          (void)m_db.query("UPDATE events SET hash = $3 WHERE county = $1 AND id = $2",
                           {county, num(e.id), bytea(link.hash)});
          prev = link.hash;
        }
        if (rows.size() < k_fetch_rows) break;
      }
      m_db.exec("CLOSE gridgov_chain");
    }
  }

  Error foreign() const {
    return Error(ErrorCode::unusable,
                 "PostgreSQL " + m_db.name() +
                     " is not a gridgov database: it holds another application's tables (the "
                     "database was left untouched)");
  }

  void choose_county(const std::string& wanted, bool create) {
    m_counties_held =
        static_cast<long long>(m_db.query("SELECT count(*) FROM counties").int64(0, 0));
    if (!wanted.empty()) {
      m_county = wanted;
      // Only a command that may create (`init`, a layout naming its county) adds a county.
      if (!create && m_db.query("SELECT 1 FROM counties WHERE county = $1", {wanted}).empty()) {
        std::string held;
        for (const auto& c : counties()) held += (held.empty() ? "" : ", ") + c;
        throw Error(
            ErrorCode::not_found,
            "PostgreSQL " + m_db.name() + " holds no county " + wanted +
                (held.empty() ? std::string(" (it holds none yet)") : " (it holds " + held + ")") +
                "; gridctl init adds one",
            "", "county");
      }
    } else if (m_counties_held == 1) {
      m_county = m_db.query("SELECT county FROM counties").str(0, 0);
    }
  }

  detail::PgConnection m_db;
  std::string m_url;  ///< for the second connection
  /// A second connection, opened the first time a query can run beside the first's.
  std::unique_ptr<detail::PgConnection> m_beside;
  bool m_beside_open = false;    ///< a transaction is open on it
  bool m_beside_failed = false;  ///< it could not be opened: everything runs on m_db
  struct SettledAhead {
    Timestamp from, to, end;
    std::vector<StatsKey> keys;
    bool operator==(const SettledAhead&) const = default;
  };
  std::optional<SettledAhead> m_settled_ahead;  ///< the settled tallies running on m_beside
  bool m_read_only = false;
  std::string m_county;           ///< the county every statement works on
  long long m_counties_held = 0;  ///< counties in the database when opened
  int m_depth = 0;
  bool m_schema_pending = false;  ///< a new schema not committed yet (open_schema)
  int m_read_depth = 0;           ///< read snapshots open (begin_read)
  int m_cursors = 0;
  std::optional<long long> m_next_case;  ///< ids, known while this writer holds the lock
  std::optional<long long> m_next_event;
  std::optional<Digest> m_head;  ///< the chain's last hash, while this writer holds the lock
  std::optional<long long> m_next_attendance;
  bool m_bulk = false;     ///< collecting rows for COPY (a bulk load into a county without cases)
  bool m_in_bulk = false;  ///< between begin_bulk and end_bulk
  std::optional<long long> m_bulk_before;  ///< the county's cases at this write's first bulk load
  long long m_bulk_added = 0;              ///< cases this write's bulk loads added
  std::string m_cases_copy;  ///< a bulk load's rows not yet sent, in COPY's text format
  std::string m_events_copy;
  std::size_t m_cases_collected = 0;
  std::unordered_set<std::string> m_bulk_keys;  ///< (source, ext_id) of the cases this load added

  friend class PgTransaction;
};

PgTransaction::PgTransaction(PgStore& store, int& depth)
    : m_store(&store), m_depth(&depth), m_outermost(depth == 0) {
  if (m_outermost) store.begin_outermost();
  ++*m_depth;
}

PgTransaction::~PgTransaction() {
  --*m_depth;
  if (m_outermost && !m_done) m_store->rollback_outermost();
}

void PgTransaction::commit() {
  if (!m_outermost || m_done) return;
  m_done = true;
  try {
    m_store->commit_outermost();
  } catch (...) {
    m_store->rollback_outermost();
    throw;
  }
}

}  // namespace

namespace detail {

std::unique_ptr<Store> open_pg_store(const std::string& url, const OpenOptions& options) {
  return std::make_unique<PgStore>(url, options);
}

bool pg_store_exists(const std::string& url) {
  PgConnection db(url);
  return db.query("SELECT to_regclass('gridgov_meta') IS NOT NULL").boolean(0, 0);
}

}  // namespace detail

}  // namespace gridgov
