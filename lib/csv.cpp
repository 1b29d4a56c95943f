#include "csv.hpp"

#include <algorithm>

#include "encoding.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"
#include "nearest.hpp"

namespace gridgov::detail {

CsvReader::CsvReader(std::istream& in, std::string file, Diagnostics& diagnostics)
    : m_in(&in), m_file(std::move(file)), m_diagnostics(&diagnostics), m_buffer(1 << 16) {}

int CsvReader::peek() {
  if (m_pos == m_end) {
    m_in->read(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_end = static_cast<std::size_t>(m_in->gcount());
    m_pos = 0;
    if (m_end == 0) return -1;
  }
  return static_cast<unsigned char>(m_buffer[m_pos]);
}

int CsvReader::get() {
  const int c = peek();
  if (c < 0) return c;
  ++m_pos;
  ++m_record_bytes;
  if (c == '\n') {
    ++m_line;
    m_column = 1;
  } else if ((c & 0xC0) != 0x80) {
    ++m_column;
  }
  return c;
}

void CsvReader::take_plain_run(std::string& text, std::size_t field) {
  const std::size_t limit = field < m_limits.size() ? m_limits[field] : k_max_text_bytes;
  for (;;) {
    if (peek() < 0) return;
    // Up to the byte past a limit at most, so that the byte-by-byte loop reports it as before.
    if (text.size() > limit || m_record_bytes > k_max_record_bytes) return;
    const std::size_t room =
        std::min(limit + 1 - text.size(), k_max_record_bytes + 1 - m_record_bytes);
    const char* begin = m_buffer.data() + m_pos;
    const char* stop = begin + std::min(m_end - m_pos, room);
    const char* p = begin;
    while (p != stop && *p != ',' && *p != '\n' && *p != '\r' && *p != '"' && *p != '\0') ++p;
    text.append(begin, p);
    for (const char* q = begin; q != p; ++q)
      if ((static_cast<unsigned char>(*q) & 0xC0) != 0x80) ++m_column;
    m_record_bytes += static_cast<std::size_t>(p - begin);
    m_pos += static_cast<std::size_t>(p - begin);
    if (p != stop || m_pos != m_end) return;  // a byte the loop must see, or a limit
  }
}

bool CsvReader::next(std::vector<CsvField>& record) {
  if (!m_started) {
    m_started = true;
    // Skip a UTF-8 byte order mark.
    if (peek() == 0xEF) {
      const std::size_t saved = m_pos;
      if (m_end - m_pos >= 3 && static_cast<unsigned char>(m_buffer[m_pos + 1]) == 0xBB &&
          static_cast<unsigned char>(m_buffer[m_pos + 2]) == 0xBF)
        m_pos += 3;
      else
        m_pos = saved;
    }
  }
  for (;;) {
    bool bad = false;
    if (m_stopped || !read_record(record, bad)) return false;
    if (bad) continue;
    // A blank line, or a row of separators only (Excel leaves them below a sheet's data).
    const bool blank = std::all_of(record.begin(), record.end(), [](const CsvField& f) {
      return f.text.find_first_not_of(" \t") == std::string::npos;
    });
    if (blank) {
      if (record.size() > 1) ++m_blank_rows;
      continue;
    }
    return true;
  }
}

bool CsvReader::read_record(std::vector<CsvField>& record, bool& bad) {
  record.clear();
  if (peek() < 0) return false;
  m_record_line = m_line;
  m_record_bytes = 0;
  // Past a limit on the record (too many fields, too many bytes) the rest of it is read through
  // to its end, but not kept: memory stays bounded whatever the line holds.
  bool keep = true;
  auto fail = [&](int line, int column, std::string reason) {
    const std::size_t field = record.size();
    std::string name = field < m_names.size() ? m_names[field] : std::string();
    if (!bad) m_diagnostics->add(Diagnostic{m_file, line, column, name, std::move(reason)});
    bad = true;
  };

  for (;;) {
    CsvField field;
    field.line = m_line;
    field.column = m_column;
    bool quoted = false;
    if (peek() == '"') {
      quoted = true;
      get();
    }
    const bool was_quoted = quoted;
    bool end_of_record = false;
    for (;;) {
      if (!quoted && keep) take_plain_run(field.text, record.size());
      const int line = m_line;
      const int column = m_column;
      int c = get();
      if (c < 0) {
        if (quoted) fail(field.line, field.column, "unterminated quoted field");
        end_of_record = true;
        break;
      }
      if (c == 0) {
        // Not a text file: say where, and read no further (/dev/zero would never end).
        fail(line, column, std::string(k_nul_reason));
        m_stopped = true;
        return false;
      }
      if (keep && m_record_bytes > k_max_record_bytes) {
        fail(m_record_line, 0,
             "record longer than " + std::to_string(k_max_record_bytes >> 20) + " MiB");
        keep = false;
      }
      if (!keep) field.text.clear();
      if (quoted) {
        if (c == '"') {
          if (peek() == '"') {
            get();
            field.text.push_back('"');
            continue;
          }
          // Closing quote: only a separator or the end of the line may follow.
          const int after = peek();
          if (after == ',' || after == '\n' || after == '\r' || after < 0) {
            quoted = false;
            continue;
          }
          fail(m_line, m_column, "unexpected text after a closing quote");
          quoted = false;
          continue;
        }
        if (c == '\r' && peek() == '\n' && !m_keep_crlf) continue;  // CRLF inside quotes: LF
        field.text.push_back(static_cast<char>(c));
      } else {
        if (c == ',') break;
        if (c == '\n') {
          end_of_record = true;
          break;
        }
        if (c == '\r' && (peek() == '\n' || peek() < 0)) continue;
        field.text.push_back(static_cast<char>(c));
      }
      const std::size_t limit =
          record.size() < m_limits.size() ? m_limits[record.size()] : k_max_text_bytes;
      if (field.text.size() > limit) {
        fail(field.line, field.column, "field longer than " + std::to_string(limit) + " bytes");
        field.text.clear();
      }
    }
    if (!keep) {
      if (end_of_record) return true;
      continue;
    }
    if (auto at = invalid_utf8_at(field.text)) {
      if (looks_like_gb18030(field.text)) {
        // Not one bad byte but a whole file in another encoding: say so once, and stop.
        if (!bad) m_diagnostics->add(Diagnostic{m_file, 0, 0, "", gbk_reason()});
        m_stopped = true;
        return false;
      }
      const auto nl = field.text.rfind('\n', *at);
      const int line = field.line + static_cast<int>(std::count(field.text.begin(),
                                                                field.text.begin() + *at, '\n'));
      const int column = nl == std::string::npos
                             ? field.column + (was_quoted ? 1 : 0) + column_of(field.text, *at) - 1
                             : column_of(std::string_view(field.text).substr(nl + 1), *at - nl - 1);
      fail(line, column, "invalid UTF-8");
    }
    if (record.size() == k_max_columns) {
      fail(field.line, field.column,
           "more than " + std::to_string(k_max_columns) + " fields in one record");
      keep = false;
      if (end_of_record) return true;
      continue;
    }
    record.push_back(std::move(field));
    if (end_of_record) return true;
  }
}

namespace {

std::string fold_header(std::string_view s) {
  std::string out = normalize_name(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  std::replace(out.begin(), out.end(), ' ', '_');
  return out;
}

}  // namespace

HeaderMap HeaderMap::match(const std::vector<CsvField>& header,
                           const std::vector<ColumnSpec>& specs, const std::string& file,
                           Diagnostics& diagnostics, bool strict) {
  HeaderMap map;
  map.index.assign(specs.size(), -1);
  map.shown.resize(specs.size());
  map.width = header.size();
  auto spec_named = [&](const std::string& name) {
    return std::find_if(specs.begin(), specs.end(), [&](const ColumnSpec& s) {
      return s.name == name ||
             std::find(s.aliases.begin(), s.aliases.end(), name) != s.aliases.end();
    });
  };
  int chinese = 0;  // matched names with Chinese text, against those without
  std::vector<std::size_t> unknown;
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string name = fold_header(header[i].text);
    auto spec = spec_named(name);
    if (name.empty()) {
      diagnostics.add(Diagnostic{file, header[i].line, header[i].column, "", "empty column name"});
      continue;
    }
    if (spec == specs.end()) {
      unknown.push_back(i);
      continue;
    }
    const auto s = static_cast<std::size_t>(spec - specs.begin());
    if (map.index[s] >= 0) {
      diagnostics.add(Diagnostic{file, header[i].line, header[i].column, header[i].text,
                                 "column " + std::string(spec->name) + " given twice"});
      continue;
    }
    map.index[s] = static_cast<int>(i);
    map.shown[s] = header[i].text;
    const bool wide = std::any_of(header[i].text.begin(), header[i].text.end(), [](char c) {
      return (static_cast<unsigned char>(c) & 0x80) != 0;
    });
    chinese += wide ? 1 : -1;
  }
  for (std::size_t s = 0; s < specs.size(); ++s)
    if (map.shown[s].empty())
      map.shown[s] = std::string(chinese > 0 && !specs[s].aliases.empty() ? specs[s].aliases.front()
                                                                          : specs[s].name);
  // "Did you mean" names only the columns the header lacks (序号 is not a typo of 工号 when 工号
  // is there too).
  std::vector<std::string> known;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (map.index[i] >= 0) continue;
    known.emplace_back(specs[i].name);
    for (auto a : specs[i].aliases) known.emplace_back(a);
  }
  // An unknown column near the name of a missing required one is taken for a typo of it: an
  // error, in place of the missing column's.
  std::vector<bool> explained(specs.size(), false);
  for (const std::size_t i : unknown) {
    const CsvField& f = header[i];
    const auto guess = nearest(fold_header(f.text), known);
    const auto guessed = guess ? spec_named(*guess) : specs.end();
    const bool typo = guessed != specs.end() && guessed->required &&
                      map.index[static_cast<std::size_t>(guessed - specs.begin())] < 0;
    const std::string reason =
        "unknown column \"" + f.text + "\"" + (guess ? " (did you mean " + *guess + "?)" : "");
    if (typo) explained[static_cast<std::size_t>(guessed - specs.begin())] = true;
    if (strict || typo)
      diagnostics.add(Diagnostic{file, f.line, f.column, f.text, reason});
    else
      diagnostics.warn(
          Diagnostic{file, f.line, f.column, f.text, reason + ": ignored (--strict refuses it)"});
  }
  const int line = header.empty() ? 1 : header.front().line;
  for (std::size_t s = 0; s < specs.size(); ++s) {
    if (specs[s].required && map.index[s] < 0 && !explained[s]) {
      const std::string name(specs[s].name);
      diagnostics.add(Diagnostic{file, line, 0, map.shown[s],
                                 "missing required column " + map.shown[s] +
                                     (map.shown[s] != name ? " (" + name + ")" : "")});
    }
  }
  return map;
}

const CsvField& HeaderMap::field(const std::vector<CsvField>& record, std::size_t spec) const {
  static const CsvField empty;
  const int i = index[spec];
  return i >= 0 && static_cast<std::size_t>(i) < record.size() ? record[i] : empty;
}

Location HeaderMap::at(const std::vector<CsvField>& record, std::size_t spec,
                       const std::string& file, int line) const {
  const CsvField& f = field(record, spec);
  return Location{file, f.line > 0 ? f.line : line, f.column, shown[spec]};
}

bool check_width(const std::vector<CsvField>& record, const HeaderMap& header,
                 const std::string& file, int line, Diagnostics& diagnostics) {
  if (record.size() == header.width) return true;
  diagnostics.add(Diagnostic{file, line, 0, "",
                             "wrong column count: expected " + std::to_string(header.width) +
                                 " fields, got " + std::to_string(record.size())});
  return false;
}

}  // namespace gridgov::detail
