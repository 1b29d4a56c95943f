// The renderers: one Table (or Record) in any of the output formats.

#include "gridgov/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "gridgov/case.hpp"
#include "gridgov/error.hpp"
#include "gridgov/level.hpp"
#include "gridgov/model.hpp"
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

// ---- shaping: columns, language, order ---------------------------------------------------------

namespace {

using Words = std::map<std::string_view, std::string_view, std::less<>>;

/// The glossary's Chinese for each field name (docs/design.md §1). Where `import cases` reads a
/// Chinese header (lib/cases_reader.cpp), the same word, so a zh export reads back.
const Words& header_words() {
  static const Words words = {
      {"id", "事务编号"},
      {"case_id", "事务编号"},
      {"event_id", "事件编号"},
      {"kind", "类型"},
      {"source", "来源"},
      {"ext_id", "外部编号"},
      {"category", "事项类别"},
      {"service", "服务事项"},
      {"department_name", "部门名称"},
      {"title", "标题"},
      {"grid", "网格"},
      {"grid_name", "网格名称"},
      {"village", "村居"},
      {"zone", "片区"},
      {"lon", "经度"},
      {"lat", "纬度"},
      {"reporter", "上报人"},
      {"reported_at", "上报时间"},
      {"status", "状态"},
      {"level", "层级"},
      {"unit", "所在单位"},
      {"department", "部门"},
      {"deadline", "环节时限"},
      {"due", "办结时限"},
      {"overdue", "超期"},
      {"stage_overdue", "环节超期"},
      {"suspended", "挂账"},
      {"extended", "延期"},
      {"supervision", "限期督办"},
      {"rework", "返工"},
      {"description", "描述"},
      {"whistled", "吹哨"},
      {"events", "事件"},
      {"resolved_at", "办结时间"},
      {"closed_at", "结案时间"},
      {"agenda", "上会原因"},
      {"action", "处理"},
      {"order_by", "督办时限"},
      {"order_overdue", "督办超期"},
      {"type", "事件类型"},
      {"at", "时间"},
      {"recorded_at", "记录时间"},
      {"actor", "操作人"},
      {"note", "说明"},
      {"worker", "网格员"},
      {"extension", "延期时长"},
      {"by", "督办时限"},
      {"late_record", "补录"},
      {"from_level", "原层级"},
      {"from_unit", "原单位"},
      {"from_department", "原部门"},
      {"group", "分组"},
      {"name", "名称"},
      {"reported", "上报数"},
      {"problems", "问题数"},
      {"closed", "结案数"},
      {"closed_on_time", "按期结案数"},
      {"resolution_rate", "结案率"},
      {"on_time_rate", "按期结案率"},
      {"escalated", "逐级上报"},
      {"referred", "乡呼县应"},
      {"whistles", "吹哨次数"},
      {"overdue_open", "超期未结"},
      {"stage_late", "环节超期"},
      {"suspended_open", "挂账未结"},
      {"supervised", "限期督办"},
      {"supervision_overdue", "督办超期"},
      {"verified_by_admin", "管理员核查"},
      {"median_hours_to_close", "结案时长中位数(小时)"},
      {"quota_days_met", "巡查达标天数"},
      {"quota_rate", "巡查达标率"},
      {"reported_by_party_members", "党员上报数"},
      {"handled_by_party_members", "党员办结数"},
      {"days", "天数"},
      {"valid_reports", "有效上报"},
      {"admin_reports", "管理员上报"},
      {"voided_reports", "作废上报"},
      {"late_reports", "超时补录"},
      {"other_reporters", "非本网格员上报"},
      {"town", "镇街"},
      {"town_name", "镇街名称"},
      {"code", "编码"},
      {"parent", "上级"},
      {"parent_name", "上级名称"},
      {"path", "路径"},
      {"depth", "深度"},
      {"grids", "网格数"},
      {"zones", "片区数"},
      {"villages", "村居数"},
      {"towns", "镇街数"},
      {"households", "户数"},
      {"population", "人口"},
      {"workers", "网格员数"},
      {"tier", "网格员类别"},
      {"deployment", "下沉方式"},
      {"units", "服务单位"},
      {"unit_names", "服务单位名称"},
      {"phone", "电话"},
      {"retired", "已退出"},
      {"retired_at", "退出时间"},
      {"party", "党组织"},
      {"party_name", "党组织名称"},
      {"party_kind", "党组织类别"},
      {"secretary", "书记"},
      {"secretary_name", "书记姓名"},
      {"party_member", "党员"},
      {"party_role", "党内职务"},
      {"count", "数量"},
      {"key", "项目"},
      {"field", "字段"},
      {"value", "值"},
      {"workdays", "应出勤天数"},
      {"days_present", "出勤天数"},
      {"patrol_days", "巡查天数"},
      {"grids_covered", "覆盖网格数"},
      {"attendance_rate", "出勤率"},
      {"out_of_scope", "范围外记录"},
      {"rework_rate", "返工率"},
      {"score", "得分"},
      {"rank", "排名"},
      {"policy_version", "政策版本"},
      {"indicators", "考核指标"},
      {"weight", "权重"},
      {"points", "指标得分"},
      {"amount", "金额(元)"},
  };
  return words;
}

/// The code words of an enumeration `E` (its values 0 up to `last`) with their Chinese (to_zh).
template <class E>
Words words_of(E last) {
  Words words;
  for (int i = 0; i <= static_cast<int>(last); ++i)
    words.emplace(to_string(static_cast<E>(i)), to_zh(static_cast<E>(i)));
  return words;
}

/// The Chinese of each column's code words, by column: the glossary's, from the headers that
/// define each word (to_zh), so that a word is written in one place.
const std::map<std::string_view, Words, std::less<>>& value_words() {
  static const Words levels = words_of(Level::grid);
  static const std::map<std::string_view, Words, std::less<>> words = {
      {"status", words_of(Status::voided)},
      {"level", levels},
      {"from_level", levels},
      {"authority", levels},
      {"source", words_of(Source::platform)},
      {"kind", words_of(Kind::service)},
      {"tier", words_of(Tier::county)},
      {"deployment", words_of(Deployment::whistle)},
      {"type", words_of(EventType::urge)},
  };
  return words;
}

/// A column's cell for Chinese readers; the cell itself when nothing says otherwise.
Cell zh_cell(const Cell& cell, const Column& column, const Names* names) {
  if (const bool* flag = std::get_if<bool>(&cell)) return std::string(*flag ? "是" : "否");
  const auto* text = std::get_if<std::string>(&cell);
  if (!text) return cell;
  if (names) {
    const auto* own = column.name == "department" || column.name == "from_department"
                          ? &names->departments
                      : column.name == "category" ? &names->categories
                                                  : nullptr;
    if (own) {
      auto it = own->find(*text);
      return it == own->end() ? cell : Cell{it->second};
    }
  }
  auto words = value_words().find(column.name);
  if (words == value_words().end()) return cell;
  auto it = words->second.find(*text);
  return it == words->second.end() ? cell : Cell{std::string(it->second)};
}

/// The position of `name` in `columns`; ErrorCode::usage naming the known ones when absent.
std::size_t column_index(const std::vector<Column>& columns, std::string_view name,
                         std::string_view what) {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  // Or its Chinese header, as `--lang zh` shows it.
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (zh_header(columns[i].name) == name) return i;
  std::string known;
  for (const auto& c : columns) known += (known.empty() ? "" : ", ") + c.name;
  throw Error(ErrorCode::usage, std::string(what) + ": unknown column " + std::string(name) +
                                    " (known: " + known + ")");
}

/// Orders two cells: numbers by value, text by bytes, null after every value.
int compare_cells(const Cell& a, const Cell& b, const Column& column) {
  const bool a_null = std::holds_alternative<std::monostate>(a);
  const bool b_null = std::holds_alternative<std::monostate>(b);
  if (a_null || b_null) return a_null == b_null ? 0 : a_null ? 1 : -1;
  auto number = [](const Cell& c) -> std::optional<double> {
    if (const auto* i = std::get_if<long long>(&c)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&c)) return *d;
    if (const auto* f = std::get_if<bool>(&c)) return *f ? 1.0 : 0.0;
    return std::nullopt;
  };
  const auto x = number(a);
  const auto y = number(b);
  if (x && y) return *x < *y ? -1 : *y < *x ? 1 : 0;
  const std::string s = cell_text(a, column, Format::csv);
  const std::string t = cell_text(b, column, Format::csv);
  return s.compare(t) < 0 ? -1 : s.compare(t) > 0 ? 1 : 0;
}

}  // namespace

