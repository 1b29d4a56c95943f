#pragma once

namespace gridgov {

/// The library's version, as `major.minor.patch`.
inline constexpr const char* k_version = "0.1.0";

}  // namespace gridgov
