// The Store over SQLite (docs/design.md §8): WAL, a 5 s busy timeout, BEGIN IMMEDIATE for
// writes, STRICT tables and forward migrations keyed on `PRAGMA user_version`. A new database is
// built under a temporary name and renamed into place when its first write commits.

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "gridgov/policy.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/store.hpp"
#include "gridgov/unit_tree.hpp"
#include "link_ahead.hpp"
#include "quota_count.hpp"
#include "schema.hpp"
#include "sqlite_guard.hpp"
#include "standing_sql.hpp"
#include "stores.hpp"

namespace gridgov {

namespace {

/// Maps SQLite failures onto gridgov's error codes (and so gridctl's exit codes).
[[noreturn]] void rethrow(const SQLite::Exception& e, const std::string& path) {
  switch (e.getErrorCode() & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(ErrorCode::busy,
                  "database " + path + " is busy (another process is writing); try again");
    case SQLITE_INTERRUPT:  // only the step bound interrupts (see detail::StepBudget)
      throw Error(ErrorCode::unusable,
                  "database " + path +
                      " is unusable: a query ran far longer than any of gridgov's ever needs and "
                      "was stopped (the data may hold a loop, such as units that are their own "
                      "parents)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      throw Error(ErrorCode::unusable,
                  "database " + path + " is corrupt or not a database: " + e.what());
    case SQLITE_FULL:
      throw Error(ErrorCode::unusable, "cannot write database " + path +
                                           ": the disk is full; the command's changes are rolled "
                                           "back");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
    case SQLITE_AUTH:
      throw Error(ErrorCode::unusable, "database " + path + " is unusable: " + e.what());
    default:
      throw Error(ErrorCode::internal, "database " + path + ": " + e.what());
  }
}

template <class F>
auto guarded(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& e) {
    rethrow(e, path);
  }
}

Level level_of(const std::string& s) { return parse_level(s).value_or(Level::grid); }

/// A column of a statement's current row, read straight from SQLite. SQLite::Column holds a
/// shared_ptr to its statement, whose count is an atomic operation once a second thread exists
/// (an import's reader, verify's checker): a cost on every field of millions of rows.
class RawColumn {
 public:
  RawColumn(sqlite3_stmt* stmt, int i) : m_stmt(stmt), m_i(i) {}
  [[nodiscard]] bool isNull() const { return sqlite3_column_type(m_stmt, m_i) == SQLITE_NULL; }
  [[nodiscard]] bool isBlob() const { return sqlite3_column_type(m_stmt, m_i) == SQLITE_BLOB; }
  [[nodiscard]] int getInt() const { return sqlite3_column_int(m_stmt, m_i); }
  [[nodiscard]] long long getInt64() const { return sqlite3_column_int64(m_stmt, m_i); }
  [[nodiscard]] double getDouble() const { return sqlite3_column_double(m_stmt, m_i); }
  [[nodiscard]] const void* getBlob() const { return sqlite3_column_blob(m_stmt, m_i); }
  [[nodiscard]] int getBytes() const { return sqlite3_column_bytes(m_stmt, m_i); }
  /// As SQLite::Column::getString: the bytes as they are, empty for NULL.
  [[nodiscard]] std::string getString() const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, m_i));
    if (!data) return {};
    return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, m_i))};
  }

 private:
  sqlite3_stmt* m_stmt;
  int m_i;
};

/// A query read row by row through SQLite's own API, for the streams of millions of rows (the
/// readers of rows take it as they take a SQLite::Statement). Errors are SQLite::Exceptions.
class RawQuery {
 public:
  RawQuery(SQLite::Database& db, const std::string& sql) : m_db(db.getHandle()) {
    const int rc = sqlite3_prepare_v2(m_db, sql.c_str(), -1, &m_stmt, nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(m_db, rc);
  }
  ~RawQuery() { sqlite3_finalize(m_stmt); }
  RawQuery(const RawQuery&) = delete;
  RawQuery& operator=(const RawQuery&) = delete;

  void bind(int i, long long value) {
    if (const int rc = sqlite3_bind_int64(m_stmt, i, value); rc != SQLITE_OK)
      throw SQLite::Exception(m_db, rc);
  }
  /// Steps to the next row: false after the last.
  bool executeStep() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw SQLite::Exception(m_db, rc);
  }
  [[nodiscard]] RawColumn getColumn(int i) const { return {m_stmt, i}; }

 private:
  sqlite3* m_db;
  sqlite3_stmt* m_stmt = nullptr;
};

std::optional<long long> optional_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

/// The outermost write transaction of a command. Nested ones (a use case called inside another)
/// join it: only the outermost commit counts, and an exception unwinds the whole.
class SqliteTransaction final : public WriteTransaction {
 public:
  SqliteTransaction(SQLite::Database& db, std::string path, int& depth,
                    std::function<void()> before_commit, std::function<void()> after_commit)
      : m_path(std::move(path)),
        m_depth(&depth),
        m_before_commit(std::move(before_commit)),
        m_after_commit(std::move(after_commit)) {
    if (depth == 0)
      m_tx = guarded(m_path, [&] {
        return std::make_unique<SQLite::Transaction>(db, SQLite::TransactionBehavior::IMMEDIATE);
      });
    ++*m_depth;
  }
  ~SqliteTransaction() override { --*m_depth; }
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  void commit() override {
    if (!m_tx) return;
    m_before_commit();
    guarded(m_path, [&] { m_tx->commit(); });
    m_tx.reset();
    m_after_commit();
  }

 private:
  std::string m_path;
  int* m_depth;
  std::function<void()> m_before_commit;
  std::function<void()> m_after_commit;
  std::unique_ptr<SQLite::Transaction> m_tx;
};

class SqliteStore final : public Store, public Reporting {
 public:
  SqliteStore(const std::string& path, const OpenOptions& options) : m_path(path) {
    m_budget.limit = options.max_statement_steps;
    access([&] { open(options); });
    if (!options.county.empty() && !options.create)
      if (auto c = county(); c && c->code != options.county)
        throw Error(ErrorCode::not_found,
                    "database " + m_path + " holds county " + c->code + ", not " + options.county,
                    "", "county");
  }
  ~SqliteStore() override {
    if (m_pending.empty()) return;
    // Never committed: the new database was not wanted. Remove only what this store made.
    m_statements.clear();
    m_db.reset();
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
      std::remove((m_pending + suffix).c_str());
  }
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::unique_ptr<WriteTransaction> begin_write() override {
    if (m_read_depth > 0)
      throw Error(ErrorCode::internal, "a write began inside a read snapshot of " + m_path);
    if (!m_read_only.empty())
      throw Error(ErrorCode::unusable, "database " + m_path + " is read-only (" + m_read_only +
                                           "); this command writes, and wrote nothing");
    // A rolled-back transaction may have added units: the ids remembered are those of this one.
    if (m_depth == 0) {
      m_unit_ids.clear();
      m_head.reset();        // another process may have appended to the chain since
      m_link_ahead.reset();  // what a rolled-back bulk import still had queued
      m_bulk = false;
    }
    // Before its commit, the transaction inserts the events a bulk import still has being linked.
    return std::make_unique<SqliteTransaction>(
        *m_db, m_path, m_depth, [this] { access([] {}); }, [this] { publish(); });
  }

