#pragma once
// UTF-8 text as the domain needs it: names are valid UTF-8, NFC-normalised and trimmed; tables are
// aligned by display width (a 镇 takes two columns). Implemented over utf8proc in lib/text.cpp.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace gridgov {

/// The byte offset of the first invalid UTF-8 sequence in `s`, or nullopt when `s` is valid.
[[nodiscard]] std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept;

/// NFC-normalises `s` and trims Unicode white space at both ends; `s` must be valid UTF-8.
///
/// **Example**: `normalize_name(" 大店镇\u3000")` is `"大店镇"`.
[[nodiscard]] std::string normalize_name(std::string_view s);

/// Terminal columns `s` takes: East Asian wide characters count two.
///
/// **Example**: `display_width("大店镇 A")` is 8.
[[nodiscard]] std::size_t display_width(std::string_view s) noexcept;

/// `s` safe to print on a terminal: control characters (C0, DEL, C1), bidi controls (U+202E…),
/// line and paragraph separators and bytes that are not UTF-8 are shown escaped, so that a name
/// or a title cannot move the cursor, rewrite the screen or reverse a line. Tables and messages
/// for people show text so; csv, json and ndjson carry it as it is.
///
/// **Example**: `printable("a\x1b[2Jb\u202e")` is `"a\\x1b[2Jb\\u202e"`; `"大店镇"` is unchanged.
[[nodiscard]] std::string printable(std::string_view s);

/// The 1-based column (in characters, as editors count) of byte offset `byte` in `line`.
[[nodiscard]] int column_of(std::string_view line, std::size_t byte) noexcept;

/// How many edits turn `a` into `b`, counted in characters (a 镇 is one): inserting, deleting or
/// replacing one, or swapping two neighbours; ASCII letters compared case-insensitively. It ranks
/// the nearest known word for "did you mean …?" (commands, columns, departments).
///
/// **Example**: `edit_distance("stast", "stats")` is 1; `edit_distance("网格名", "网格名称")` is 1.
[[nodiscard]] std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace gridgov
