// The policy TOML (docs/design.md §4), and the built-in policy of the model county.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "gridgov/assessment.hpp"
#include "gridgov/limits.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/subsidies.hpp"
#include "gridgov/text.hpp"
#include "gridgov/time.hpp"
#include "input.hpp"
#include "nearest.hpp"
#include "tree.hpp"

namespace gridgov {

namespace {

using detail::TreeNode;

struct PolicyWalker {
  const std::string& file;
  Diagnostics& diagnostics;

  const TreeNode* typed(const TreeNode& parent, const char* key, const std::string& path,
                        TreeNode::Kind kind) {
    const TreeNode* v = parent.get(key);
    if (!v) return nullptr;
    if (v->kind != kind) {
      diagnostics.add(v->at(file, path)
                          .error("expected " + std::string(detail::kind_name(kind)) + ", got " +
                                 std::string(detail::kind_name(v->kind))));
      return nullptr;
    }
    return v;
  }

  std::optional<Duration> duration(const TreeNode& parent, const char* key,
                                   const std::string& path) {
    const TreeNode* v = typed(parent, key, path, TreeNode::Kind::string);
    if (!v) return std::nullopt;
    auto d = parse_duration(v->text);
    if (!d)
      diagnostics.add(
          v->at(file, path)
              .error("bad duration \"" + v->text +
                     "\" (expected e.g. \"36h\", \"3d\", \"90m\", or working days \"5wd\")"));
    return d;
  }

  std::string code(const TreeNode& node, const std::string& path) {
    const TreeNode* v = node.get("code");
    if (!v) {
      diagnostics.add(node.at(file, path + ".code").error("missing code"));
      return {};
    }
    if (v->kind != TreeNode::Kind::string) {
      typed(node, "code", path + ".code", TreeNode::Kind::string);
      return {};
    }
    if (auto problem = code_problem(v->text); !problem.empty()) {
      diagnostics.add(v->at(file, path + ".code").error(problem));
      return {};
    }
    return v->text;
  }

  std::string name(const TreeNode& node, const std::string& path) {
    const TreeNode* v = node.get("name");
    if (!v) {
      diagnostics.add(node.at(file, path + ".name").error("missing name"));
      return {};
    }
    if (!typed(node, "name", path + ".name", TreeNode::Kind::string)) return {};
    if (auto problem = text_problem(v->text); !problem.empty()) {
      diagnostics.add(v->at(file, path + ".name").error(problem));
      return {};
    }
    std::string n = normalize_name(v->text);
    if (n.empty()) diagnostics.add(v->at(file, path + ".name").error("empty name"));
    return n;
  }

  const std::vector<TreeNode>* array(const TreeNode& root, const char* key,
                                     const std::string& path) {
    const TreeNode* v = typed(root, key, path, TreeNode::Kind::array);
    return v ? &v->items : nullptr;
  }
  const std::vector<TreeNode>* array(const TreeNode& root, const char* key) {
    return array(root, key, key);
  }

  /// A date string of `path`; a diagnostic when it is not one.
  std::optional<Date> date(const TreeNode& node, std::string_view text, const std::string& path) {
    auto d = parse_date(text);
    if (!d)
      diagnostics.add(
          node.at(file, path)
              .error(fmt::format("\"{}\" is not a date of 2000–2099 (YYYY-MM-DD)", text)));
    return d;
  }

