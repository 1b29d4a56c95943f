// UTF-8 validation, NFC normalisation, display width and edit distance, over utf8proc.

#include "gridgov/text.hpp"

#include <utf8proc.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace gridgov {

namespace {

/// Whether `s` is already NFC because each of its code points is one that normalisation leaves
/// alone whatever surrounds it: below the combining marks (U+0300), CJK symbols, kana and
/// ideographs (U+3000–U+9FFF, but the two kana sound marks U+3099 and U+309A, which compose with
/// the kana before them), and the fullwidth forms of ASCII. Most Chinese names and titles are;
/// they then skip utf8proc's decomposition and recomposition. False for invalid UTF-8.
bool stays_nfc(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return false;
    const bool stable = cp < 0x300 ||
                        (cp >= 0x3000 && cp < 0xA000 && cp != 0x3099 && cp != 0x309A) ||
                        (cp >= 0xFF01 && cp <= 0xFF5E);
    if (!stable) return false;
    i += static_cast<std::size_t>(n);
  }
  return true;
}

bool is_space(utf8proc_int32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f') return true;
  const auto category = utf8proc_category(cp);
  return category == UTF8PROC_CATEGORY_ZS || cp == 0xFEFF;
}

/// Code points a terminal acts on instead of showing: controls, bidi embeddings, overrides and
/// isolates, the Arabic letter mark, and the line and paragraph separators.
bool is_unprintable(utf8proc_int32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

}  // namespace

std::string printable(std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F;
  });
  if (plain) return std::string(s);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0 || cp < 0x80) {  // a byte: ASCII, or one that is not UTF-8
      const auto u = static_cast<unsigned char>(s[i]);
      if (u == '\n') {
        out += "\\n";
      } else if (u == '\t') {
        out += "\\t";
      } else if (u == '\r') {
        out += "\\r";
      } else if (u < 0x20 || u >= 0x7F) {
        out += {'\\', 'x', k_hex[u >> 4], k_hex[u & 0xF]};
      } else {
        out += static_cast<char>(u);
      }
      ++i;
      continue;
    }
    if (is_unprintable(cp)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(cp >> shift) & 0xF];
    } else {
      out.append(s.substr(i, static_cast<std::size_t>(n)));
    }
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::optional<std::size_t> invalid_utf8_at(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) return i;
    i += static_cast<std::size_t>(n);
  }
  return std::nullopt;
}

std::string normalize_name(std::string_view s) {
  // ASCII is already NFC: only trim it (most fields of a bulk import are ASCII).
  if (std::all_of(s.begin(), s.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    const auto b = s.find_first_not_of(" \t\r\n\v\f");
    if (b == std::string_view::npos) return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t\r\n\v\f") - b + 1));
  }
  std::string_view nfc = s;
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(nullptr, &std::free);
  if (!stays_nfc(s)) {
    utf8proc_uint8_t* out = nullptr;
    const auto n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                static_cast<utf8proc_ssize_t>(s.size()), &out,
                                static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0) return std::string(s);
    owned.reset(out);
    nfc = std::string_view(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
  }

  // Trim by code points so that an ideographic space (U+3000) goes too.
  std::size_t begin = 0;
  std::size_t end = nfc.size();
  std::size_t i = 0;
  bool seen_text = false;
  while (i < nfc.size()) {
    utf8proc_int32_t cp = 0;
    const auto len = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(nfc.data() + i),
                                      static_cast<utf8proc_ssize_t>(nfc.size() - i), &cp);
    if (len <= 0) break;
    const auto next = i + static_cast<std::size_t>(len);
    if (!is_space(cp)) {
      if (!seen_text) begin = i;
      seen_text = true;
      end = next;
    }
    i = next;
  }
  if (!seen_text) return {};
  return std::string(nfc.substr(begin, end - begin));
}

std::size_t display_width(std::string_view s) noexcept {
  std::size_t width = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      ++width;
      ++i;
      continue;
    }
    const int w = utf8proc_charwidth(cp);
    width += w > 0 ? static_cast<std::size_t>(w) : 0;
    i += static_cast<std::size_t>(n);
  }
  return width;
}

int column_of(std::string_view line, std::size_t byte) noexcept {
  int column = 1;
  for (std::size_t i = 0; i < byte && i < line.size(); ++i)
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++column;
  return column;
}

namespace {

/// The characters of `s` (bytes that are not UTF-8 one by one), ASCII letters lowered.
std::vector<std::int32_t> folded_chars(std::string_view s) {
  std::vector<std::int32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    utf8proc_int32_t cp = 0;
    auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                              static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      cp = static_cast<unsigned char>(s[i]);
      n = 1;
    }
    if (cp >= 'A' && cp <= 'Z') cp += 'a' - 'A';
    out.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Restricted Damerau-Levenshtein over two short texts: the whole table is small.
  const auto x = folded_chars(a);
  const auto y = folded_chars(b);
  std::vector<std::vector<std::size_t>> d(x.size() + 1, std::vector<std::size_t>(y.size() + 1));
  for (std::size_t i = 0; i <= x.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= y.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= x.size(); ++i) {
    for (std::size_t j = 1; j <= y.size(); ++j) {
      const std::size_t cost = x[i - 1] == y[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.size()][y.size()];
}

}  // namespace gridgov
