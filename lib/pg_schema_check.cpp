#include "pg_schema_check.hpp"

#include <map>
#include <string_view>
#include <utility>

#include "gridgov/audit.hpp"
#include "gridgov/error.hpp"
#include "gridgov/version.hpp"
#include "pg_connection.hpp"
#include "pg_schema.hpp"

namespace gridgov::detail {

namespace {

// One line per object of the schema whose oid is $1, `what` naming it as messages do and `def`
// what it is: the relations, each table's columns (in order, type, NOT NULL, default), its
// constraints (but PostgreSQL 18's NOT NULL entries, already in the columns), indexes, and what
// could act on its rows unseen: row security (its policies apply only once it is on), triggers,
// rules, inheriting tables.
// Definitions come from PostgreSQL's own deparsers, names unqualified (the schema is on the
// search path), so the same schema reads the same in any schema of any database.
constexpr std::string_view k_describe = R"sql(
WITH rel AS (
  SELECT c.* FROM pg_class c WHERE c.relnamespace = $1::oid
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                    AND d.objid = c.oid AND d.deptype = 'e')),
lines(rank, what, def) AS (
  SELECT 0, format('%s "%s"', CASE relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table'
                WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'f' THEN 'foreign table'
                WHEN 'S' THEN 'sequence' WHEN 'c' THEN 'type' ELSE 'relation' END, relname),
         concat_ws(' ', CASE relkind WHEN 'p' THEN 'partitioned' END,
                   CASE relpersistence WHEN 'u' THEN 'unlogged' END,
                   CASE WHEN relrowsecurity THEN 'row security' END,
                   CASE WHEN relforcerowsecurity THEN 'forced' END,
                   CASE WHEN relispartition THEN 'a partition' END)
    FROM rel WHERE relkind NOT IN ('i', 'I')
  UNION ALL
  SELECT 1, format('column "%s" of table "%s"', attname, relname),
         concat_ws(' ', position, type, CASE WHEN attnotnull THEN 'not null' END,
                   'default ' || dflt, CASE WHEN attgenerated <> '' THEN 'generated' END,
                   'collate ' || coll)
    FROM (SELECT c.relname, a.attname, a.attnotnull, a.attgenerated,
                 row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum) AS position,
                 format_type(a.atttypid, a.atttypmod) AS type,
                 pg_get_expr(d.adbin, d.adrelid) AS dflt,
                 CASE WHEN a.attcollation NOT IN (0, 100)  -- none, the default
                      THEN a.attcollation::regcollation::text END AS coll
            FROM rel c JOIN pg_attribute a ON a.attrelid = c.oid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE c.relkind IN ('r', 'p', 'f') AND a.attnum > 0 AND NOT a.attisdropped) col
  UNION ALL
  SELECT 2, format('constraint "%s" of table "%s"', k.conname, c.relname), pg_get_constraintdef(k.oid)
    FROM rel c JOIN pg_constraint k ON k.conrelid = c.oid WHERE k.contype <> 'n'
  UNION ALL
  SELECT 3, format('index "%s"', i.relname),
         format('on "%s" %s%s (%s)%s%s%s', c.relname, am.amname,
                CASE WHEN x.indisunique THEN ' unique' ELSE '' END,
                (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k)
                   FROM generate_series(1, x.indnkeyatts) k),
                ' include (' || (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', '
                                                   ORDER BY k)
                                   FROM generate_series(x.indnkeyatts + 1, x.indnatts) k) || ')',
                ' where ' || pg_get_expr(x.indpred, x.indrelid, true),
                CASE WHEN x.indisvalid THEN '' ELSE ' invalid' END)
    FROM rel c JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_am am ON am.oid = i.relam
  UNION ALL
  SELECT 4, format('trigger "%s" on table "%s"', g.tgname, c.relname), pg_get_triggerdef(g.oid)
    FROM rel c JOIN pg_trigger g ON g.tgrelid = c.oid
   WHERE NOT g.tgisinternal
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                     AND d.objid = g.tgfoid AND d.deptype = 'e')
  UNION ALL
  SELECT 5, format('rule "%s" on table "%s"', r.rulename, c.relname), pg_get_ruledef(r.oid)
    FROM rel c JOIN pg_rewrite r ON r.ev_class = c.oid WHERE r.rulename <> '_RETURN'
  UNION ALL
  SELECT 6, format('table %s inheriting from table "%s"', h.inhrelid::regclass, c.relname), ''
    FROM rel c JOIN pg_inherits h ON h.inhparent = c.oid)
SELECT rank, what, def FROM lines ORDER BY rank, what COLLATE "C"
)sql";

/// (rank, what) → definition: the relations first, so that a message names a table added before
/// its columns.
using Description = std::map<std::pair<int, std::string>, std::string>;

/// The description of the schema whose oid the query `schema_oid` returns.
Description describe(PgConnection& db, const std::string& schema_oid) {
  const std::string oid = db.query(schema_oid).str(0, 0);
  auto rows = db.query(std::string(k_describe), {oid});
  Description out;
  for (int i = 0; i < rows.size(); ++i)
    out.emplace(std::pair{static_cast<int>(rows.int64(i, 0)), rows.str(i, 1)}, rows.str(i, 2));
  return out;
}

std::string as_text(const Description& d) {
  std::string out;
  for (const auto& [key, def] : d) out += key.second + '\t' + def + '\n';
  return out;
}

/// Schema `version` as this server makes and describes it, in a savepoint rolled back at once.
Description expected(PgConnection& db, int version) {
  db.exec("SAVEPOINT gridgov_expected; SET LOCAL search_path = pg_temp");
  try {
    for (int v = 0; v < version && v < static_cast<int>(k_pg_migrations.size()); ++v)
      db.exec(std::string(k_pg_migrations[static_cast<std::size_t>(v)]));
    // pg_my_temp_schema() is 0 until the session has a temporary schema: version 0 makes none.
    auto out = version > 0 ? describe(db, "SELECT pg_my_temp_schema()") : Description{};
    db.exec("ROLLBACK TO SAVEPOINT gridgov_expected; RELEASE SAVEPOINT gridgov_expected");
    return out;
  } catch (const Error&) {
    db.exec("ROLLBACK TO SAVEPOINT gridgov_expected; RELEASE SAVEPOINT gridgov_expected");
    throw;
  }
}

}  // namespace

std::string pg_expected_schema(PgConnection& db, int version) {
  return as_text(expected(db, version));
}

std::optional<std::string> pg_schema_fault(PgConnection& db, int version) {
  const Description actual =
      describe(db, "SELECT oid FROM pg_namespace WHERE nspname = current_schema()");
  if (version == pg_schema_version() && to_hex(sha256(as_text(actual))) == k_pg_schema_digest)
    return std::nullopt;
  Description want;
  try {
    want = expected(db, version);
  } catch (const Error& e) {
    const std::string why = e.what();
    return "its schema could not be compared with gridgov's schema version " +
           std::to_string(version) + ", which this server could not build to compare (" + why + ")";
  }
  for (const auto& [key, def] : actual) {
    auto it = want.find(key);
    if (it == want.end()) return "unexpected " + key.second + " (gridgov did not create it)";
    if (it->second != def)
      return key.second + " is not as gridgov's schema version " + std::to_string(version) +
             " has it (it was changed outside gridgov)";
    want.erase(it);
  }
  if (!want.empty()) return want.begin()->first.second + " is missing";
  return std::nullopt;
}

}  // namespace gridgov::detail
