// A cases file read on a thread of its own (read_ahead.hpp).

#include "read_ahead.hpp"

#include <utility>

namespace gridgov::detail {

namespace {

constexpr std::size_t k_chunk_rows = 256;  // rows handed over at a time (one lock each)
constexpr std::size_t k_max_chunks = 8;    // chunks read ahead at most: memory stays bounded

}  // namespace

ReadAhead::ReadAhead(CaseRows& rows, std::size_t max_errors, Prepare prepare)
    : m_rows(rows),
      m_max_errors(max_errors),
      m_prepare(std::move(prepare)),
      m_thread([this] { read(); }) {}

ReadAhead::~ReadAhead() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  m_thread.join();
}

void ReadAhead::read() {
  Chunk chunk;
  try {
    for (;;) {
      Item item{CaseRow{}, Diagnostics(m_max_errors),
                PreparedRow{std::nullopt, Diagnostics(m_max_errors), nullptr}, false, nullptr};
      item.end = !m_rows.next(item.row, item.problems);
      if (!item.end) {
        try {
          m_prepare(item.row, item.prepared);
        } catch (...) {
          item.prepared.error = std::current_exception();
        }
      }
      const bool end = item.end;
      chunk.push_back(std::move(item));
      if (end || chunk.size() == k_chunk_rows) {
        if (!push(std::move(chunk)) || end) return;
        chunk.clear();
      }
    }
  } catch (...) {
    Item failed{CaseRow{}, Diagnostics(m_max_errors),
                PreparedRow{std::nullopt, Diagnostics(m_max_errors), nullptr}, true,
                std::current_exception()};
    chunk.push_back(std::move(failed));
    (void)push(std::move(chunk));
  }
}

bool ReadAhead::push(Chunk chunk) {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_stopping || m_queue.size() < k_max_chunks; });
  if (m_stopping) return false;
  m_queue.push_back(std::move(chunk));
  lock.unlock();
  m_changed.notify_all();
  return true;
}

bool ReadAhead::next(CaseRow& row, PreparedRow& prepared, Diagnostics& diagnostics) {
  if (m_done) return false;
  if (m_next == m_chunk.size()) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_queue.empty(); });
    m_chunk = std::move(m_queue.front());
    m_queue.pop_front();
    m_next = 0;
    lock.unlock();
    m_changed.notify_all();
  }
  Item& item = m_chunk[m_next++];
  diagnostics.append(item.problems);
  if (item.end) {
    m_done = true;
    if (item.error) std::rethrow_exception(item.error);
    return false;
  }
  row = std::move(item.row);
  prepared = std::move(item.prepared);
  return true;
}

}  // namespace gridgov::detail