std::string zh_header(std::string_view field) {
  auto it = header_words().find(field);
  return std::string(it == header_words().end() ? field : it->second);
}

Table select_columns(const Table& table, const std::vector<std::string>& names) {
  if (names.empty()) return table;
  std::vector<std::size_t> keep;
  for (const auto& n : names) keep.push_back(column_index(table.columns, n, "--columns"));
  Table out;
  for (std::size_t i : keep) out.columns.push_back(table.columns[i]);
  for (const auto& row : table.rows) {
    auto& r = out.rows.emplace_back();
    for (std::size_t i : keep) r.push_back(i < row.size() ? row[i] : Cell{});
  }
  return out;
}

Table localize(const Table& table, const Names* names) {
  Table out = table;
  for (auto& c : out.columns) c.header = zh_header(c.name);
  for (auto& row : out.rows)
    for (std::size_t i = 0; i < row.size() && i < out.columns.size(); ++i)
      row[i] = zh_cell(row[i], out.columns[i], names);
  return out;
}

Table shaped(const Table& table, const RenderOptions& options) {
  Table out = select_columns(table, options.columns);
  if (options.lang == Lang::zh && options.format != Format::json &&
      options.format != Format::ndjson)
    out = localize(out, options.names);
  return out;
}

void sort_rows(Table& table, std::string_view column, bool descending) {
  const std::size_t i = column_index(table.columns, column, "--sort");
  const Column& c = table.columns[i];
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [&](const std::vector<Cell>& a, const std::vector<Cell>& b) {
                     const Cell& x = i < a.size() ? a[i] : Cell{};
                     const Cell& y = i < b.size() ? b[i] : Cell{};
                     const bool x_null = std::holds_alternative<std::monostate>(x);
                     const bool y_null = std::holds_alternative<std::monostate>(y);
                     if (x_null || y_null) return !x_null && y_null;  // null last both ways
                     const int order = compare_cells(x, y, c);
                     return descending ? order > 0 : order < 0;
                   });
}

