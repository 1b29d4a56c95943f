#pragma once
// A small streaming CSV reader (RFC 4180) that keeps the line and column of every field, and a
// header matcher that accepts English or Chinese column names. Internal to lib/.

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/location.hpp"

namespace gridgov::detail {

struct CsvField {
  std::string text;
  int line = 0;
  int column = 0;
};

/// Reads records one at a time. Accepts a UTF-8 BOM, CRLF or LF, quoted fields with commas,
/// doubled quotes and newlines. Skips blank lines and rows whose fields are all blank (the
/// `,,,,,` rows Excel leaves at the end of a sheet). Reports bad UTF-8 (a field that reads as
/// GBK/GB18030 instead is reported once, for the whole file, and ends the reading), unterminated
/// quotes, text after a closing quote, and records past the limits of gridgov/limits.hpp (a field
/// over k_max_text_bytes, more than k_max_columns fields, a record over k_max_record_bytes); a
/// record with such a problem is skipped. A NUL byte is reported where it is, and ends the reading:
/// the file is not text.
class CsvReader {
 public:
  CsvReader(std::istream& in, std::string file, Diagnostics& diagnostics);

  /// Names the fields (the header's columns), so that problems found inside a field say which.
  void set_field_names(std::vector<std::string> names) { m_names = std::move(names); }
  /// Lets field number `field` hold up to `bytes` (instead of k_max_text_bytes).
  void set_field_limit(std::size_t field, std::size_t bytes) {
    if (m_limits.size() <= field) m_limits.resize(field + 1, k_max_text_bytes);
    m_limits[field] = bytes;
  }

  /// Keeps a CRLF inside a quoted field as it is. By default it reads as LF, undoing an
  /// editor's conversion of the file's line ends; a file whose bytes are checked against
  /// hashes (an events export) must be read as written.
  void keep_crlf_in_quotes() noexcept { m_keep_crlf = true; }
  /// Reads the next non-blank record into `record`; false at the end of the input.
  bool next(std::vector<CsvField>& record);
  /// The line the last record started on.
  [[nodiscard]] int record_line() const noexcept { return m_record_line; }
  [[nodiscard]] const std::string& file() const noexcept { return m_file; }
  /// Where the problems found from now on go.
  void set_diagnostics(Diagnostics& diagnostics) noexcept { m_diagnostics = &diagnostics; }
  /// Whether reading stopped at a NUL byte or at text in GBK (already reported).
  [[nodiscard]] bool stopped() const noexcept { return m_stopped; }
  /// Rows skipped because every field was blank.
  [[nodiscard]] long long blank_rows() const noexcept { return m_blank_rows; }

 private:
  int get();
  int peek();
  /// Appends to `text` (field number `field`, unquoted) the bytes up to the next one the
  /// byte-by-byte loop must see (a separator, line end, quote or NUL) or past a limit, keeping
  /// the column and record size as get() would: most of a file is such runs.
  void take_plain_run(std::string& text, std::size_t field);
  bool read_record(std::vector<CsvField>& record, bool& bad);

  std::istream* m_in;
  std::string m_file;
  Diagnostics* m_diagnostics;
  std::vector<char> m_buffer;
  std::size_t m_pos = 0;
  std::size_t m_end = 0;
  int m_line = 1;
  int m_column = 1;
  int m_record_line = 0;
  std::size_t m_record_bytes = 0;
  bool m_started = false;
  bool m_stopped = false;    ///< after a NUL byte or GBK text
  bool m_keep_crlf = false;  ///< keep_crlf_in_quotes()
  long long m_blank_rows = 0;
  std::vector<std::string> m_names;
  std::vector<std::size_t> m_limits;  ///< per field number, where not k_max_text_bytes
};

/// Standard input, read whole the first time it is asked for.
const std::string& stdin_text();

/// One column a file may have: its name in the contract, its other accepted names (Chinese,
/// spelling variants), and whether it must be there.
struct ColumnSpec {
  std::string_view name;
  std::vector<std::string_view> aliases;
  bool required = false;
};

/// Maps a header record onto specs. `index[i]` is the field number of spec i, or -1.
struct HeaderMap {
  std::vector<int> index;
  /// The header text as the file wrote it, per spec; for a column the file lacks, its name in the
  /// file's language (the first Chinese name when the header is mostly Chinese).
  std::vector<std::string> shown;
  std::size_t width = 0;  ///< number of columns in the header

  /// Matches `header` (names compared trimmed, NFC, ASCII case-insensitive). A repeated or a
  /// missing required column is a diagnostic; so is an unknown column when `strict`, else it is
  /// ignored with a warning. Both suggest the nearest known name.
  static HeaderMap match(const std::vector<CsvField>& header, const std::vector<ColumnSpec>& specs,
                         const std::string& file, Diagnostics& diagnostics, bool strict = false);

  [[nodiscard]] bool has(std::size_t spec) const { return index[spec] >= 0; }
  /// The header's column names as written, by field number.
  [[nodiscard]] static std::vector<std::string> names(const std::vector<CsvField>& header) {
    std::vector<std::string> out;
    for (const auto& f : header) out.push_back(f.text);
    return out;
  }
  /// The field of spec `spec` in `record` (empty text when the column is absent).
  [[nodiscard]] const CsvField& field(const std::vector<CsvField>& record, std::size_t spec) const;
  [[nodiscard]] Location at(const std::vector<CsvField>& record, std::size_t spec,
                            const std::string& file, int line) const;
};

/// Checks that `record` has the header's width; a diagnostic otherwise.
bool check_width(const std::vector<CsvField>& record, const HeaderMap& header,
                 const std::string& file, int line, Diagnostics& diagnostics);

}  // namespace gridgov::detail
