// The tables of attendance, assessment and subsidies (docs/design.md §12): their columns, once.

#include <memory>

#include "gridgov/views.hpp"

namespace gridgov {

namespace {

bool is_json(Format f) { return f == Format::json || f == Format::ndjson; }

Cell rounded(const std::optional<double>& v) {
  if (!v) return {};
  return round_to_cents(*v);
}

Cell value_or_null(const std::optional<double>& v) {
  if (!v) return {};
  return *v;
}

/// A rate field is shown as a rate, a count as a number.
ColumnType value_type(const std::string& field) {
  const bool rate = field.size() > 5 && field.compare(field.size() - 5, 5, "_rate") == 0;
  if (rate) return ColumnType::rate;
  return field == "median_hours_to_close" ? ColumnType::hours : ColumnType::number;
}

}  // namespace

Table attendance_table(const std::vector<AttendanceRow>& rows, AttendanceGrouping by,
                       Format format) {
  const bool workers = by == AttendanceGrouping::worker;
  Table t;
  if (workers)
    t.columns = {text_column("worker"), text_column("name"), text_column("unit")};
  else
    t.columns = {text_column("group"), text_column("name")};
  for (const char* c : {"workdays", "days_present", "patrol_days", "grids_covered"})
    t.columns.push_back(number_column(c));
  t.columns.push_back(number_column("attendance_rate", ColumnType::rate));
  t.columns.push_back(number_column("out_of_scope"));
  for (const auto& r : rows) {
    std::vector<Cell> row = {r.code, r.name};
    if (workers) row.push_back(text_or_null(r.unit));
    const auto rate = r.attendance_rate();
    row.insert(row.end(), {r.workdays, r.days_present, r.patrol_days, r.grids_covered,
                           rate              ? Cell{*rate}
                           : is_json(format) ? Cell{0.0}
                                             : Cell{},
                           r.out_of_scope});
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table assessment_table(const std::vector<AssessmentRow>& rows, Format format) {
  Table t{{text_column("group"), text_column("name"), number_column("score", ColumnType::number),
           number_column("rank"), number_column("policy_version")},
          {}};
  const bool nested = is_json(format);
  if (nested) {
    t.columns.push_back(typed_column("indicators", ColumnType::table));
  } else if (!rows.empty()) {
    for (const auto& i : rows.front().indicators) {
      t.columns.push_back(number_column(i.field + "_value", value_type(i.field)));
      t.columns.push_back(number_column(i.field + "_points", ColumnType::number));
    }
  }
  for (const auto& r : rows) {
    std::vector<Cell> row = {r.group, r.name, rounded(r.score),
                             r.rank ? Cell{static_cast<long long>(*r.rank)} : Cell{},
                             static_cast<long long>(r.policy_version)};
    if (nested) {
      auto indicators = std::make_shared<Table>();
      indicators->columns = {text_column("field"), number_column("value", ColumnType::number),
                             number_column("weight", ColumnType::number),
                             number_column("points", ColumnType::number)};
      for (const auto& i : r.indicators)
        indicators->rows.push_back({i.field, value_or_null(i.value), i.weight, rounded(i.points)});
      row.emplace_back(std::shared_ptr<const Table>(std::move(indicators)));
    } else {
      for (const auto& i : r.indicators) {
        row.push_back(value_or_null(i.value));
        row.push_back(rounded(i.points));
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table attendance_import_table(
    const std::vector<std::pair<std::string, AttendanceImportReport>>& files) {
  Table t{{text_column("kind"), text_column("file"), number_column("added"),
           number_column("present"), number_column("rejected")},
          {}};
  for (const auto& [path, r] : files)
    t.rows.push_back({std::string("attendance"), path, r.added, r.present, 0LL});
  return t;
}

Table subsidy_table(const std::vector<SubsidyRow>& rows) {
  Table t{{text_column("worker"), text_column("name"), text_column("deployment"),
           text_column("department"), number_column("days"),
           Column{"amount", {}, ColumnType::text, Align::right}},
          {}};
  for (const auto& r : rows)
    t.rows.push_back({text_or_null(r.worker), r.name,
                      r.deployment ? Cell{std::string(to_string(*r.deployment))} : Cell{},
                      text_or_null(r.department), r.days, format_yuan(r.amount)});
  return t;
}

}  // namespace gridgov
