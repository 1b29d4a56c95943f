// See sqlite_guard.hpp.

#include "sqlite_guard.hpp"

#include <SQLiteCpp/Statement.h>
#include <algorithm>
#include <cstddef>
#include <map>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "schema.hpp"

namespace gridgov::detail {

namespace {

/// How often (in virtual-machine steps) SQLite calls the progress handler.
constexpr int k_progress_interval = 1000;

int on_progress(void* context) {
  auto* budget = static_cast<StepBudget*>(context);
  budget->used += k_progress_interval;
  if (budget->limit <= 0 || budget->used <= budget->limit) return 0;
  budget->exceeded = true;
  return 1;  // interrupts the statement
}

/// A statement begins: its budget starts afresh. A trigger's start (`-- TRIGGER name`) is part
/// of the statement that fired it and does not.
int on_trace(unsigned type, void* context, void* /*statement*/, void* sql) {
  if (type != SQLITE_TRACE_STMT) return 0;
  const auto* text = static_cast<const char*>(sql);
  if (text != nullptr && std::string_view(text).substr(0, 2) == "--") return 0;
  auto* budget = static_cast<StepBudget*>(context);
  budget->used = 0;
  budget->exceeded = false;
  return 0;
}

struct SchemaObject {
  std::string type;
  std::string name;
  std::string table;
  std::string sql;
};

std::vector<SchemaObject> read_schema(SQLite::Database& db) {
  std::vector<SchemaObject> out;
  SQLite::Statement q(db, "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema");
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getString(), q.getColumn(3).getString()});
  return out;
}

/// Tables SQLite itself makes (ANALYZE, AUTOINCREMENT), as it makes them.
bool sqlite_own(const SchemaObject& o) {
  static const std::map<std::string_view, std::string_view> k_own = {
      {"sqlite_stat1", "CREATE TABLE sqlite_stat1(tbl,idx,stat)"},
      {"sqlite_stat4", "CREATE TABLE sqlite_stat4(tbl,idx,neq,nlt,ndlt,sample)"},
      {"sqlite_sequence", "CREATE TABLE sqlite_sequence(name,seq)"},
  };
  auto it = k_own.find(o.name);
  return o.type == "table" && it != k_own.end() && o.table == o.name && o.sql == it->second;
}

/// A row of `sqlite_schema` as the migrations up to `version` make it.
struct BuiltObject {
  int version;
  const char* type;
  const char* name;
  const char* table;
  const char* sql;
};

/// What the migrations make at each version, by type and name: made by the build
/// (schema_gen.cpp), so that an open need not build it.
constexpr BuiltObject k_built[] = {
#include "expected_schema.inc"
};

/// Whether `actual` is exactly what the build's SQLite made of the migrations up to `version`
/// (SQLite's own tables left aside).
bool as_built(std::vector<SchemaObject> actual, int version) {
  std::erase_if(actual, sqlite_own);
  std::sort(actual.begin(), actual.end(), [](const SchemaObject& a, const SchemaObject& b) {
    return std::tie(a.type, a.name) < std::tie(b.type, b.name);
  });
  std::size_t i = 0;
  for (const BuiltObject& b : k_built) {
    if (b.version != version) continue;
    if (i == actual.size()) return false;
    const SchemaObject& a = actual[i++];
    if (a.type != b.type || a.name != b.name || a.table != b.table || a.sql != b.sql) return false;
  }
  return i == actual.size();
}

/// The schema the migrations make, up to `version`, built in an empty in-memory database.
std::map<std::pair<std::string, std::string>, SchemaObject> expected_schema(int version) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  for (int i = 0; i < version && i < static_cast<int>(k_migrations.size()); ++i)
    db.exec(std::string(k_migrations[static_cast<std::size_t>(i)]));
  std::map<std::pair<std::string, std::string>, SchemaObject> out;
  for (auto& o : read_schema(db)) out.emplace(std::pair{o.type, o.name}, std::move(o));
  return out;
}

std::string quoted(const SchemaObject& o) { return o.type + " \"" + o.name + "\""; }

}  // namespace

void guard_connection(sqlite3* db, StepBudget& budget) {
  // Defensive: no writable_schema, no corrupting pragmas. Untrusted schema: functions with side
  // effects cannot run from the file's own SQL. Triggers and views: gridgov makes none, so none
  // that a file brings may run (schema_fault refuses such a file in the first place).
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_progress_handler(db, k_progress_interval, on_progress, &budget);
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, on_trace, &budget);
}

std::optional<std::string> schema_fault(SQLite::Database& db, int version) {
  const auto actual = read_schema(db);
  if (as_built(actual, version)) return std::nullopt;
  // The SQLite in use may word a changed table otherwise than the build's did: compare with
  // what it makes itself, and name what differs.
  auto expected = expected_schema(version);
  for (const auto& o : actual) {
    auto it = expected.find({o.type, o.name});
    if (it == expected.end()) {
      if (sqlite_own(o)) continue;
      return "unexpected " + quoted(o) + " (gridgov did not create it)";
    }
    if (std::tie(o.table, o.sql) != std::tie(it->second.table, it->second.sql))
      return quoted(o) + " is not as gridgov's schema version " + std::to_string(version) +
             " has it (it was changed outside gridgov)";
    expected.erase(it);
  }
  if (!expected.empty()) return quoted(expected.begin()->second) + " is missing";
  return std::nullopt;
}

}  // namespace gridgov::detail
