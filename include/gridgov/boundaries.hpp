#pragma once
#include "gridgov/geo.hpp"
#include "gridgov/session.hpp"

namespace gridgov {
[[nodiscard]] std::vector<GridShape> grid_shapes(Session& session);
}
