#pragma once
// What every command gets: the global options, the session over the database, and printing in
// the chosen format. Passed explicitly; gridctl has no global state.

#include <iostream>
#include <optional>
#include <string>

#include "gridgov/render.hpp"
#include "gridgov/session.hpp"
#include "gridgov/table.hpp"
#include "gridgov/text.hpp"
#include "gridgov/time.hpp"
#include "gridgov/views.hpp"

namespace gridctl {

struct GlobalOptions {
  std::string db;      ///< --db, else $GRIDCTL_DB, else ./gridgov.db
  std::string county;  ///< --county, else $GRIDCTL_COUNTY, else the database's only county
  std::string format;
  std::string color = "auto";
  bool quiet = false;
  std::string as;                 ///< --as ACTOR of mutating commands (else $GRIDCTL_ACTOR)
  std::optional<std::string> at;  ///< --at TIME (else now; an empty one is not a time)
  std::string columns;            ///< --columns a,b,c: only these columns of a table
  std::string lang = "en";        ///< --lang en|zh: headers and code words
  bool bom = false;               ///< --bom: CSV begins with a UTF-8 byte order mark
};

class Context {
 public:
  GlobalOptions options;

  [[nodiscard]] std::string db_path() const;
  /// The database as messages name it: a PostgreSQL URL without its password.
  [[nodiscard]] std::string db_name() const { return gridgov::display_url(db_path()); }
  /// The county chosen (--county, else $GRIDCTL_COUNTY); empty: the database's only one.
  [[nodiscard]] std::string county() const;
  [[nodiscard]] gridgov::Format format() const;
  /// Whether the output is for people (table, md) rather than for programs (csv, json, ndjson).
  [[nodiscard]] bool for_people() const {
    return format() == gridgov::Format::table || format() == gridgov::Format::md;
  }
  [[nodiscard]] bool color() const;
  /// The case fields the format shows: a person's few, csv's scalars, or every one (json).
  [[nodiscard]] gridgov::CaseColumns case_columns() const {
    if (for_people()) return gridgov::CaseColumns::brief;
    return format() == gridgov::Format::csv ? gridgov::CaseColumns::scalar
                                            : gridgov::CaseColumns::all;
  }

  /// Opens the database (`create`: make it when missing) and the command's session over it.
  [[nodiscard]] gridgov::Session session(bool create = false) const;

  /// Who acts: --as, else $GRIDCTL_ACTOR (empty when neither is given).
  [[nodiscard]] std::string actor() const;
  /// When: --at read as ISO 8601 (local time in the policy's timezone when it has none), else
  /// the session's clock.
  [[nodiscard]] gridgov::Timestamp time(gridgov::Session& session) const;
  /// How views show times, judging `overdue` at `now`.
  [[nodiscard]] static gridgov::ViewContext view(gridgov::Session& session,
                                                 gridgov::Timestamp now) {
    return gridgov::ViewContext{session.utc_offset(), now};
  }

  /// A --from/--to style flag's value (see gridgov::parse_bound); a bad one is a usage error.
  [[nodiscard]] static gridgov::Timestamp bound(gridgov::Session& session, const std::string& flag,
                                                const std::string& text, bool upper);

  /// A --month flag's local month: YYYY-MM, `this` or `last`; a bad one is a usage error.
  [[nodiscard]] static gridgov::Period month(gridgov::Session& session, const std::string& text);

  /// How data is printed: the format, colour, --columns, --lang (names from the database's
  /// policy) and --bom.
  [[nodiscard]] gridgov::RenderOptions render_options() const;

  /// Prints data on standard output in the chosen format.
  void print(const gridgov::Table& table) const;
  void print(const gridgov::Record& record) const;

  /// A message for people on standard error, control characters escaped; `--quiet` silences it.
  void say(const std::string& message) const {
    if (!options.quiet) std::cerr << gridgov::printable(message) << '\n';
  }

 private:
  mutable std::optional<gridgov::Names> m_names;  ///< read once, for --lang zh
};

}  // namespace gridctl
