#include "gridgov/seal.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gridgov/error.hpp"

using namespace gridgov;

TEST_CASE("generate_key writes a private key only its owner reads, and never replaces one") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("gridgov-key-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string key = (dir / "county.key").string();
  const std::string fingerprint = generate_key(key);
  CHECK(fingerprint.size() == 64);
  struct stat st {};
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(key_fingerprint(key + ".pub") == fingerprint);

  std::ifstream in(key);
  std::stringstream before;
  before << in.rdbuf();
  try {
    (void)generate_key(key);
    FAIL("a second key over the first");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::refused);
  }
  std::ifstream again(key);
  std::stringstream after;
  after << again.rdbuf();
  CHECK(after.str() == before.str());
  // A public key file only: the .pub beside a new name is refused too.
  fs::rename(key, dir / "moved.key");
  CHECK_THROWS_AS((void)generate_key(key), Error);
  CHECK_FALSE(fs::exists(key));
  fs::remove_all(dir);
}
