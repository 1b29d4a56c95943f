#pragma once
// Linking a bulk import's events on a thread of their own (docs/design.md §15.1): encoding and
// hashing an event needs nothing of the database but the hash of the event before it, so while a
// store takes a bulk import, a second thread links each event it is given, in id order, and the
// writing thread inserts each one once its hash is ready. Internal to lib/.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "gridgov/audit.hpp"
#include "gridgov/case.hpp"

namespace gridgov::detail {

class LinkAhead {
 public:
  /// What the writing thread does with each event once linked: insert it as `id` with `hash`.
  using Insert = std::function<void(const Event& e, long long id, const Digest& hash)>;

  /// Starts linking after the chain's last link: event `last_id`, whose hash is `last_hash`.
  LinkAhead(long long last_id, const Digest& last_hash);
  /// Stops the linking thread and waits for it; what is still queued is dropped.
  ~LinkAhead();
  LinkAhead(const LinkAhead&) = delete;
  LinkAhead& operator=(const LinkAhead&) = delete;

  /// Queues event `e` of case `c` (a copy of both is kept) and returns the id it is given, the
  /// one after the last. First hands `insert` every event linked so far, oldest first, waiting
  /// for the oldest when the queue is full (memory stays bounded).
  long long push(const Case& c, const Event& e, const Insert& insert);

  /// Hands `insert` every queued event, oldest first, waiting for each to be linked. Returns the
  /// chain's last link: the last event's id and hash. What the linking thread threw is thrown
  /// here (or by `push`); an event `insert` threw on stays queued.
  std::pair<long long, Digest> finish(const Insert& insert);

 private:
  struct Slot {
    Case c;
    Event e;
    long long id = 0;
    Digest hash{};
  };

  void link();
  Slot& slot(std::size_t n) { return m_slots[n % m_slots.size()]; }
  /// Hands over the events linked so far; with `wait`, first waits for at least `wait` of them.
  void hand_over(std::size_t wait, const Insert& insert);

  std::vector<Slot> m_slots;  ///< a ring: [m_taken, m_linked) linked, [m_linked, m_queued) not yet
  std::size_t m_taken = 0;    ///< the writing thread's alone
  long long m_last_id;        ///< the last id given, the writing thread's alone
  long long m_taken_id;       ///< the last event handed over and its hash, the writing thread's
  Digest m_taken_hash;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_queued = 0;  ///< under m_mutex, as all below
  std::size_t m_linked = 0;
  bool m_linker_waiting = false;
  bool m_writer_waiting = false;
  bool m_stopping = false;
  std::exception_ptr m_error;  ///< what linking threw
  Digest m_prev;               ///< the linking thread's alone: the hash of the last one linked
  std::thread m_thread;        ///< last: started once everything else is
};

}  // namespace gridgov::detail
