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

std::string Context::county() const {
  if (!options.county.empty()) return options.county;
  if (const char* env = std::getenv("GRIDCTL_COUNTY"); env && *env) return env;
  return {};
}

gridgov::Format Context::format() const {
  return gridgov::parse_format(options.format).value_or(gridgov::Format::table);
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

gridgov::Timestamp Context::time(gridgov::Session& session) const {
  if (!options.at) return session.now();
  auto t = gridgov::parse_time(*options.at, session.utc_offset());
  if (!t)
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         "--at " + (options.at->empty() ? std::string("''") : *options.at) +
                             ": not an ISO 8601 time (e.g. 2026-10-03T09:15:00+08:00)");
  return *t;
}

gridgov::Timestamp Context::bound(gridgov::Session& session, const std::string& flag,
                                  const std::string& text, bool upper) {
  auto t = gridgov::parse_bound(text, session.utc_offset(), upper);
  if (!t)
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         flag + " " + text + ": not a date or time (e.g. 2026-08-31)");
  return *t;
}

gridgov::Period Context::month(gridgov::Session& session, const std::string& text) {
  auto p = gridgov::month_period(text, session.utc_offset(), session.now());
  if (!p)
    throw gridgov::Error(gridgov::ErrorCode::usage,
                         "--month " + text + ": expected YYYY-MM, this or last");
  return *p;
}

gridgov::Session Context::session(bool create) const {
  gridgov::OpenOptions o;
  o.create = create;
  o.on_commit = create;
  o.county = county();
  return gridgov::Session(gridgov::open_store(db_path(), o));
}

gridgov::RenderOptions Context::render_options() const {
  gridgov::RenderOptions o;
  o.format = format();
  o.color = color();
  std::size_t start = 0;
  while (!options.columns.empty() && start <= options.columns.size()) {
    auto end = options.columns.find(',', start);
    if (end == std::string::npos) end = options.columns.size();
    if (end > start) o.columns.push_back(options.columns.substr(start, end - start));
    start = end + 1;
  }
  o.lang = gridgov::parse_lang(options.lang).value_or(gridgov::Lang::en);
  if (o.lang == gridgov::Lang::zh) {
    if (!m_names) {
      // The names of departments and categories are the policy's; a database without one (or
      // none at all) leaves the codes as they are.
      try {
        auto s = session();
        m_names = gridgov::policy_names(s.policy());
      } catch (const gridgov::Error&) {
        m_names = gridgov::Names{};
      }
    }
    o.names = &*m_names;
  }
  o.bom = options.bom;
  return o;
}

void Context::print(const gridgov::Table& table) const {
  gridgov::render(std::cout, table, render_options());
}

void Context::print(const gridgov::Record& record) const {
  gridgov::render(std::cout, record, render_options());
}

}  // namespace gridctl
