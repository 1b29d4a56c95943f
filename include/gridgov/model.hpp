#pragma once
// The domain's nouns: units, workers, departments and categories (docs/design.md §1, §3).

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/duration.hpp"
#include "gridgov/level.hpp"
#include "gridgov/time.hpp"

namespace gridgov {

/// A node of the county's unit tree. `parent` is the parent's code (empty for the county).
struct Unit {
  std::string code;
  std::string name;
  Level level = Level::grid;
  std::string parent;
  std::optional<long long> households;
  std::optional<long long> population;

  friend bool operator==(const Unit&, const Unit&) = default;
};

/// A worker's tier (网格员层级).
enum class Tier : int { grid = 0, town = 1, county = 2 };

/// How a county worker is sent down (下沉方式).
enum class Deployment : int { resident = 0, cluster = 1, whistle = 2 };

[[nodiscard]] constexpr std::string_view to_string(Tier tier) noexcept {
  switch (tier) {
    case Tier::grid:
      return "grid";
    case Tier::town:
      return "town";
    case Tier::county:
      return "county";
  }
  return "?";
}

[[nodiscard]] constexpr std::string_view to_string(Deployment d) noexcept {
  switch (d) {
    case Deployment::resident:
      return "resident";
    case Deployment::cluster:
      return "cluster";
    case Deployment::whistle:
      return "whistle";
  }
  return "?";
}

/// The glossary's Chinese words, as `--lang zh` shows them; parse_tier and parse_deployment read
/// them back.
[[nodiscard]] constexpr std::string_view to_zh(Tier tier) noexcept {
  switch (tier) {
    case Tier::grid:
      return "基础";
    case Tier::town:
      return "镇级";
    case Tier::county:
      return "县级";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_zh(Deployment d) noexcept {
  switch (d) {
    case Deployment::resident:
      return "片区常驻";
    case Deployment::cluster:
      return "连片派驻";
    case Deployment::whistle:
      return "吹哨进驻";
  }
  return "?";
}

/// Parses a tier by code name or Chinese word (`"镇级"` is `Tier::town`).
[[nodiscard]] constexpr std::optional<Tier> parse_tier(std::string_view s) noexcept {
  if (s == "grid" || s == "基础" || s == "基础网格员" || s == "网格员") return Tier::grid;
  if (s == "town" || s == "镇级" || s == "镇级网格员") return Tier::town;
  if (s == "county" || s == "县级" || s == "县级网格员") return Tier::county;
  return std::nullopt;
}

/// Parses a deployment by code name or Chinese word (`"吹哨进驻"` is `Deployment::whistle`).
[[nodiscard]] constexpr std::optional<Deployment> parse_deployment(std::string_view s) noexcept {
  if (s == "resident" || s == "片区常驻" || s == "常驻") return Deployment::resident;
  if (s == "cluster" || s == "连片派驻" || s == "派驻") return Deployment::cluster;
  if (s == "whistle" || s == "吹哨进驻" || s == "吹哨") return Deployment::whistle;
  return std::nullopt;
}

/// A grid worker. `units` holds the unit codes served: one for most, several zones for a
/// cluster worker, none for an on-call whistle worker.
struct Worker {
  std::string code;
  std::string name;
  Tier tier = Tier::grid;
  std::optional<Deployment> deployment;
  std::vector<std::string> units;
  std::string department;  ///< county workers: the department they come from; may be empty
  std::string phone;
  std::optional<bool> party_member;  ///< 党员 or not; nullopt when the workers file does not say
  std::string party_role;            ///< e.g. 党小组长, 两委干部; may be empty

  friend bool operator==(const Worker&, const Worker&) = default;
};

/// What an attendance record says (考勤, docs/design.md §12): a check-in, or a point of a patrol.
enum class AttendanceKind : int { checkin = 0, patrol = 1 };

[[nodiscard]] constexpr std::string_view to_string(AttendanceKind k) noexcept {
  return k == AttendanceKind::patrol ? "patrol" : "checkin";
}
[[nodiscard]] constexpr std::string_view to_zh(AttendanceKind k) noexcept {
  return k == AttendanceKind::patrol ? "巡查" : "签到";
}
/// Parses an attendance kind by code name or Chinese word (`"签到"`, `"巡查"`).
[[nodiscard]] constexpr std::optional<AttendanceKind> parse_attendance_kind(
    std::string_view s) noexcept {
  if (s == "checkin" || s == "签到" || s == "打卡") return AttendanceKind::checkin;
  if (s == "patrol" || s == "巡查" || s == "巡逻") return AttendanceKind::patrol;
  return std::nullopt;
}

/// One check-in or patrol point of a worker, in a grid; or a patrol report a worker logged,
/// which counts as presence on its day.
struct AttendanceRecord {
  std::string worker;  ///< the worker's code
  Timestamp at{};
  std::string grid;  ///< the grid's code
  AttendanceKind kind = AttendanceKind::checkin;

  friend bool operator==(const AttendanceRecord&, const AttendanceRecord&) = default;
};

/// Parses a yes/no field of a file: `yes`/`no`, `是`/`否`, `true`/`false`, `1`/`0`, `Y`/`N`.
[[nodiscard]] constexpr std::optional<bool> parse_yes_no(std::string_view s) noexcept {
  for (std::string_view w : {"yes", "Yes", "YES", "是", "true", "TRUE", "True", "1", "Y", "y"})
    if (s == w) return true;
  for (std::string_view w : {"no", "No", "NO", "否", "false", "FALSE", "False", "0", "N", "n"})
    if (s == w) return false;
  return std::nullopt;
}

/// A county department (县直部门) that handles referred cases.
struct Department {
  std::string code;
  std::string name;

  friend bool operator==(const Department&, const Department&) = default;
};

/// What a case is about: who may resolve it, how long it may take, where it is referred.
struct Category {
  std::string code;
  std::string name;
  Level authority = Level::grid;     ///< the lowest level allowed to resolve it
  std::string department;            ///< default department for referrals; may be empty
  std::optional<Duration> deadline;  ///< overrides the level's default
  bool urgent = false;               ///< may skip levels when escalating
  std::optional<Duration> limit;  ///< a case's 办结时限 (rule 9); overrides `[deadlines].case`

  friend bool operator==(const Category&, const Category&) = default;
};

/// A public service the towns handle (职能下沉, docs/design.md §12): delivered as a case of kind
/// `service`, counted by `stats --by service`.
struct Service {
  std::string code;
  std::string name;
  Level level = Level::town;  ///< where it is handled (town, zone, village or grid)
  std::string department;     ///< the county department that delegated it; may be empty

  friend bool operator==(const Service&, const Service&) = default;
};

inline constexpr std::size_t k_max_code_length = 32;

/// Why `code` is not a valid code (letters, digits, `-`, `_`, `.`; 1 to 32 characters), or an
/// empty string when it is.
///
/// **Example**: `code_problem("G 1")` is `"code \"G 1\" has a forbidden character ' '"`.
[[nodiscard]] inline std::string code_problem(std::string_view code) {
  if (code.empty()) return "empty code";
  if (code.size() > k_max_code_length)
    return "code \"" + std::string(code) + "\" is longer than 32 characters";
  for (char c : code) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) return "code \"" + std::string(code) + "\" has a non-ASCII character";
      if (u < 0x20 || u == 0x7f) return "code has a control character";
      return "code \"" + std::string(code) + "\" has a forbidden character '" + c + "'";
    }
  }
  return {};
}

/// The code of the superuser role (not a worker): moves it makes read `admin` in the history.
inline constexpr std::string_view k_admin_code = "admin";

/// Why `code` is not a valid worker code: `code_problem`, or the reserved `admin` in any letter
/// case (a worker so named would pass in the history for the superuser).
[[nodiscard]] inline std::string worker_code_problem(std::string_view code) {
  if (auto problem = code_problem(code); !problem.empty()) return problem;
  const bool reserved =
      code.size() == k_admin_code.size() &&
      std::equal(code.begin(), code.end(), k_admin_code.begin(), [](char a, char b) {
        return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
      });
  if (reserved) return "code \"" + std::string(code) + "\" is reserved for the admin role";
  return {};
}

}  // namespace gridgov
