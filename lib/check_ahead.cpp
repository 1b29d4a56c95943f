// `audit verify`'s checks on a thread of their own (check_ahead.hpp).

#include "check_ahead.hpp"

#include <utility>

namespace gridgov::detail {

namespace {

constexpr std::size_t k_chunk_cases = 256;  // cases handed over at a time (one lock each)
constexpr std::size_t k_max_chunks = 8;     // chunks queued at most: memory stays bounded

}  // namespace

CheckAhead::CheckAhead(Check check)
    : m_check(std::move(check)), m_thread([this] { this->check(); }) {}

CheckAhead::~CheckAhead() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void CheckAhead::check() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [&] { return m_stopping || !m_full.empty(); });
    if (m_stopping) return;
    Chunk chunk = std::move(m_full.front());
    m_full.pop_front();
    m_checking = true;
    lock.unlock();
    std::exception_ptr error;
    try {
      for (std::size_t i = 0; i < chunk.size; ++i) m_check(chunk.cases[i]);
    } catch (...) {
      error = std::current_exception();
    }
    chunk.size = 0;
    lock.lock();
    m_checking = false;
    m_free.push_back(std::move(chunk));
    if (error && !m_error) m_error = error;
    m_changed.notify_all();
  }
}

void CheckAhead::hand_over() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_error || m_full.size() < k_max_chunks; });
  if (m_error) std::rethrow_exception(m_error);
  m_full.push_back(std::move(m_filling));
  if (!m_free.empty()) {
    m_filling = std::move(m_free.front());
    m_free.pop_front();
  } else {
    m_filling = Chunk{};
  }
  lock.unlock();
  m_changed.notify_all();
}

void CheckAhead::push(const Case& row, const std::vector<Event>& events,
                      const std::vector<Link>& links) {
  if (m_filling.cases.size() < k_chunk_cases) m_filling.cases.resize(k_chunk_cases);
  LinkedCase& slot = m_filling.cases[m_filling.size++];
  slot.row = row;
  slot.events = events;
  slot.links = links;
  if (m_filling.size == k_chunk_cases) hand_over();
}

void CheckAhead::finish() {
  if (m_filling.size > 0) hand_over();
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_error || (m_full.empty() && !m_checking); });
  if (m_error) std::rethrow_exception(m_error);
}

}  // namespace gridgov::detail
