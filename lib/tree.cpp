#include "tree.hpp"

#include <toml++/toml.h>
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "gridgov/text.hpp"
#include "input.hpp"
#include "json_read.hpp"

namespace gridgov::detail {

std::string_view kind_name(TreeNode::Kind kind) noexcept {
  switch (kind) {
    case TreeNode::Kind::object:
      return "a table";
    case TreeNode::Kind::array:
      return "an array";
    case TreeNode::Kind::string:
      return "a string";
    case TreeNode::Kind::integer:
      return "an integer";
    case TreeNode::Kind::floating:
      return "a number";
    case TreeNode::Kind::boolean:
      return "a boolean";
    case TreeNode::Kind::null:
      return "null";
  }
  return "?";
}

// ---- TOML ------------------------------------------------------------------------------------

namespace {

TreeNode from_toml(const toml::node& node) {
  TreeNode out;
  out.line = static_cast<int>(node.source().begin.line);
  out.column = static_cast<int>(node.source().begin.column);
  if (auto t = node.as_table()) {
    out.kind = TreeNode::Kind::object;
    for (auto&& [key, value] : *t) {
      TreeNode child = from_toml(value);
      // An implicit table ([a.b] without [a]) has no position of its own: use its key's.
      if (child.line == 0) {
        child.line = static_cast<int>(key.source().begin.line);
        child.column = static_cast<int>(key.source().begin.column);
      }
      out.keys.emplace_back(key.str());
      out.items.push_back(std::move(child));
    }
  } else if (auto a = node.as_array()) {
    out.kind = TreeNode::Kind::array;
    for (auto&& item : *a) out.items.push_back(from_toml(item));
  } else if (auto s = node.as_string()) {
    out.kind = TreeNode::Kind::string;
    out.text = s->get();
  } else if (auto i = node.as_integer()) {
    out.kind = TreeNode::Kind::integer;
    out.integer = i->get();
  } else if (auto f = node.as_floating_point()) {
    out.kind = TreeNode::Kind::floating;
    out.floating = f->get();
  } else if (auto b = node.as_boolean()) {
    out.kind = TreeNode::Kind::boolean;
    out.boolean = b->get();
  } else if (auto d = node.as_date()) {
    // A bare TOML date (`2026-10-01`) reads as its ISO text, like the quoted form.
    const toml::date& v = d->get();
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(v.year),
                                static_cast<int>(v.month), static_cast<int>(v.day));
    out.kind = TreeNode::Kind::string;
    out.text.assign(buf, static_cast<std::size_t>(n));
  } else {
    // Times have no use in our files; keep a placeholder for messages.
    out.kind = TreeNode::Kind::string;
    out.text = "<date/time>";
  }
  return out;
}

/// The offset of the first dot at which dotted keys nest deeper than k_max_json_depth on one
/// line (`[a.a.a…]`, `a.a.a… = 1`), or npos. toml++ limits nested arrays and inline tables
/// itself, but not dotted keys, and its tables free themselves recursively: 100,000 of them
/// overflow the stack. A dot counts outside strings and comments, unless it stands between two
/// digits (`1.5`).
std::size_t toml_too_deep_at(std::string_view text) {
  std::size_t depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      depth = 0;
    } else if (c == '#') {
      i = text.find('\n', i);
      if (i == std::string_view::npos) break;
      --i;
    } else if (c == '"' || c == '\'') {
      // Skip the string: basic ("…", \"\"\"…\"\"\") or literal ('…', '''…''').
      const std::size_t delimiter = text.compare(i, 3, std::string(3, c)) == 0 ? 3 : 1;
      std::size_t j = i + delimiter;
      for (; j < text.size(); ++j) {
        if (c == '"' && text[j] == '\\') {
          ++j;
        } else if (delimiter == 1 && text[j] == '\n') {
          break;  // unterminated: toml++ says so
        } else if (text.compare(j, delimiter, std::string(delimiter, c)) == 0) {
          j += delimiter;
          break;
        }
      }
      i = j - 1;
    } else if (c == '.') {
      const auto digit = [&](std::size_t k) { return text[k] >= '0' && text[k] <= '9'; };
      const bool number = i > 0 && i + 1 < text.size() && digit(i - 1) && digit(i + 1);
      if (!number && ++depth > k_max_json_depth) return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

bool parse_toml(std::string_view text, const std::string& file, TreeNode& out,
                Diagnostics& diagnostics) {
  if (auto bad = invalid_utf8_at(text)) {
    const std::string_view before = text.substr(0, *bad);
    const int line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const auto nl = before.rfind('\n');
    const auto start = nl == std::string_view::npos ? 0 : nl + 1;
    diagnostics.add(
        Diagnostic{file, line, column_of(text.substr(start), *bad - start), "", "invalid UTF-8"});
    return false;
  }
  if (const auto deep = toml_too_deep_at(text); deep != std::string_view::npos) {
    int line = 0;
    int column = 0;
    line_column(text, deep, line, column);
    diagnostics.add(Diagnostic{file, line, column, "", too_deep_reason()});
    return false;
  }
  try {
    toml::table table = toml::parse(text, std::string_view(file));
    out = from_toml(table);
    out.line = 1;
    out.column = 1;
    return true;
  } catch (const toml::parse_error& e) {
    diagnostics.add(Diagnostic{file, static_cast<int>(e.source().begin.line),
                               static_cast<int>(e.source().begin.column), "",
                               std::string(e.description())});
    return false;
  }
}

// ---- JSON ------------------------------------------------------------------------------------

namespace {

class TreeBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  TreeBuilder(std::string_view text, const char** last_read) : m_text(text), m_last(last_read) {}

  TreeNode root;
  std::string error;
  std::size_t error_at = 0;

  bool null() override { return value(TreeNode::Kind::null); }
  bool boolean(bool v) override {
    auto& n = add(TreeNode::Kind::boolean);
    n.boolean = v;
    return true;
  }
  bool number_integer(number_integer_t v) override {
    add(TreeNode::Kind::integer).integer = v;
    return true;
  }
  bool number_unsigned(number_unsigned_t v) override {
    add(TreeNode::Kind::integer).integer = static_cast<long long>(v);
    return true;
  }
  bool number_float(number_float_t v, const string_t&) override {
    add(TreeNode::Kind::floating).floating = v;
    return true;
  }
  bool string(string_t& v) override {
    add(TreeNode::Kind::string).text = v;
    return true;
  }
  bool binary(binary_t&) override { return value(TreeNode::Kind::null); }
  bool start_object(std::size_t) override {
    if (too_deep()) return false;
    m_stack.push_back(&add(TreeNode::Kind::object));
    return true;
  }
  bool key(string_t& k) override {
    m_key = k;
    return true;
  }
  bool end_object() override {
    m_stack.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    if (too_deep()) return false;
    m_stack.push_back(&add(TreeNode::Kind::array));
    return true;
  }
  bool end_array() override {
    m_stack.pop_back();
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    error = e.what();
    // nlohmann's message starts "[json.exception.parse_error.101] parse error at line 1, …: ".
    if (auto p = error.find(": "); p != std::string::npos) error = error.substr(p + 2);
    if (auto p = error.find("; last read"); p != std::string::npos) error = error.substr(0, p);
    error_at = position == 0 ? 0 : position - 1;
    return false;
  }

  /// Line and column of byte `offset`. Values arrive in document order, so the count of lines
  /// and of columns goes on from the last offset asked for instead of from the start or from the
  /// start of the line (either made a big file, or a long minified line, quadratic).
  void position_of(std::size_t offset, int& line, int& column) {
    offset = std::min(offset, m_text.size());
    if (offset < m_mark) {
      m_mark = 0;
      m_mark_line = 1;
      m_mark_column = 1;
    }
    for (; m_mark < offset; ++m_mark) {
      const auto c = static_cast<unsigned char>(m_text[m_mark]);
      if (c == '\n') {
        ++m_mark_line;
        m_mark_column = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++m_mark_column;
      }
    }
    line = m_mark_line;
    column = m_mark_column;
  }

 private:
  /// Refuses an array or object nested deeper than k_max_json_depth, where it opens.
  bool too_deep() {
    if (m_stack.size() < k_max_json_depth) return false;
    const auto read = static_cast<std::size_t>(*m_last - m_text.data());
    error = too_deep_reason();
    error_at = read == 0 ? 0 : read - 1;
    return true;
  }

  bool value(TreeNode::Kind kind) {
    add(kind);
    return true;
  }
  /// Adds a value where the parser stands and stamps it with the position of its first byte.
  TreeNode& add(TreeNode::Kind kind) {
    TreeNode node;
    node.kind = kind;
    std::size_t end = static_cast<std::size_t>(*m_last - m_text.data());
    // The lexer has read the token and one byte past it; step back over that, then to the
    // token's start (a scalar is on one line, so the line is right either way).
    std::size_t start = end == 0 ? 0 : end - 1;
    if (kind == TreeNode::Kind::string) {
      // Back from the closing quote to the opening one (a quote not escaped by a backslash).
      for (std::size_t i = start; i-- > 0;) {
        if (m_text[i] != '"') continue;
        std::size_t slashes = 0;
        while (i > slashes && m_text[i - 1 - slashes] == '\\') ++slashes;
        if (slashes % 2 == 0) {
          start = i;
          break;
        }
      }
    } else if (kind != TreeNode::Kind::object && kind != TreeNode::Kind::array) {
      while (start > 0 && !is_boundary(m_text[start - 1])) --start;
    }
    position_of(start, node.line, node.column);
    if (m_stack.empty()) {
      root = std::move(node);
      return root;
    }
    TreeNode* parent = m_stack.back();
    if (parent->kind == TreeNode::Kind::object) {
      parent->keys.push_back(m_key);
      parent->items.push_back(std::move(node));
      return parent->items.back();
    }
    parent->items.push_back(std::move(node));
    return parent->items.back();
  }
  static bool is_boundary(char c) {
    return c == ':' || c == ',' || c == '[' || c == '{' || c == ' ' || c == '\n' || c == '\t' ||
           c == '\r';
  }

  std::string_view m_text;
  const char** m_last;
  std::size_t m_mark = 0;  // position_of's cursor: an offset, its line and its column
  int m_mark_line = 1;
  int m_mark_column = 1;
  std::vector<TreeNode*> m_stack;
  std::string m_key;
};

}  // namespace

bool parse_json(std::string_view text, const std::string& file, TreeNode& out,
                Diagnostics& diagnostics) {
  if (auto bad = invalid_utf8_at(text)) {
    TreeBuilder b(text, nullptr);
    int line = 0;
    int column = 0;
    b.position_of(*bad, line, column);
    diagnostics.add(Diagnostic{file, line, column, "", "invalid UTF-8"});
    return false;
  }
  std::size_t skip = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  const char* last = text.data() + skip;
  TreeBuilder builder(text, &last);
  CountingIterator first{text.data() + skip, &last};
  CountingIterator end{text.data() + text.size(), &last};
  const bool ok = nlohmann::json::sax_parse(first, end, &builder);
  if (!ok) {
    int line = 0;
    int column = 0;
    builder.position_of(builder.error_at, line, column);
    diagnostics.add(
        Diagnostic{file, line, column, "", builder.error.empty() ? "invalid JSON" : builder.error});
    return false;
  }
  out = std::move(builder.root);
  return true;
}

bool check_object(const TreeNode& node, const std::string& file, const std::string& path,
                  std::initializer_list<std::string_view> allowed, Diagnostics& diagnostics) {
  if (node.kind != TreeNode::Kind::object) {
    diagnostics.add(
        node.at(file, path).error("expected a table, got " + std::string(kind_name(node.kind))));
    return false;
  }
  bool ok = true;
  for (std::size_t i = 0; i < node.keys.size(); ++i) {
    const std::string& key = node.keys[i];
    const TreeNode& value = node.items[i];
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      diagnostics.add(value.at(file, path.empty() ? key : path + "." + key)
                          .error("unknown key \"" + key + "\""));
      ok = false;
    }
  }
  return ok;
}

}  // namespace gridgov::detail
