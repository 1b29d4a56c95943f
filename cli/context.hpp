#pragma once
// What every command gets: the global options, the output printer and a way to open the store.
// Passed explicitly; gridctl has no global state.

#include <iostream>
#include <memory>
#include <string>

#include "gridgov/store.hpp"
#include "gridgov/time.hpp"
#include "output.hpp"

namespace gridctl {

struct GlobalOptions {
  std::string db;  ///< --db, else $GRIDCTL_DB, else ./gridgov.db
  std::string format;
  std::string color = "auto";
  bool quiet = false;
  std::string as;  ///< --as ACTOR of mutating commands (else $GRIDCTL_ACTOR)
  std::string at;  ///< --at TIME (else now)
};

class Context {
 public:
  GlobalOptions options;

  [[nodiscard]] std::string db_path() const;
  [[nodiscard]] Format format() const;
  [[nodiscard]] Printer printer() const { return Printer{std::cout, format(), color()}; }
  [[nodiscard]] bool color() const;

  /// Opens the database; `create` makes it when missing.
  [[nodiscard]] std::unique_ptr<gridgov::Store> open(bool create = false) const;

  /// Who acts: --as, else $GRIDCTL_ACTOR (empty when neither is given).
  [[nodiscard]] std::string actor() const;
  /// When: --at read as ISO 8601 (local time at `offset` when it has none), else now.
  [[nodiscard]] gridgov::Timestamp time(std::chrono::minutes offset) const;

  /// A --from/--to style flag's value (see gridgov::parse_bound); a bad one is a usage error.
  [[nodiscard]] static gridgov::Timestamp bound(const std::string& flag, const std::string& text,
                                                std::chrono::minutes offset, bool upper);

  /// A message for people on standard error; `--quiet` silences it.
  void say(const std::string& message) const {
    if (!options.quiet) std::cerr << message << '\n';
  }
};

}  // namespace gridctl
