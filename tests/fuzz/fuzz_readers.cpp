// A fuzz target for every reader: the first byte picks the reader (unless GRIDGOV_FUZZ_READER
// pins one), the rest is the file.
// 0-2 layout CSV/TOML/JSON, 3 workers, 4 policy, 5 cases CSV, 6 cases NDJSON, 7 the `events`
// column of a cases file (the rest is the column's JSON text).
// Built with clang's libFuzzer by scripts/fuzz; built with g++ as `fuzz_replay`, it runs each
// file of tests/data through the same entry point (a regression test, under ASan in CI).

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

void read_cases(const std::string& path, gridgov::Diagnostics& diagnostics) {
  gridgov::CaseRows rows(path, std::chrono::hours(8), diagnostics);
  gridgov::CaseRow row;
  while (rows.next(row)) {
  }
}

constexpr std::uint8_t k_readers = 8;

/// The reader GRIDGOV_FUZZ_READER pins (scripts/fuzz --each fuzzes one reader at a time), or -1:
/// then the first byte picks it.
int pinned_reader() {
  static const int pinned = [] {
    const char* env = std::getenv("GRIDGOV_FUZZ_READER");
    return env && *env ? std::atoi(env) % k_readers : -1;
  }();
  return pinned;
}

void check(const gridgov::Diagnostics& d) {
  for (const auto& diag : d.list())
    if (diag.line < 0 || diag.column < 0 || diag.reason.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t which =
      pinned_reader() >= 0 ? static_cast<std::uint8_t>(pinned_reader()) : data[0] % k_readers;
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
      case 5:
      case 6: {
        const std::string path = scratch_file(which == 5 ? "-cases.csv" : "-cases.ndjson");
        write(path, data, size);
        read_cases(path, diagnostics);
        break;
      }
      case 7: {
        // One good row whose events are the input: in a CSV column, quoted as CSV quotes it,
        // and as the value of an NDJSON line's "events".
        const std::string_view input(reinterpret_cast<const char*>(data), size);
        std::string csv =
            "ext_id,source,grid,category,title,reporter,reported_at,events\n"
            "f1,patrol,G1,road,t,admin,2026-10-03T09:00,\"";
        for (char c : input) csv += c == '"' ? std::string("\"\"") : std::string(1, c);
        csv += "\"\n";
        std::string ndjson =
            R"({"ext_id":"f1","source":"patrol","grid":"G1","category":"road","title":"t",)"
            R"("reporter":"admin","reported_at":"2026-10-03T09:00","events":)";
        ndjson.append(input).append("}\n");
        for (const auto& [suffix, text] :
             {std::pair{"-events.csv", &csv}, std::pair{"-events.ndjson", &ndjson}}) {
          const std::string path = scratch_file(suffix);
          write(path, reinterpret_cast<const std::uint8_t*>(text->data()), text->size());
          read_cases(path, diagnostics);
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
    for (std::uint8_t which = 0; which < k_readers; ++which) {
      std::string input(1, static_cast<char>(which));
      input += text;
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
    }
    ++files;
  }
  for (const char* suffix : {".csv", ".toml", ".json", "-workers.csv", "-cases.csv",
                             "-cases.ndjson", "-events.csv", "-events.ndjson"})
    std::remove(scratch_file(suffix).c_str());
  std::printf("fuzz_replay: %d files through %d readers, no crash\n", files, k_readers);
  return 0;
}
#endif
