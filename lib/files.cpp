// Opening input files (or standard input for "-") and telling what they hold.

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "csv.hpp"
#include "encoding.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"

namespace gridgov {

namespace detail {

namespace {

/// Reads `in` until its end, its first NUL byte or `max_bytes` + 1 bytes, whichever comes first:
/// a NUL or one byte too many is all a reader needs to see to refuse the file, so neither
/// /dev/zero nor an endless stream is read for ever.
std::string read_bounded(std::istream& in, std::size_t max_bytes) {
  std::string text;
  std::string chunk(1 << 16, '\0');
  while (text.size() <= max_bytes) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    const std::string_view got(chunk.data(), n);
    const auto nul = got.find('\0');
    text.append(got.substr(0, nul == std::string_view::npos ? n : nul + 1));
    if (nul != std::string_view::npos) break;
  }
  if (text.size() > max_bytes + 1) text.resize(max_bytes + 1);
  return text;
}

}  // namespace

std::string too_big_reason(std::size_t max_bytes) {
  const std::string size = max_bytes % (1 << 20) == 0 ? std::to_string(max_bytes >> 20) + " MiB"
                                                      : std::to_string(max_bytes) + " bytes";
  return "larger than " + size + ": too big to be read whole";
}

const std::string& stdin_text() {
  // Standard input can be read once; sniffing its kind and reading it share this copy. It stops
  // at the first NUL byte (which the reader then reports where it is) and after
  // k_max_stdin_bytes.
  static const std::string text = [] {
    std::string all = read_bounded(std::cin, k_max_stdin_bytes);
    if (all.size() > k_max_stdin_bytes)
      throw Error({Diagnostic{
          "-", 0, 0, "", too_big_reason(k_max_stdin_bytes) + "; give the file's name instead"}});
    return all;
  }();
  return text;
}

void open_input(const std::string& path, std::ifstream& in) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error({Diagnostic{path, 0, 0, "", "is a directory, not a file"}});
  in.open(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::not_found, "cannot open " + path + ": " + std::strerror(errno));
}

void line_column(std::string_view text, std::size_t offset, int& line, int& column) noexcept {
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const auto nl = before.rfind('\n');
  const auto start = nl == std::string_view::npos ? 0 : nl + 1;
  column = column_of(text.substr(start), offset - start);
}

}  // namespace detail

std::optional<Encoding> parse_encoding(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (s == "utf-8" || s == "utf8") return Encoding::utf8;
  if (s == "gbk") return Encoding::gbk;
  if (s == "gb18030") return Encoding::gb18030;
  return std::nullopt;
}

std::string read_text_file(const std::string& path, std::size_t max_bytes, Encoding encoding) {
  std::string text;
  if (path == "-") {
    text = detail::stdin_text();
  } else {
    std::ifstream in;
    detail::open_input(path, in);
    text = detail::read_bounded(in, max_bytes);
  }
  if (text.size() > max_bytes)
    throw Error({Diagnostic{path, 0, 0, "", detail::too_big_reason(max_bytes)}});
  if (const auto nul = text.find('\0'); nul != std::string::npos) {
    int line = 0;
    int column = 0;
    detail::line_column(text, nul, line, column);
    throw Error({Diagnostic{path, line, column, "", std::string(detail::k_nul_reason)}});
  }
  if (encoding != Encoding::utf8) return detail::to_utf8(text, encoding, path);
  if (detail::looks_like_gb18030(text))
    throw Error({Diagnostic{path, 0, 0, "", detail::gbk_reason()}});
  return text;
}

FileKind file_kind(const std::string& path, std::string_view head) {
  auto ends_with = [&](std::string_view ext) {
    if (path.size() < ext.size()) return false;
    for (std::size_t i = 0; i < ext.size(); ++i) {
      char c = path[path.size() - ext.size() + i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != ext[i]) return false;
    }
    return true;
  };
  if (ends_with(".csv")) return FileKind::csv;
  if (ends_with(".toml")) return FileKind::toml;
  if (ends_with(".json")) return FileKind::json;
  // Standard input or an unusual name: judge by the first significant byte.
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  const auto first = head.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos) {
    if (head[first] == '{') return FileKind::json;
    if (head[first] == '[' || head[first] == '#') return FileKind::toml;
    const auto eol = head.find('\n', first);
    const auto line = head.substr(first, eol == std::string_view::npos ? head.npos : eol - first);
    if (line.find('=') != std::string_view::npos && line.find(',') == std::string_view::npos)
      return FileKind::toml;
  }
  return FileKind::csv;
}

std::string sniff_import_kind(const std::string& path, Encoding encoding) {
  std::string head;
  if (path == "-") {
    head = detail::stdin_text().substr(0, 4096);
  } else {
    std::ifstream in;
    detail::open_input(path, in);
    head.resize(4096);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (const auto nul = head.find('\0'); nul != std::string::npos) {
    int line = 0;
    int column = 0;
    detail::line_column(head, nul, line, column);
    throw Error({Diagnostic{path, line, column, "", std::string(detail::k_nul_reason)}});
  }
  // The header in its own encoding, converted whole lines at a time (a character may be cut at the
  // end of the first 4 KiB); a header that looks like GBK while UTF-8 was expected is said so.
  if (encoding != Encoding::utf8) {
    const auto nl = head.rfind('\n');
    head = detail::to_utf8(std::string_view(head).substr(0, nl != std::string::npos ? nl + 1
                                                            : head.size() < 4096    ? head.size()
                                                                                    : 0),
                           encoding, path);
  } else if (const auto nl = head.find('\n');
             detail::looks_like_gb18030(std::string_view(head).substr(0, nl))) {
    throw Error({Diagnostic{path, 0, 0, "", detail::gbk_reason()}});
  }
  auto ends_with = [&](std::string_view ext) {
    return path.size() >= ext.size() &&
           path.compare(path.size() - ext.size(), ext.size(), ext) == 0;
  };
  if (ends_with(".ndjson") || ends_with(".jsonl")) return "cases";
  const FileKind kind = file_kind(path, head);
  // One JSON object per line with a case's keys is a cases file; other JSON and TOML, a layout.
  if (kind == FileKind::json && (head.find("\"ext_id\"") != std::string::npos ||
                                 head.find("\"reported_at\"") != std::string::npos))
    return "cases";
  if (kind != FileKind::csv) return "layout";
  std::istringstream in(head);
  Diagnostics ignored(1000);
  detail::CsvReader reader(in, path, ignored);
  std::vector<detail::CsvField> header;
  if (!reader.next(header)) return "";
  auto has = [&](std::initializer_list<std::string_view> names) {
    for (const auto& f : header)
      for (auto n : names)
        if (f.text == n) return true;
    return false;
  };
  if (has({"grid_code", "网格编码"})) return "layout";
  // Before workers: a cases file's 层级 (level) would pass for a workers file's tier.
  if (has({"reported_at", "ext_id", "上报时间", "外部编号", "工单号"})) return "cases";
  if (has({"tier", "层级", "人员层级"})) return "workers";
  if (has({"kind", "组织类别", "类别"}) && has({"parent", "上级组织", "上级党组织"}))
    return "party";
  if (has({"worker", "网格员"}) && has({"at", "时间"})) return "attendance";
  return "";
}

}  // namespace gridgov
