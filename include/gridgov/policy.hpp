#pragma once
// The policy: the rules that change from county to county (docs/design.md §4).

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/calendar.hpp"
#include "gridgov/duration.hpp"
#include "gridgov/level.hpp"
#include "gridgov/model.hpp"

namespace gridgov {

/// The default time limit for a case at each level, and for verification of a resolved case.
struct Deadlines {
  std::array<Duration, 5> level{};  ///< indexed by `index(Level)`
  Duration verification{};
  /// `[deadlines].case`: a problem's 办结时限 (its `due`), unless its category sets a `limit`.
  Duration case_limit = Duration::days_of_work(15);
  /// The most a case's extensions may add up to (rule 13).
  Duration max_extension = Duration::days_of_work(10);

  friend bool operator==(const Deadlines&, const Deadlines&) = default;
};

/// Whether an assessment indicator rewards a high value (`target`) or a low one (`ceiling`).
enum class Goal { target, ceiling };

/// One `[[assessment.indicators]]` entry (docs/design.md §12; the formulas are assessment.hpp's).
struct Indicator {
  std::string field;  ///< a statistics field, `attendance_rate` or `rework_rate`
  double weight = 0;  ///< ≥ 0
  Goal goal = Goal::target;
  double bound = 1;  ///< the target or the ceiling, > 0

  friend bool operator==(const Indicator&, const Indicator&) = default;
};

/// The policy's `[subsidies]` (docs/design.md §12), in fen.
struct SubsidyRates {
  long long resident_monthly = 0;  ///< a resident (片区常驻) worker's month, pro rata
  long long cluster_monthly = 0;   ///< a cluster (连片派驻) worker's month, pro rata
  long long whistle_daily = 0;     ///< per local day a whistle (吹哨进驻) worker was summoned

  friend bool operator==(const SubsidyRates&, const SubsidyRates&) = default;
};

struct Policy {
  std::chrono::minutes utc_offset{8 * 60};  ///< local days and months for quotas and statistics
  bool auto_escalate = false;
  int daily_reports_per_grid = 2;
  /// A move recorded more than this after its time is a late record (rule 16).
  Duration backfill = std::chrono::hours(24);
  Deadlines deadlines;
  Calendar calendar;  ///< working days, for limits given in working days
  std::vector<Department> departments;
  std::vector<Category> categories;
  std::vector<Service> services;          ///< `[[services]]`, in the file's order
  std::vector<Indicator> indicators;      ///< `[[assessment.indicators]]`, in the file's order
  std::optional<SubsidyRates> subsidies;  ///< `[subsidies]`, when the policy has one

  [[nodiscard]] const Department* find_department(std::string_view code) const {
    auto it = std::find_if(departments.begin(), departments.end(),
                           [&](const Department& d) { return d.code == code; });
    return it == departments.end() ? nullptr : &*it;
  }
  [[nodiscard]] const Category* find_category(std::string_view code) const {
    auto it = std::find_if(categories.begin(), categories.end(),
                           [&](const Category& c) { return c.code == code; });
    return it == categories.end() ? nullptr : &*it;
  }
  [[nodiscard]] const Service* find_service(std::string_view code) const {
    auto it = std::find_if(services.begin(), services.end(),
                           [&](const Service& s) { return s.code == code; });
    return it == services.end() ? nullptr : &*it;
  }
  /// The service whose code, or else whose name (`政策咨询`), is `code_or_name`.
  [[nodiscard]] const Service* service_named(std::string_view code_or_name) const {
    if (const Service* s = find_service(code_or_name)) return s;
    auto it = std::find_if(services.begin(), services.end(),
                           [&](const Service& s) { return s.name == code_or_name; });
    return it == services.end() ? nullptr : &*it;
  }
  /// The service code `code_or_name` stands for; the text itself when it names none.
  [[nodiscard]] std::string service_code(std::string_view code_or_name) const {
    const Service* s = service_named(code_or_name);
    return s ? s->code : std::string(code_or_name);
  }
  /// The department whose code, or else whose name (`县住房和城乡建设局`), is `code_or_name`: the
  /// one place where a name a person typed becomes the code that is stored.
  [[nodiscard]] const Department* department_named(std::string_view code_or_name) const {
    if (const Department* d = find_department(code_or_name)) return d;
    auto it = std::find_if(departments.begin(), departments.end(),
                           [&](const Department& d) { return d.name == code_or_name; });
    return it == departments.end() ? nullptr : &*it;
  }
  /// The category whose code, or else whose name (`违法建设`), is `code_or_name`.
  [[nodiscard]] const Category* category_named(std::string_view code_or_name) const {
    if (const Category* c = find_category(code_or_name)) return c;
    auto it = std::find_if(categories.begin(), categories.end(),
                           [&](const Category& c) { return c.name == code_or_name; });
    return it == categories.end() ? nullptr : &*it;
  }
  /// The department whose code or name is nearest to a mistyped `text` (for "did you mean"), or
  /// null when none is near enough. Implemented in lib/ over its one edit-distance helper.
  [[nodiscard]] const Department* nearest_department(std::string_view text) const;
  /// The department code `code_or_name` stands for; the text itself when it names none (the rule
  /// that checks it then says it is unknown).
  [[nodiscard]] std::string department_code(std::string_view code_or_name) const {
    const Department* d = department_named(code_or_name);
    return d ? d->code : std::string(code_or_name);
  }
  /// The category code `code_or_name` stands for; the text itself when it names none.
  [[nodiscard]] std::string category_code(std::string_view code_or_name) const {
    const Category* c = category_named(code_or_name);
    return c ? c->code : std::string(code_or_name);
  }

  /// The limit for a case of `category` entering `level`: the category's own, else the level's.
  [[nodiscard]] Duration deadline_for(const Category& category, Level level) const {
    return category.deadline ? *category.deadline : deadlines.level[index(level)];
  }
  /// A problem's 办结时限 (rule 9): the category's `limit`, else `[deadlines].case`.
  [[nodiscard]] Duration limit_for(const Category* category) const {
    return category && category->limit ? *category->limit : deadlines.case_limit;
  }
  /// When a limit of `limit` from `at` ends, working days counted on this policy's calendar in
  /// its timezone.
  [[nodiscard]] Timestamp after(Timestamp at, const Duration& limit) const {
    return limit_end(calendar, utc_offset, at, limit);
  }

  /// `t` moved out by `limit` on this policy's calendar (see `move_out`).
  [[nodiscard]] Timestamp moved_out(Timestamp t, const Duration& limit) const {
    return move_out(calendar, utc_offset, t, limit);
  }

  friend bool operator==(const Policy&, const Policy&) = default;
};

/// The built-in policy of the model county (the text of examples/policy.toml).
[[nodiscard]] const Policy& default_policy();

/// The TOML text the built-in policy is read from.
[[nodiscard]] std::string_view default_policy_text() noexcept;

}  // namespace gridgov
