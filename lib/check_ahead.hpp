#pragma once
// `audit verify`'s checks of each case on a thread of their own (docs/design.md §15.2): reading
// the cases with their events and links is half of the work and needs the store's one connection;
// recomputing the hashes and replaying each case needs nothing but the case, so a second thread
// does that while the store reads on. Internal to lib/.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "gridgov/audit.hpp"
#include "gridgov/case.hpp"

namespace gridgov::detail {

/// A case as Store::for_each_linked_case gives it.
struct LinkedCase {
  Case row;
  std::vector<Event> events;
  std::vector<Link> links;
};

class CheckAhead {
 public:
  using Check = std::function<void(const LinkedCase&)>;

  /// Starts the checking thread, which runs `check` on each case pushed, in order.
  explicit CheckAhead(Check check);
  /// Stops the checking thread (wherever it is) and waits for it.
  ~CheckAhead();
  CheckAhead(const CheckAhead&) = delete;
  CheckAhead& operator=(const CheckAhead&) = delete;

  /// Queues a copy of a case, waiting when the checking thread is far behind (memory stays
  /// bounded). What a check threw is thrown here or by `finish`.
  void push(const Case& row, const std::vector<Event>& events, const std::vector<Link>& links);
  /// Waits until every case pushed is checked.
  void finish();

 private:
  struct Chunk {
    std::vector<LinkedCase> cases;  ///< reused: a copy into a used slot keeps its capacity
    std::size_t size = 0;
  };

  void check();
  void hand_over();

  Check m_check;
  Chunk m_filling;  ///< the writing thread's
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Chunk> m_full;  ///< under m_mutex, as all below
  std::deque<Chunk> m_free;
  bool m_checking = false;  ///< a chunk taken, not yet checked
  bool m_stopping = false;
  std::exception_ptr m_error;
  std::thread m_thread;  ///< last: started once everything else is
};

}  // namespace gridgov::detail
