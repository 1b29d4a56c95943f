#pragma once
// Small helpers shared by the unit tests.

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/error.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/time.hpp"

namespace gridgov::testing {

/// A fresh directory under the system's temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    for (int i = 0; i < 100; ++i) {
      m_path = std::filesystem::temp_directory_path() / ("gridgov-unit-" + std::to_string(rd()));
      if (std::filesystem::create_directory(m_path)) return;
    }
    throw std::runtime_error("cannot create a temporary directory");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `content` byte for byte to `name` in this directory; returns its path.
  [[nodiscard]] std::string write(const std::string& name, std::string_view content) const {
    const auto p = m_path / name;
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return p.string();
  }
  [[nodiscard]] std::string path(const std::string& name) const { return (m_path / name).string(); }

 private:
  std::filesystem::path m_path;
};

/// The gridgov::Error that `f` throws, or nullopt when it throws none.
template <class F>
std::optional<Error> error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return std::nullopt;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// A fixed instant for tests (2026-09-21T14:13:20Z), and `h` hours after it.
inline const Timestamp k_t0(std::chrono::seconds(1'790'000'000));
inline Timestamp at_h(int h) { return k_t0 + std::chrono::hours(h); }

/// The built-in policy text with one piece replaced.
/// The built-in policy for tests, whose moves happen weeks before the (system) clock records them:
/// with a backfill of ten years, none is a late record (rule 16) unless a test says so.
inline std::string test_policy_text() {
  std::string text(default_policy_text());
  const std::string from = "backfill = \"24h\"";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), "backfill = \"3650d\"");
  return text;
}

/// The problems of a policy made of `text`, as `line:col field: reason` strings.
inline std::vector<std::string> policy_problems(const std::string& text) {
  Diagnostics d(50);
  (void)parse_policy(text, "p.toml", d);
  std::vector<std::string> out;
  for (const auto& x : d.list())
    out.push_back(std::to_string(x.line) + ":" + std::to_string(x.column) + " " + x.field + ": " +
                  x.reason);
  return out;
}

/// The test policy with `from` replaced by `to`.
inline std::string policy_text_with(const std::string& from, const std::string& to) {
  std::string text = test_policy_text();
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

}  // namespace gridgov::testing
