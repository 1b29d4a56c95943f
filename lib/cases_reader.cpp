// Cases files (docs/design.md §5): CSV or NDJSON, streamed row by row.

#include <charconv>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "case_file.hpp"
#include "csv.hpp"
#include "encoding.hpp"
#include "event_json.hpp"
#include "gridgov/boundaries.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"
#include "json_read.hpp"

namespace gridgov {

namespace {

using detail::ColumnSpec;
using detail::CsvField;
using namespace detail;  // the CaseColumn names

/// One field as given, whatever the file's format.
struct Raw {
  std::string text;
  Location at;
  bool given = false;
};

}  // namespace

namespace detail {

const std::vector<ColumnSpec>& case_file_columns() {
  static const std::vector<ColumnSpec> specs = {
      {"id", {}, false},
      {"ext_id", {"外部编号", "工单号", "编号"}, false},
      {"source", {"来源"}, true},
      {"grid", {"网格", "网格编码"}, true},
      {"category", {"事项类别", "类别"}, true},
      {"kind", {"类型"}, false},
      {"title", {"标题"}, true},
      {"description", {"描述", "内容"}, false},
      {"reporter", {"上报人"}, true},
      {"reported_at", {"上报时间"}, true},
      {"status", {"状态"}, false},
      {"level", {"层级"}, false},
      {"unit", {}, false},
      {"department", {"部门"}, false},
      {"deadline", {}, false},
      {"rework", {}, false},
      {"resolved_at", {"办结时间"}, false},
      {"closed_at", {"结案时间"}, false},
      {"events", {"事件"}, false},
      {"service", {"服务事项"}, false},
      {"lon", {"经度"}, false},
      {"lat", {"纬度"}, false},
      {"due", {}, false},
      {"overdue", {}, false},
      {"stage_overdue", {}, false},
      {"suspended", {}, false},
      {"extended", {}, false},
      {"supervision", {}, false},
      {"whistled", {}, false},
  };
  return specs;
}

}  // namespace detail

struct CaseRows::Impl {
  std::string file;
  std::chrono::minutes offset;
  Diagnostics* diagnostics;
  std::unique_ptr<detail::TextInput> input;
  std::istream* in = nullptr;
  bool ndjson = false;
  // CSV
  std::unique_ptr<detail::CsvReader> csv;
  detail::HeaderMap header;
  bool header_ok = false;
  // NDJSON
  int line_no = 0;
  int row_line = 0;

  bool stopped = false;  // after a NUL byte