  /// `[calendar]`: holidays as dates or inclusive ranges `FROM/TO`, make-up workdays as dates of
  /// weekends. Ranges may not be inverted nor overlap; a workday may not be a holiday.
  Calendar calendar(const TreeNode& node) {
    Calendar cal;
    detail::check_object(node, file, "calendar", {"holidays", "workdays"}, diagnostics);
    struct Range {
      Date from, to;
      const TreeNode* node;
      std::string path;
    };
    std::vector<Range> ranges;
    if (auto list = array(node, "holidays", "calendar.holidays")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const TreeNode& item = (*list)[i];
        const std::string path = "calendar.holidays[" + std::to_string(i) + "]";
        if (item.kind != TreeNode::Kind::string) {
          diagnostics.add(item.at(file, path).error("expected a date or a range FROM/TO"));
          continue;
        }
        const auto slash = item.text.find('/');
        const std::string_view text(item.text);
        auto from = date(item, text.substr(0, slash), path);
        auto to = slash == std::string::npos ? from : date(item, text.substr(slash + 1), path);
        if (!from || !to) continue;
        if (*to < *from) {
          diagnostics.add(
              item.at(file, path).error("range " + item.text + " ends before it begins"));
          continue;
        }
        ranges.push_back({*from, *to, &item, path});
      }
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const Range& a, const Range& b) { return a.from < b.from; });
    for (std::size_t i = 0; i < ranges.size(); ++i) {
      if (i > 0 && ranges[i].from <= ranges[i - 1].to) {
        const Range& r = ranges[i];
        diagnostics.add(r.node->at(file, r.path)
                            .error(r.node->text + " overlaps " + ranges[i - 1].node->text + " (" +
                                   ranges[i - 1].path + ")"));
        continue;
      }
      cal.holidays.emplace_back(ranges[i].from, ranges[i].to);
    }
    if (auto list = array(node, "workdays", "calendar.workdays")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        const TreeNode& item = (*list)[i];
        const std::string path = "calendar.workdays[" + std::to_string(i) + "]";
        if (item.kind != TreeNode::Kind::string) {
          diagnostics.add(item.at(file, path).error("expected a date"));
          continue;
        }
        auto d = date(item, item.text, path);
        if (!d) continue;
        const std::chrono::weekday wd{*d};
        if (wd != std::chrono::Saturday && wd != std::chrono::Sunday) {
          diagnostics.add(
              item.at(file, path)
                  .error(item.text +
                         " is a weekday; a make-up workday (调休上班) is a Saturday or Sunday"));
          continue;
        }
        for (const auto& [from, to] : cal.holidays)
          if (from <= *d && *d <= to) {
            diagnostics.add(item.at(file, path).error(item.text + " is also a holiday"));
            d.reset();
            break;
          }
        if (d) cal.workdays.push_back(*d);
      }
    }
    std::sort(cal.workdays.begin(), cal.workdays.end());
    cal.workdays.erase(std::unique(cal.workdays.begin(), cal.workdays.end()), cal.workdays.end());
    return cal;
  }

  /// A TOML integer or float of `path`, finite; a diagnostic otherwise.
  std::optional<double> number(const TreeNode& parent, const char* key, const std::string& path) {
    const TreeNode* v = parent.get(key);
    if (!v) return std::nullopt;
    double x = 0;
    if (v->kind == TreeNode::Kind::integer)
      x = static_cast<double>(v->integer);
    else if (v->kind == TreeNode::Kind::floating)
      x = v->floating;
    else {
      diagnostics.add(
          v->at(file, path)
              .error("expected a number, got " + std::string(detail::kind_name(v->kind))));
      return std::nullopt;
    }
    if (!std::isfinite(x)) {
      diagnostics.add(v->at(file, path).error("expected a finite number"));
      return std::nullopt;
    }
    return x;
  }

  /// `[[assessment.indicators]]`: each names a known field once, with a weight ≥ 0 and exactly
  /// one of a target or a ceiling > 0.
  std::vector<Indicator> indicators(const TreeNode& assessment) {
    std::vector<Indicator> out;
    detail::check_object(assessment, file, "assessment", {"indicators"}, diagnostics);
    const auto* list = array(assessment, "indicators", "assessment.indicators");
    if (!list) return out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const TreeNode& node = (*list)[i];
      const std::string path = "assessment.indicators[" + std::to_string(i) + "]";
      if (!detail::check_object(node, file, path, {"field", "weight", "target", "ceiling"},
                                diagnostics))
        continue;
      Indicator ind;
      bool ok = true;
      if (const TreeNode* f = typed(node, "field", path + ".field", TreeNode::Kind::string)) {
        ind.field = f->text;
        if (!is_indicator_field(f->text)) {
          diagnostics.add(f->at(file, path + ".field")
                              .error("unknown indicator field \"" + f->text + "\"" +
                                     detail::did_you_mean(f->text, indicator_fields()) +
                                     "; see the fields of `gridctl stats`, attendance_rate and "
                                     "rework_rate"));
          ok = false;
        } else if (!seen.insert(f->text).second) {
          diagnostics.add(
              f->at(file, path + ".field").error("indicator " + f->text + " is listed twice"));
          ok = false;
        }
      } else {
        if (!node.get("field"))
          diagnostics.add(node.at(file, path + ".field").error("missing field"));
        ok = false;
      }
      if (auto weight = number(node, "weight", path + ".weight")) {
        if (*weight < 0) {
          diagnostics.add(node.get("weight")->at(file, path + ".weight").error("must be ≥ 0"));
          ok = false;
        }
        ind.weight = *weight;
      } else {
        if (!node.get("weight"))
          diagnostics.add(node.at(file, path + ".weight").error("missing weight"));
        ok = false;
      }
      const TreeNode* target = node.get("target");
      const TreeNode* ceiling = node.get("ceiling");
      if (target && ceiling) {
        diagnostics.add(ceiling->at(file, path + ".ceiling")
                            .error("an indicator has a target or a ceiling, not both"));
        ok = false;
      } else if (!target && !ceiling) {
        diagnostics.add(node.at(file, path + ".target")
                            .error("missing target or ceiling (target: higher is better; "
                                   "ceiling: lower is better)"));
        ok = false;
      } else {
        const char* key = target ? "target" : "ceiling";
        ind.goal = target ? Goal::target : Goal::ceiling;
        if (auto bound = number(node, key, path + "." + key)) {
          if (*bound <= 0) {
            diagnostics.add(node.get(key)->at(file, path + "." + key).error("must be > 0"));
            ok = false;
          }
          ind.bound = *bound;
        } else {
          ok = false;
        }
      }
      if (ok) out.push_back(std::move(ind));
    }
    return out;
  }

  /// An amount in yuan of `path` as fen: a TOML integer, a float or a string with at most two
  /// decimals, ≥ 0. A float is read as its shortest decimal form (0.07 is "0.07", not
  /// 0.07000000000000000666), so what is checked is what was written.
  std::optional<long long> yuan(const TreeNode& v, const std::string& path) {
    std::string text;
    switch (v.kind) {
      case TreeNode::Kind::integer:
        text = std::to_string(v.integer);
        break;
      case TreeNode::Kind::floating:
        text = std::isfinite(v.floating) ? fmt::format("{}", v.floating) : "";
        if (text.find_first_of("eE") != std::string::npos) text.clear();
        if (text.empty()) {
          diagnostics.add(v.at(file, path).error("expected an amount in yuan, e.g. 3000.00"));
          return std::nullopt;
        }
        break;
      case TreeNode::Kind::string:
        text = v.text;
        break;
      default:
        diagnostics.add(v.at(file, path)
                            .error("expected an amount in yuan (a number or a string "
                                   "like \"3000.00\"), got " +
                                   std::string(detail::kind_name(v.kind))));
        return std::nullopt;
    }
    if (auto fen = parse_yuan(text)) return fen;
    const auto dot = text.find('.');
    std::string reason;
    if (!text.empty() && text.front() == '-')
      reason = "must be ≥ 0";
    else if (dot != std::string::npos && text.size() - dot - 1 > 2 &&
             parse_yuan(text.substr(0, dot + 3)))
      reason = "more than two decimals (yuan are exact to the fen)";
    else
      reason = "bad amount \"" + text +
               "\" (expected yuan with at most two decimals and 12 digits, e.g. \"3000.00\")";
    diagnostics.add(v.at(file, path).error(reason));
    return std::nullopt;
  }

  /// `[subsidies]`: all three rates, each an amount in yuan.
  std::optional<SubsidyRates> subsidies(const TreeNode& node) {
    detail::check_object(node, file, "subsidies",
                         {"resident_monthly", "cluster_monthly", "whistle_daily"}, diagnostics);
    SubsidyRates rates;
    bool ok = true;
    auto read = [&](const char* key, long long& to) {
      const std::string path = std::string("subsidies.") + key;
      const TreeNode* v = node.get(key);
      if (!v) {
        diagnostics.add(node.at(file, path).error(std::string("missing ") + key));
        ok = false;
        return;
      }
      if (auto fen = yuan(*v, path))
        to = *fen;
      else
        ok = false;
    };
    read("resident_monthly", rates.resident_monthly);
    read("cluster_monthly", rates.cluster_monthly);
    read("whistle_daily", rates.whistle_daily);
    return ok ? std::optional<SubsidyRates>(rates) : std::nullopt;
  }
};

}  // namespace

