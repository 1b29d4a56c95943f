// The renderers: one Table (or Record) in any of the output formats.

#include "gridgov/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <ostream>

#include "gridgov/text.hpp"

namespace gridgov {

namespace {

using json = nlohmann::ordered_json;

/// Nested tables have no place in a person's table; CSV carries them as JSON text.
bool is_shown(const Column& c, Format format) {
  return format == Format::csv || (c.type != ColumnType::table && c.type != ColumnType::record);
}

json to_json(const Table& table);

json to_json(const Cell& cell, const Column& column) {
  return std::visit(
      [&](const auto& v) -> json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, std::shared_ptr<const Table>>) {
          if (!v) return nullptr;
          if (column.type == ColumnType::record) {
            if (v->rows.empty()) return nullptr;
            json o = json::object();
            for (std::size_t i = 0; i < v->columns.size() && i < v->rows.front().size(); ++i)
              o[v->columns[i].name] = to_json(v->rows.front()[i], v->columns[i]);
            return o;
          }
          return to_json(*v);
        } else {
          return v;
        }
      },
      cell);
}

json row_object(const std::vector<Column>& columns, const std::vector<Cell>& row) {
  json o = json::object();
  for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i)
    o[columns[i].name] = to_json(row[i], columns[i]);
  return o;
}

json to_json(const Table& table) {
  json a = json::array();
  for (const auto& row : table.rows) a.push_back(row_object(table.columns, row));
  return a;
}

std::string pad(const std::string& s, std::size_t width, Align align) {
  const std::size_t w = display_width(s);
  const std::string fill(width > w ? width - w : 0, ' ');
  return align == Align::right ? fill + s : s + fill;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += '\\';
    if (ch == '\n') {
      out += "<br>";
      continue;
    }
    out += ch;
  }
  return out;
}

/// The positions of the columns `format` shows.
std::vector<std::size_t> shown_columns(const std::vector<Column>& columns, Format format) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (is_shown(columns[i], format)) out.push_back(i);
  return out;
}

void csv_line(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << csv_quote(fields[i]);
  out << '\n';
}

void render_csv(std::ostream& out, const Table& t) {
  const auto cols = shown_columns(t.columns, Format::csv);
  std::vector<std::string> fields;
  for (std::size_t i : cols) fields.push_back(t.columns[i].shown());
  csv_line(out, fields);
  for (const auto& row : t.rows) {
    fields.clear();
    for (std::size_t i : cols)
      fields.push_back(i < row.size() ? cell_text(row[i], t.columns[i], Format::csv) : "");
    csv_line(out, fields);
  }
}

void render_md(std::ostream& out, const Table& t) {
  const auto cols = shown_columns(t.columns, Format::md);
  out << '|';
  for (std::size_t i : cols) out << ' ' << printable(md_escape(t.columns[i].shown())) << " |";
  out << "\n|";
  for (std::size_t i : cols) out << (t.columns[i].align == Align::right ? " ---: |" : " --- |");
  out << '\n';
  for (const auto& row : t.rows) {
    out << '|';
    for (std::size_t i : cols)
      out << ' '
          << printable(md_escape(i < row.size() ? cell_text(row[i], t.columns[i], Format::md) : ""))
          << " |";
    out << '\n';
  }
}

