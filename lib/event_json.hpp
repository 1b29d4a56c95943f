#pragma once
// An event read back from the object `event_table` (views.hpp) writes: the `events` column of a
// cases file. Both directions live in views.cpp, side by side. Internal to lib/.

#include <chrono>
#include <nlohmann/json.hpp>

#include "gridgov/case.hpp"

namespace gridgov::detail {

/// The event an `events` entry describes; throws std::runtime_error naming what is missing.
[[nodiscard]] Event event_from_json(const nlohmann::json& j, std::chrono::minutes offset);

}  // namespace gridgov::detail
