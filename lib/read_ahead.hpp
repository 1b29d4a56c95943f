#pragma once
// Reading a cases file ahead of its import (docs/design.md §10): parsing each row and turning it
// into a case and its history (a third of an import's work) needs nothing of the database, so it
// runs on a thread of its own, a few thousand rows ahead of the thread that writes them. Internal
// to lib/.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/migration.hpp"
#include "gridgov/readers.hpp"

namespace gridgov::detail {

/// What the reading thread made of a row: its migration, or the problems found and what was
/// thrown. The writing thread keeps them only if the row is not already in the database.
struct PreparedRow {
  std::optional<Migration> migration;
  Diagnostics problems;
  std::exception_ptr error;
};

class ReadAhead {
 public:
  using Prepare = std::function<void(CaseRow&, PreparedRow&)>;

  /// Starts reading `rows`, which nothing else reads until this is destroyed, and runs `prepare`
  /// on each good row, on the reading thread: it must touch nothing the caller changes. It may
  /// change the row (a name given for a code becomes the code).
  ReadAhead(CaseRows& rows, std::size_t max_errors, Prepare prepare);
  /// Stops the reading thread (wherever it is) and waits for it.
  ~ReadAhead();
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  /// As CaseRows::next: the next good row and what `prepare` made of it, false at the end. What
  /// the file showed before that row (or before its end) is added to `diagnostics` first, so
  /// that they read in the same order as when read in turn; what reading threw is thrown here,
  /// at the same point.
  bool next(CaseRow& row, PreparedRow& prepared, Diagnostics& diagnostics);

 private:
  struct Item {
    CaseRow row;
    Diagnostics problems;  ///< the file's, before this row
    PreparedRow prepared;
    bool end = false;
    std::exception_ptr error;  ///< what reading threw
  };
  using Chunk = std::vector<Item>;

  void read();
  bool push(Chunk chunk);

  CaseRows& m_rows;
  std::size_t m_max_errors;
  Prepare m_prepare;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Chunk> m_queue;  ///< chunks read, not yet taken
  bool m_stopping = false;
  Chunk m_chunk;  ///< the chunk being taken, from m_next on
  std::size_t m_next = 0;
  bool m_done = false;
  std::thread m_thread;  ///< last: started once everything else is
};

}  // namespace gridgov::detail
