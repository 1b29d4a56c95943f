#include "gridgov/text.hpp"

#include <doctest/doctest.h>
#include <utf8proc.h>

#include <cstdlib>
#include <ios>

#include <string>

using namespace gridgov;

TEST_CASE("invalid_utf8_at accepts valid UTF-8") {
  CHECK_FALSE(invalid_utf8_at("").has_value());
  CHECK_FALSE(invalid_utf8_at("abc").has_value());
  CHECK_FALSE(invalid_utf8_at("大店镇第1网格").has_value());
  CHECK_FALSE(invalid_utf8_at("e\xCC\x81").has_value());         // e + combining acute
  CHECK_FALSE(invalid_utf8_at("\xF0\x9F\x98\x80").has_value());  // an emoji, 4 bytes
}

TEST_CASE("invalid_utf8_at gives the byte offset of the first bad sequence") {
  CHECK(invalid_utf8_at("ab\xFF") == std::size_t{2});
  CHECK(invalid_utf8_at("\x80"
                        "abc") == std::size_t{0});
  CHECK(invalid_utf8_at("大\xE5\xBA") == std::size_t{3});     // truncated 店
  CHECK(invalid_utf8_at("ok\xC0\xAF") == std::size_t{2});     // overlong '/'
  CHECK(invalid_utf8_at("x\xED\xA0\x80") == std::size_t{1});  // a UTF-16 surrogate
  CHECK(invalid_utf8_at("a\xFF"
                        "b\xFF") == std::size_t{1});  // the first one
}

TEST_CASE("normalize_name composes to NFC") {
  CHECK(normalize_name("e\xCC\x81") == "\xC3\xA9");  // "é"
  CHECK(normalize_name("Cafe\xCC\x81 A") == "Caf\xC3\xA9 A");
  CHECK(normalize_name("大店镇") == "大店镇");
}

TEST_CASE("normalize_name trims ASCII and ideographic spaces at both ends only") {
  CHECK(normalize_name(" 大店镇\u3000") == "大店镇");
  CHECK(normalize_name("\u3000\u3000大店镇") == "大店镇");
  CHECK(normalize_name("\t a b \r\n") == "a b");
  CHECK(normalize_name("大店 镇") == "大店 镇");
  CHECK(normalize_name("   ") == "");
  CHECK(normalize_name("\u3000") == "");
  CHECK(normalize_name("") == "");
}

TEST_CASE("printable escapes what a terminal would act on and leaves text alone") {
  CHECK(printable("大店镇 W0001 a\\b") == "大店镇 W0001 a\\b");
  CHECK(printable("a\x1b[31mb") == "a\\x1b[31mb");
  CHECK(printable(std::string("n\0l", 3)) == "n\\x00l");
  CHECK(printable("\t\n\r\x7f") == "\\t\\n\\r\\x7f");
  CHECK(printable("\u0085\u009b") == "\\u0085\\u009b");  // C1 controls (NEL, CSI)
  CHECK(printable("abc\u202etxt.exe") == "abc\\u202etxt.exe");
  CHECK(printable("\u200e\u200f\u2066\u2069\u061c\u2028") ==
        "\\u200e\\u200f\\u2066\\u2069\\u061c\\u2028");
  CHECK(printable("\xff\xc3") == "\\xff\\xc3");  // bytes that are not UTF-8
  CHECK(printable("\u200d") == "\u200d");        // a zero-width joiner is text
}

TEST_CASE("display_width counts wide characters as two columns") {
  CHECK(display_width("大店镇") == 6);
  CHECK(display_width("abc") == 3);
  CHECK(display_width("大店镇 A") == 8);
  CHECK(display_width("第1网格") == 7);
  CHECK(display_width("") == 0);
  CHECK(display_width("e\xCC\x81") == 1);     // a combining mark takes no column
  CHECK(display_width("\xEF\xBC\xA1") == 2);  // fullwidth A
}

TEST_CASE("column_of counts characters, not bytes") {
  CHECK(column_of("abc", 0) == 1);
  CHECK(column_of("abc", 2) == 3);
  CHECK(column_of("大店镇abc", 3) == 2);
  CHECK(column_of("大店镇abc", 9) == 4);
  CHECK(column_of("大店镇abc", 10) == 5);
  CHECK(column_of("ab", 10) == 3);  // past the end: one after the last character
}

namespace {

std::string utf8(utf8proc_int32_t cp) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(cp, buf);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

/// utf8proc's NFC of `s`, the reference.
std::string nfc(const std::string& s) {
  auto* out = utf8proc_NFC(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()));
  std::string r(reinterpret_cast<const char*>(out));
  std::free(out);
  return r;
}

}  // namespace

TEST_CASE("normalize_name skips normalising only text that NFC leaves alone") {
  // The code points normalize_name takes as already NFC, after any other: each must be.
  int checked = 0;
  for (utf8proc_int32_t cp = 1; cp < 0x10000; ++cp) {
    const bool fast = cp < 0x300 || (cp >= 0x3000 && cp < 0xA000 && cp != 0x3099 && cp != 0x309A) ||
                      (cp >= 0xFF01 && cp <= 0xFF5E);
    if (!fast || !utf8proc_codepoint_valid(cp)) continue;
    for (const char* before : {"a", "e", "\xE3\x81\x8B" /* か */, "\xE4\xB8\xAD" /* 中 */}) {
      const std::string text = std::string(before) + utf8(cp) + "x";
      if (nfc(text) != text) FAIL_CHECK("NFC changes U+" << std::hex << cp << " after " << before);
      ++checked;
    }
  }
  CHECK(checked > 4 * 20000);
  // And text with anything else is normalised as before.
  CHECK(normalize_name("\xE3\x81\x8B\xE3\x82\x99") == "\xE3\x81\x8C");  // か + ゙ → が
  CHECK(normalize_name("a\xE2\x80\x80z") == "a\xE2\x80\x82z");          // U+2000 → U+2002
  CHECK(normalize_name("  \xE4\xB8\xAD\xE6\x96\x87\xE3\x80\x80") == "\xE4\xB8\xAD\xE6\x96\x87");
}

TEST_CASE("edit_distance counts characters, swaps of neighbours and ignores ASCII case") {
  CHECK(edit_distance("stats", "stats") == 0);
  CHECK(edit_distance("stat", "stats") == 1);
  CHECK(edit_distance("stast", "stats") == 1);  // a swapped pair is one edit
  CHECK(edit_distance("lst", "list") == 1);
  CHECK(edit_distance("Grid_Name", "grid_name") == 0);
  CHECK(edit_distance("网格名", "网格名称") == 1);  // a 称 is one character, not three bytes
  CHECK(edit_distance("镇级", "县级") == 1);
  CHECK(edit_distance("", "片区") == 2);
  CHECK(edit_distance("abc", "xyz") == 3);
  CHECK(edit_distance("a\xff", "a") == 1);  // a byte that is not UTF-8 counts as one
}
