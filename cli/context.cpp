#include "context.hpp"

#include <unistd.h>

#include <cstdlib>

#include "gridgov/error.hpp"

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

std::string Context::actor() const {
  if (!options.as.empty()) return options.as;
  if (const char* env = std::getenv("GRIDCTL_ACTOR"); env && *env) return env;
  return {};
}

gridgov::Timestamp Context::time(std::chrono::minutes offset) const {
  if (options.at.empty()) return gridgov::now();
  auto t = gridgov::parse_time(options.at, offset);
  if (!t)
    throw gridgov::Error(
        gridgov::ErrorCode::usage,
        "--at " + options.at + ": not an ISO 8601 time (e.g. 2026-10-03T09:15:00+08:00)");
  return *t;
}

gridgov::Timestamp Context::bound(const std::string& flag, const std::string& text,
                                  std::chrono::minutes offset, bool upper) {
  auto t = gridgov::parse_bound(text, offset, upper);
  if (!t)
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         flag + " " + text + ": not a date or time (e.g. 2026-08-31)");
  return *t;
}

std::unique_ptr<gridgov::Store> Context::open(bool create) const {
  gridgov::OpenOptions o;
  o.create = create;
  return gridgov::open_sqlite_store(db_path(), o);
}

}  // namespace gridctl