void limit_rows(Table& table, std::size_t n) {
  if (table.rows.size() > n) table.rows.resize(n);
}

Table count_by(const Table& table, std::string_view column) {
  const std::size_t i = column_index(table.columns, column, "--count-by");
  Column key = table.columns[i];
  key.align = Align::left;
  Table out{{key, number_column("count")}, {}};
  std::vector<std::pair<Cell, long long>> counts;
  std::map<std::pair<std::size_t, std::string>, std::size_t> seen;  // (kind, text) → position
  for (const auto& row : table.rows) {
    const Cell& v = i < row.size() ? row[i] : Cell{};
    auto [it, added] = seen.try_emplace({v.index(), cell_text(v, key, Format::csv)}, counts.size());
    if (added)
      counts.emplace_back(v, 1);
    else
      ++counts[it->second].second;
  }
  std::stable_sort(counts.begin(), counts.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return compare_cells(a.first, b.first, key) < 0;
  });
  for (auto& [v, n] : counts) out.rows.push_back({v, n});
  return out;
}

std::string json_text(const Table& table) { return to_json(table).dump(); }

void render(std::ostream& out, const Table& input, const RenderOptions& options) {
  const Table table = shaped(input, options);
  if (options.bom && options.format == Format::csv) out << k_utf8_bom;
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

void render(std::ostream& out, const Record& input, const RenderOptions& options) {
  const Table as_table = shaped(input.as_table(), options);
  const Record record{as_table.columns, as_table.rows.front()};
  RenderOptions as_lines = options;  // the field/value lines are shaped already
  as_lines.columns.clear();
  as_lines.lang = Lang::en;
  switch (options.format) {
    case Format::json:
      out << row_object(record.columns, record.values).dump(2) << '\n';
      return;
    case Format::ndjson:
      out << row_object(record.columns, record.values).dump() << '\n';
      return;
    case Format::csv:
      if (options.bom) out << k_utf8_bom;
      render_csv(out, record.as_table());
      return;
    case Format::md:
    case Format::table: {
      const bool zh = options.lang == Lang::zh;
      Table t{{Column{"field", zh ? zh_header("field") : "", ColumnType::text, Align::left},
               Column{"value", zh ? zh_header("value") : "", ColumnType::text, Align::left}},
              {}};
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
      render(out, t, as_lines);
      return;
    }
  }
}

RowStream::RowStream(std::ostream& out, std::vector<Column> columns, Format format,
                     const RenderOptions& options)
    : m_out(out),
      m_format(format == Format::json || format == Format::ndjson ? format : Format::csv) {
  // The kept columns, found once by selecting from a table without rows.
  const Table selected = select_columns(Table{columns, {}}, options.columns);
  for (const auto& c : selected.columns)
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].name == c.name) m_keep.push_back(i);
  m_columns = selected.columns;
  if (m_format != Format::csv) return;
  m_zh = options.lang == Lang::zh;
  m_names = options.names;
  if (options.bom) m_out << k_utf8_bom;
  std::vector<std::string> header;
  for (const auto& c : m_columns) header.push_back(m_zh ? zh_header(c.name) : c.shown());
  csv_line(m_out, header);
}

void RowStream::add(const std::vector<Cell>& full) {
  std::vector<Cell> row;
  row.reserve(m_keep.size());
  for (std::size_t i : m_keep) row.push_back(i < full.size() ? full[i] : Cell{});
  if (m_format == Format::csv) {
    if (m_zh) row = localize(Table{m_columns, {std::move(row)}}, m_names).rows.front();
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