void render_text(std::ostream& out, const Table& t, bool color) {
  const auto cols = shown_columns(t.columns, Format::table);
  std::vector<std::vector<std::string>> text;
  std::vector<std::size_t> width;
  for (std::size_t i : cols) width.push_back(display_width(t.columns[i].shown()));
  for (const auto& row : t.rows) {
    auto& line = text.emplace_back();
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const std::size_t i = cols[k];
      line.push_back(i < row.size() ? cell_text(row[i], t.columns[i], Format::table) : "");
      width[k] = std::max(width[k], display_width(line.back()));
    }
  }
  auto print = [&](auto cell_of) {
    std::string s;
    for (std::size_t k = 0; k < cols.size(); ++k) {
      if (k) s += "  ";
      s += pad(cell_of(k), width[k], t.columns[cols[k]].align);
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s;
  };
  const std::string header = print([&](std::size_t k) { return t.columns[cols[k]].shown(); });
  out << (color ? "\x1b[1m" + header + "\x1b[0m" : header) << '\n';
  for (const auto& line : text) out << print([&](std::size_t k) { return line[k]; }) << '\n';
}

}  // namespace

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string cell_text(const Cell& cell, const Column& column, Format format) {
  const bool people = format == Format::table || format == Format::md;
  std::string text = std::visit(
      [&](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "";
        } else if constexpr (std::is_same_v<T, std::string>) {
          return v;
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          if (people && column.type == ColumnType::rate) return fmt::format("{:.1f}%", v * 100.0);
          if (people && column.type == ColumnType::hours) return fmt::format("{:.1f}", v);
          return fmt::format("{}", v);  // the shortest text that reads back the same
        } else if constexpr (std::is_same_v<T, long long>) {
          return std::to_string(v);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          std::string s;
          for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
          return s;
        } else {
          // JSON text: an array of objects, or one object for a record.
          return v ? to_json(cell, column).dump() : "";
        }
      },
      cell);
  // People read tables on a terminal: no text of the data may drive it. (Markdown is made
  // printable by render_md, after its line breaks become <br>.)
  return format == Format::table ? printable(text) : text;
}

std::string json_text(const Table& table) { return to_json(table).dump(); }

void render(std::ostream& out, const Table& table, const RenderOptions& options) {
  switch (options.format) {
    case Format::json:
      out << to_json(table).dump(2) << '\n';
      return;
    case Format::ndjson:
      for (const auto& row : table.rows) out << row_object(table.columns, row).dump() << '\n';
      return;
    case Format::csv:
      render_csv(out, table);
      return;
    case Format::md:
      render_md(out, table);
      return;
    case Format::table:
      render_text(out, table, options.color);
      return;
  }
}

void render(std::ostream& out, const Record& record, const RenderOptions& options) {
  switch (options.format) {
    case Format::json:
      out << row_object(record.columns, record.values).dump(2) << '\n';
      return;
    case Format::ndjson:
      out << row_object(record.columns, record.values).dump() << '\n';
      return;
    case Format::csv:
      render_csv(out, record.as_table());
      return;
    case Format::md:
    case Format::table: {
      Table t{{text_column("field"), text_column("value")}, {}};
      for (std::size_t i = 0; i < record.columns.size(); ++i) {
        const Column& c = record.columns[i];
        // A nested record reads as dotted fields (`supervision.by`), or one empty field.
        const auto* nested = std::get_if<std::shared_ptr<const Table>>(&record.values[i]);
        if (c.type == ColumnType::record) {
          if (!nested || !*nested || (*nested)->rows.empty()) {
            t.rows.push_back({c.shown(), std::string()});
            continue;
          }
          const Table& inner = **nested;
          for (std::size_t j = 0; j < inner.columns.size(); ++j)
            if (is_shown(inner.columns[j], options.format))
              t.rows.push_back(
                  {c.shown() + "." + inner.columns[j].shown(),
                   cell_text(inner.rows.front()[j], inner.columns[j], options.format)});
          continue;
        }
        if (is_shown(c, options.format))
          t.rows.push_back({c.shown(), cell_text(record.values[i], c, options.format)});
      }
      render(out, t, options);
      return;
    }
  }
}

RowStream::RowStream(std::ostream& out, std::vector<Column> columns, Format format)
    : m_out(out),
      m_columns(std::move(columns)),
      m_format(format == Format::json || format == Format::ndjson ? format : Format::csv) {
  if (m_format != Format::csv) return;
  std::vector<std::string> header;
  for (const auto& c : m_columns) header.push_back(c.shown());
  csv_line(m_out, header);
}

void RowStream::add(const std::vector<Cell>& row) {
  if (m_format == Format::csv) {
    std::vector<std::string> fields;
    for (std::size_t i = 0; i < m_columns.size(); ++i)
      fields.push_back(i < row.size() ? cell_text(row[i], m_columns[i], Format::csv) : "");
    csv_line(m_out, fields);
    return;
  }
  const std::string object = row_object(m_columns, row).dump();
  if (m_format == Format::ndjson) {
    m_out << object << '\n';
    return;
  }
  m_out << (m_first ? "[\n" : ",\n") << object;
  m_first = false;
}

void RowStream::finish() {
  if (m_format == Format::json) m_out << (m_first ? "[]\n" : "\n]\n");
  m_out.flush();
}

}  // namespace gridgov