  std::unique_ptr<ReadSnapshot> begin_read() override {
    // Inside a write transaction, the reads already share its view, and a nested write still
    // joins it; inside another snapshot, this one is that one. A deferred BEGIN: WAL gives the
    // transaction its snapshot at its first read.
    if (m_depth > 0) return std::make_unique<detail::EndingSnapshot>([] {});
    const bool outermost = m_read_depth == 0;
    if (outermost) guarded(m_path, [&] { m_db->exec("BEGIN"); });
    ++m_read_depth;
    return std::make_unique<detail::EndingSnapshot>([this, outermost] {
      --m_read_depth;
      if (!outermost) return;
      // A cached statement left mid-result would keep reading the old snapshot.
      for (auto& [sql, statement] : m_statements) (void)statement->tryReset();
      try {
        m_db->exec("COMMIT");  // it read only: nothing to keep or to lose
      } catch (const std::exception&) {
        sqlite3_exec(m_db->getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
      }
    });
  }

  Reporting& reporting() override { return *this; }

  int policy_version() override {
    return access([&] {
      auto& q = statement("SELECT coalesce(max(version), 0) FROM policies");
      q.executeStep();
      return q.getColumn(0).getInt();
    });
  }

  int schema_version() override {
    return access([&] { return m_db->execAndGet("PRAGMA user_version").getInt(); });
  }

  std::optional<Unit> county() override {
    return access([&]() -> std::optional<Unit> {
      SQLite::Statement q(*m_db, k_unit_select + " WHERE u.depth = 0 LIMIT 1");
      if (!q.executeStep()) return std::nullopt;
      return read_unit(q).unit;
    });
  }

  std::vector<std::string> counties() override {
    auto c = county();
    return c ? std::vector<std::string>{c->code} : std::vector<std::string>{};
  }

  std::vector<StoredUnit> units() override {
    return access([&] {
      std::vector<StoredUnit> out;
      SQLite::Statement q(*m_db, k_unit_select + " ORDER BY u.depth, u.code");
      while (q.executeStep()) out.push_back(read_unit(q));
      // Every walk up or down the tree ends because each parent lies above its child: a cycle
      // of parents (written outside gridgov) would make them endless.
      if (auto fault = unit_tree_fault(out))
        throw Error(ErrorCode::unusable, "database " + m_path + " is unusable: " + *fault);
      return out;
    });
  }

  std::optional<StoredUnit> find_unit(std::string_view code) override {
    return access([&]() -> std::optional<StoredUnit> {
      SQLite::Statement q(*m_db, k_unit_select + " WHERE u.code = ?");
      q.bind(1, std::string(code));
      if (!q.executeStep()) return std::nullopt;
      return read_unit(q);
    });
  }

  void add_unit(const Unit& u) override {
    access([&] {
      auto& q = statement(
          "INSERT INTO units (code, name, level, depth, parent_id, households, population) "
          "VALUES (?, ?, ?, ?, (SELECT id FROM units WHERE code = ?), ?, ?)");
      bind_unit(q, u);
      q.exec();
    });
  }

  void update_unit(const Unit& u) override {
    access([&] {
      auto& q = statement(
          "UPDATE units SET name = ?2, level = ?3, depth = ?4, "
          "parent_id = (SELECT id FROM units WHERE code = ?5), households = ?6, "
          "population = ?7, retired = 0 WHERE code = ?1");
      bind_unit(q, u);
      q.exec();
    });
  }

  void retire_unit(std::string_view code) override {
    access([&] {
      auto& q = statement("UPDATE units SET retired = 1 WHERE code = ?");
      q.bind(1, std::string(code));
      q.exec();
    });
  }

  std::set<std::string, std::less<>> units_in_use() override {
    return access([&] {
      std::set<std::string, std::less<>> out;
      SQLite::Statement q(*m_db, R"sql(
        SELECT u.code FROM units u WHERE u.retired = 0 AND (
          EXISTS (SELECT 1 FROM worker_units wu JOIN workers w ON w.id = wu.worker_id
                  WHERE wu.unit_id = u.id AND w.retired = 0)
          OR EXISTS (SELECT 1 FROM cases c WHERE c.grid_id = u.id OR c.unit_id = u.id))
      )sql");
      while (q.executeStep()) out.insert(q.getColumn(0).getString());
      return out;
    });
  }
  std::set<std::string, std::less<>> units_with_cases() override {
    return access([&] {
      std::set<std::string, std::less<>> out;
      SQLite::Statement q(*m_db, R"sql(
        SELECT u.code FROM units u WHERE u.retired = 0 AND
          EXISTS (SELECT 1 FROM cases c WHERE c.grid_id = u.id OR c.unit_id = u.id)
      )sql");
      while (q.executeStep()) out.insert(q.getColumn(0).getString());
      return out;
    });
  }

  std::map<std::string, CategoryUse, std::less<>> category_use() override {
    return access([&] {
      std::map<std::string, CategoryUse, std::less<>> out;
      SQLite::Statement q(*m_db,
                          "SELECT category, count(*), sum(status IN ('open', 'resolved')) "
                          "FROM cases GROUP BY category");
      while (q.executeStep())
        out[q.getColumn(0).getString()] =
            CategoryUse{q.getColumn(1).getInt64(), q.getColumn(2).getInt64()};
      return out;
    });
  }

  std::vector<StoredWorker> workers() override {
    return access([&] {
      std::vector<StoredWorker> out;
      SQLite::Statement q(*m_db, k_worker_select + " ORDER BY w.code");
      while (q.executeStep()) out.push_back(read_worker(q));
      return out;
    });
  }

  std::optional<StoredWorker> find_worker(std::string_view code) override {
    return access([&]() -> std::optional<StoredWorker> {
      SQLite::Statement q(*m_db, k_worker_select + " WHERE w.code = ?");
      q.bind(1, std::string(code));
      if (!q.executeStep()) return std::nullopt;
      return read_worker(q);
    });
  }

  std::set<std::string, std::less<>> party_members() override {
    return access([&] {
      std::set<std::string, std::less<>> out;
      SQLite::Statement q(*m_db, "SELECT code FROM workers WHERE party_member = 1");
      while (q.executeStep()) out.insert(q.getColumn(0).getString());
      return out;
    });
  }

  std::vector<Worker> workers_of(std::string_view unit) override {
    return access([&] {
      std::vector<Worker> out;
      static const std::string sql =
          k_worker_select +
          " WHERE w.retired = 0 AND w.id IN (SELECT wu.worker_id FROM worker_units "
          "wu JOIN units u ON u.id = wu.unit_id WHERE u.code = ?) ORDER BY w.code";
      auto& q = statement(sql.c_str());
      q.bind(1, std::string(unit));
      while (q.executeStep()) out.push_back(read_worker(q).worker);
      return out;
    });
  }

  void put_worker(const Worker& w) override {
    access([&] {
      auto& upsert = statement(
          "INSERT INTO workers (code, name, tier, deployment, department, phone, retired, "
          "party_member, party_role) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8) ON CONFLICT (code) DO UPDATE SET "
          "name = ?2, tier = ?3, deployment = ?4, department = ?5, phone = ?6, retired = 0, "
          "retired_at = NULL, party_member = ?7, party_role = ?8 "
          "RETURNING id");
      upsert.bind(1, w.code);
      upsert.bind(2, w.name);
      upsert.bind(3, std::string(to_string(w.tier)));
      if (w.deployment)
        upsert.bind(4, std::string(to_string(*w.deployment)));
      else
        upsert.bind(4);
      bind_text_or_null(upsert, 5, w.department);
      bind_text_or_null(upsert, 6, w.phone);
      if (w.party_member)
        upsert.bind(7, *w.party_member ? 1 : 0);
      else
        upsert.bind(7);
      bind_text_or_null(upsert, 8, w.party_role);
      upsert.executeStep();
      const long long id = upsert.getColumn(0).getInt64();
      upsert.reset();
      auto& clear = statement("DELETE FROM worker_units WHERE worker_id = ?");
      clear.bind(1, static_cast<int64_t>(id));
      clear.exec();
      auto& link = statement(
          "INSERT INTO worker_units (worker_id, position, unit_id) "
          "VALUES (?, ?, (SELECT id FROM units WHERE code = ?))");
      for (std::size_t i = 0; i < w.units.size(); ++i) {
        link.bind(1, static_cast<int64_t>(id));
        link.bind(2, static_cast<int64_t>(i));
        link.bind(3, w.units[i]);
        link.exec();
        link.reset();
      }
    });
  }

  void retire_worker(std::string_view code, std::optional<Timestamp> at) override {
    access([&] {
      auto& q = statement("UPDATE workers SET retired = 1, retired_at = ? WHERE code = ?");
      if (at)
        q.bind(1, seconds(*at));
      else
        q.bind(1);
      q.bind(2, std::string(code));
      q.exec();
    });
  }

  bool add_attendance(const AttendanceRecord& r, Timestamp recorded_at) override {
    return access([&] {
      auto& q = statement(
          "INSERT INTO attendance (worker_id, at, grid_id, kind, recorded_at) "
          "VALUES ((SELECT id FROM workers WHERE code = ?1), ?2, "
          "(SELECT id FROM units WHERE code = ?3), ?4, ?5) "
          "ON CONFLICT (worker_id, at) DO NOTHING");
      q.bind(1, r.worker);
      q.bind(2, seconds(r.at));
      q.bind(3, r.grid);
      q.bind(4, std::string(to_string(r.kind)));
      q.bind(5, seconds(recorded_at));
      return q.exec() > 0;
    });
  }

  void for_each_stored_attendance(
      const std::function<void(const AttendanceRecord&, Timestamp)>& visit) override {
    access([&] {
      SQLite::Statement q(*m_db,
                          "SELECT w.code, a.at, g.code, a.kind, a.recorded_at FROM attendance a "
                          "JOIN workers w ON w.id = a.worker_id JOIN units g ON g.id = a.grid_id "
                          "ORDER BY a.id");
      AttendanceRecord r;
      while (q.executeStep()) {
        r.worker = q.getColumn(0).getString();
        r.at = timestamp(q.getColumn(1));
        r.grid = q.getColumn(2).getString();
        r.kind =
            parse_attendance_kind(q.getColumn(3).getString()).value_or(AttendanceKind::checkin);
        visit(r, timestamp(q.getColumn(4)));
      }
    });
  }

  std::vector<StoredPartyOrg> party_orgs() override {
    return access([&] {
      std::vector<StoredPartyOrg> out;
      SQLite::Statement q(*m_db,
                          "SELECT o.code, o.name, o.kind, u.code, coalesce(p.code, ''), "
                          "coalesce(o.secretary, ''), o.retired FROM party_orgs o "
                          "JOIN units u ON u.id = o.unit_id "
                          "LEFT JOIN party_orgs p ON p.id = o.parent_id");
      while (q.executeStep()) {
        StoredPartyOrg s;
        s.org.code = q.getColumn(0).getString();
        s.org.name = q.getColumn(1).getString();
        s.org.kind =
            parse_party_kind(q.getColumn(2).getString()).value_or(PartyKind::town_committee);
        s.org.unit = q.getColumn(3).getString();
        s.org.parent = q.getColumn(4).getString();
        s.org.secretary = q.getColumn(5).getString();
        s.retired = q.getColumn(6).getInt() != 0;
        out.push_back(std::move(s));
      }
      std::sort(out.begin(), out.end(), [](const StoredPartyOrg& a, const StoredPartyOrg& b) {
        return a.org.kind != b.org.kind ? a.org.kind < b.org.kind : a.org.code < b.org.code;
      });
      return out;
    });
  }

  void put_party_org(const PartyOrg& o) override {
    access([&] {
      auto& q = statement(
          "INSERT INTO party_orgs (code, name, kind, unit_id, parent_id, secretary, retired) "
          "VALUES (?1, ?2, ?3, (SELECT id FROM units WHERE code = ?4), "
          "(SELECT id FROM party_orgs WHERE code = ?5), ?6, 0) ON CONFLICT (code) DO UPDATE SET "
          "name = ?2, kind = ?3, unit_id = (SELECT id FROM units WHERE code = ?4), "
          "parent_id = (SELECT id FROM party_orgs WHERE code = ?5), secretary = ?6, retired = 0");
      q.bind(1, o.code);
      q.bind(2, o.name);
      q.bind(3, std::string(to_string(o.kind)));
      q.bind(4, o.unit);
      q.bind(5, o.parent);
      bind_text_or_null(q, 6, o.secretary);
      q.exec();
    });
  }

  void retire_party_org(std::string_view code) override {
    access([&] {
      auto& q = statement("UPDATE party_orgs SET retired = 1 WHERE code = ?");
      q.bind(1, std::string(code));
      q.exec();
    });
  }

  std::vector<StoredBoundary> boundaries() override {
    return access([&] {
      std::vector<StoredBoundary> out;
      SQLite::Statement q(*m_db,
                          "SELECT u.code, b.geometry, b.min_lon, b.min_lat, b.max_lon, b.max_lat "
                          "FROM boundaries b JOIN units u ON u.id = b.unit_id ORDER BY u.code");
      while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                       q.getColumn(2).getDouble(), q.getColumn(3).getDouble(),
                       q.getColumn(4).getDouble(), q.getColumn(5).getDouble()});
      return out;
    });
  }

  std::vector<StoredBoundary> boundaries_around(double lon, double lat) override {
    return access([&] {
      std::vector<StoredBoundary> out;
      auto& q = statement(
          "SELECT u.code, b.geometry, b.min_lon, b.min_lat, b.max_lon, b.max_lat "
          "FROM boundaries b JOIN units u ON u.id = b.unit_id WHERE b.min_lon <= ?1 AND "
          "b.max_lon >= ?1 AND b.min_lat <= ?2 AND b.max_lat >= ?2 ORDER BY u.code");
      q.bind(1, lon);
      q.bind(2, lat);
      while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                       q.getColumn(2).getDouble(), q.getColumn(3).getDouble(),
                       q.getColumn(4).getDouble(), q.getColumn(5).getDouble()});
      return out;
    });
  }

  bool has_boundaries() override {
    return access(
        [&] { return m_db->execAndGet("SELECT EXISTS (SELECT 1 FROM boundaries)").getInt() != 0; });
  }

  void put_boundary(const StoredBoundary& b) override {
    access([&] {
      const auto id = unit_id(b.grid);
      if (!id) throw Error(ErrorCode::not_found, "unknown grid " + b.grid);
      auto& q = statement(
          "INSERT INTO boundaries (unit_id, geometry, min_lon, min_lat, max_lon, max_lat) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (unit_id) DO UPDATE SET "
          "geometry = excluded.geometry, min_lon = excluded.min_lon, "
          "min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat");
      q.bind(1, *id);
      q.bindNoCopy(2, b.geometry);
      q.bind(3, b.min_lon);
      q.bind(4, b.min_lat);
      q.bind(5, b.max_lon);
      q.bind(6, b.max_lat);
      q.exec();
    });
  }

  std::optional<StoredPolicy> policy() override {
    return access([&]() -> std::optional<StoredPolicy> {
      SQLite::Statement q(*m_db,
                          "SELECT version, loaded_at, source, text FROM policies "
                          "ORDER BY version DESC LIMIT 1");
      if (!q.executeStep()) return std::nullopt;
      StoredPolicy p;
      p.version = q.getColumn(0).getInt();
      p.loaded_at = Timestamp(std::chrono::seconds(q.getColumn(1).getInt64()));
      p.source = q.getColumn(2).getString();
      p.text = q.getColumn(3).getString();
      return p;
    });
  }

  std::vector<StoredPolicy> policies() override {
    return access([&] {
      std::vector<StoredPolicy> out;
      SQLite::Statement q(*m_db,
                          "SELECT version, loaded_at, source, text FROM policies ORDER BY version");
      while (q.executeStep())
        out.push_back({q.getColumn(0).getInt(),
                       Timestamp(std::chrono::seconds(q.getColumn(1).getInt64())),
                       q.getColumn(2).getString(), q.getColumn(3).getString()});
      return out;
    });
  }

  int add_policy(const StoredPolicy& p) override {
    return access([&] {
      SQLite::Statement q(*m_db,
                          "INSERT INTO policies (version, loaded_at, source, text) VALUES "
                          "((SELECT coalesce(max(version), 0) + 1 FROM policies), ?, ?, ?) "
                          "RETURNING version");
      q.bind(1, static_cast<int64_t>(p.loaded_at.time_since_epoch().count()));
      q.bind(2, p.source);
      q.bind(3, p.text);
      q.executeStep();
      return q.getColumn(0).getInt();
    });
  }

  Counts counts() override {
    return access([&] {
      Counts c;
      SQLite::Statement units(*m_db,
                              "SELECT depth, count(*) FROM units WHERE retired = 0 GROUP BY depth");
      while (units.executeStep())
        c.units[static_cast<std::size_t>(units.getColumn(0).getInt())] =
            units.getColumn(1).getInt64();
      SQLite::Statement workers(
          *m_db, "SELECT tier, count(*) FROM workers WHERE retired = 0 GROUP BY tier");
      while (workers.executeStep()) {
        if (auto t = parse_tier(workers.getColumn(0).getString()))
          c.workers[static_cast<std::size_t>(*t)] = workers.getColumn(1).getInt64();
      }
      SQLite::Statement cases(*m_db, "SELECT status, count(*) FROM cases GROUP BY status");
      while (cases.executeStep()) {
        const std::string status = cases.getColumn(0).getString();
        const long long n = cases.getColumn(1).getInt64();
        if (status == "open") c.open = n;
        if (status == "resolved") c.resolved = n;
        if (status == "closed") c.closed = n;
        if (status == "void") c.voided = n;
      }
      return c;
    });
  }

  long long add_case(const Case& c) override {
    return guarded(m_path, [&] {
      static const std::string sql =
          "INSERT INTO cases (kind, source, ext_id, category, title, description, grid_id, "
          "reporter, reported_at, status, level, unit_id, department, deadline, rework, due, "
          "suspended_since, " +
          k_fact_columns +
          ", service, resolved_by, lon, lat) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
          "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, "
          "?28, ?29)";
      auto& q = statement(sql.c_str());
      q.bindNoCopy(1, to_string(c.kind).data());
      q.bindNoCopy(2, to_string(c.source).data());
      bind_text_or_null(q, 3, c.ext_id);
      q.bindNoCopy(4, c.category);
      q.bindNoCopy(5, c.title);
      bind_text_or_null(q, 6, c.description);
      bind_unit_id(q, 7, c.grid);
      q.bindNoCopy(8, c.reporter);
      q.bind(9, seconds(c.reported_at));
      bind_state(q, c, 10);
      bind_text_or_null(q, 26, c.service);
      bind_text_or_null(q, 27, c.resolved_by);
      if (c.location) {
        q.bind(28, c.location->lon);
        q.bind(29, c.location->lat);
      } else {
        q.bind(28);
        q.bind(29);
      }
      q.exec();
      return static_cast<long long>(m_db->getLastInsertRowid());
    });
  }

  void update_case(const Case& c) override {
    guarded(m_path, [&] {
      auto& q = statement(
          "UPDATE cases SET status = ?10, level = ?11, unit_id = ?12, department = ?13, "
          "deadline = ?14, rework = ?15, due = ?16, suspended_since = ?17, "
          "last_counted_at = ?18, close_counted_at = ?19, escalated = ?20, referred = ?21, "
          "extended = ?22, stage_late = ?23, last_department = ?24, supervision_by = ?25, "
          "resolved_by = ?26 WHERE id = ?1");
      q.bind(1, static_cast<int64_t>(c.id));
      bind_state(q, c, 10);
      bind_text_or_null(q, 26, c.resolved_by);
      q.exec();
    });
  }

  long long add_event(const Case& c, const Event& e) override {
    return guarded(m_path, [&] {
      const auto insert = [this](const Event& event, long long id, const Digest& hash) {
        insert_linked(event, id, hash);
      };
      if (m_bulk) {
        if (!m_link_ahead) {
          const Head& head = chain_head_for(e.recorded_at);
          m_link_ahead = std::make_unique<detail::LinkAhead>(head.id, head.hash);
          m_head.reset();  // the linking thread has it now; finish_linking gives it back
        }
        return m_link_ahead->push(c, e, insert);
      }
      Head& head = chain_head_for(e.recorded_at);
      const long long id = head.id + 1;
      const Link link = detail::link_as(head.hash, c, e, id);
      insert(e, id, link.hash);
      head = Head{id, link.hash};
      return id;
    });
  }

  /// Inserts event `e` as `id`, the chain's next, with its `hash`.
  void insert_linked(const Event& e, long long id, const Digest& hash) {
    insert_event(e, 0, hash);
    // SQLite gives the next rowid, max + 1: the chain's next id, which the hash encodes.
    if (m_db->getLastInsertRowid() != id)
      throw Error(ErrorCode::internal,
                  fmt::format("event {} was stored as {}", id, m_db->getLastInsertRowid()));
  }

  /// Inserts the events a bulk import still has being linked, and takes the chain's head back.
  void finish_linking() {
    if (!m_link_ahead) return;
    if (m_depth == 0) {  // its transaction ended without a commit (which would have finished)
      m_link_ahead.reset();
      m_bulk = false;
      return;
    }
    const auto [id, hash] =
        m_link_ahead->finish([this](const Event& e, long long event_id, const Digest& h) {
          insert_linked(e, event_id, h);
        });
    m_link_ahead.reset();
    m_head = Head{id, hash};
  }

  /// Runs `f` as `guarded` does, after inserting what a bulk import still has being linked: every
  /// read and write goes through here but the bulk import's own (adding and finding cases,
  /// adding events), so that none sees the events table without them.
  template <class F>
  auto access(F&& f) -> decltype(f()) {
    return guarded(m_path, [&] {
      finish_linking();
      return f();
    });
  }

  void copy_event(const Event& e, const Digest& hash) override {
    access([&] {
      insert_event(e, e.id, hash);
      m_head.reset();
    });
  }

  void copy_chain_start(const ChainStart& start) override {
    access([&] { insert_chain_start(start); });
  }

  std::optional<ChainStart> chain_start() override {
    return access([&]() -> std::optional<ChainStart> {
      SQLite::Statement q(
          *m_db, "SELECT county, at, reason, events_before, hash FROM chain_start LIMIT 1");
      if (!q.executeStep()) return std::nullopt;
      ChainStart s{q.getColumn(0).getString(),
                   timestamp(q.getColumn(1)),
                   q.getColumn(2).getString(),
                   q.getColumn(3).getInt64(),
                   {}};
      read_digest(q.getColumn(4), s.hash);
      return s;
    });
  }

  std::optional<std::pair<long long, Digest>> chain_head(
      std::optional<Timestamp> recorded_before) override {
    return access([&]() -> std::optional<std::pair<long long, Digest>> {
      SQLite::Statement q(*m_db, std::string("SELECT id, hash FROM events ") +
                                     (recorded_before ? "WHERE recorded_at < ? " : "") +
                                     "ORDER BY id DESC LIMIT 1");
      if (recorded_before) q.bind(1, seconds(*recorded_before));
      if (!q.executeStep()) return std::nullopt;
      Digest hash;
      read_digest(q.getColumn(1), hash);
      return std::pair{q.getColumn(0).getInt64(), hash};
    });
  }

  void for_each_linked_case(long long from_event,
                            const std::function<void(const Case&, const std::vector<Event>&,
                                                     const std::vector<Link>&)>& visit) override {
    access([&] {
      // The row's stored columns in read_case's places; those it derives from the events
      // (whistled, extensions, the order's note) left empty: the caller's replay gives them.
      RawQuery q(
          *m_db,
          "SELECT " + k_header_columns +
              ", c.status, c.level, coalesce(cu.code, ''), coalesce(c.department, ''), "
              "c.deadline, c.rework, NULL, c.resolved_by, c.due, c.suspended_since, NULL, "
              "c.supervision_by, '', c.last_counted_at, c.close_counted_at, c.escalated, "
              "c.referred, c.extended, c.stage_late, coalesce(c.last_department, ''), " +
              k_event_columns + ", " + k_link_columns +
              // Every case, even one whose grid is not among the units (verify says so).
              " FROM cases c LEFT JOIN units g ON g.id = c.grid_id "
              "LEFT JOIN units cu ON cu.id = c.unit_id "
              "LEFT JOIN events e ON e.case_id = c.id " +
              k_event_joins + k_link_join +
              (from_event > 1 ? " WHERE c.id IN (SELECT case_id FROM events WHERE id >= ?)" : "") +
              " ORDER BY c.id, e.id");
      if (from_event > 1) q.bind(1, static_cast<int64_t>(from_event));
      constexpr int k_row = 33;
      Case row;
      std::vector<Event> events;
      std::vector<Link> links;
      while (q.executeStep()) {
        const long long id = q.getColumn(0).getInt64();
        if (id != row.id && row.id != 0) {
          visit(row, events, links);
          events.clear();
          links.clear();
        }
        if (id != row.id) row = read_case(q);
        if (q.getColumn(k_row).isNull()) continue;  // a case without events
        events.push_back(read_event(q, k_row));
        links.push_back(read_link(q, k_row + k_event_count));
      }
      if (row.id != 0) visit(row, events, links);
    });
  }

  void for_each_link(
      long long from_event,
      const std::function<void(long long, long long, bool, const Digest&)>& visit) override {
    access([&] {
      RawQuery q(*m_db,
                 "SELECT e.id, e.case_id, c.id IS NOT NULL, e.hash FROM events e "
                 "LEFT JOIN cases c ON c.id = e.case_id WHERE e.id >= ? ORDER BY e.id");
      q.bind(1, static_cast<int64_t>(from_event));
      Digest hash;
      while (q.executeStep()) {
        read_digest(q.getColumn(3), hash);
        visit(q.getColumn(0).getInt64(), q.getColumn(1).getInt64(), q.getColumn(2).getInt() != 0,
              hash);
      }
    });
  }

  /// The chain's last link as this transaction leaves it (read once per transaction), starting
  /// the chain, at `at`, when the county has no event yet.
  struct Head {
    long long id = 0;
    Digest hash{};
  };
  Head& chain_head_for(Timestamp at) {
    if (m_head) return *m_head;
    if (auto last = chain_head(std::nullopt)) {
      m_head = Head{last->first, last->second};
      return *m_head;
    }
    auto start = chain_start();
    if (!start) {
      const auto c = county();
      if (!c) throw Error(ErrorCode::internal, "an event in a database without a county");
      start = make_chain_start(c->code, at, "new", 0);
      insert_chain_start(*start);
    }
    m_head = Head{0, start->hash};
    return *m_head;
  }

  void insert_chain_start(const ChainStart& s) {
    SQLite::Statement q(*m_db,
                        "INSERT INTO chain_start (county, at, reason, events_before, hash) "
                        "VALUES (?, ?, ?, ?, ?)");
    q.bind(1, s.county);
    q.bind(2, seconds(s.at));
    q.bind(3, s.reason);
    q.bind(4, static_cast<int64_t>(s.events_before));
    q.bind(5, s.hash.data(), static_cast<int>(s.hash.size()));
    q.exec();
  }

  template <class Column>
  static void read_digest(const Column& c, Digest& d) {
    if (c.isBlob() && c.getBytes() == static_cast<int>(d.size()))
      std::memcpy(d.data(), c.getBlob(), d.size());
    else
      d = {};  // absent or mangled: no hash recomputes to it
  }
  template <class Query>
  static Link read_link(const Query& q, int first) {
    Link l;
    read_digest(q.getColumn(first), l.prev);
    read_digest(q.getColumn(first + 1), l.hash);
    return l;
  }

  /// Inserts an event with the id `id` (0: the next) and its hash.
  void insert_event(const Event& e, long long id, const Digest& hash) {
    {
      auto& q = statement(
          "INSERT INTO events (id, case_id, type, at, recorded_at, actor, from_level, "
          "from_unit_id, from_department, level, unit_id, department, worker, deadline, note, "
          "due, extension, supervision_by, late_record, hash) VALUES (?19, ?1, ?2, ?3, ?4, ?5, "
          "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?20)");
      if (id == 0)
        q.bind(19);  // the next rowid, which SQLite appends without a lookup
      else
        q.bind(19, static_cast<int64_t>(id));
      q.bindNoCopy(20, hash.data(), static_cast<int>(hash.size()));
      q.bind(1, static_cast<int64_t>(e.case_id));
      q.bindNoCopy(2, to_string(e.type).data());
      q.bind(3, seconds(e.at));
      q.bind(4, seconds(e.recorded_at));
      q.bindNoCopy(5, e.actor);
      if (e.type == EventType::report)
        q.bind(6);
      else
        q.bindNoCopy(6, to_string(e.from_level).data());
      bind_unit_id(q, 7, e.from_unit);
      bind_text_or_null(q, 8, e.from_department);
      q.bindNoCopy(9, to_string(e.level).data());
      bind_unit_id(q, 10, e.unit);
      bind_text_or_null(q, 11, e.department);
      bind_text_or_null(q, 12, e.worker);
      bind_time_or_null(q, 13, e.deadline);
      bind_text_or_null(q, 14, e.note);
      bind_time_or_null(q, 15, e.due);
      const std::string extension = e.extension ? format_duration(*e.extension) : std::string();
      bind_text_or_null(q, 16, extension);
      bind_time_or_null(q, 17, e.supervision_by);
      q.bind(18, e.late_record ? 1 : 0);
      q.exec();
    }
  }

  void begin_bulk() override {
    access([&] {
      m_bulk = true;  // events are linked on a thread of their own until end_bulk
      m_set_aside.clear();
      if (m_db->execAndGet("SELECT EXISTS (SELECT 1 FROM cases)").getInt() != 0) return;
      // The indexes whose keys arrive in no order, which cost a random B-tree insert per row
      // but are built from a sort in a fraction of that. The others stay: (source, ext_id) and
      // events by case, which the import itself reads; the times, to which a file in time order
      // only appends; and the small partial ones, to which few rows are added.
      SQLite::Statement q(*m_db,
                          "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND "
                          "name IN ('cases_status', 'cases_grid', 'cases_unit') ORDER BY name");
      while (q.executeStep())
        m_set_aside.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
      // A cached statement left mid-result still reads, and SQLite drops nothing under a reader.
      for (auto& [sql, statement] : m_statements) statement->reset();
      for (const auto& [name, sql] : m_set_aside) m_db->exec("DROP INDEX \"" + name + "\"");
    });
  }

  void end_bulk() override {
    access([&] {  // which inserts the events still being linked
      m_bulk = false;
      for (const auto& [name, sql] : m_set_aside) m_db->exec(sql);
      m_set_aside.clear();
    });
  }

  std::optional<Case> find_case(long long id) override {
    return guarded(m_path, [&]() -> std::optional<Case> {
      SQLite::Statement q(*m_db, k_case_select + " WHERE c.id = ?");
      q.bind(1, static_cast<int64_t>(id));
      if (!q.executeStep()) return std::nullopt;
      return read_case(q);
    });
  }

  std::optional<long long> find_case_id(Source source, std::string_view ext_id) override {
    return guarded(m_path, [&]() -> std::optional<long long> {
      auto& q = statement("SELECT id FROM cases WHERE source = ? AND ext_id = ?");
      q.bind(1, std::string(to_string(source)));
      q.bind(2, std::string(ext_id));
      if (!q.executeStep()) return std::nullopt;
      return q.getColumn(0).getInt64();
    });
  }

  std::vector<Event> events(long long case_id) override {
    return access([&] {
      std::vector<Event> out;
      SQLite::Statement q(*m_db, k_event_select + " WHERE e.case_id = ? ORDER BY e.id");
      q.bind(1, static_cast<int64_t>(case_id));
      while (q.executeStep()) out.push_back(read_event(q));
      return out;
    });
  }

  std::vector<Event> events_between(EventType type, Timestamp from, Timestamp to) override {
    return access([&] {
      std::vector<Event> out;
      SQLite::Statement q(
          *m_db, k_event_select + " WHERE e.type = ? AND e.at >= ? AND e.at < ? ORDER BY e.id");
      q.bind(1, std::string(to_string(type)));
      q.bind(2, seconds(from));
      q.bind(3, seconds(to));
      while (q.executeStep()) out.push_back(read_event(q));
      return out;
    });
  }

  std::vector<Case> cases(const CaseFilter& f) override {
    return access([&] {
      std::string sql = k_case_select + " WHERE 1 = 1";
      std::vector<std::function<void(SQLite::Statement&, int)>> binds;
      auto where = [&](const std::string& clause, auto value) {
        sql += " AND " + clause;
        binds.push_back([value](SQLite::Statement& q, int i) { q.bind(i, value); });
      };
      if (f.status) where("c.status = ?", std::string(to_string(*f.status)));
      if (f.level) where("c.level = ?", std::string(to_string(*f.level)));
      if (!f.department.empty()) where("c.department = ?", f.department);
      if (!f.category.empty()) where("c.category = ?", f.category);
      if (f.source) where("c.source = ?", std::string(to_string(*f.source)));
      if (f.overdue_at)
        where("c.status = 'open' AND c.suspended_since IS NULL AND c.due < ?",
              seconds(*f.overdue_at));
      if (f.stage_overdue_at)
        where("c.status = 'open' AND c.suspended_since IS NULL AND c.deadline < ?",
              seconds(*f.stage_overdue_at));
      if (f.supervised_at)
        where(
            "((c.status = 'open' AND c.suspended_since IS NULL AND c.due < ?) OR (c.status IN "
            "('open', 'resolved') AND EXISTS (SELECT 1 FROM events WHERE case_id = c.id AND "
            "type = 'supervise')))",
            seconds(*f.supervised_at));
      if (f.reported_from) where("c.reported_at >= ?", seconds(*f.reported_from));
      if (f.reported_to) where("c.reported_at < ?", seconds(*f.reported_to));
      if (!f.unit.empty()) {
        check_subtree(f.unit);
        where(
            // At most four levels below a unit: a cycle of parents cannot make it endless.
            "c.grid_id IN (WITH RECURSIVE sub(id, below) AS (SELECT id, 0 FROM units WHERE "
            "code = ? UNION ALL SELECT u.id, sub.below + 1 FROM units u JOIN sub ON "
            "u.parent_id = sub.id WHERE sub.below < 4) SELECT id FROM sub)",
            f.unit);
      }
      sql += " ORDER BY c.id";
      SQLite::Statement q(*m_db, sql);
      for (std::size_t i = 0; i < binds.size(); ++i) binds[i](q, static_cast<int>(i + 1));
      std::vector<Case> out;
      while (q.executeStep()) out.push_back(read_case(q));
      return out;
    });
  }

  void for_each_case(
      Timestamp from, Timestamp to, Timestamp until,
      const std::function<void(const Case&, const std::vector<Event>&)>& visit) override {
    stream_cases(from, to, until, "", visit);
  }

  void for_each_unsettled_case(
      Timestamp from, Timestamp to, Timestamp end,
      const std::function<void(const Case&, const std::vector<Event>&)>& visit) override {
    stream_cases(from, to, end, " AND c.last_counted_at >= ?3", visit);
  }

  void settled_tallies(
      Timestamp from, Timestamp to, Timestamp end, const std::vector<StatsKey>& keys,
      const std::function<void(const std::vector<std::string>&, const Tally&)>& visit) override {
    access([&] {
      // The period's cases are found by their report time, whatever else the query tests.
      const std::string from_where =
          " FROM cases c INDEXED BY cases_reported WHERE c.reported_at >= ?1 AND "
          "c.reported_at < ?2 AND (c.last_counted_at IS NULL OR c.last_counted_at < ?3)";
      const std::string key_list = stats_keys(keys, "coalesce(c.last_department, '')", "c.grid_id");
      // SQL's << and | bind alike, left to right: each shifted bit gets its parentheses.
      std::string bits;
      for (std::size_t i = 0; i < std::size(detail::k_standing_bits); ++i)
        bits += (i ? " | ((" : "((") + detail::standing_sql(detail::k_standing_bits[i], "?3") +
                ") << " + std::to_string(i) + ")";
      const int n = static_cast<int>(keys.size());
      const auto grid_codes = unit_codes();

      // One pass over the period's cases, counted here by group and standing (SQL's GROUP BY
      // would sort them first, which costs more than the counting): a group's key is packed in
      // bytes, a grid as its id, any other key as its text and a NUL (texts hold none).
      std::unordered_map<std::string, long long> counts;           // group and standing → cases
      std::unordered_map<std::string, std::vector<double>> hours;  // group → hours to close
      // The hours to close of a closed problem (outcome_at), in seconds; NULL for other cases.
      SQLite::Statement q(*m_db, "SELECT " + key_list + "c.status, " + bits +
                                     ", CASE WHEN c.kind = 'problem' AND c.status = 'closed' THEN "
                                     "c.close_counted_at - c.reported_at END, c.reporter, "
                                     "c.resolved_by" +
                                     from_where);
      const auto members = party_members();
      const std::unordered_set<std::string_view> is_member(members.begin(), members.end());
      auto member = [&](const SQLite::Column& code) {
        return !code.isNull() &&
               is_member.contains(std::string_view(static_cast<const char*>(code.getBlob()),
                                                   static_cast<std::size_t>(code.getBytes())));
      };
      constexpr auto member_bit = std::size(detail::k_standing_bits);
      bind_period(q, from, to, end);
      std::string group;
      while (q.executeStep()) {
        group.clear();
        for (int i = 0; i < n; ++i) {
          if (keys[static_cast<std::size_t>(i)] == StatsKey::grid) {
            const int64_t id = q.getColumn(i).getInt64();
            group.append(reinterpret_cast<const char*>(&id), sizeof id);
          } else {
            group += q.getColumn(i).getText();
            group += '\0';
          }
        }
        const Status status = parse_status(q.getColumn(n).getText()).value_or(Status::open);
        auto set = static_cast<uint16_t>(q.getColumn(n + 1).getInt64());
        if (member(q.getColumn(n + 3))) set |= uint16_t{1} << member_bit;
        if (member(q.getColumn(n + 4))) set |= uint16_t{1} << (member_bit + 1);
        if (const auto seconds = q.getColumn(n + 2); !seconds.isNull())
          hours[group].push_back(static_cast<double>(seconds.getInt64()) / 3600.0);
        group += static_cast<char>(status);
        group.append(reinterpret_cast<const char*>(&set), sizeof set);
        ++counts[group];
      }
      auto key_of = [&](const std::string& packed) {
        std::vector<std::string> key;
        std::size_t at = 0;
        for (StatsKey k : keys) {
          if (k == StatsKey::grid) {
            int64_t id = 0;
            std::memcpy(&id, packed.data() + at, sizeof id);
            key.push_back(grid_codes.at(id));
            at += sizeof id;
          } else {
            const std::size_t nul = packed.find('\0', at);
            key.push_back(packed.substr(at, nul - at));
            at = nul + 1;
          }
        }
        return key;
      };
      std::map<std::vector<std::string>, Tally> tallies;
      constexpr std::size_t standing_bytes = 1 + sizeof(uint16_t);
      for (const auto& [packed, n_cases] : counts) {
        const std::string group_of = packed.substr(0, packed.size() - standing_bytes);
        Standing standing;
        standing.status = static_cast<Status>(packed[packed.size() - standing_bytes]);
        uint16_t set = 0;
        std::memcpy(&set, packed.data() + packed.size() - sizeof set, sizeof set);
        for (std::size_t b = 0; b < std::size(detail::k_standing_bits); ++b)
          standing.*detail::k_standing_bits[b].flag = (set >> b) & 1;
        for (std::size_t b = 0; b < std::size(k_member_bits); ++b)
          standing.*k_member_bits[b] = (set >> (member_bit + b)) & 1;
        tallies[key_of(group_of)].add(outcome_of(standing), n_cases);
      }
      for (auto& [group_of, h] : hours) {
        auto& into = tallies[key_of(group_of)].hours;
        into.insert(into.end(), h.begin(), h.end());
      }
      for (const auto& [key, t] : tallies) visit(key, t);
    });
  }

  void event_tallies(
      Timestamp from, Timestamp to, const std::vector<StatsKey>& keys,
      const std::function<void(const std::vector<std::string>&, const Tally&)>& visit) override {
    access([&] {
      // Tally::add(const Event&) in SQL.
      SQLite::Statement q(
          *m_db, "SELECT " + stats_keys(keys, "coalesce(e.department, '')", "g.code") +
                     "sum(e.type = 'whistle'), sum(e.type = 'rework'), sum(e.type = 'supervise'), "
                     "sum(e.type = 'close' AND e.actor = 'admin') FROM events e "
                     "JOIN cases c ON c.id = e.case_id JOIN units g ON g.id = c.grid_id "
                     // The condition of the partial index events_tallied, word for word.
                     "WHERE e.at >= ?1 AND e.at < ?2 AND (type = 'whistle' OR type = 'rework' OR "
                     "type = 'supervise' OR (type = 'close' AND actor = 'admin'))" +
                     group_by(keys));
      q.bind(1, seconds(from));
      q.bind(2, seconds(to));
      const int n = static_cast<int>(keys.size());
      while (q.executeStep()) {
        Tally t;
        t.whistles = q.getColumn(n).getInt64();
        t.rework = q.getColumn(n + 1).getInt64();
        t.supervised = q.getColumn(n + 2).getInt64();
        t.verified_by_admin = q.getColumn(n + 3).getInt64();
        visit(key_values(q, n), t);
      }
    });
  }

  void for_each_event(
      Timestamp from, Timestamp to,
      const std::function<void(const Case&, const Event&, const Link&)>& visit) override {
    access([&] {
      SQLite::Statement q(*m_db, "SELECT " + k_header_columns + ", " + k_event_columns + ", " +
                                     k_link_columns +
                                     " FROM events e JOIN cases c ON c.id = e.case_id "
                                     "JOIN units g ON g.id = c.grid_id " +
                                     k_event_joins + k_link_join +
                                     " WHERE e.at >= ? AND e.at < ? ORDER BY e.at, e.id");
      q.bind(1, seconds(from));
      q.bind(2, seconds(to));
      while (q.executeStep())
        visit(read_header(q), read_event(q, k_header_count),
              read_link(q, k_header_count + k_event_count));
    });
  }

  void for_each_attendance(Timestamp from, Timestamp to,
                           const std::function<void(const AttendanceRecord&)>& visit) override {
    access([&] {
      SQLite::Statement q(*m_db,
                          "SELECT w.code, a.at, g.code, a.kind FROM attendance a "
                          "JOIN workers w ON w.id = a.worker_id JOIN units g ON g.id = a.grid_id "
                          "WHERE a.at >= ? AND a.at < ? ORDER BY a.at, a.id");
      q.bind(1, seconds(from));
      q.bind(2, seconds(to));
      AttendanceRecord r;
      while (q.executeStep()) {
        r.worker = q.getColumn(0).getString();
        r.at = timestamp(q.getColumn(1));
        r.grid = q.getColumn(2).getString();
        r.kind =
            parse_attendance_kind(q.getColumn(3).getString()).value_or(AttendanceKind::checkin);
        visit(r);
      }
    });
  }

  void for_each_patrol_report(Timestamp from, Timestamp to,
                              const std::function<void(const AttendanceRecord&)>& visit) override {
    access([&] {
      // The reports rule 12 also reads for the quota: patrol, not void, not a late record.
      SQLite::Statement q(
          *m_db,
          "SELECT c.reporter, c.reported_at, g.code FROM cases c "
          "INDEXED BY cases_reported JOIN units g ON g.id = c.grid_id "
          "WHERE c.source = 'patrol' AND c.reported_at >= ? AND c.reported_at < ? "
          "AND c.status <> 'void' AND c.id NOT IN (SELECT case_id FROM events "
          "WHERE late_record = 1 AND type = 'report') ORDER BY c.reported_at, c.id");
      q.bind(1, seconds(from));
      q.bind(2, seconds(to));
      AttendanceRecord r;
      r.kind = AttendanceKind::patrol;
      while (q.executeStep()) {
        r.worker = q.getColumn(0).getString();
        r.at = timestamp(q.getColumn(1));
        r.grid = q.getColumn(2).getString();
        visit(r);
      }
    });
  }

  std::optional<std::pair<Timestamp, Timestamp>> reported_range() override {
    return access([&]() -> std::optional<std::pair<Timestamp, Timestamp>> {
      SQLite::Statement q(*m_db, "SELECT min(reported_at), max(reported_at) FROM cases");
      if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
      return std::pair{timestamp(q.getColumn(0)), timestamp(q.getColumn(1))};
    });
  }

  std::map<std::string, GridQuota> quota(Timestamp from, Timestamp to, std::chrono::minutes offset,
                                         int reports) override {
    return access([&] {
      detail::QuotaCount count;
      for_each_quota_report(from, to, offset, [&](int64_t grid, int64_t day, QuotaVerdict why) {
        count.add(grid, day, why);
      });
      const auto grid_code = unit_codes();
      std::map<std::string, GridQuota> out;
      for (const auto& [grid, g] : std::move(count).by_grid(reports)) out[grid_code.at(grid)] = g;
      return out;
    });
  }

  std::map<std::string, std::vector<long long>> quota_by_day(Timestamp from, Timestamp to,
                                                             std::chrono::minutes offset) override {
    return access([&] {
      const int64_t shift = static_cast<int64_t>(offset.count()) * 60;
      const int64_t first = floor_div(seconds(from) + shift, 86400);
      const int64_t days =
          std::max<int64_t>(floor_div(seconds(to) + shift - 1, 86400) - first + 1, 0);
      std::unordered_map<int64_t, std::vector<long long>> by_grid;
      for_each_quota_report(from, to, offset, [&](int64_t grid, int64_t day, QuotaVerdict why) {
        if (why != QuotaVerdict::valid || day < first || day >= first + days) return;
        auto& v = by_grid[grid];
        if (v.empty()) v.assign(static_cast<std::size_t>(days), 0);
        ++v[static_cast<std::size_t>(day - first)];
      });
      const auto grid_code = unit_codes();
      std::map<std::string, std::vector<long long>> out;
      for (auto& [grid, v] : by_grid) out[grid_code.at(grid)] = std::move(v);
      return out;
    });
  }

 private:
  static int64_t floor_div(int64_t a, int64_t b) {
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
  }

  /// Each patrol report of [from, to) with its grid's id, its local day (days since the epoch at
  /// `offset`) and its verdict: `quota` and `quota_by_day` read the same reports the same way.
  void for_each_quota_report(Timestamp from, Timestamp to, std::chrono::minutes offset,
                             const std::function<void(int64_t, int64_t, QuotaVerdict)>& visit) {
    // Who may report for a grid: the grid-tier workers serving it (a few thousand pairs).
    std::unordered_map<std::string, std::vector<int64_t>> serving;
    SQLite::Statement workers(*m_db,
                              "SELECT w.code, wu.unit_id FROM workers w JOIN worker_units wu "
                              "ON wu.worker_id = w.id WHERE w.tier = 'grid'");
    while (workers.executeStep())
      serving[workers.getColumn(0).getString()].push_back(workers.getColumn(1).getInt64());
    // Found by report time: most cases are patrol reports.
    SQLite::Statement q(*m_db,
                        "SELECT c.grid_id, (c.reported_at + ?1) / 86400, c.reporter, "
                        "c.status = 'void', c.id IN (SELECT case_id FROM events WHERE "
                        "late_record = 1 AND type = 'report') "
                        "FROM cases c INDEXED BY cases_reported "
                        "WHERE c.source = 'patrol' AND c.reported_at >= ?2 AND c.reported_at < ?3");
    q.bind(1, static_cast<int64_t>(offset.count() * 60));
    q.bind(2, seconds(from));
    q.bind(3, seconds(to));
    std::string reporter;
    while (q.executeStep()) {
      const int64_t grid = q.getColumn(0).getInt64();
      const int64_t day = q.getColumn(1).getInt64();
      reporter.assign(q.getColumn(2).getText());
      const auto w = serving.find(reporter);
      visit(grid, day,
            quota_verdict(q.getColumn(3).getInt() != 0, reporter == k_admin_code,
                          q.getColumn(4).getInt() != 0,
                          w != serving.end() && std::find(w->second.begin(), w->second.end(),
                                                          grid) != w->second.end()));
    }
  }

  /// Cases reported in [from, to) meeting `where` (over `c`, with ?3 = `until`), by id, each with
  /// its events that happened before `until`.
  void stream_cases(Timestamp from, Timestamp to, Timestamp until, const std::string& where,
                    const std::function<void(const Case&, const std::vector<Event>&)>& visit) {
    access([&] {
      SQLite::Statement q(*m_db, "SELECT " + k_header_columns + ", " + k_event_columns +
                                     " FROM cases c JOIN units g ON g.id = c.grid_id "
                                     "JOIN events e ON e.case_id = c.id AND e.at < ?3 " +
                                     k_event_joins +
                                     " WHERE c.reported_at >= ?1 AND c.reported_at < ?2" + where +
                                     " ORDER BY c.id, e.id");
      bind_period(q, from, to, until);
      Case header;
      std::vector<Event> events;
      while (q.executeStep()) {
        const long long id = q.getColumn(0).getInt64();
        if (id != header.id && header.id != 0) {
          visit(header, events);
          events.clear();
        }
        if (id != header.id) header = read_header(q);
        events.push_back(read_event(q, k_header_count));
      }
      if (header.id != 0) visit(header, events);
    });
  }

  static void bind_period(SQLite::Statement& q, Timestamp from, Timestamp to, Timestamp end) {
    q.bind(1, seconds(from));
    q.bind(2, seconds(to));
    q.bind(3, seconds(end));
  }

  /// The party figures' two bits, which follow those: the reporter is a member, the last
  /// resolve was recorded by one. Looked up here in a hash set of the members (the columns
  /// `c.reporter` and `c.resolved_by`): in SQL, the searches cost a month's report a fifth.
  static constexpr bool Standing::*k_member_bits[] = {&Standing::reported_by_member,
                                                      &Standing::resolved_by_member};

  /// Every unit's code by its id.
  std::unordered_map<int64_t, std::string> unit_codes() {
    std::unordered_map<int64_t, std::string> out;
    SQLite::Statement q(*m_db, "SELECT id, code FROM units");
    while (q.executeStep()) out[q.getColumn(0).getInt64()] = q.getColumn(1).getString();
    return out;
  }

  /// The select list of `keys` (each followed by a comma), with `department` for the department
  /// and `grid` for the grid.
  static std::string stats_keys(const std::vector<StatsKey>& keys, const std::string& department,
                                const std::string& grid) {
    std::string out;
    for (StatsKey k : keys) {
      switch (k) {
        case StatsKey::grid:
          out += grid + ", ";
          break;
        case StatsKey::department:
          out += department + ", ";
          break;
        case StatsKey::category:
          out += "c.category, ";
          break;
        case StatsKey::source:
          out += "c.source, ";
          break;
        case StatsKey::service:
          out += "coalesce(c.service, ''), ";
          break;
      }
    }
    return out;
  }

  /// " GROUP BY 1, 2, …" over the columns of `keys`; empty without keys.
  static std::string group_by(const std::vector<StatsKey>& keys) {
    std::string out;
    for (std::size_t i = 1; i <= keys.size(); ++i)
      out += (i > 1 ? ", " : " GROUP BY ") + std::to_string(i);
    return out;
  }

  static std::vector<std::string> key_values(SQLite::Statement& q, int n) {
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) out.push_back(q.getColumn(i).getString());
    return out;
  }

  /// Throws ErrorCode::unusable when the units below `code` go deeper than the model's four
  /// levels, which only a cycle of parents makes them do.
  void check_subtree(const std::string& code) {
    SQLite::Statement q(*m_db,
                        "WITH RECURSIVE sub(id, below) AS (SELECT id, 0 FROM units WHERE code = ? "
                        "UNION ALL SELECT u.id, sub.below + 1 FROM units u JOIN sub ON "
                        "u.parent_id = sub.id WHERE sub.below < 5) "
                        "SELECT EXISTS (SELECT 1 FROM sub WHERE below = 5)");
    q.bind(1, code);
    if (!q.executeStep() || q.getColumn(0).getInt() == 0) return;
    (void)units();  // names the unit whose parent is not above it
    throw Error(ErrorCode::unusable, "database " + m_path + " is unusable: the units below " +
                                         code +
                                         " go more than four levels deep (do the units' parents "
                                         "form a cycle?)");
  }

  // A case's header (what its report says) and an event, for the streaming queries.
  // The header's columns up to schema 6, then its service (schema 7) and its point (schema 9).
  inline static const std::string k_header_columns_6 =
      "c.id, c.kind, c.source, coalesce(c.ext_id, ''), c.category, c.title, "
      "coalesce(c.description, ''), g.code, c.reporter, c.reported_at";
  inline static const std::string k_header_columns =
      k_header_columns_6 + ", coalesce(c.service, ''), c.lon, c.lat";
  static constexpr int k_header_count = 13;
  inline static const std::string k_event_columns =
      "e.id, e.case_id, e.type, e.at, e.recorded_at, e.actor, e.from_level, "
      "coalesce(fu.code, ''), coalesce(e.from_department, ''), e.level, coalesce(u.code, ''), "
      "coalesce(e.department, ''), coalesce(e.worker, ''), e.deadline, coalesce(e.note, ''), "
      "e.due, e.extension, e.supervision_by, e.late_record";
  static constexpr int k_event_count = 19;
  // An event's link: the hash before it, which is not stored but read where it is (the event
  // of the id before, or the start entry's for event 1: docs/design.md §15.2; none when that
  // event is missing, which `audit verify` reports as a gap), then its own.
  inline static const std::string k_link_columns =
      "CASE WHEN e.id = 1 THEN (SELECT hash FROM chain_start) ELSE p.hash END, e.hash";
  inline static const std::string k_link_join = " LEFT JOIN events p ON p.id = e.id - 1";
  inline static const std::string k_event_joins =
      "LEFT JOIN units fu ON fu.id = e.from_unit_id LEFT JOIN units u ON u.id = e.unit_id";

  template <class Query>
  static Case read_header(const Query& q) {
    Case c;
    c.id = q.getColumn(0).getInt64();
    c.kind = parse_kind(q.getColumn(1).getString()).value_or(Kind::problem);
    c.source = parse_source(q.getColumn(2).getString()).value_or(Source::patrol);
    c.ext_id = q.getColumn(3).getString();
    c.category = q.getColumn(4).getString();
    c.title = q.getColumn(5).getString();
    c.description = q.getColumn(6).getString();
    c.grid = q.getColumn(7).getString();
    c.reporter = q.getColumn(8).getString();
    c.reported_at = timestamp(q.getColumn(9));
    c.service = q.getColumn(10).getString();
    if (!q.getColumn(11).isNull() && !q.getColumn(12).isNull())
      c.location = LonLat{q.getColumn(11).getDouble(), q.getColumn(12).getDouble()};
    return c;
  }

  inline static const std::string k_case_select =
      "SELECT " + k_header_columns +
      ", c.status, c.level, "
      "coalesce(u.code, ''), coalesce(c.department, ''), c.deadline, c.rework, "
      "(SELECT group_concat(worker, ';') FROM (SELECT worker FROM events WHERE case_id = c.id "
      " AND type = 'whistle' ORDER BY id)), "
      "c.resolved_by, "
      "c.due, c.suspended_since, "
      "(SELECT group_concat(extension, ';') FROM (SELECT extension FROM events WHERE "
      " case_id = c.id AND type = 'extend' ORDER BY id)), "
      "(SELECT supervision_by FROM events WHERE case_id = c.id AND type = 'supervise' "
      " ORDER BY id DESC LIMIT 1), "
      "(SELECT coalesce(note, '') FROM events WHERE case_id = c.id AND type = 'supervise' "
      " ORDER BY id DESC LIMIT 1), "
      "c.last_counted_at, c.close_counted_at, c.escalated, c.referred, c.extended, "
      "c.stage_late, coalesce(c.last_department, '') "
      "FROM cases c JOIN units g ON g.id = c.grid_id LEFT JOIN units u ON u.id = c.unit_id";
  inline static const std::string k_event_select =
      "SELECT " + k_event_columns + " FROM events e " + k_event_joins;

  static int64_t seconds(Timestamp t) { return t.time_since_epoch().count(); }
  template <class Column>
  static Timestamp timestamp(const Column& c) {
    return Timestamp(std::chrono::seconds(c.getInt64()));
  }

  /// The columns of a case's facts (CaseFacts) and its supervision order's time, in the order
  /// bind_state binds them.
  inline static const std::string k_fact_columns =
      "last_counted_at, close_counted_at, escalated, referred, extended, stage_late, "
      "last_department, supervision_by";

  /// Binds status, level, unit (its id), department, deadline, rework, due and suspended_since at
  /// `first`…`first + 7`, then the k_fact_columns at `first + 8`…`first + 15`.
  void bind_state(SQLite::Statement& q, const Case& c, int first) {
    q.bindNoCopy(first, to_string(c.status).data());
    q.bindNoCopy(first + 1, to_string(c.level).data());
    bind_unit_id(q, first + 2, c.unit);
    bind_text_or_null(q, first + 3, c.department);
    bind_time_or_null(q, first + 4, c.deadline);
    q.bind(first + 5, c.rework);
    bind_time_or_null(q, first + 6, c.due);
    bind_time_or_null(q, first + 7, c.suspended_since);
    const CaseFacts& f = c.facts;
    bind_time_or_null(q, first + 8, f.last_counted_at);
    bind_time_or_null(q, first + 9, f.close_counted_at);
    q.bind(first + 10, f.escalated ? 1 : 0);
    q.bind(first + 11, f.referred ? 1 : 0);
    q.bind(first + 12, f.extended ? 1 : 0);
    q.bind(first + 13, f.stage_late ? 1 : 0);
    bind_text_or_null(q, first + 14, f.last_department);
    bind_time_or_null(q, first + 15,
                      c.supervision ? std::optional<Timestamp>(c.supervision->by) : std::nullopt);
  }

  static void bind_time_or_null(SQLite::Statement& q, int i, const std::optional<Timestamp>& t) {
    if (t)
      q.bind(i, seconds(*t));
    else
      q.bind(i);
  }

  template <class Query>
  static Case read_case(const Query& q) {
    Case c = read_header(q);
    c.status = parse_status(q.getColumn(13).getString()).value_or(Status::open);
    c.level = level_of(q.getColumn(14).getString());
    c.unit = q.getColumn(15).getString();
    c.department = q.getColumn(16).getString();
    if (!q.getColumn(17).isNull()) c.deadline = timestamp(q.getColumn(17));
    c.rework = q.getColumn(18).getInt();
    if (!q.getColumn(19).isNull()) c.whistled = split(q.getColumn(19).getString());
    if (!q.getColumn(20).isNull()) c.resolved_by = q.getColumn(20).getString();
    if (!q.getColumn(21).isNull()) c.due = timestamp(q.getColumn(21));
    if (!q.getColumn(22).isNull()) c.suspended_since = timestamp(q.getColumn(22));
    if (!q.getColumn(23).isNull())
      for (const auto& d : split(q.getColumn(23).getString()))
        if (auto parsed = parse_duration(d)) c.extensions.push_back(*parsed);
    if (!q.getColumn(24).isNull())  // the last supervision order
      c.supervision = Supervision{timestamp(q.getColumn(24)), q.getColumn(25).getString()};
    CaseFacts& f = c.facts;
    if (!q.getColumn(26).isNull()) f.last_counted_at = timestamp(q.getColumn(26));
    if (!q.getColumn(27).isNull()) f.close_counted_at = timestamp(q.getColumn(27));
    f.escalated = q.getColumn(28).getInt() != 0;
    f.referred = q.getColumn(29).getInt() != 0;
    f.extended = q.getColumn(30).getInt() != 0;
    f.stage_late = q.getColumn(31).getInt() != 0;
    f.last_department = q.getColumn(32).getString();
    return c;
  }

  /// An event from the columns of k_event_columns, starting at column `first`.
  template <class Query>
  static Event read_event(const Query& q, int first = 0) {
    auto col = [&](int i) { return q.getColumn(first + i); };
    Event e;
    e.id = col(0).getInt64();
    e.case_id = col(1).getInt64();
    e.type = parse_event_type(col(2).getString()).value_or(EventType::report);
    e.at = timestamp(col(3));
    e.recorded_at = timestamp(col(4));
    e.actor = col(5).getString();
    e.from_level = col(6).isNull() ? Level::grid : level_of(col(6).getString());
    e.from_unit = col(7).getString();
    e.from_department = col(8).getString();
    e.level = level_of(col(9).getString());
    e.unit = col(10).getString();
    e.department = col(11).getString();
    e.worker = col(12).getString();
    if (!col(13).isNull()) e.deadline = timestamp(col(13));
    e.note = col(14).getString();
    if (!col(15).isNull()) e.due = timestamp(col(15));
    if (!col(16).isNull()) e.extension = parse_duration(col(16).getString());
    if (!col(17).isNull()) e.supervision_by = timestamp(col(17));
    e.late_record = col(18).getInt() != 0;
    return e;
  }

  static std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
      auto end = s.find(';', start);
      if (end == std::string::npos) end = s.size();
      out.push_back(s.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  inline static const std::string k_unit_select =
      "SELECT u.code, u.name, u.level, coalesce(p.code, ''), u.households, u.population, "
      "u.retired FROM units u LEFT JOIN units p ON p.id = u.parent_id";
  inline static const std::string k_worker_select =
      "SELECT w.code, w.name, w.tier, w.deployment, coalesce(w.department, ''), "
      "coalesce(w.phone, ''), w.retired, "
      "(SELECT group_concat(code, ';') FROM (SELECT u.code FROM worker_units wu "
      " JOIN units u ON u.id = wu.unit_id WHERE wu.worker_id = w.id ORDER BY wu.position)), "
      "w.retired_at, w.party_member, coalesce(w.party_role, '') FROM workers w";

  void open(const OpenOptions& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const bool memory = m_path == ":memory:";
    const bool exists = memory || fs::exists(m_path, ec);
    if (!exists && !options.create)
      throw Error(ErrorCode::not_found, "no database at " + m_path, "", "database");
    if (!exists && options.on_commit && !options.read_only) {
      // Built aside and renamed into place by the first commit (see publish), so that a failed
      // command never leaves a half-made database, nor deletes one another process made.
      m_pending = temporary_name(m_path);
      connect(m_pending, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      return;
    }
    if (options.read_only)
      m_read_only = "opened read-only";
    else if (exists && !memory)
      m_read_only = why_read_only(m_path);
    if (!m_read_only.empty()) {
      // SQLite reads a WAL database only where it can make the -wal and -shm files, or when
      // told the file is immutable. Without a -wal or -journal file and in a directory nobody
      // here can write, no change is pending or in progress that this read could miss.
      const bool beside = writable(fs::path(m_path).parent_path()) ||
                          fs::exists(m_path + "-wal", ec) || fs::exists(m_path + "-journal", ec);
      if (!beside) {
        connect("file:" + uri_escaped(m_path) + "?immutable=1",
                SQLite::OPEN_READONLY | SQLite::OPEN_URI);
        return;
      }
      connect(m_path, SQLite::OPEN_READONLY);
      return;
    }
    int flags = SQLite::OPEN_READWRITE;
    if (memory || options.create) flags |= SQLite::OPEN_CREATE;
    connect(m_path, flags);
  }

  /// Why this process cannot write the database at `path`, or empty when it can.
  static std::string why_read_only(const std::string& path) {
    namespace fs = std::filesystem;
    if (!writable(path)) return "the file cannot be written";
    std::error_code ec;
    const bool beside = fs::exists(path + "-wal", ec) && writable(path + "-wal") &&
                        fs::exists(path + "-shm", ec) && writable(path + "-shm");
    if (!beside && !writable(fs::path(path).parent_path()))
      return "its directory cannot be written, so SQLite cannot make its -wal and -shm files";
    return {};
  }

  static bool writable(const std::filesystem::path& p) {
    const std::string s = p.empty() ? std::string(".") : p.string();
    return ::faccessat(AT_FDCWD, s.c_str(), W_OK, AT_EACCESS) == 0;
  }

  /// `path` as the path of a `file:` URI: every byte but a few safe ones percent-encoded.
  static std::string uri_escaped(const std::string& path) {
    std::string out;
    for (const char ch : path) {
      const auto c = static_cast<unsigned char>(ch);
      if (std::isalnum(c) != 0 || std::string_view("/._-~").find(ch) != std::string_view::npos)
        out += ch;
      else
        out += fmt::format("%{:02X}", c);
    }
    return out;
  }

  void connect(const std::string& file, int flags) {
    // A store is used by one thread at a time (docs/design.md §8): no mutex around each call.
    m_db = std::make_unique<SQLite::Database>(file, flags | SQLite::OPEN_NOMUTEX, 5000);
    detail::guard_connection(m_db->getHandle(), m_budget);
    m_db->exec("PRAGMA foreign_keys = ON");

    // Reading the schema is the first real read: a file that is not SQLite fails here. One read
    // transaction, so that all of it is one state even while another process migrates.
    SQLite::Transaction read(*m_db, SQLite::TransactionBehavior::DEFERRED);
    const int user_version = m_db->execAndGet("PRAGMA user_version").getInt();
    const int application_id = m_db->execAndGet("PRAGMA application_id").getInt();
    const int objects = m_db->execAndGet("SELECT count(*) FROM sqlite_schema").getInt();
    if (application_id != detail::k_application_id && (objects > 0 || user_version != 0))
      throw Error(ErrorCode::unusable, m_path + " is an SQLite database, but not gridgov's");
    if (user_version > k_schema_version)
      throw Error(ErrorCode::unusable,
                  "database " + m_path + " has schema version " + std::to_string(user_version) +
                      ", newer than this gridgov's " + std::to_string(k_schema_version) +
                      "; upgrade gridgov (the database was left untouched)",
                  "", "schema");
    if (user_version == 0 && objects > 0)
      throw Error(ErrorCode::unusable,
                  "database " + m_path +
                      " is unusable: it is gridgov's and holds tables, but its schema version "
                      "(PRAGMA user_version) says it is empty; it was changed outside gridgov "
                      "(the database was left untouched)");
    if (objects > 0)
      if (auto fault = detail::schema_fault(*m_db, user_version))
        throw Error(ErrorCode::unusable, "database " + m_path + " is unusable: " + *fault);
    read.commit();

    if (!m_read_only.empty()) {
      if (user_version < k_schema_version)
        throw Error(ErrorCode::unusable,
                    "database " + m_path + " has schema version " + std::to_string(user_version) +
                        " and needs upgrading to " + std::to_string(k_schema_version) +
                        ", but it is read-only (" + m_read_only +
                        "); run gridctl once with write access (the database was left "
                        "untouched)");
      return;
    }
    // WAL lets readers go on while one process writes; a database still being built keeps the
    // rollback journal, so that it is one file when renamed into place.
    if (m_pending.empty() && m_db->execAndGet("PRAGMA journal_mode").getString() != "wal")
      m_db->exec("PRAGMA journal_mode = WAL");
    if (user_version < k_schema_version) migrate();
  }

  /// `dir/.name.XXXXXX.new`, beside the database so that the rename stays on one file system.
  static std::string temporary_name(const std::string& path) {
    const std::filesystem::path p(path);
    std::random_device random;
    const std::string name =
        fmt::format(".{}.{}.{}.new", p.filename().string(), random() % 1000000, ::getpid());
    return (p.parent_path() / name).string();
  }

  /// After the first commit of a new database: move it into place, unless another process made
  /// one there meanwhile (then this command's work is not kept, and says so).
  void publish() {
    if (m_pending.empty()) return;
    const std::string pending = m_pending;
    m_statements.clear();
    m_db.reset();
    if (::renameat2(AT_FDCWD, pending.c_str(), AT_FDCWD, m_path.c_str(), RENAME_NOREPLACE) != 0) {
      const int err = errno;
      if (err == EEXIST)
        throw Error(ErrorCode::busy, "database " + m_path +
                                         " was created by another process meanwhile; nothing "
                                         "was written; try again");
      throw Error(ErrorCode::unusable,
                  "cannot create database " + m_path + ": " + std::strerror(err));
    }
    m_pending.clear();
    access([&] { connect(m_path, SQLite::OPEN_READWRITE); });
  }

  void migrate() {
    // Migrations rebuild tables (create, copy, drop, rename), which SQLite wants done with
    // foreign keys off; the references are checked before the commit instead. The pragma is a
    // no-op inside a transaction, so it brackets it.
    m_db->exec("PRAGMA foreign_keys = OFF");
    struct KeysBackOn {
      SQLite::Database& db;
      ~KeysBackOn() {
        try {
          db.exec("PRAGMA foreign_keys = ON");
        } catch (const SQLite::Exception&) {  // the connection is then unusable anyway
        }
      }
    } keys_back_on{*m_db};
    SQLite::Transaction tx(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
    // Another process may have migrated while we waited for the lock.
    int version = m_db->execAndGet("PRAGMA user_version").getInt();
    const int from_version = version;
    for (; version < k_schema_version; ++version) {
      m_db->exec(std::string(detail::k_migrations[static_cast<std::size_t>(version)]));
      if (version == 1) give_due();
      if (version == 3) give_facts();
      if (version == 9) chain_events(from_version);
      // A cached statement left on a row (a unit's id) would lock the tables a later
      // migration rebuilds (SQLITE_LOCKED on DROP TABLE): none is needed past a migration.
      m_statements.clear();
    }
    SQLite::Statement dangling(*m_db, "PRAGMA foreign_key_check");
    if (dangling.executeStep())
      throw Error(ErrorCode::unusable,
                  "database " + m_path + " is unusable: a row of table " +
                      dangling.getColumn(0).getString() +
                      " points at a row that is not there (the database was left untouched)");
    m_db->exec("PRAGMA application_id = " + std::to_string(detail::k_application_id));
    m_db->exec("PRAGMA user_version = " + std::to_string(version));
    tx.commit();
  }

  /// Migration 1 → 2: each problem gets its `due` (rule 9) from its report, or an intake case's
  /// first dispatch, under the policy in force; so do the events from that one on, so that
  /// replaying them still gives the row.
  void give_due() {
    Policy policy = default_policy();
    SQLite::Statement text(*m_db, "SELECT text FROM policies ORDER BY version DESC LIMIT 1");
    if (text.executeStep()) {
      Diagnostics diagnostics;
      Policy stored = parse_policy(text.getColumn(0).getString(), "policy in force", diagnostics);
      if (diagnostics.empty()) policy = std::move(stored);
    }
    SQLite::Statement q(*m_db,
                        "SELECT c.id, c.source, c.category, e.id, e.at FROM cases c JOIN events e "
                        "ON e.id = (SELECT min(id) FROM events WHERE case_id = c.id AND type = "
                        "CASE WHEN c.source IN ('hotline', 'petition') THEN 'dispatch' ELSE "
                        "'report' END) WHERE c.kind = 'problem'");
    SQLite::Statement set_case(*m_db, "UPDATE cases SET due = ?2 WHERE id = ?1");
    SQLite::Statement set_events(*m_db,
                                 "UPDATE events SET due = ?3 WHERE case_id = ?1 AND id >= ?2");
    while (q.executeStep()) {
      const Timestamp due =
          policy.after(timestamp(q.getColumn(4)),
                       policy.limit_for(policy.find_category(q.getColumn(2).getString())));
      set_case.bind(1, q.getColumn(0).getInt64());
      set_case.bind(2, seconds(due));
      set_case.exec();
      set_case.reset();
      set_events.bind(1, q.getColumn(0).getInt64());
      set_events.bind(2, q.getColumn(3).getInt64());
      set_events.bind(3, seconds(due));
      set_events.exec();
      set_events.reset();
    }
  }

  /// Migration 9 → 10: the events already there are chained, in id order, after a start entry
  /// that says the chain began on this upgrade (from schema `from_version`) and how many events
  /// it found. A database without events starts its chain at its first event instead.
  void chain_events(int from_version) {
    const long long count = m_db->execAndGet("SELECT count(*) FROM events").getInt64();
    if (count == 0) return;
    SQLite::Statement root(*m_db, "SELECT code FROM units WHERE depth = 0 LIMIT 1");
    if (!root.executeStep())
      throw Error(ErrorCode::unusable,
                  "database " + m_path + " is unusable: it has events but no county");
    const ChainStart start =
        make_chain_start(root.getColumn(0).getString(), gridgov::now(),
                         "upgrade from schema " + std::to_string(from_version), count);
    insert_chain_start(start);
    SQLite::Statement q(*m_db, "SELECT " + k_header_columns + ", " + k_event_columns +
                                   " FROM events e JOIN cases c ON c.id = e.case_id "
                                   "JOIN units g ON g.id = c.grid_id " +
                                   k_event_joins + " ORDER BY e.id");
    SQLite::Statement set(*m_db, "UPDATE events SET hash = ?2 WHERE id = ?1");
    Digest prev = start.hash;
    while (q.executeStep()) {
      const Event e = read_event(q, k_header_count);
      const Link link = link_after(prev, read_header(q), e);
      set.bind(1, static_cast<int64_t>(e.id));
      set.bind(2, link.hash.data(), static_cast<int>(link.hash.size()));
      set.exec();
      set.reset();
      prev = link.hash;
    }
  }

  /// Migration 3 → 4: each case's facts, by replaying its events (the projection `apply` keeps).
  void give_facts() {
    // Schema 4 has no `service` column yet, nor service cases, nor points.
    SQLite::Statement q(*m_db, "SELECT " + k_header_columns_6 + ", '', NULL, NULL, " +
                                   k_event_columns +
                                   " FROM cases c JOIN units g ON g.id = c.grid_id "
                                   "JOIN events e ON e.case_id = c.id " +
                                   k_event_joins + " ORDER BY c.id, e.id");
    SQLite::Statement set(*m_db, "UPDATE cases SET (" + k_fact_columns +
                                     ") = (?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25) WHERE id = ?1");
    Case c;
    auto flush = [&] {
      if (c.id == 0) return;
      set.bind(1, static_cast<int64_t>(c.id));
      bind_state(set, c, 10);
      set.exec();
      set.reset();
    };
    while (q.executeStep()) {
      const long long id = q.getColumn(0).getInt64();
      if (id != c.id) {
        flush();
        c = replay(read_header(q), {});
      }
      c = apply(std::move(c), read_event(q, k_header_count));
    }
    flush();
  }

  /// Prepared statements are cached, by the address of their text (a literal, or a static
  /// string): an import runs the same few hundreds of thousands of times.
  SQLite::Statement& statement(const char* sql) {
    auto it = m_statements.find(sql);
    if (it == m_statements.end())
      it = m_statements.emplace(sql, std::make_unique<SQLite::Statement>(*m_db, sql)).first;
    it->second->reset();
    it->second->clearBindings();
    return *it->second;
  }

  /// Binds `s`, or NULL when it is empty. Not copied: `s` must outlive the statement's execution.
  static void bind_text_or_null(SQLite::Statement& q, int i, const std::string& s) {
    if (s.empty())
      q.bind(i);
    else
      q.bindNoCopy(i, s);
  }

  /// Binds the id of the unit `code`, or NULL when it is empty or not a unit.
  void bind_unit_id(SQLite::Statement& q, int i, const std::string& code) {
    if (auto id = code.empty() ? std::nullopt : unit_id(code))
      q.bind(i, *id);
    else
      q.bind(i);
  }

  /// A unit's id by its code, remembered until the next transaction begins (units are never
  /// deleted and their ids never change; a rolled-back transaction may have added some).
  std::optional<int64_t> unit_id(const std::string& code) {
    if (auto it = m_unit_ids.find(code); it != m_unit_ids.end()) return it->second;
    auto& q = statement("SELECT id FROM units WHERE code = ?");
    q.bindNoCopy(1, code);
    std::optional<int64_t> id;
    if (q.executeStep()) id = q.getColumn(0).getInt64();
    if (id) m_unit_ids.emplace(code, *id);
    return id;
  }

  static void bind_unit(SQLite::Statement& q, const Unit& u) {
    q.bind(1, u.code);
    q.bind(2, u.name);
    q.bind(3, std::string(to_string(u.level)));
    q.bind(4, static_cast<int>(index(u.level)));
    q.bind(5, u.parent);
    if (u.households)
      q.bind(6, static_cast<int64_t>(*u.households));
    else
      q.bind(6);
    if (u.population)
      q.bind(7, static_cast<int64_t>(*u.population));
    else
      q.bind(7);
  }

  static StoredUnit read_unit(SQLite::Statement& q) {
    StoredUnit s;
    s.unit.code = q.getColumn(0).getString();
    s.unit.name = q.getColumn(1).getString();
    s.unit.level = level_of(q.getColumn(2).getString());
    s.unit.parent = q.getColumn(3).getString();
    s.unit.households = optional_int(q.getColumn(4));
    s.unit.population = optional_int(q.getColumn(5));
    s.retired = q.getColumn(6).getInt() != 0;
    return s;
  }

  static StoredWorker read_worker(SQLite::Statement& q) {
    StoredWorker s;
    Worker& w = s.worker;
    w.code = q.getColumn(0).getString();
    w.name = q.getColumn(1).getString();
    w.tier = parse_tier(q.getColumn(2).getString()).value_or(Tier::grid);
    if (!q.getColumn(3).isNull()) w.deployment = parse_deployment(q.getColumn(3).getString());
    w.department = q.getColumn(4).getString();
    w.phone = q.getColumn(5).getString();
    s.retired = q.getColumn(6).getInt() != 0;
    if (!q.getColumn(7).isNull()) w.units = split(q.getColumn(7).getString());
    if (!q.getColumn(8).isNull()) s.retired_at = timestamp(q.getColumn(8));
    if (!q.getColumn(9).isNull()) w.party_member = q.getColumn(9).getInt() != 0;
    w.party_role = q.getColumn(10).getString();
    return s;
  }

  static constexpr int k_schema_version = static_cast<int>(detail::k_migrations.size());

  std::string m_path;
  std::string m_pending;        ///< a new database's temporary file, until its first commit
  detail::StepBudget m_budget;  ///< watched by the connection's progress handler: outlives m_db
  std::unique_ptr<SQLite::Database> m_db;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> m_statements;
  std::unordered_map<std::string, int64_t> m_unit_ids;           ///< see unit_id()
  std::vector<std::pair<std::string, std::string>> m_set_aside;  ///< indexes (name, SQL) a bulk
                                                                 ///< load builds at its end
  std::optional<Head> m_head;  ///< the chain's last link, while this writer holds the lock
  bool m_bulk = false;         ///< between begin_bulk and end_bulk
  std::unique_ptr<detail::LinkAhead> m_link_ahead;  ///< a bulk import's events being linked
  int m_depth = 0;
  int m_read_depth = 0;  ///< read snapshots open (begin_read)
  /// Why the database is open read-only (empty: it is not).
  std::string m_read_only;
};

}  // namespace

namespace detail {

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const OpenOptions& options) {
  return std::make_unique<SqliteStore>(path, options);
}

}  // namespace detail

}  // namespace gridgov
