#pragma once
// What one command works with: the store, the policy in force (parsed once), the local timezone
// and the clock. A program builds one per command (or per request) and hands it to the use cases
// of cases.hpp and stats.hpp; tests inject the clock.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gridgov/policy.hpp"
#include "gridgov/store.hpp"
#include "gridgov/time.hpp"

namespace gridgov {

class Session {
 public:
  /// The clock that stamps `recorded_at` (the system clock unless a test injects one).
  using Clock = std::function<Timestamp()>;

  /// **Example**: `gridgov::Session session(gridgov::open_store("gridgov.db"));`
  explicit Session(std::unique_ptr<Store> store, Clock clock = gridgov::now);

  [[nodiscard]] Store& store() noexcept { return *m_store; }
  [[nodiscard]] Reporting& reporting() { return m_store->reporting(); }

  /// The policy in force, parsed once (and again only when a newer version was stored: a
  /// reference once returned stays valid for the session's life).
  [[nodiscard]] const Policy& policy();
  /// The policy's timezone: local days and months, and how times are read and shown.
  [[nodiscard]] std::chrono::minutes utc_offset() { return policy().utc_offset; }
  /// The clock's time now.
  [[nodiscard]] Timestamp now() const { return m_clock(); }

  /// Begins the command's write transaction (see Store::begin_write). Use cases ask `policy()`
  /// inside it, so that they see a policy another process loaded meanwhile.
  [[nodiscard]] std::unique_ptr<WriteTransaction> begin_write() { return m_store->begin_write(); }
  /// Begins a read snapshot (see Store::begin_read): a report's queries see one moment.
  [[nodiscard]] std::unique_ptr<ReadSnapshot> begin_read() { return m_store->begin_read(); }

 private:
  std::unique_ptr<Store> m_store;
  Clock m_clock;
  std::vector<std::unique_ptr<const Policy>> m_policies;  ///< every version parsed, newest last
  int m_policy_version = -1;
};

}  // namespace gridgov