Policy parse_policy(std::string_view text, const std::string& name, Diagnostics& diagnostics) {
  Policy policy;
  policy.deadlines.level = {Duration(std::chrono::hours(24 * 7)),
                            Duration(std::chrono::hours(24 * 5)), Duration(std::chrono::hours(72)),
                            Duration(std::chrono::hours(48)), Duration(std::chrono::hours(24))};
  policy.deadlines.verification = std::chrono::hours(24);

  if (text.size() > k_max_policy_bytes) {
    diagnostics.add(Diagnostic{name, 0, 0, "", detail::too_big_reason(k_max_policy_bytes)});
    return policy;
  }
  TreeNode root;
  if (!detail::parse_toml(text, name, root, diagnostics)) return policy;
  PolicyWalker w{name, diagnostics};
  detail::check_object(
      root, name, "",
      {"timezone", "auto_escalate", "daily_reports_per_grid", "backfill", "deadlines", "calendar",
       "departments", "categories", "services", "assessment", "subsidies"},
      diagnostics);

  if (auto tz = w.typed(root, "timezone", "timezone", TreeNode::Kind::string)) {
    if (auto offset = parse_utc_offset(tz->text))
      policy.utc_offset = *offset;
    else
      diagnostics.add(tz->at(name, "timezone")
                          .error("bad timezone \"" + tz->text + "\" (expected e.g. \"+08:00\")"));
  }
  if (auto v = w.typed(root, "auto_escalate", "auto_escalate", TreeNode::Kind::boolean))
    policy.auto_escalate = v->boolean;
  if (auto v = w.typed(root, "daily_reports_per_grid", "daily_reports_per_grid",
                       TreeNode::Kind::integer)) {
    if (v->integer < 0 || v->integer > 1000)
      diagnostics.add(v->at(name, "daily_reports_per_grid").error("must be between 0 and 1000"));
    else
      policy.daily_reports_per_grid = static_cast<int>(v->integer);
  }

  if (root.get("backfill"))
    if (auto limit = w.duration(root, "backfill", "backfill")) policy.backfill = *limit;

  if (auto d = w.typed(root, "deadlines", "deadlines", TreeNode::Kind::object)) {
    detail::check_object(
        *d, name, "deadlines",
        {"case", "max_extension", "county", "town", "zone", "village", "grid", "verification"},
        diagnostics);
    if (auto limit = w.duration(*d, "case", "deadlines.case")) policy.deadlines.case_limit = *limit;
    if (auto limit = w.duration(*d, "max_extension", "deadlines.max_extension"))
      policy.deadlines.max_extension = *limit;
    for (Level level : k_levels) {
      const std::string key(to_string(level));
      if (auto limit = w.duration(*d, key.c_str(), "deadlines." + key))
        policy.deadlines.level[index(level)] = *limit;
    }
    if (auto limit = w.duration(*d, "verification", "deadlines.verification"))
      policy.deadlines.verification = *limit;
  }

  if (auto c = w.typed(root, "calendar", "calendar", TreeNode::Kind::object))
    policy.calendar = w.calendar(*c);

  std::set<std::string> seen;
  if (auto list = w.array(root, "departments")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const TreeNode& node = (*list)[i];
      const std::string path = "departments[" + std::to_string(i) + "]";
      if (!detail::check_object(node, name, path, {"code", "name"}, diagnostics)) continue;
      Department dep{w.code(node, path), w.name(node, path)};
      if (dep.code.empty() || dep.name.empty()) continue;
      if (!seen.insert(dep.code).second) {
        diagnostics.add(node.get("code")
                            ->at(name, path + ".code")
                            .error("department " + dep.code + " is defined twice"));
        continue;
      }
      policy.departments.push_back(std::move(dep));
    }
  }

  seen.clear();
  if (auto list = w.array(root, "categories")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const TreeNode& node = (*list)[i];
      const std::string path = "categories[" + std::to_string(i) + "]";
      if (!detail::check_object(
              node, name, path,
              {"code", "name", "authority", "department", "deadline", "limit", "urgent"},
              diagnostics))
        continue;
      Category cat;
      cat.code = w.code(node, path);
      cat.name = w.name(node, path);
      bool ok = !cat.code.empty() && !cat.name.empty();
      if (auto a = w.typed(node, "authority", path + ".authority", TreeNode::Kind::string)) {
        if (auto level = parse_level(a->text)) {
          cat.authority = *level;
        } else {
          diagnostics.add(a->at(name, path + ".authority")
                              .error("unknown level \"" + a->text +
                                     "\" (expected county, town, zone, village or grid)"));
          ok = false;
        }
      } else if (!node.get("authority")) {
        diagnostics.add(node.at(name, path + ".authority").error("missing authority"));
        ok = false;
      }
      if (auto dep = w.typed(node, "department", path + ".department", TreeNode::Kind::string)) {
        if (!policy.find_department(dep->text)) {
          diagnostics.add(dep->at(name, path + ".department")
                              .error("unknown department \"" + dep->text + "\""));
          ok = false;
        }
        cat.department = dep->text;
      }
      if (node.get("deadline")) {
        cat.deadline = w.duration(node, "deadline", path + ".deadline");
        ok &= cat.deadline.has_value();
      }
      if (node.get("limit")) {
        cat.limit = w.duration(node, "limit", path + ".limit");
        ok &= cat.limit.has_value();
      }
      if (auto u = w.typed(node, "urgent", path + ".urgent", TreeNode::Kind::boolean))
        cat.urgent = u->boolean;
      if (!ok) continue;
      if (!seen.insert(cat.code).second) {
        diagnostics.add(node.get("code")
                            ->at(name, path + ".code")
                            .error("category " + cat.code + " is defined twice"));
        continue;
      }
      policy.categories.push_back(std::move(cat));
    }
  }

  seen.clear();
  if (auto list = w.array(root, "services")) {
    for (std::size_t i = 0; i < list->size(); ++i) {
      const TreeNode& node = (*list)[i];
      const std::string path = "services[" + std::to_string(i) + "]";
      if (!detail::check_object(node, name, path, {"code", "name", "level", "department"},
                                diagnostics))
        continue;
      Service svc;
      svc.code = w.code(node, path);
      svc.name = w.name(node, path);
      bool ok = !svc.code.empty() && !svc.name.empty();
      // Services sink to the town and below (职能下沉): the county is where they come from.
      if (auto l = w.typed(node, "level", path + ".level", TreeNode::Kind::string)) {
        auto level = parse_level(l->text);
        if (level && *level != Level::county) {
          svc.level = *level;
        } else {
          diagnostics.add(l->at(name, path + ".level")
                              .error("unknown level \"" + l->text +
                                     "\" (expected town, zone, village or grid)"));
          ok = false;
        }
      } else if (!node.get("level")) {
        diagnostics.add(node.at(name, path + ".level").error("missing level"));
        ok = false;
      }
      if (auto dep = w.typed(node, "department", path + ".department", TreeNode::Kind::string)) {
        if (const Department* d = policy.department_named(dep->text)) {
          svc.department = d->code;
        } else {
          diagnostics.add(dep->at(name, path + ".department")
                              .error("unknown department \"" + dep->text + "\""));
          ok = false;
        }
      }
      if (!ok) continue;
      if (!seen.insert(svc.code).second) {
        diagnostics.add(node.get("code")
                            ->at(name, path + ".code")
                            .error("service " + svc.code + " is defined twice"));
        continue;
      }
      policy.services.push_back(std::move(svc));
    }
  }

  if (auto a = w.typed(root, "assessment", "assessment", TreeNode::Kind::object))
    policy.indicators = w.indicators(*a);
  if (auto s = w.typed(root, "subsidies", "subsidies", TreeNode::Kind::object))
    policy.subsidies = w.subsidies(*s);
  return policy;
}

namespace {
constexpr std::string_view k_default_policy_text =
#include "default_policy.inc"
    ;
}  // namespace

std::string_view default_policy_text() noexcept { return k_default_policy_text; }

const Policy& default_policy() {
  static const Policy policy = [] {
    Diagnostics diagnostics;
    Policy p = parse_policy(k_default_policy_text, "built-in policy", diagnostics);
    if (!diagnostics.empty())
      throw Error(ErrorCode::internal,
                  "the built-in policy is invalid: " + diagnostics.list().front().to_string());
    return p;
  }();
  return policy;
}

const Department* Policy::nearest_department(std::string_view text) const {
  std::vector<std::string> words;
  for (const auto& d : departments) {
    words.push_back(d.code);
    words.push_back(d.name);
  }
  const auto near = detail::nearest(text, words);
  return near ? department_named(*near) : nullptr;
}

}  // namespace gridgov
