#pragma once
// Exports (docs/design.md §6): cases or events streamed out in constant memory. A cases export
// in CSV or NDJSON is a cases file `import cases` reads back, to the same statistics.

#include <iosfwd>
#include <optional>
#include <string_view>

#include "gridgov/render.hpp"
#include "gridgov/session.hpp"
#include "gridgov/stats.hpp"
#include "gridgov/store.hpp"

namespace gridgov {

enum class ExportFormat { csv, json, ndjson, open311 };

[[nodiscard]] constexpr std::optional<ExportFormat> parse_export_format(
    std::string_view s) noexcept {
  if (s == "csv") return ExportFormat::csv;
  if (s == "json") return ExportFormat::json;
  if (s == "ndjson") return ExportFormat::ndjson;
  if (s == "open311") return ExportFormat::open311;
  return std::nullopt;
}

/// The cases reported in `period`, by id, each with its whole history: CSV with the cases
/// file's columns, JSON/NDJSON as `case show` objects, or Open311 (GeoReport v2) requests.
///
/// **Example**: `export_cases(session, Period{from, to}, ExportFormat::csv, std::cout);`
void export_cases(Session& session, const Period& period, ExportFormat format, std::ostream& out);

/// The cases `filter` matches (as `case list` matches them: reported in its range, standing as
/// it says at the export's time), by id, each with its whole history. `options` select columns,
/// and for CSV the language of headers and code words and a BOM. An `info` case's `closed_at`
/// is its report time (it is closed when recorded).
void export_cases(Session& session, const CaseFilter& filter, ExportFormat format,
                  std::ostream& out, const RenderOptions& options = {});

/// The events that happened in `period`, oldest first, each with its case's report. Open311
/// describes requests, not events: ErrorCode::usage.
void export_events(Session& session, const Period& period, ExportFormat format, std::ostream& out,
                   const RenderOptions& options = {});

}  // namespace gridgov
