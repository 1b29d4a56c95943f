#include "gridgov/unit_lookup.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace gridgov;

namespace {

StoredUnit unit(std::string code, Level level, std::string parent, std::string name) {
  StoredUnit s;
  s.unit = Unit{std::move(code), std::move(name), level, std::move(parent), {}, {}};
  return s;
}

/// 县 ─ 石莲子镇 (T1) ─ 前店村 (V1), 后店村 (V2); 大店镇 (T2) ─ 前店村 (V3).
UnitTree tree() {
  return UnitTree(
      {unit("C", Level::county, "", "县"), unit("T1", Level::town, "C", "石莲子镇"),
       unit("V1", Level::village, "T1", "前店村"), unit("V2", Level::village, "T1", "后店村"),
       unit("T2", Level::town, "C", "大店镇"), unit("V3", Level::village, "T2", "前店村")});
}

}  // namespace

TEST_CASE("find_unit: a code, else a unique name") {
  const UnitTree t = tree();
  CHECK(find_unit(t, "T1").name == "石莲子镇");
  CHECK(find_unit(t, "石莲子镇").code == "T1");
  CHECK(find_unit(t, "后店村").code == "V2");
  // The name is read as names are stored: NFC, trimmed.
  CHECK(find_unit(t, " 大店镇").code == "T2");
}

TEST_CASE("find_unit: no such unit is not_found, a shared name is usage listing the codes") {
  const UnitTree t = tree();
  try {
    (void)find_unit(t, "无此镇");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::not_found);
  }
  try {
    (void)find_unit(t, "前店村");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::usage);
    const std::string what = e.what();
    CHECK(what.find("V1 (village)") != std::string::npos);
    CHECK(what.find("V3 (village)") != std::string::npos);
  }
  CHECK(units_named(t, "前店村").size() == 2);
  CHECK(units_named(t, "\xff").empty());
}
