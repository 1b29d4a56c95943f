#pragma once
// The limits on what gridgov reads, in one place. Every reader (CSV, NDJSON, the `events` column,
// TOML and JSON layouts, workers, the policy) and `log` apply the same ones, so whatever gridgov
// accepts from one door it accepts from every other, and every export imports back. Pure: no I/O.

#include <cstddef>
#include <string>
#include <string_view>

namespace gridgov {

/// The longest text value, in bytes: a CSV field, an NDJSON value, a name, a description, an
/// event's note.
inline constexpr std::size_t k_max_text_bytes = 64 * 1024;

/// The longest `events` column of a cases file (a case's whole history as JSON text), in bytes:
/// room for a few hundred events, or a dozen notes at their longest.
inline constexpr std::size_t k_max_events_bytes = 1024 * 1024;

/// The longest case title, in characters (code points, after NFC and trimming).
inline constexpr std::size_t k_max_title_chars = 200;

/// The most fields one CSV record may have (the widest file, a cases export, has 26 columns).
inline constexpr std::size_t k_max_columns = 64;

/// The longest CSV record or NDJSON line, in bytes: every column at its longest fits.
inline constexpr std::size_t k_max_record_bytes = 4 * 1024 * 1024;

/// The deepest nesting of JSON arrays and objects (a layout nests 11 deep, an event list 3).
inline constexpr std::size_t k_max_json_depth = 64;

/// The largest file that is read whole: a TOML or JSON layout, or standard input.
inline constexpr std::size_t k_max_document_bytes = 64 * 1024 * 1024;

/// The most standard input may hold (it is read whole); a bigger file is read by its name.
inline constexpr std::size_t k_max_stdin_bytes = 256 * 1024 * 1024;

/// The largest policy file.
inline constexpr std::size_t k_max_policy_bytes = 1024 * 1024;

/// The number of characters (code points) of UTF-8 text `s`.
[[nodiscard]] constexpr std::size_t char_count(std::string_view s) noexcept {
  std::size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

/// Why `text` may not be a text value (a NUL byte, or more than `max_bytes`), or an empty string
/// when it may.
///
/// **Example**: `text_problem(std::string(70000, 'x'))` is `"longer than 65536 bytes"`.
[[nodiscard]] inline std::string text_problem(std::string_view text,
                                              std::size_t max_bytes = k_max_text_bytes) {
  if (text.find('\0') != std::string_view::npos) return "NUL byte";
  if (text.size() > max_bytes) return "longer than " + std::to_string(max_bytes) + " bytes";
  return {};
}

/// Why `title` may not be a case's title (empty, a NUL byte, more than 200 characters), or an
/// empty string when it may. `title` is already normalised (NFC, trimmed).
///
/// **Example**: `title_problem(std::string(201, 'x'))` is `"longer than 200 characters"`.
[[nodiscard]] inline std::string title_problem(std::string_view title) {
  if (title.empty()) return "empty title";
  if (title.find('\0') != std::string_view::npos) return "NUL byte";
  if (char_count(title) > k_max_title_chars)
    return "longer than " + std::to_string(k_max_title_chars) + " characters";
  return {};
}

}  // namespace gridgov
