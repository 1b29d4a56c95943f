#pragma once
// How cases and events look in gridctl's output formats.

#include <chrono>
#include <vector>

#include "gridgov/case.hpp"
#include "output.hpp"

namespace gridctl {

/// The case object of `case show` (with `events`) and of `case list` (without).
[[nodiscard]] nlohmann::ordered_json case_json(const gridgov::Case& c, std::chrono::minutes offset,
                                               gridgov::Timestamp now,
                                               const std::vector<gridgov::Event>* events = nullptr);

[[nodiscard]] nlohmann::ordered_json event_json(const gridgov::Event& e,
                                                std::chrono::minutes offset);

/// Rows: the case object's scalar fields (csv), or the few a person scans (`compact`).
[[nodiscard]] Table case_table(const std::vector<gridgov::Case>& cases, std::chrono::minutes offset,
                               gridgov::Timestamp now, bool compact);

[[nodiscard]] Table event_table(const std::vector<gridgov::Event>& events,
                                std::chrono::minutes offset);

/// Prints cases in the chosen format: json/ndjson as case objects, the rest as a table.
void print_cases(const Printer& out, const std::vector<gridgov::Case>& cases,
                 std::chrono::minutes offset, gridgov::Timestamp now);

}  // namespace gridctl