  bool read_line(std::string& text);
  bool read_raw(std::array<Raw, k_case_columns>& raw);
  bool parse(std::array<Raw, k_case_columns>& raw, CaseRow& row);
};

CaseRows::CaseRows(const std::string& path, std::chrono::minutes local_offset,
                   Diagnostics& diagnostics, const ReadOptions& options)
    : m_impl(std::make_unique<Impl>()) {
  Impl& m = *m_impl;
  m.file = path;  // standard input is `-` in messages too
  m.offset = local_offset;
  m.diagnostics = &diagnostics;
  m.input = std::make_unique<detail::TextInput>(path, options.encoding);
  m.in = &m.input->stream();
  // NDJSON starts with an object; anything else is CSV.
  const auto ends_with = [&](std::string_view ext) {
    return path.size() >= ext.size() &&
           path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  int c = m.in->peek();
  if (c == 0xEF && options.encoding == Encoding::utf8) {  // skip a BOM when telling them apart
    char bom[3];
    m.in->read(bom, 3);
    c = m.in->peek();
    if (std::string_view(bom, 3) != "\xEF\xBB\xBF") {
      m.in->clear();
      m.in->seekg(0);
    }
  }
  m.ndjson = ends_with(".ndjson") || ends_with(".jsonl") || c == '{';
  if (m.ndjson) return;
  m.csv = std::make_unique<detail::CsvReader>(*m.in, m.file, diagnostics);
  std::vector<CsvField> record;
  if (!m.csv->next(record)) {
    if (!m.csv->stopped())
      diagnostics.add(Diagnostic{m.file, 1, 0, "", "empty file: expected a header row"});
    return;
  }
  const std::size_t before = diagnostics.count();
  m.header =
      detail::HeaderMap::match(record, case_file_columns(), m.file, diagnostics, options.strict);
  m.header_ok = diagnostics.count() == before;
  m.csv->set_field_names(detail::HeaderMap::names(record));
  if (m.header.has(events))
    m.csv->set_field_limit(static_cast<std::size_t>(m.header.index[events]), k_max_events_bytes);
}

CaseRows::~CaseRows() = default;

int CaseRows::line() const noexcept {
  return m_impl->ndjson ? m_impl->row_line : m_impl->csv ? m_impl->csv->record_line() : 0;
}

/// The next NDJSON line into `text`, false at the end. A line over k_max_record_bytes keeps only
/// its first k_max_record_bytes + 1 bytes (enough to refuse it), so memory stays bounded.
bool CaseRows::Impl::read_line(std::string& text) {
  text.clear();
  if (stopped) return false;
  std::streambuf* buf = in->rdbuf();
  bool any = false;
  for (;;) {
    const int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) return any;
    any = true;
    if (c == '\n') return true;
    if (text.size() <= k_max_record_bytes) text.push_back(static_cast<char>(c));
    if (c == 0) return true;  // the caller reports it and stops
  }
}

bool CaseRows::Impl::read_raw(std::array<Raw, k_case_columns>& raw) {
  for (auto& r : raw) r = Raw{};
  if (!ndjson) {
    if (!header_ok) return false;
    std::vector<CsvField> record;
    for (;;) {
      if (!csv->next(record)) return false;
      row_line = csv->record_line();
      if (detail::check_width(record, header, file, row_line, *diagnostics)) break;
    }
    for (std::size_t c = 0; c < k_case_columns; ++c) {
      if (!header.has(c)) {
        // Where a case was handled: named as the file would name it, for "add a 层级 column".
        if (c == level || c == department) raw[c].at = Location{file, row_line, 0, header.shown[c]};
        continue;
      }
      raw[c].text = header.field(record, c).text;
      raw[c].at = header.at(record, c, file, row_line);
      raw[c].given = !raw[c].text.empty();
    }
    return true;
  }
  std::string text;
  for (;;) {
    if (!read_line(text)) return false;
    ++line_no;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.find_first_not_of(" \t") == std::string::npos) continue;
    row_line = line_no;
    if (const auto nul = text.find('\0'); nul != std::string::npos) {
      // Not a text file: say where, and read no further (/dev/zero would never end).
      diagnostics->add(
          Diagnostic{file, line_no, column_of(text, nul), "", std::string(detail::k_nul_reason)});
      stopped = true;
      return false;
    }
    if (text.size() > k_max_record_bytes) {
      diagnostics->add(
          Diagnostic{file, line_no, 0, "",
                     "line longer than " + std::to_string(k_max_record_bytes >> 20) + " MiB"});
      continue;
    }
    if (auto bad = invalid_utf8_at(text)) {
      if (detail::looks_like_gb18030(text)) {
        // A whole file in another encoding: said once, and read no further.
        diagnostics->add(Diagnostic{file, 0, 0, "", detail::gbk_reason()});
        stopped = true;
        return false;
      }
      diagnostics->add(Diagnostic{file, line_no, column_of(text, *bad), "", "invalid UTF-8"});
      continue;
    }
    nlohmann::json j;
    if (detail::JsonProblem problem; !detail::parse_json_value(text, j, problem)) {
      diagnostics->add(
          Diagnostic{file, line_no, column_of(text, problem.offset), "", problem.reason});
      continue;
    }
    if (!j.is_object()) {
      diagnostics->add(Diagnostic{file, line_no, 1, "", "expected a JSON object per line"});
      continue;
    }
    bool ok = true;
    for (const auto& item : j.items()) {
      const std::string key = item.key();
      const auto& value = item.value();
      const auto& specs = case_file_columns();
      auto spec = std::find_if(specs.begin(), specs.end(),
                               [&](const ColumnSpec& s) { return s.name == key; });
      // The key's position in the line, for messages.
      const auto pos = text.find("\"" + key + "\"");
      const Location at{file, line_no, pos == std::string::npos ? 1 : column_of(text, pos), key};
      if (spec == specs.end()) {
        diagnostics->add(at.error("unknown key \"" + key + "\""));
        ok = false;
        continue;
      }
      const auto c = static_cast<std::size_t>(spec - specs.begin());
      Raw& r = raw[c];
      r.at = at;
      if (value.is_null()) continue;
      // Text belongs in every column the import reads, but for the history (an array); the
      // columns read as information only (`whistled`, `supervision`…) may hold what the export
      // wrote. An array or object where text belongs is refused, not flattened.
      const bool structured =
          c == events || c == id || c == unit || c == deadline || c == rework || c > events;
      if (!structured && value.is_structured()) {
        diagnostics->add(at.error("expected a string, got " +
                                  std::string(value.is_array() ? "an array" : "an object")));
        ok = false;
        continue;
      }
      r.given = true;
      r.text = value.is_string() ? value.get<std::string>() : value.dump();
    }
    if (!ok) continue;
    for (std::size_t c = 0; c < k_case_columns; ++c) {
      if (raw[c].at.file.empty())
        raw[c].at = Location{file, line_no, 0, std::string(case_file_columns()[c].name)};
      if (case_file_columns()[c].required && !raw[c].given) {
        diagnostics->add(raw[c].at.error("missing " + std::string(case_file_columns()[c].name)));
        ok = false;
      }
    }
    if (ok) return true;
  }
}

