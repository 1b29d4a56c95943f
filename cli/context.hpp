#pragma once
// What every command gets: the global options, the output printer and a way to open the store.
// Passed explicitly; gridctl has no global state.

#include <iostream>
#include <memory>
#include <string>

#include "gridgov/store.hpp"
#include "output.hpp"

namespace gridctl {

struct GlobalOptions {
  std::string db;  ///< --db, else $GRIDCTL_DB, else ./gridgov.db
  std::string format;
  std::string color = "auto";
  bool quiet = false;
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

  /// A message for people on standard error; `--quiet` silences it.
  void say(const std::string& message) const {
    if (!options.quiet) std::cerr << message << '\n';
  }
};

}  // namespace gridctl
