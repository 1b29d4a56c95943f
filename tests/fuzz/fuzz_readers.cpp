// A fuzz target for every reader: the first byte picks the reader, the rest is the file.
// Built with clang's libFuzzer by scripts/fuzz; built with g++ as `fuzz_replay`, it runs each
// file of tests/data through the same entry point (a regression test, under ASan in CI).

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "gridgov/readers.hpp"

namespace {

std::string scratch_file(const char* suffix) {
  static const std::string base = "/tmp/gridgov-fuzz-" + std::to_string(getpid());
  return base + suffix;
}

void write(const std::string& path, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

void check(const gridgov::Diagnostics& d) {
  for (const auto& diag : d.list())
    if (diag.line < 0 || diag.column < 0 || diag.reason.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t which = data[0] % 6;
  ++data;
  --size;
  gridgov::Diagnostics diagnostics(50);
  try {
    switch (which) {
      case 0:
      case 1:
      case 2: {
        static const char* suffixes[] = {".csv", ".toml", ".json"};
        const std::string path = scratch_file(suffixes[which]);
        write(path, data, size);
        gridgov::LayoutInput layout;
        gridgov::read_layout({path}, layout, diagnostics);
        break;
      }
      case 3: {
        const std::string path = scratch_file("-workers.csv");
        write(path, data, size);
        (void)gridgov::read_workers(path, diagnostics);
        break;
      }
      case 4:
        (void)gridgov::parse_policy(std::string_view(reinterpret_cast<const char*>(data), size),
                                    "policy.toml", diagnostics);
        break;
      case 5: {
        const std::string path = scratch_file("-cases.csv");
        write(path, data, size);
        gridgov::CaseRows rows(path, std::chrono::hours(8), diagnostics);
        gridgov::CaseRow row;
        while (rows.next(row)) {
        }
        break;
      }
    }
  } catch (const gridgov::Error&) {
    // Refusing input is fine; crashing on it is not.
  }
  check(diagnostics);
  return 0;
}

#ifdef GRIDGOV_FUZZ_REPLAY
// Replays files: each is fed to every reader.
int main(int argc, char** argv) {
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (std::uint8_t which = 0; which < 6; ++which) {
      std::string input(1, static_cast<char>(which));
      input += text;
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    }
    ++files;
  }
  for (const char* suffix : {".csv", ".toml", ".json", "-workers.csv", "-cases.csv"})
    std::remove(scratch_file(suffix).c_str());
  std::printf("fuzz_replay: %d files through 6 readers, no crash\n", files);
  return 0;
}
#endif
