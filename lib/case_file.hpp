#pragma once
// The columns of a cases file (docs/design.md §5), in the order `export cases` writes them as CSV;
// `import cases` reads them by name, English or Chinese. One list, so that export and import
// cannot drift apart: whatever one writes, the other reads. Internal to lib/.

#include <cstddef>
#include <vector>

#include "csv.hpp"

namespace gridgov::detail {

enum CaseColumn : std::size_t {
  // What the export's CSV carries, in its order.
  id,
  ext_id,
  source,
  grid,
  category,
  kind,
  title,
  description,
  reporter,
  reported_at,
  status,
  level,
  unit,
  department,
  deadline,
  rework,
  resolved_at,
  closed_at,
  events,
  service,  ///< kind service: the policy service (schema 7); after the older columns
  lon,      ///< where it happened, WGS-84 degrees (schema 9); last, so older files read as before
  lat,
  // What the export's JSON carries besides (the fields of `case show`); read as information.
  due,
  overdue,
  stage_overdue,
  suspended,
  extended,
  supervision,
  whistled,
  k_case_columns
};

/// The columns the CSV export writes: `id` … `events`, `service`, `lon`, `lat`.
inline constexpr std::size_t k_exported_case_columns = lat + 1;

/// Each column's spec (name, accepted aliases, required by an import), indexed by CaseColumn.
[[nodiscard]] const std::vector<ColumnSpec>& case_file_columns();

}  // namespace gridgov::detail
