#pragma once
// A connection to PostgreSQL through libpq (docs/design.md §14): results as owned values, errors
// as gridgov's, parameters as text. Only lib/pg_*.cpp see it.

#include <libpq-fe.h>

#include <charconv>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace gridgov::detail {

/// A query's parameters, as text (nullopt: NULL).
using PgParams = std::vector<std::optional<std::string>>;

/// A result's rows; columns read as text or parsed.
class PgRows {
 public:
  explicit PgRows(PGresult* r) : m_result(r, &PQclear) {}
  [[nodiscard]] int size() const { return PQntuples(m_result.get()); }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] bool null(int row, int col) const {
    return PQgetisnull(m_result.get(), row, col) != 0;
  }
  [[nodiscard]] std::string_view text(int row, int col) const {
    return {PQgetvalue(m_result.get(), row, col),
            static_cast<std::size_t>(PQgetlength(m_result.get(), row, col))};
  }
  [[nodiscard]] std::string str(int row, int col) const { return std::string(text(row, col)); }
  [[nodiscard]] int64_t int64(int row, int col) const {
    const auto t = text(row, col);
    int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
  }
  [[nodiscard]] std::optional<int64_t> opt_int64(int row, int col) const {
    if (null(row, col)) return std::nullopt;
    return int64(row, col);
  }
  [[nodiscard]] double real(int row, int col) const;
  [[nodiscard]] bool boolean(int row, int col) const { return text(row, col) == "t"; }
  [[nodiscard]] long long affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> m_result;
};

class PgConnection {
 public:
  /// Connects; ErrorCode::unusable naming host and database (never the password) when it cannot.
  explicit PgConnection(const std::string& url);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  /// "database D on host H": how messages name this database.
  [[nodiscard]] const std::string& name() const { return m_name; }

  /// Runs `sql` (prepared once per distinct text) and returns its rows; a failure throws the
  /// matching gridgov Error.
  PgRows query(const std::string& sql, const PgParams& params = {});
  /// Runs `sql` once, unprepared (a statement built for one call, a cursor's DECLARE or FETCH).
  PgRows query_once(const std::string& sql, const PgParams& params);
  /// Runs one or more statements without parameters.
  void exec(const std::string& sql);
  /// Sends `data` (COPY text format lines) into `COPY <target> FROM STDIN`.
  void copy_in(const std::string& target, const std::string& data);
  /// Sends each `(target, data)` as copy_in does, in order, on a thread of its own, and returns
  /// at once: a bulk load builds its next rows while the server stores these. Every other call
  /// on this connection first waits for them, and throws what they threw.
  void copy_in_ahead(std::vector<std::pair<std::string, std::string>> copies);
  /// Runs `sql` once, as query_once does, on a thread of its own, and returns at once: the
  /// server works on it while the caller goes on with another connection. take_ahead() gives its
  /// rows; every other call on this connection first waits for them.
  void query_ahead(std::string sql, PgParams params);
  /// Waits for query_ahead's rows; throws what it threw.
  PgRows take_ahead();
  /// Waits for copy_in_ahead's rows or query_ahead's (cancelling the query) and forgets how they
  /// fared: a rollback follows.
  void drop_ahead() noexcept;

  ~PgConnection();

 private:
  [[noreturn]] void fail(const PGresult* result, const std::string& what);
  PgRows checked(PGresult* result, const std::string& sql);
  void send_copy(const std::string& target, const std::string& data);
  PgRows run_once(const std::string& sql, const PgParams& params);
  /// Waits for copy_in_ahead's thread; rethrows its failure.
  void settle();

  std::unique_ptr<PGconn, decltype(&PQfinish)> m_conn{nullptr, &PQfinish};
  std::string m_name;
  std::unordered_map<std::string, std::string> m_prepared;  ///< SQL → statement name
  std::thread m_ahead;  ///< copy_in_ahead's or query_ahead's, m_conn's only user while it runs
  std::exception_ptr m_ahead_error;    ///< what it threw, for the next call to throw
  std::optional<PgRows> m_ahead_rows;  ///< query_ahead's rows, for take_ahead
  std::unique_ptr<PGcancel, decltype(&PQfreeCancel)> m_ahead_cancel{nullptr, &PQfreeCancel};
};

/// Appends `value` as one field of COPY's text format (backslash escapes), then `end`.
void copy_field(std::string& out, std::string_view value, char end = '\t');
/// Appends NULL (`\N`) as one field of COPY's text format, then `end`.
void copy_null(std::string& out, char end = '\t');

/// The URL as it may be shown: without its password.
[[nodiscard]] std::string pg_display_url(const std::string& url);

}  // namespace gridgov::detail
