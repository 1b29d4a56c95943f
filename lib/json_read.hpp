#pragma once
// Reading JSON within gridgov's limits (gridgov/limits.hpp): nesting deeper than
// k_max_json_depth stops the parser where it goes too deep, before any recursion can overflow the
// stack. Used by the NDJSON cases reader, the `events` column and (through its own SAX builder,
// with the same CountingIterator and depth limit) the JSON layout reader. Internal to lib/.

#include <cstddef>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "gridgov/limits.hpp"

namespace gridgov::detail {

/// An iterator over the text that tells whoever holds `last_read` how far the lexer has read, so
/// that a parser event can be placed in the text.
struct CountingIterator {
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  const char* p = nullptr;
  const char** last_read = nullptr;

  reference operator*() const { return *p; }
  CountingIterator& operator++() {
    ++p;
    *last_read = p;
    return *this;
  }
  CountingIterator operator++(int) {
    auto copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const CountingIterator& o) const { return p == o.p; }
  bool operator!=(const CountingIterator& o) const { return p != o.p; }
};

/// Why a JSON text was refused, and the byte offset it concerns.
struct JsonProblem {
  std::size_t offset = 0;
  std::string reason;
};

/// The reason of a depth refusal, the same from every JSON reader.
inline std::string too_deep_reason() {
  return "nested deeper than " + std::to_string(k_max_json_depth) + " levels";
}

/// Parses one JSON value from `text` into `out`. False, with `problem` set, on a syntax error or
/// nesting deeper than k_max_json_depth (the offset is then that of the `[` or `{` too many).
inline bool parse_json_value(std::string_view text, nlohmann::json& out, JsonProblem& problem) {
  struct TooDeep {};
  const char* last = text.data();
  const CountingIterator first{text.data(), &last};
  const CountingIterator end{text.data() + text.size(), &last};
  try {
    out = nlohmann::json::parse(
        first, end, [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
          if ((event == nlohmann::json::parse_event_t::object_start ||
               event == nlohmann::json::parse_event_t::array_start) &&
              static_cast<std::size_t>(depth) >= k_max_json_depth)
            throw TooDeep{};
          return true;
        });
    return true;
  } catch (const TooDeep&) {
    const auto read = static_cast<std::size_t>(last - text.data());
    problem = JsonProblem{read == 0 ? 0 : read - 1, too_deep_reason()};
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message starts "[json.exception.parse_error.101] parse error at line 1, …: ".
    std::string reason = e.what();
    if (auto p = reason.find(": "); p != std::string::npos) reason = reason.substr(p + 2);
    if (auto p = reason.find("; last read"); p != std::string::npos) reason.resize(p);
    problem = JsonProblem{e.byte == 0 ? 0 : e.byte - 1, "invalid JSON: " + reason};
  } catch (const nlohmann::json::out_of_range&) {
    // A number too large for a double (1e999): the lexer has just read it.
    const auto read = static_cast<std::size_t>(last - text.data());
    problem = JsonProblem{read == 0 ? 0 : read - 1, "invalid JSON: a number too large to hold"};
  }
  return false;
}

}  // namespace gridgov::detail
