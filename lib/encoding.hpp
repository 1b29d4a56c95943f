#pragma once
// Input files in a legacy Chinese encoding (a CSV saved by Excel on Chinese Windows is GBK):
// telling them apart from UTF-8, and converting them to UTF-8 as they are read, through glibc's
// iconv. Internal to lib/.

#include <iconv.h>

#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/readers.hpp"

namespace gridgov::detail {

/// Whether `bytes`, which are not valid UTF-8, read as GB18030 (GBK's superset) without a fault.
/// An incomplete character at the end is forgiven: `bytes` may be cut from a longer input.
[[nodiscard]] bool looks_like_gb18030(std::string_view bytes);

/// The one message for a file that looks like GBK/GB18030 while UTF-8 was expected.
[[nodiscard]] std::string gbk_reason();

/// Converts `bytes` in `encoding` to UTF-8 whole; a byte that is not of the encoding is an input
/// error naming `file`, at its line and column in the text converted so far.
[[nodiscard]] std::string to_utf8(std::string_view bytes, Encoding encoding,
                                  const std::string& file);

/// A stream buffer that reads another stream in `encoding` and hands out UTF-8, a chunk at a time
/// (memory stays flat). A byte that is not of the encoding throws an input error naming `file`,
/// at its line and column in the converted text.
class Utf8Converter : public std::streambuf {
 public:
  Utf8Converter(std::istream& source, Encoding encoding, std::string file);
  ~Utf8Converter() override;
  Utf8Converter(const Utf8Converter&) = delete;
  Utf8Converter& operator=(const Utf8Converter&) = delete;

 protected:
  int_type underflow() override;

 private:
  std::istream* m_source;
  std::string m_file;
  Encoding m_encoding = Encoding::utf8;
  iconv_t m_cd;
  std::vector<char> m_in;  ///< bytes read, not yet converted (an incomplete character)
  std::size_t m_in_used = 0;
  std::vector<char> m_out;  ///< UTF-8 handed out
  bool m_eof = false;
  int m_line = 1;    ///< of the converted text before m_out, for messages
  int m_column = 1;  ///< in characters
};

/// An input stream over a file (or standard input for `-`), in `encoding`, giving UTF-8.
class TextInput {
 public:
  TextInput(const std::string& path, Encoding encoding);
  ~TextInput();
  TextInput(const TextInput&) = delete;
  TextInput& operator=(const TextInput&) = delete;
  [[nodiscard]] std::istream& stream() noexcept { return *m_stream; }

 private:
  std::unique_ptr<std::istream> m_raw;
  std::unique_ptr<Utf8Converter> m_converter;
  std::unique_ptr<std::istream> m_converted;
  std::istream* m_stream = nullptr;
};

}  // namespace gridgov::detail
