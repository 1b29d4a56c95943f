// Opening input files (or standard input for "-") and telling what they hold.

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "csv.hpp"
#include "gridgov/readers.hpp"

namespace gridgov {

namespace detail {

const std::string& stdin_text() {
  // Standard input can be read once; sniffing its kind and reading it share this copy.
  static const std::string text = [] {
    std::ostringstream out;
    out << std::cin.rdbuf();
    return out.str();
  }();
  return text;
}

}  // namespace detail

std::string read_text_file(const std::string& path) {
  if (path == "-") return detail::stdin_text();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::not_found, "cannot open " + path + ": " + std::strerror(errno));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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

std::string sniff_import_kind(const std::string& path) {
  std::string head;
  if (path == "-") {
    head = detail::stdin_text().substr(0, 4096);
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::not_found, "cannot open " + path + ": " + std::strerror(errno));
    head.resize(4096);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
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
  return "";
}

}  // namespace gridgov
