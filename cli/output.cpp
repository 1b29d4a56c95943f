#include "output.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ostream>

#include "gridgov/text.hpp"

namespace gridctl {

nlohmann::ordered_json to_json(const Cell& c) {
  return std::visit(
      [](const auto& v) -> nlohmann::ordered_json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return nullptr;
        else
          return v;
      },
      c);
}

std::string to_text(const Cell& c) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return "";
        else if constexpr (std::is_same_v<T, std::string>)
          return v;
        else if constexpr (std::is_same_v<T, bool>)
          return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, double>)
          return fmt::format("{}", v);  // the shortest text that reads back the same
        else
          return std::to_string(v);
      },
      c);
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

namespace {

/// Numbers, and text that shows one (a rate as "91.7%", hours as "37.2"), align right.
bool is_number(const Cell& c) {
  if (std::holds_alternative<long long>(c) || std::holds_alternative<double>(c)) return true;
  const auto* s = std::get_if<std::string>(&c);
  if (!s || s->empty()) return false;
  // Text digits alone may well be a code (371327001): only a decimal point or a % says number.
  if (s->find_first_of(".%") == std::string::npos) return false;
  std::size_t digits = 0;
  for (std::size_t i = 0; i < s->size(); ++i) {
    const char ch = (*s)[i];
    if (ch >= '0' && ch <= '9')
      ++digits;
    else if (!(ch == '.' || (ch == '-' && i == 0) || (ch == '%' && i + 1 == s->size())))
      return false;
  }
  return digits > 0;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
  const std::size_t w = gridgov::display_width(s);
  const std::string fill(width > w ? width - w : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string md_escape(std::string s) {
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

nlohmann::ordered_json row_object(const std::vector<std::string>& columns,
                                  const std::vector<Cell>& row) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < columns.size() && i < row.size(); ++i)
    o[columns[i]] = to_json(row[i]);
  return o;
}

}  // namespace

void Printer::table(const Table& t) const {
  switch (format) {
    case Format::json: {
      nlohmann::ordered_json a = nlohmann::ordered_json::array();
      for (const auto& row : t.rows) a.push_back(row_object(t.columns, row));
      out << a.dump(2) << '\n';
      return;
    }
    case Format::ndjson:
      for (const auto& row : t.rows) out << row_object(t.columns, row).dump() << '\n';
      return;
    case Format::csv: {
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        out << (i ? "," : "") << csv_quote(t.columns[i]);
      out << '\n';
      for (const auto& row : t.rows) {
        for (std::size_t i = 0; i < row.size(); ++i)
          out << (i ? "," : "") << csv_quote(to_text(row[i]));
        out << '\n';
      }
      return;
    }
    case Format::md: {
      out << '|';
      for (const auto& c : t.columns) out << ' ' << c << " |";
      out << "\n|";
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        const bool numeric = !t.rows.empty() && is_number(t.rows.front()[i]);
        out << (numeric ? " ---: |" : " --- |");
      }
      out << '\n';
      for (const auto& row : t.rows) {
        out << '|';
        for (const auto& cell : row) out << ' ' << md_escape(to_text(cell)) << " |";
        out << '\n';
      }
      return;
    }
    case Format::table: {
      std::vector<std::size_t> width(t.columns.size());
      std::vector<bool> numeric(t.columns.size(), true);
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        width[i] = gridgov::display_width(t.columns[i]);
      for (const auto& row : t.rows)
        for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
          width[i] = std::max(width[i], gridgov::display_width(to_text(row[i])));
          if (!is_number(row[i]) && !std::holds_alternative<std::monostate>(row[i]))
            numeric[i] = false;
        }
      auto line = [&](auto cell_text) {
        std::string s;
        for (std::size_t i = 0; i < width.size(); ++i) {
          if (i) s += "  ";
          s += pad(cell_text(i), width[i], numeric[i]);
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        return s;
      };
      const std::string header = line([&](std::size_t i) { return t.columns[i]; });
      out << (color ? "\x1b[1m" + header + "\x1b[0m" : header) << '\n';
      for (const auto& row : t.rows)
        out << line([&](std::size_t i) { return i < row.size() ? to_text(row[i]) : ""; }) << '\n';
      return;
    }
  }
}

void Printer::record(const Record& r) const {
  switch (format) {
    case Format::json:
    case Format::ndjson: {
      nlohmann::ordered_json o = nlohmann::ordered_json::object();
      for (const auto& [k, v] : r) o[k] = to_json(v);
      out << (format == Format::json ? o.dump(2) : o.dump()) << '\n';
      return;
    }
    case Format::csv: {
      Table t;
      t.rows.emplace_back();
      for (const auto& [k, v] : r) {
        t.columns.push_back(k);
        t.rows.back().push_back(v);
      }
      table(t);
      return;
    }
    case Format::md:
    case Format::table: {
      Table t{{"field", "value"}, {}};
      for (const auto& [k, v] : r) t.rows.push_back({k, to_text(v)});
      table(t);
      return;
    }
  }
}

void Printer::json(const nlohmann::ordered_json& j) const {
  if (format == Format::ndjson) {
    if (j.is_array())
      for (const auto& e : j) out << e.dump() << '\n';
    else
      out << j.dump() << '\n';
    return;
  }
  out << j.dump(2) << '\n';
}

}  // namespace gridctl
