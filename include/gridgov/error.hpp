#pragma once
// One error type for the whole library. Its code is gridctl's exit code, so every caller reports
// failures the same way and `main` holds the only catch ladder.

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gridgov {

/// Why something failed; the numeric value is gridctl's exit code (docs/design.md §6).
enum class ErrorCode : int {
  internal = 1,   ///< a bug or an unexpected failure
  usage = 2,      ///< bad flags or arguments
  input = 3,      ///< an input file or value rejected; nothing was written
  not_found = 4,  ///< an unknown unit, worker, case, department or database
  refused = 5,    ///< refused by a domain rule or by authorisation
  busy = 6,       ///< the database stayed locked by another writer; retry
  unusable = 7,   ///< the database is corrupt, unwritable, foreign or from a newer gridgov
  tampered = 8,   ///< an audit found the database (or a file, or a seal) changed behind gridgov
};

/// Where in an input something is wrong. `line` and `column` are 1-based; 0 means unknown.
///
/// **Example**: `Diagnostic{"layout.csv", 12, 31, "grid_code", "empty code"}.to_string()` is
/// `"layout.csv:12:31: grid_code: empty code"`.
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string field;
  std::string reason;

  [[nodiscard]] std::string to_string() const {
    // Built with append() into one reserved buffer: no temporaries, and nothing for g++ 12's
    // -O3 -Wrestrict false positive on `"literal" + std::string` to trip over.
    const std::string line_text = line > 0 ? std::to_string(line) : std::string();
    const std::string column_text = line > 0 && column > 0 ? std::to_string(column) : std::string();
    std::string out;
    out.reserve(16 + file.size() + line_text.size() + column_text.size() + field.size() +
                reason.size());
    out.append(file.empty() ? std::string_view("<input>") : std::string_view(file));
    if (!line_text.empty()) out.append(":").append(line_text);
    if (!column_text.empty()) out.append(":").append(column_text);
    out.append(": ");
    if (!field.empty()) out.append(field).append(": ");
    out.append(reason);
    return out;
  }
};

/// The library's exception. `diagnostics()` is non-empty for rejected input (ErrorCode::input):
/// one entry per problem found, so a user can fix a whole file in one round.
class Error : public std::runtime_error {
 public:
  /// `rule` and `field` name the rule that refused and the part of the request it concerns (see
  /// rules.hpp), so a caller can point at its own input; both may be empty.
  Error(ErrorCode code, const std::string& message, std::string rule = {}, std::string field = {})
      : std::runtime_error(message),
        m_code(code),
        m_rule(std::move(rule)),
        m_field(std::move(field)) {}
  Error(std::vector<Diagnostic> diagnostics, std::size_t more = 0)
      : std::runtime_error(summary(diagnostics, more)),
        m_code(ErrorCode::input),
        m_diagnostics(std::move(diagnostics)),
        m_more(more) {}

  [[nodiscard]] ErrorCode code() const noexcept { return m_code; }
  [[nodiscard]] int exit_code() const noexcept { return static_cast<int>(m_code); }
  [[nodiscard]] const std::vector<Diagnostic>& diagnostics() const noexcept {
    return m_diagnostics;
  }
  /// Problems found beyond those listed (the list stops at the `max_errors` a reader was given).
  [[nodiscard]] std::size_t more() const noexcept { return m_more; }
  /// The rule that refused (`"authorisation"`, `"time"`…), or empty.
  [[nodiscard]] const std::string& rule() const noexcept { return m_rule; }
  /// The part of the request the failure concerns (`"at"`, `"actor"`, `"department"`…), or empty.
  [[nodiscard]] const std::string& field() const noexcept { return m_field; }

 private:
  static std::string summary(const std::vector<Diagnostic>& diagnostics, std::size_t more) {
    if (diagnostics.empty()) return "input rejected";
    std::string s = diagnostics.front().to_string();
    const std::size_t others = diagnostics.size() - 1 + more;
    if (others > 0) s += " (and " + std::to_string(others) + " more)";
    return s;
  }

  ErrorCode m_code;
  std::string m_rule;
  std::string m_field;
  std::vector<Diagnostic> m_diagnostics;
  std::size_t m_more = 0;
};

/// Collects diagnostics up to a limit, then throws them all at once. Warnings (something ignored
/// or guessed, never a refusal: an extra column of a file) are kept apart; the caller shows them,
/// and they never make throw_if_any() throw.
///
/// **Example**: `Diagnostics d(20); d.add({...}); d.throw_if_any();`
class Diagnostics {
 public:
  explicit Diagnostics(std::size_t max_errors = 20) : m_max(max_errors == 0 ? 1 : max_errors) {}

  void add(Diagnostic d) {
    if (m_list.size() < m_max)
      m_list.push_back(std::move(d));
    else
      ++m_more;
  }
  [[nodiscard]] bool empty() const noexcept { return m_list.empty(); }
  /// All problems found so far, listed or not.
  [[nodiscard]] std::size_t count() const noexcept { return m_list.size() + m_more; }
  [[nodiscard]] bool full() const noexcept { return m_list.size() >= m_max; }
  [[nodiscard]] std::size_t max_errors() const noexcept { return m_max; }
  /// Adds what `other` found, after what this one found (its warnings too).
  void append(const Diagnostics& other) {
    for (const Diagnostic& d : other.m_list) add(d);
    m_more += other.m_more;
    for (const Diagnostic& d : other.m_warnings) warn(d);
  }
  /// Records a warning (up to the same limit as errors; the rest are dropped).
  void warn(Diagnostic d) {
    if (m_warnings.size() < m_max) m_warnings.push_back(std::move(d));
  }
  [[nodiscard]] const std::vector<Diagnostic>& warnings() const noexcept { return m_warnings; }
  /// Hands the warnings over to the caller that shows them, so that none is shown twice.
  [[nodiscard]] std::vector<Diagnostic> take_warnings() noexcept {
    std::vector<Diagnostic> out;
    out.swap(m_warnings);
    return out;
  }
  [[nodiscard]] const std::vector<Diagnostic>& list() const noexcept { return m_list; }
  void throw_if_any() {
    if (!m_list.empty()) throw Error(std::move(m_list), m_more);
  }

 private:
  std::size_t m_max;
  std::vector<Diagnostic> m_list;
  std::size_t m_more = 0;
  std::vector<Diagnostic> m_warnings;
};

}  // namespace gridgov
