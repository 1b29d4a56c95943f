// Legacy Chinese encodings read through glibc's iconv (encoding.hpp).

#include "encoding.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>

#include "csv.hpp"
#include "gridgov/text.hpp"
#include "input.hpp"

namespace gridgov::detail {

namespace {

const char* iconv_name(Encoding encoding) {
  switch (encoding) {
    case Encoding::gbk:
      return "GBK";
    case Encoding::gb18030:
      return "GB18030";
    case Encoding::utf8:
      break;
  }
  return "UTF-8";
}

/// An iconv descriptor from `encoding` to UTF-8, closed when it goes.
struct Iconv {
  iconv_t cd;
  explicit Iconv(Encoding encoding) : cd(iconv_open("UTF-8", iconv_name(encoding))) {
    if (cd == reinterpret_cast<iconv_t>(-1))
      throw Error(ErrorCode::internal,
                  std::string("iconv cannot convert from ") + iconv_name(encoding));
  }
  ~Iconv() { iconv_close(cd); }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
};

/// Moves `line` and `column` past `text` (UTF-8).
void advance(std::string_view text, int& line, int& column) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
}

[[noreturn]] void not_of(Encoding encoding, const std::string& file, int line, int column) {
  throw Error({Diagnostic{file, line, column, "",
                          std::string("not valid ") + iconv_name(encoding) +
                              " (from --encoding): is the file in another encoding?"}});
}

}  // namespace

bool looks_like_gb18030(std::string_view bytes) {
  if (!invalid_utf8_at(bytes)) return false;
  // UTF-8 text with a broken byte is mostly good multi-byte sequences; GBK text read as UTF-8 is
  // mostly broken ones (only a few of its characters pass for UTF-8 by chance).
  std::size_t good = 0;
  std::size_t broken = 0;
  for (std::size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n > 0 && i + n <= bytes.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    if (ok) {
      ++good;
      i += n;
    } else {
      ++broken;
      ++i;
    }
  }
  if (broken <= good) return false;
  Iconv conv(Encoding::gb18030);
  std::string out(bytes.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
  std::size_t in_left = bytes.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  if (iconv(conv.cd, &in, &in_left, &o, &out_left) != static_cast<std::size_t>(-1)) return true;
  return errno == EINVAL;  // only an incomplete character at the end
}

std::string gbk_reason() {
  return "not UTF-8: the file looks like GBK/GB18030 (a CSV saved by Excel on Chinese Windows); "
         "re-save it in Excel with 另存为 → \"CSV UTF-8(逗号分隔)\" (or as UTF-8 in an editor), "
         "or import it as it is with --encoding gbk";
}

std::string to_utf8(std::string_view bytes, Encoding encoding, const std::string& file) {
  if (encoding == Encoding::utf8) return std::string(bytes);
  std::istringstream in{std::string(bytes)};
  Utf8Converter converter(in, encoding, file);
  // Straight from the buffer: a stream would swallow the error it throws.
  std::string out;
  char chunk[1 << 14];
  while (const auto n = converter.sgetn(chunk, sizeof chunk))
    out.append(chunk, static_cast<std::size_t>(n));
  return out;
}

Utf8Converter::Utf8Converter(std::istream& source, Encoding encoding, std::string file)
    : m_source(&source),
      m_file(std::move(file)),
      m_cd(iconv_open("UTF-8", iconv_name(encoding))),
      m_in(1 << 16),
      m_out(1 << 17) {
  if (m_cd == reinterpret_cast<iconv_t>(-1))
    throw Error(ErrorCode::internal,
                std::string("iconv cannot convert from ") + iconv_name(encoding));
  m_encoding = encoding;
}

Utf8Converter::~Utf8Converter() { iconv_close(m_cd); }

Utf8Converter::int_type Utf8Converter::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  // What was handed out so far moves the position that messages name.
  if (eback())
    advance(std::string_view(eback(), static_cast<std::size_t>(egptr() - eback())), m_line,
            m_column);
  for (;;) {
    if (!m_eof && m_in_used < m_in.size()) {
      m_source->read(m_in.data() + m_in_used,
                     static_cast<std::streamsize>(m_in.size() - m_in_used));
      const auto n = static_cast<std::size_t>(m_source->gcount());
      if (n == 0) m_eof = true;
      m_in_used += n;
    }
    if (m_in_used == 0) return traits_type::eof();
    char* in = m_in.data();
    std::size_t in_left = m_in_used;
    char* out = m_out.data();
    std::size_t out_left = m_out.size();
    const std::size_t r = iconv(m_cd, &in, &in_left, &out, &out_left);
    const int err = r == static_cast<std::size_t>(-1) ? errno : 0;
    const auto produced = static_cast<std::size_t>(out - m_out.data());
    // Keep what is left (an incomplete character, or what did not fit) for the next round.
    std::copy(in, in + in_left, m_in.data());
    m_in_used = in_left;
    if (err == EILSEQ || (err == EINVAL && m_eof)) {
      int line = m_line;
      int column = m_column;
      advance(std::string_view(m_out.data(), produced), line, column);
      not_of(m_encoding, m_file, line, column);
    }
    if (produced > 0) {
      setg(m_out.data(), m_out.data(), m_out.data() + produced);
      return traits_type::to_int_type(*gptr());
    }
    if (m_eof && m_in_used == 0) return traits_type::eof();
  }
}

TextInput::TextInput(const std::string& path, Encoding encoding) {
  if (path == "-") {
    m_raw = std::make_unique<std::istringstream>(stdin_text());
  } else {
    auto file = std::make_unique<std::ifstream>();
    open_input(path, *file);
    m_raw = std::move(file);
  }
  m_stream = m_raw.get();
  if (encoding == Encoding::utf8) return;
  m_converter = std::make_unique<Utf8Converter>(*m_raw, encoding, path);
  m_converted = std::make_unique<std::istream>(m_converter.get());
  // A byte not of the encoding throws from the buffer; without badbit the stream would swallow it.
  m_converted->exceptions(std::ios::badbit);
  m_stream = m_converted.get();
}

TextInput::~TextInput() = default;

}  // namespace gridgov::detail
