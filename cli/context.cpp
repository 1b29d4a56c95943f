#include "context.hpp"

#include <unistd.h>

#include <cstdlib>

namespace gridctl {

std::string Context::db_path() const {
  if (!options.db.empty()) return options.db;
  if (const char* env = std::getenv("GRIDCTL_DB"); env && *env) return env;
  return "gridgov.db";
}

Format Context::format() const {
  const std::string& f = options.format;
  if (f == "csv") return Format::csv;
  if (f == "json") return Format::json;
  if (f == "ndjson") return Format::ndjson;
  if (f == "md") return Format::md;
  return Format::table;
}

bool Context::color() const {
  if (options.color == "always") return true;
  if (options.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  return (no_color == nullptr || *no_color == '\0') && isatty(STDOUT_FILENO) != 0;
}

std::unique_ptr<gridgov::Store> Context::open(bool create) const {
  gridgov::OpenOptions o;
  o.create = create;
  return gridgov::open_sqlite_store(db_path(), o);
}

}  // namespace gridctl
