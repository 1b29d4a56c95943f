#pragma once
// What gridgov shows, described once: a Table is columns (name, header, type, alignment) and rows
// of cells. The views (views.hpp) build Tables; the renderers (render.hpp) turn one into table,
// csv, json, ndjson or md, so another program gets the same columns gridctl prints, and a new
// format is one more renderer.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gridgov {

/// The output formats.
enum class Format { table, csv, json, ndjson, md };

[[nodiscard]] constexpr std::optional<Format> parse_format(std::string_view s) noexcept {
  if (s == "table") return Format::table;
  if (s == "csv") return Format::csv;
  if (s == "json") return Format::json;
  if (s == "ndjson") return Format::ndjson;
  if (s == "md") return Format::md;
  return std::nullopt;
}

/// What a column holds, which says how each format shows it: a rate is `0.917` in csv and json
/// and `91.7%` for people; hours are `37.25` and `37.2`; a list is a JSON array and `a;b` in
/// text; a nested table is a JSON array of objects (a record: one object) and is left out of
/// flat formats.
enum class ColumnType { text, integer, number, rate, hours, flag, list, table, record };

enum class Align { left, right };

struct Column {
  std::string name;    ///< the stable snake_case field name (JSON keys, CSV headers)
  std::string header;  ///< what a person's table shows; empty: the name
  ColumnType type = ColumnType::text;
  Align align = Align::left;

  [[nodiscard]] const std::string& shown() const noexcept { return header.empty() ? name : header; }
};

/// A text column (left-aligned) and a numeric one (right-aligned).
[[nodiscard]] inline Column text_column(std::string name) {
  return Column{std::move(name), {}, ColumnType::text, Align::left};
}
[[nodiscard]] inline Column number_column(std::string name, ColumnType type = ColumnType::integer) {
  return Column{std::move(name), {}, type, Align::right};
}
[[nodiscard]] inline Column typed_column(std::string name, ColumnType type) {
  return Column{std::move(name), {}, type, Align::left};
}

struct Table;

/// One value: null, text, a whole number, a number (rates, hours), a flag, a list of text, or a
/// nested table.
using Cell = std::variant<std::monostate, std::string, long long, double, bool,
                          std::vector<std::string>, std::shared_ptr<const Table>>;

/// Text, or null when empty (gridgov shows an absent value as null, never as "").
[[nodiscard]] inline Cell text_or_null(const std::string& s) {
  if (s.empty()) return {};
  return s;
}

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;

  /// The cell of `column` in `row`; null when there is no such column.
  [[nodiscard]] const Cell& at(std::size_t row, std::string_view column) const {
    static const Cell k_null;
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].name == column && i < rows[row].size()) return rows[row][i];
    return k_null;
  }
};

/// A record: a one-row table, shown as one object (json) or as field/value lines (table, md).
struct Record {
  std::vector<Column> columns;
  std::vector<Cell> values;

  void add(Column column, Cell value) {
    columns.push_back(std::move(column));
    values.push_back(std::move(value));
  }
  [[nodiscard]] Table as_table() const { return Table{columns, {values}}; }
};

}  // namespace gridgov
