#pragma once
// The whole of libgridgov's public face.

#include "gridgov/error.hpp"
#include "gridgov/layout.hpp"
#include "gridgov/level.hpp"
#include "gridgov/location.hpp"
#include "gridgov/model.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/service.hpp"
#include "gridgov/store.hpp"
#include "gridgov/text.hpp"
#include "gridgov/time.hpp"
#include "gridgov/unit_tree.hpp"
#include "gridgov/version.hpp"
#include "gridgov/workers.hpp"
