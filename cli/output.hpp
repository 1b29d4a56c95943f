#pragma once
// Output formats for gridctl: every command builds a Table (rows) or a Record (one object) and
// prints it in the format the user chose. Data goes to standard output only.

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gridctl {

enum class Format { table, csv, json, ndjson, md };

/// One value: null, text, a whole number, a rate or a flag.
using Cell = std::variant<std::monostate, std::string, long long, double, bool>;

struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

/// Named fields of one object, in order.
using Record = std::vector<std::pair<std::string, Cell>>;

struct Printer {
  std::ostream& out;
  Format format = Format::table;
  bool color = false;

  /// table: columns aligned by display width; md: a Markdown table; csv: RFC 4180 with a
  /// header; json: an array of objects; ndjson: one object per line.
  void table(const Table& t) const;
  /// table and md: a two-column field/value table; csv: a header and one row; json/ndjson: an
  /// object.
  void record(const Record& r) const;
  /// json as is (indented), ndjson compact (an array: one element per line); other formats
  /// are the caller's business.
  void json(const nlohmann::ordered_json& j) const;
};

[[nodiscard]] nlohmann::ordered_json to_json(const Cell& c);
[[nodiscard]] std::string to_text(const Cell& c);
[[nodiscard]] std::string csv_quote(const std::string& s);

}  // namespace gridctl
