#include "pg_connection.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <cstring>

#include "gridgov/error.hpp"

namespace gridgov::detail {

double PgRows::real(int row, int col) const {
  return std::strtod(PQgetvalue(m_result.get(), row, col), nullptr);
}

long long PgRows::affected() const {
  const char* n = PQcmdTuples(m_result.get());
  return n && *n ? std::atoll(n) : 0;
}

namespace {

/// How long a connection may take to be made, unless the URL or $PGCONNECT_TIMEOUT says.
constexpr std::chrono::seconds k_connect_timeout{10};

/// libpq's message on one line: its line breaks and indents become single spaces.
std::string one_line(const char* message) {
  std::string s;
  for (const char* p = message ? message : ""; *p; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == ' ';
    if (space && (s.empty() || s.back() == ' ')) continue;
    s += space ? ' ' : *p;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

/// Host and database of a connection string, from libpq's own parse (never the password).
std::string name_of(const std::string& url) {
  std::string host = "localhost";
  std::string db;
  std::string user;
  if (PQconninfoOption* opts = PQconninfoParse(url.c_str(), nullptr)) {
    for (PQconninfoOption* o = opts; o->keyword; ++o) {
      if (!o->val || !*o->val) continue;
      if (std::strcmp(o->keyword, "host") == 0) host = o->val;
      if (std::strcmp(o->keyword, "dbname") == 0) db = o->val;
      if (std::strcmp(o->keyword, "user") == 0) user = o->val;
    }
    PQconninfoFree(opts);
  }
  if (db.empty()) db = user.empty() ? "(the user's own)" : user;
  return "database " + db + " on host " + host;
}

}  // namespace

std::string pg_display_url(const std::string& url) {
  // scheme://user:password@host/… → scheme://user@host/…
  std::string out = url;
  if (const auto scheme = out.find("://"); scheme != std::string::npos) {
    const auto authority = scheme + 3;
    const auto end = out.find_first_of("/?", authority);
    const auto at = out.rfind('@', end);
    const auto colon = out.find(':', authority);
    if (at != std::string::npos && at >= authority && colon < at) out.erase(colon, at - colon);
  }
  // …?password=…&x=y → …?x=y
  const auto q = out.find('?');
  if (q == std::string::npos) return out;
  std::string kept;
  for (std::size_t start = q + 1; start <= out.size();) {
    auto amp = out.find('&', start);
    if (amp == std::string::npos) amp = out.size();
    const std::string param = out.substr(start, amp - start);
    if (!param.empty() && param.rfind("password=", 0) != 0)
      kept += (kept.empty() ? "" : "&") + param;
    start = amp + 1;
  }
  return out.substr(0, q) + (kept.empty() ? "" : "?" + kept);
}

PgConnection::PgConnection(const std::string& url) : m_name(name_of(url)) {
  // A host that drops packets would hold the command for the system's TCP timeout (minutes):
  // it gets k_connect_timeout unless $PGCONNECT_TIMEOUT says otherwise, or the URL, whose own
  // connect_timeout, expanded after ours, wins.
  const char* env = std::getenv("PGCONNECT_TIMEOUT");
  const std::string timeout = env && *env ? env : std::to_string(k_connect_timeout.count());
  const char* const keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* const values[] = {timeout.c_str(), url.c_str(), nullptr};
  m_conn.reset(PQconnectdbParams(keywords, values, 1));
  if (!m_conn) throw Error(ErrorCode::unusable, "cannot connect to " + m_name + ": out of memory");
  if (PQstatus(m_conn.get()) != CONNECTION_OK) {
    std::string why = one_line(PQerrorMessage(m_conn.get()));
    // libpq names the server and the failure; a password never appears in its messages.
    throw Error(ErrorCode::unusable, "cannot connect to PostgreSQL " + m_name + ": " + why);
  }
  // Notices (such as "relation already exists, skipping") are not gridctl's output.
  PQsetNoticeProcessor(
      m_conn.get(), [](void*, const char*) {}, nullptr);
}

PgConnection::~PgConnection() { drop_ahead(); }

void PgConnection::settle() {
  if (m_ahead.joinable()) m_ahead.join();
  m_ahead_cancel.reset();
  if (auto error = std::exchange(m_ahead_error, nullptr)) std::rethrow_exception(error);
}

void PgConnection::drop_ahead() noexcept {
  if (m_ahead_cancel && m_ahead.joinable()) {
    char why[256];  // a query that cannot be cancelled is waited for all the same
    (void)PQcancel(m_ahead_cancel.get(), why, sizeof why);
  }
  if (m_ahead.joinable()) m_ahead.join();
  m_ahead_error = nullptr;
  m_ahead_rows.reset();
  m_ahead_cancel.reset();
}

void PgConnection::fail(const PGresult* result, const std::string& what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state ? state : "";
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = one_line(primary ? primary : PQerrorMessage(m_conn.get()));
  if (message.empty()) message = one_line(PQerrorMessage(m_conn.get()));
  if (PQstatus(m_conn.get()) != CONNECTION_OK || code.rfind("08", 0) == 0 ||
      code.rfind("57P", 0) == 0)
    throw Error(ErrorCode::unusable, "PostgreSQL " + m_name + ": the connection was lost (" +
                                         message + "); the command's changes are rolled back");
  if (code == "40001" || code == "40P01" || code == "55P03")
    throw Error(ErrorCode::busy, m_name + " is busy (another process is writing this county): " +
                                     message + "; try again");
  if (code == "53100" || code == "53200")
    throw Error(ErrorCode::unusable, "cannot write PostgreSQL " + m_name + ": " + message +
                                         "; the command's changes are rolled back");
  if (code == "25006" || code.rfind("42501", 0) == 0)
    throw Error(ErrorCode::unusable, "PostgreSQL " + m_name + " is unusable: " + message);
  if (code == "42P01" || code == "42703")
    throw Error(ErrorCode::unusable,
                "PostgreSQL " + m_name +
                    " is unusable: its gridgov tables were changed outside gridgov (" + message +
                    ")");
  throw Error(ErrorCode::internal, "PostgreSQL " + m_name + ": " + message + " (in " + what + ")");
}

PgRows PgConnection::checked(PGresult* result, const std::string& sql) {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgRows(result);
  PgRows owner(result);  // cleared however fail() leaves
  fail(result, sql.substr(0, 60));
}

PgRows PgConnection::query(const std::string& sql, const PgParams& params) {
  settle();
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  auto it = m_prepared.find(sql);
  if (it == m_prepared.end()) {
    std::string name = fmt::format("g{}", m_prepared.size());
    checked(PQprepare(m_conn.get(), name.c_str(), sql.c_str(), static_cast<int>(params.size()),
                      nullptr),
            sql);
    it = m_prepared.emplace(sql, std::move(name)).first;
  }
  return checked(PQexecPrepared(m_conn.get(), it->second.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0),
                 sql);
}

PgRows PgConnection::query_once(const std::string& sql, const PgParams& params) {
  settle();
  return run_once(sql, params);
}

void PgConnection::query_ahead(std::string sql, PgParams params) {
  settle();
  m_ahead_rows.reset();
  // Made here, not on the thread: drop_ahead cancels through it while the thread waits.
  m_ahead_cancel.reset(PQgetCancel(m_conn.get()));
  m_ahead = std::thread([this, sql = std::move(sql), params = std::move(params)] {
    try {
      m_ahead_rows.emplace(run_once(sql, params));
    } catch (...) {
      m_ahead_error = std::current_exception();
    }
  });
}

PgRows PgConnection::take_ahead() {
  settle();
  if (!m_ahead_rows) throw Error(ErrorCode::internal, "no query was ahead on " + m_name);
  PgRows rows = std::move(*m_ahead_rows);
  m_ahead_rows.reset();
  return rows;
}

PgRows PgConnection::run_once(const std::string& sql, const PgParams& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return checked(PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 sql);
}

void PgConnection::exec(const std::string& sql) {
  settle();
  (void)checked(PQexec(m_conn.get(), sql.c_str()), sql);
}

void PgConnection::copy_in(const std::string& target, const std::string& data) {
  settle();
  send_copy(target, data);
}

void PgConnection::copy_in_ahead(std::vector<std::pair<std::string, std::string>> copies) {
  settle();
  m_ahead = std::thread([this, copies = std::move(copies)] {
    try {
      for (const auto& [target, data] : copies) send_copy(target, data);
    } catch (...) {
      m_ahead_error = std::current_exception();
    }
  });
}

void PgConnection::send_copy(const std::string& target, const std::string& data) {
  const std::string sql = "COPY " + target + " FROM STDIN";
  PGresult* start = PQexec(m_conn.get(), sql.c_str());
  if (!start || PQresultStatus(start) != PGRES_COPY_IN) {
    (void)checked(start, sql);
    return;
  }
  PQclear(start);
  int ok = PQputCopyData(m_conn.get(), data.data(), static_cast<int>(data.size()));
  ok = PQputCopyEnd(m_conn.get(), ok == 1 ? nullptr : "gridgov: sending failed") == 1 && ok == 1;
  PGresult* end = PQgetResult(m_conn.get());
  PgRows result = checked(end, sql);
  while (PGresult* more = PQgetResult(m_conn.get())) PQclear(more);
  if (!ok) fail(nullptr, sql);
}

void copy_field(std::string& out, std::string_view value, char end) {
  for (const char ch : value) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += ch;
    }
  }
  out += end;
}

void copy_null(std::string& out, char end) {
  out += "\\N";
  out += end;
}

}  // namespace gridgov::detail
