// open_store: the URL's scheme picks the backend (docs/design.md §8, §14).

#include <filesystem>
#include <optional>

#include "gridgov/error.hpp"
#include "gridgov/store.hpp"
#include "pg_connection.hpp"
#include "stores.hpp"

namespace gridgov {

namespace {

bool is_postgresql(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

/// `sqlite:PATH` and plain paths are SQLite; anything that looks like another scheme is not.
std::optional<std::string> sqlite_path(const std::string& url) {
  constexpr std::string_view prefix = "sqlite:";
  if (url.rfind(prefix, 0) == 0) return url.substr(prefix.size());
  const auto colon = url.find(':');
  const bool scheme = colon != std::string::npos && colon > 1 &&
                      url.find_first_not_of(
                          "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-") == colon &&
                      (url.compare(colon, 3, "://") == 0 || url.rfind("postgres", 0) == 0);
  if (scheme) return std::nullopt;
  return url;
}

std::string checked_path(const std::string& url) {
  auto path = sqlite_path(url);
  if (!path)
    throw Error(ErrorCode::usage, "database " + display_url(url) + ": scheme " +
                                      url.substr(0, url.find(':')) +
                                      " is not supported (give a file path, sqlite:PATH or "
                                      "postgresql://…)");
  if (path->empty()) throw Error(ErrorCode::usage, "database " + url + ": no path given");
  return *path;
}

}  // namespace

std::string display_url(const std::string& url) {
  return is_postgresql(url) ? detail::pg_display_url(url) : url;
}

std::unique_ptr<Store> open_store(const std::string& url, const OpenOptions& options) {
  if (is_postgresql(url)) return detail::open_pg_store(url, options);
  return detail::open_sqlite_store(checked_path(url), options);
}

bool store_exists(const std::string& url) {
  if (is_postgresql(url)) return detail::pg_store_exists(url);
  const std::string path = checked_path(url);
  std::error_code ec;
  return path == ":memory:" || std::filesystem::exists(path, ec);
}

}  // namespace gridgov
