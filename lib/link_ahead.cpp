// A bulk import's events linked on a thread of their own (link_ahead.hpp).

#include "link_ahead.hpp"

namespace gridgov::detail {

namespace {

constexpr std::size_t k_slots = 2048;  // events queued at most: memory stays bounded
// Events queued before the linking thread is woken: a wake is a system call, dearer than a link.
constexpr std::size_t k_batch = 64;

}  // namespace

LinkAhead::LinkAhead(long long last_id, const Digest& last_hash)
    : m_slots(k_slots),
      m_last_id(last_id),
      m_taken_id(last_id),
      m_taken_hash(last_hash),
      m_prev(last_hash),
      m_thread([this] { link(); }) {}

LinkAhead::~LinkAhead() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void LinkAhead::link() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_linker_waiting = true;
    m_changed.wait(lock, [&] { return m_stopping || m_linked != m_queued; });
    m_linker_waiting = false;
    if (m_stopping) return;
    const std::size_t from = m_linked;
    const std::size_t to = m_queued;
    lock.unlock();
    // Slots [from, to) are this thread's until m_linked passes them.
    try {
      for (std::size_t n = from; n < to; ++n) {
        Slot& s = slot(n);
        s.hash = link_as(m_prev, s.c, s.e, s.id).hash;
        m_prev = s.hash;
      }
    } catch (...) {
      lock.lock();
      m_error = std::current_exception();
      m_changed.notify_all();
      m_changed.wait(lock, [&] { return m_stopping; });
      return;
    }
    lock.lock();
    m_linked = to;
    if (m_writer_waiting) m_changed.notify_all();
  }
}

void LinkAhead::hand_over(std::size_t wait, const Insert& insert) {
  std::size_t linked = 0;
  {
    std::unique_lock lock(m_mutex);
    if (wait > 0 && m_linked - m_taken < wait) {
      m_writer_waiting = true;
      if (m_linker_waiting) m_changed.notify_all();
      m_changed.wait(lock, [&] { return m_error || m_linked - m_taken >= wait; });
      m_writer_waiting = false;
    }
    if (m_error) std::rethrow_exception(m_error);
    linked = m_linked;
  }
  // Slots [m_taken, linked) are this thread's again.
  for (; m_taken < linked; ++m_taken) {
    const Slot& s = slot(m_taken);
    insert(s.e, s.id, s.hash);
    m_taken_id = s.id;
    m_taken_hash = s.hash;
  }
}

long long LinkAhead::push(const Case& c, const Event& e, const Insert& insert) {
  hand_over(0, insert);
  std::size_t queued = 0;
  {
    std::lock_guard lock(m_mutex);
    queued = m_queued;
  }
  if (queued - m_taken == m_slots.size()) hand_over(1, insert);
  // The slot at `queued` is free: the linking thread reads no further than m_queued.
  Slot& s = slot(queued);
  s.c = c;
  s.e = e;
  s.id = ++m_last_id;
  bool wake = false;
  {
    std::lock_guard lock(m_mutex);
    m_queued = queued + 1;
    wake = m_linker_waiting && m_queued - m_linked >= k_batch;
  }
  if (wake) m_changed.notify_all();
  return s.id;
}

std::pair<long long, Digest> LinkAhead::finish(const Insert& insert) {
  std::size_t queued = 0;
  {
    std::lock_guard lock(m_mutex);
    queued = m_queued;
  }
  hand_over(queued - m_taken, insert);
  return {m_taken_id, m_taken_hash};
}

}  // namespace gridgov::detail
