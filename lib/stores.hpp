#pragma once
// The backends behind open_store (lib/store.cpp picks one by the URL's scheme).

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "gridgov/store.hpp"

namespace gridgov::detail {

/// SQLite at a file path (or `:memory:`); lib/sqlite_store.cpp.
std::unique_ptr<Store> open_sqlite_store(const std::string& path, const OpenOptions& options);
/// PostgreSQL at a libpq URI; lib/pg_store.cpp.
std::unique_ptr<Store> open_pg_store(const std::string& url, const OpenOptions& options);
/// Whether the PostgreSQL database at `url` holds gridgov's tables.
bool pg_store_exists(const std::string& url);

/// The snapshot each store's begin_read returns: `end` (which must not throw) runs when it goes.
class EndingSnapshot final : public ReadSnapshot {
 public:
  explicit EndingSnapshot(std::function<void()> end) : m_end(std::move(end)) {}
  ~EndingSnapshot() override { m_end(); }
  EndingSnapshot(const EndingSnapshot&) = delete;
  EndingSnapshot& operator=(const EndingSnapshot&) = delete;

 private:
  std::function<void()> m_end;
};

}  // namespace gridgov::detail
