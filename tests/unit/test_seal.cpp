#include "gridgov/seal.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "county.hpp"
#include "gridgov/cases.hpp"
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

namespace {

Timestamp sept(unsigned day, int hour) {
  using namespace std::chrono;
  return sys_days(year{2026} / September / std::chrono::day{day}) + hours(hour);
}

}  // namespace

TEST_CASE("a seal checks against its database, and names what changed since") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("gridgov-seal-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string key = (dir / "county.key").string();
  (void)generate_key(key);

  Session s = gridgov::testing::ready_store();
  ReportRequest r;
  r.kind = Kind::problem;
  r.source = Source::patrol;
  r.category = "environment_sanitation";
  r.title = "垃圾堆放";
  r.grid = "G1";
  const long long id = log_case(s, r, "g1", sept(2, 9)).id;
  // The built-in policy's backfill (24h), not the tests' ten years: September is final by now.
  (void)load_policy(s.store(), std::string(default_policy_text()), "policy.toml", sept(30, 0));
  const Period september = *month_period("2026-09", s.utc_offset());
  const std::string seal = make_seal(s, september, key);
  CHECK(seal.find("\"month\": \"2026-09\"") != std::string::npos);

  const SealCheck ok = check_seal(s, seal, "seal.json", key + ".pub");
  CHECK(ok.county == "C");
  CHECK(ok.head_event == 1);
  CHECK(ok.towns == 2);

  // A figure of the seal edited: its signature no longer holds.
  std::string edited = seal;
  const auto at = edited.find("\"reported\": 1");
  REQUIRE(at != std::string::npos);
  edited.replace(at, 13, "\"reported\": 2");
  try {
    (void)check_seal(s, edited, "seal.json", key + ".pub");
    FAIL("an edited seal checked");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::tampered);
    CHECK(std::string(e.what()).find("signature") != std::string::npos);
  }

  // The case's row changed behind gridgov: the chain's replay tells.
  {
    auto tx = s.store().begin_write();
    Case c = *s.store().find_case(id);
    c.status = Status::closed;
    s.store().update_case(c);
    tx->commit();
  }
  try {
    (void)check_seal(s, seal, "seal.json", key + ".pub");
    FAIL("a changed row passed");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::tampered);
    CHECK(std::string(e.what()).find("status") != std::string::npos);
  }
  CHECK_THROWS_AS((void)check_seal(s, "{\"seal\": ", "seal.json", key + ".pub"), Error);
  fs::remove_all(dir);
}
