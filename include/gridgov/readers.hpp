#pragma once
// Readers for the input files of docs/design.md §5. They stream, accept UTF-8 with or without a
// BOM, CRLF or LF, RFC 4180 quoting and `-` for standard input, and report every problem with
// file:line:column and the field (into the Diagnostics they are given, up to its limit).
// Implemented in lib/ over toml++ and nlohmann-json; only domain types cross this boundary.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/layout.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/migration.hpp"
#include "gridgov/party.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/workers.hpp"

namespace gridgov {

/// The encoding of an input file: UTF-8 (the default), or GBK / GB18030, as Excel saves a CSV on
/// Chinese Windows. GBK and GB18030 are converted to UTF-8 as the file is read (glibc's iconv).
enum class Encoding { utf8, gbk, gb18030 };

/// `utf-8` (or `utf8`), `gbk` or `gb18030`, in any letter case; nullopt for anything else.
[[nodiscard]] std::optional<Encoding> parse_encoding(std::string_view text);

/// How the readers take a file.
struct ReadOptions {
  Encoding encoding = Encoding::utf8;
  /// An unknown column is an error; otherwise it is ignored with a warning.
  bool strict = false;
};

/// The units of one or more layout files. CSV layouts leave a town's parent empty (the
/// database's county); TOML and JSON layouts name their county.
struct LayoutInput {
  std::optional<LayoutEntry> county;
  std::vector<LayoutEntry> entries;  ///< every unit once, parents before children
};

/// What kind of file `path` holds, judged by its extension, else by its first bytes.
enum class FileKind { csv, toml, json };
[[nodiscard]] FileKind file_kind(const std::string& path, std::string_view head);

/// Reads layout files (CSV with English or Chinese headers, TOML or JSON) into `input`, checking
/// codes, names and that every code names one unit across all files.
void read_layout(const std::vector<std::string>& paths, LayoutInput& input,
                 Diagnostics& diagnostics, const ReadOptions& options = {});

/// Reads a workers CSV (`code, name, tier, unit, deployment, department, phone`).
/// Every row is checked in full (a bad field does not hide the next one), and what one file can
/// tell alone is checked too: a code given twice, a tier without its deployment.
[[nodiscard]] std::vector<WorkerEntry> read_workers(const std::string& path,
                                                    Diagnostics& diagnostics,
                                                    const ReadOptions& options = {});

/// One row of an attendance file, with where its codes are.
struct AttendanceEntry {
  AttendanceRecord record;
  Location worker_at;
  Location grid_at;
};

/// Streams an attendance CSV (`worker, at, grid[, kind]`, or 网格员, 时间, 网格, 类型): each good
/// row to `visit`, in the file's order; a row with a bad field (an empty code, a bad time, an
/// unknown kind) is reported and skipped. `kind` is checkin (签到, when blank or absent) or
/// patrol (巡查); times without an offset are local at `local_offset`. Memory stays flat.
void read_attendance(const std::string& path, std::chrono::minutes local_offset,
                     Diagnostics& diagnostics, const ReadOptions& options,
                     const std::function<void(const AttendanceEntry&)>& visit);

/// Reads a party CSV (`code, name, kind, unit, parent[, secretary]`, or 组织编码, 组织名称,
/// 组织类别, 单元, 上级组织, 书记): each row's own fields are checked here, the chain by
/// plan_party.
[[nodiscard]] std::vector<PartyEntry> read_party(const std::string& path, Diagnostics& diagnostics,
                                                 const ReadOptions& options = {});

/// Reads a policy from TOML text; `name` is the file name used in diagnostics.
[[nodiscard]] Policy parse_policy(std::string_view text, const std::string& name,
                                  Diagnostics& diagnostics);

/// Streams the rows of a cases file: CSV (English or Chinese headers) or NDJSON (one object per
/// line with the same keys). Rows with a bad field are reported and skipped; memory stays flat.
/// Times without an offset are local at `local_offset`.
class CaseRows {
 public:
  CaseRows(const std::string& path, std::chrono::minutes local_offset, Diagnostics& diagnostics,
           const ReadOptions& options = {});
  ~CaseRows();
  CaseRows(const CaseRows&) = delete;
  CaseRows& operator=(const CaseRows&) = delete;

  /// The next good row; false at the end of the file.
  bool next(CaseRow& row);
  /// The same, reporting what this call finds to `diagnostics` instead of the constructor's (a
  /// reading thread keeps each row's problems with it).
  bool next(CaseRow& row, Diagnostics& diagnostics);
  /// The line the last row started on (for progress and messages).
  [[nodiscard]] int line() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// Reads a whole (small) file, or standard input for `-`. Throws ErrorCode::not_found when it
/// cannot be opened, and rejects (ErrorCode::input) a directory, a file bigger than `max_bytes`,
/// a file with a NUL byte (at its line and column), reading no further than that, and a file that
/// is not UTF-8 but looks like GBK/GB18030 (one message saying how to re-save it). Text in
/// another `encoding` is converted to UTF-8.
///
/// **Example**: `read_text_file("policy.toml", k_max_policy_bytes)`.
[[nodiscard]] std::string read_text_file(const std::string& path,
                                         std::size_t max_bytes = k_max_document_bytes,
                                         Encoding encoding = Encoding::utf8);

/// What a header names: `"layout"`, `"workers"`, `"cases"`, or empty when it is none of these.
/// Used by `gridctl import FILE…` to pick the reader.
[[nodiscard]] std::string sniff_import_kind(const std::string& path,
                                            Encoding encoding = Encoding::utf8);

}  // namespace gridgov
