#pragma once
// The renderers of Tables and Records (table.hpp): aligned text for people (by display width, so
// Chinese lines up), Markdown, CSV (RFC 4180), JSON and NDJSON. Data only: messages are the
// caller's.

#include <iosfwd>
#include <string>
#include <vector>

#include "gridgov/table.hpp"

namespace gridgov {

struct RenderOptions {
  Format format = Format::table;
  bool color = false;  ///< bold headers in `table`
};

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
  /// csv and json/ndjson stream; table and md are written as csv.
  RowStream(std::ostream& out, std::vector<Column> columns, Format format);
  void add(const std::vector<Cell>& row);
  void finish();

 private:
  std::ostream& m_out;
  std::vector<Column> m_columns;
  Format m_format;
  bool m_first = true;
};

/// RFC 4180 quoting: `a,b` → `"a,b"`.
[[nodiscard]] std::string csv_quote(const std::string& s);

}  // namespace gridgov
