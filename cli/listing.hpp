#pragma once
// What listings of cases share: the filters of `case list`, which `export cases` takes too (one
// parser, into the library's gridgov::CaseFilter), and the --sort/--limit/--count-by of a table.

#include <CLI/CLI.hpp>

#include <string>

#include "checks.hpp"
#include "context.hpp"
#include "gridgov/store.hpp"
#include "gridgov/unit_lookup.hpp"

namespace gridctl {

/// The filter flags as typed.
struct CaseFilterFlags {
  std::string status, level, unit, department, category, source, from, to;
  bool overdue = false;
};

inline void add_case_filter_flags(CLI::App* cmd, CaseFilterFlags& f) {
  cmd->add_option("--status", f.status, "open, resolved, closed or void");
  cmd->add_option("--level", f.level, "Where the case stands: county … grid (or 县 … 网格)");
  cmd->add_option("--unit", f.unit, "Cases whose grid lies within this unit (code or unique name)")
      ->type_name("UNIT");
  cmd->add_option("--department", f.department, "Cases at this department (code or name)")
      ->type_name("CODE");
  cmd->add_option("--category", f.category, "Cases of this category (code or name)")
      ->type_name("CODE");
  cmd->add_option("--source", f.source,
                  "patrol, hotline, surveillance, petition or platform (or 巡查上报, 12345, …)");
  cmd->add_flag("--overdue", f.overdue, "Only cases open, not suspended, past their due");
  cmd->add_option("--from", f.from, "Reported at or after (a date or a time)")->type_name("D");
  cmd->add_option("--to", f.to, "Reported before, or on that date")->type_name("D");
}

namespace detail {

template <class T, class Parse>
std::optional<T> parsed(const std::string& flag, const std::string& text, Parse parse) {
  if (text.empty()) return std::nullopt;
  auto v = parse(text);
  if (!v) throw gridgov::Error(gridgov::ErrorCode::usage, flag + ": unknown value " + text);
  return v;
}

}  // namespace detail

/// The filter the flags ask for; `now` judges --overdue.
inline gridgov::CaseFilter case_filter(gridgov::Session& session, const CaseFilterFlags& f,
                                       gridgov::Timestamp now) {
  gridgov::CaseFilter filter;
  filter.status = detail::parsed<gridgov::Status>("--status", f.status, gridgov::parse_status);
  if (!f.level.empty() && !gridgov::parse_level(f.level))
    throw gridgov::Error(gridgov::ErrorCode::usage, "--level: unknown level " + f.level +
                                                        " (expected " +
                                                        std::string(gridgov::k_level_words) + ")");
  filter.level = detail::parsed<gridgov::Level>("--level", f.level, gridgov::parse_level);
  filter.source = detail::parsed<gridgov::Source>("--source", f.source, gridgov::parse_source);
  if (!f.unit.empty())
    filter.unit = gridgov::find_unit(gridgov::UnitTree(session.store().units()), f.unit).code;
  const gridgov::Policy& policy = session.policy();
  // A name becomes its code; an unknown text stays as typed and matches nothing, as a code no
  // longer in the policy may still be on old cases.
  filter.department = policy.department_code(f.department);
  filter.category = policy.category_code(f.category);
  if (f.overdue) filter.overdue_at = now;
  if (!f.from.empty()) filter.reported_from = Context::bound(session, "--from", f.from, false);
  if (!f.to.empty()) filter.reported_to = Context::bound(session, "--to", f.to, true);
  return filter;
}

/// --month M, required: a local month `YYYY-MM`, `this` or `last` (Context::month reads it).
inline void add_month_flag(CLI::App* cmd, std::string& month) {
  cmd->add_option("--month", month, "The local month: YYYY-MM, this or last")
      ->required()
      ->type_name("MONTH");
}

/// --sort FIELD (ascending; `--sort=-FIELD` or --desc descending) and --limit N.
inline void add_order_flags(CLI::App* cmd, std::string& sort, bool& desc, long long& limit) {
  cmd->add_option("--sort", sort, "Order rows by this column (--sort=-FIELD: descending)")
      ->type_name("FIELD");
  cmd->add_flag("--desc", desc, "With --sort: descending");
  cmd->add_option("--limit", limit, "Only the first N rows (after sorting)")
      ->type_name("N")
      ->check(whole_number(0));
}

/// Sorts and cuts `table` as --sort, --desc and --limit say (limit < 0: no limit).
inline void order(gridgov::Table& table, const std::string& sort, bool desc, long long limit) {
  if (!sort.empty()) {
    const bool minus = sort.front() == '-';
    gridgov::sort_rows(table, minus ? sort.substr(1) : sort, desc || minus);
  }
  if (limit >= 0) gridgov::limit_rows(table, static_cast<std::size_t>(limit));
}

/// --sort, --limit and --count-by of a listing.
struct ListingFlags {
  std::string sort;
  bool desc = false;
  long long limit = -1;
  std::string count_by;
};

inline void add_listing_flags(CLI::App* cmd, ListingFlags& f) {
  add_order_flags(cmd, f.sort, f.desc, f.limit);
  cmd->add_option("--count-by", f.count_by,
                  "Instead of the rows, how many have each value of this column (most first)")
      ->type_name("FIELD");
}

/// Prints cases as a listing: `make(cases, which)` is their table with `which` columns. Sorting
/// and counting may use any field (people's few columns are chosen afterwards); with
/// --count-by, --sort and --limit order and cut the count table.
template <class Make>
void print_listing(const Context& ctx, const ListingFlags& f,
                   const std::vector<gridgov::Case>& cases, Make make) {
  using gridgov::CaseColumns;
  const CaseColumns which = ctx.case_columns();
  gridgov::Table t = make(cases, which == CaseColumns::brief ? CaseColumns::scalar : which);
  if (!f.count_by.empty()) t = gridgov::count_by(t, f.count_by);
  order(t, f.sort, f.desc, f.limit);
  if (f.count_by.empty() && which == CaseColumns::brief && ctx.options.columns.empty()) {
    std::vector<std::string> brief;
    for (const auto& c : make(std::vector<gridgov::Case>{}, CaseColumns::brief).columns)
      brief.push_back(c.name);
    t = gridgov::select_columns(t, brief);
  }
  ctx.print(t);
}

}  // namespace gridctl
