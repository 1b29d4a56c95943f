#pragma once
// Opening input files and reading them whole, within gridgov's limits (gridgov/limits.hpp): a
// directory is refused as a file, a file read whole stops at its size limit and at its first NUL
// byte. Implemented in files.cpp. Internal to lib/.

#include <cstddef>
#include <fstream>
#include <string>
#include <string_view>

namespace gridgov::detail {

/// Opens `path` (not `-`) for reading. A missing or unreadable file is ErrorCode::not_found; a
/// directory is rejected input (`d: is a directory, not a file`, exit 3).
void open_input(const std::string& path, std::ifstream& in);

/// Line and column (1-based; the column in characters) of byte `offset` of `text`.
void line_column(std::string_view text, std::size_t offset, int& line, int& column) noexcept;

/// Why a file read whole was refused for its size: `larger than 1 MiB: too big to be read whole`.
[[nodiscard]] std::string too_big_reason(std::size_t max_bytes);

/// The reason every reader gives for a NUL byte, where it stops reading.
inline constexpr std::string_view k_nul_reason = "NUL byte: not a text file";

}  // namespace gridgov::detail
