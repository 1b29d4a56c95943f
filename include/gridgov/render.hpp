#pragma once
// The renderers of Tables and Records (table.hpp): aligned text for people (by display width, so
// Chinese lines up), Markdown, CSV (RFC 4180), JSON and NDJSON. Data only: messages are the
// caller's.

#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/table.hpp"

namespace gridgov {

/// The language of headers and code words: `en` the glossary's code names, `zh` its Chinese.
enum class Lang { en, zh };

[[nodiscard]] constexpr std::optional<Lang> parse_lang(std::string_view s) noexcept {
  if (s == "en") return Lang::en;
  if (s == "zh") return Lang::zh;
  return std::nullopt;
}

/// The names of a county's own codes (from its policy), which `--lang zh` shows instead of the
/// codes: `housing` reads 县住房和城乡建设局.
struct Names {
  std::map<std::string, std::string, std::less<>> departments;
  std::map<std::string, std::string, std::less<>> categories;
};

struct RenderOptions {
  Format format = Format::table;
  bool color = false;  ///< bold headers in `table`
  /// Only these columns, in this order (empty: all); an unknown one is ErrorCode::usage.
  std::vector<std::string> columns{};
  /// zh: headers and code words in Chinese, for table, md and csv (json keeps the stable names).
  Lang lang = Lang::en;
  const Names* names = nullptr;  ///< with zh: department and category names
  bool bom = false;              ///< csv: a UTF-8 byte order mark first (Excel reads UTF-8 then)
};

/// The UTF-8 byte order mark.
inline constexpr std::string_view k_utf8_bom = "\xEF\xBB\xBF";

/// `table` with only the named columns, in that order. An unknown name is ErrorCode::usage
/// listing the known ones.
[[nodiscard]] Table select_columns(const Table& table, const std::vector<std::string>& names);

/// `table` for Chinese readers: headers from the glossary (`status` → 状态), code words of the
/// status, level, source, kind, tier, deployment and event type columns as their Chinese words
/// (`closed` → 已结案), departments and categories by name (`names`), flags 是/否. Cells it does
/// not know stay as they are.
[[nodiscard]] Table localize(const Table& table, const Names* names);

/// The Chinese header of a field (`reported_at` → 上报时间); the field itself when it has none.
[[nodiscard]] std::string zh_header(std::string_view field);

/// What `table` becomes under `options`: its columns selected, then (zh, not json) localized.
[[nodiscard]] Table shaped(const Table& table, const RenderOptions& options);

/// Sorts rows by `column`: numbers by value, text by its bytes (codes sort as they read), null
/// last either way; rows that tie keep their order. An unknown column is ErrorCode::usage.
void sort_rows(Table& table, std::string_view column, bool descending);

/// Keeps the first `n` rows.
void limit_rows(Table& table, std::size_t n);

/// One row per value of `column` (the column itself, then `count`), most first, ties by value;
/// null counts as its own value. An unknown column is ErrorCode::usage.
[[nodiscard]] Table count_by(const Table& table, std::string_view column);

/// Rows: table aligned by display width, md a Markdown table, csv a header and rows, json an
/// array of objects, ndjson an object per line.
///
/// **Example**: `render(std::cout, quota_table(rows), {.format = Format::csv});`
void render(std::ostream& out, const Table& table, const RenderOptions& options);

/// One object: json/ndjson an object, csv a header and one row, table/md field/value lines.
void render(std::ostream& out, const Record& record, const RenderOptions& options);

/// How a cell reads in flat formats: `format` csv keeps numbers exact, table/md round rates and
/// hours for people; lists are `a;b`. A table shows control and bidi characters escaped
/// (`printable`, text.hpp); `render` does the same for md.
[[nodiscard]] std::string cell_text(const Cell& cell, const Column& column, Format format);

/// The rows of `table` as one compact JSON array (the `events` column of a cases file).
[[nodiscard]] std::string json_text(const Table& table);

/// Writes rows one at a time, in constant memory (exports). A JSON array is closed only by
/// `finish()`: output cut short by an error never looks complete.
class RowStream {
 public:
  /// csv and json/ndjson stream; table and md are written as csv. `options` select columns,
  /// localize csv (lang) and begin it with a BOM; its format is ignored.
  RowStream(std::ostream& out, std::vector<Column> columns, Format format,
            const RenderOptions& options = {});
  void add(const std::vector<Cell>& row);
  void finish();

 private:
  std::ostream& m_out;
  std::vector<Column> m_columns;
  std::vector<std::size_t> m_keep;  ///< the positions of the row's cells written
  Format m_format;
  bool m_zh = false;
  const Names* m_names = nullptr;
  bool m_first = true;
};

/// RFC 4180 quoting: `a,b` → `"a,b"`.
[[nodiscard]] std::string csv_quote(const std::string& s);

}  // namespace gridgov