bool CaseRows::Impl::parse(std::array<Raw, k_case_columns>& raw, CaseRow& row) {
  row = CaseRow{};
  bool ok = true;
  auto fail = [&](std::size_t c, const std::string& reason) {
    diagnostics->add(raw[c].at.error(reason));
    ok = false;
  };
  auto text = [&](std::size_t c) { return normalize_name(raw[c].text); };
  auto time = [&](std::size_t c) -> std::optional<Timestamp> {
    if (!raw[c].given) return std::nullopt;
    auto t = parse_time(text(c), offset);
    if (!t)
      fail(c, "bad time \"" + raw[c].text +
                  "\" (expected 2026-10-03T09:15:00+08:00, 2026-10-03 09:15 or 2026/10/3 9:15)");
    return t;
  };
  // One set of limits for every reader (gridgov/limits.hpp): CSV checks them as it reads, NDJSON
  // here, so that both refuse the same rows.
  for (std::size_t c = 0; c < k_case_columns; ++c)
    if (raw[c].given)
      if (auto problem =
              text_problem(raw[c].text, c == events ? k_max_events_bytes : k_max_text_bytes);
          !problem.empty())
        fail(c, problem);
  if (!ok) return false;
  // A case logged live in gridgov has no external number; its export gives its id instead, and
  // `gridgov:<id>` keeps a re-import idempotent.
  const std::string own_id = text(id);
  if (text(ext_id).empty() && !own_id.empty()) raw[ext_id].text = "gridgov:" + own_id;
  for (std::size_t c : {ext_id, source, grid, category, title, reporter, reported_at})
    if (text(c).empty()) fail(c, "empty " + std::string(case_file_columns()[c].name));
  if (!ok) return false;

  Case& h = row.header;
  h.ext_id = text(ext_id);
  if (auto s = parse_source(text(source)))
    h.source = *s;
  else
    fail(source, "unknown source \"" + raw[source].text + "\"");
  h.grid = text(grid);
  h.category = text(category);
  if (raw[kind].given) {
    if (auto k = parse_kind(text(kind)))
      h.kind = *k;
    else
      fail(kind, "unknown kind \"" + raw[kind].text + "\" (expected problem, info or service)");
  }
  h.service = text(service);
  if (!text(lon).empty() || !text(lat).empty()) {
    auto degrees = [&](std::size_t c) -> std::optional<double> {
      const std::string t = text(c);
      double v = 0.0;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size()) {
        fail(c, t.empty() ? std::string("empty, but ") + (c == lon ? "lat" : "lon") +
                                " is given: both or neither"
                          : "\"" + t + "\" is not a number of degrees");
        return std::nullopt;
      }
      return v;
    };
    const auto x = degrees(lon);
    const auto y = degrees(lat);
    if (x && y) {
      if (auto problem = point_problem({*x, *y}); !problem.empty())
        fail(lon, problem);
      else
        h.location = LonLat{*x, *y};
    }
  }
  h.title = text(title);
  if (auto problem = title_problem(h.title); !problem.empty()) fail(title, problem);
  h.description = text(description);
  h.reporter = text(reporter);
  if (auto t = time(reported_at)) h.reported_at = *t;
  if (raw[status].given) {
    row.status = parse_status(text(status));
    if (!row.status) fail(status, "unknown status \"" + raw[status].text + "\"");
  }
  if (raw[level].given) {
    row.level = parse_level(text(level));
    if (!row.level) fail(level, "unknown level \"" + raw[level].text + "\"");
  }
  row.department = text(department);
  row.resolved_at = time(resolved_at);
  row.closed_at = time(closed_at);
  if (raw[events].given) {
    try {
      nlohmann::json list;
      if (detail::JsonProblem problem; !detail::parse_json_value(raw[events].text, list, problem))
        throw std::runtime_error(problem.reason + " (character " +
                                 std::to_string(column_of(raw[events].text, problem.offset)) +
                                 " of the field)");
      if (!list.is_array()) throw std::runtime_error("expected an array of events");
      std::vector<Event> out;
      for (const auto& j : list) out.push_back(event_from_json(j, offset));
      row.events = std::move(out);
    } catch (const std::exception& e) {
      fail(events, std::string("bad events: ") + e.what());
    }
  }
  row.row_at = Location{file, row_line, 0, ""};
  row.ext_id_at = raw[ext_id].at;
  row.grid_at = raw[grid].at;
  row.category_at = raw[category].at;
  row.reporter_at = raw[reporter].at;
  row.reported_at_at = raw[reported_at].at;
  row.status_at = raw[status].at.file.empty() ? row.row_at : raw[status].at;
  row.level_at = raw[level].at.file.empty() ? row.row_at : raw[level].at;
  row.department_at = raw[department].at.file.empty() ? row.row_at : raw[department].at;
  row.resolved_at_at = raw[resolved_at].at.file.empty() ? row.row_at : raw[resolved_at].at;
  row.closed_at_at = raw[closed_at].at.file.empty() ? row.row_at : raw[closed_at].at;
  row.events_at = raw[events].at.file.empty() ? row.row_at : raw[events].at;
  row.service_at = raw[service].at.file.empty() ? row.row_at : raw[service].at;
  return ok;
}

bool CaseRows::next(CaseRow& row) {
  std::array<Raw, k_case_columns> raw;
  while (m_impl->read_raw(raw))
    if (m_impl->parse(raw, row)) return true;
  return false;
}

bool CaseRows::next(CaseRow& row, Diagnostics& diagnostics) {
  Impl& m = *m_impl;
  Diagnostics* const own = m.diagnostics;
  m.diagnostics = &diagnostics;
  if (m.csv) m.csv->set_diagnostics(diagnostics);
  struct Restore {
    Impl& m;
    Diagnostics* own;
    ~Restore() {
      m.diagnostics = own;
      if (m.csv) m.csv->set_diagnostics(*own);
    }
  } restore{m, own};
  return next(row);
}

}  // namespace gridgov
