#include "gridgov/readers.hpp"

#include <doctest/doctest.h>

#include "gridgov/limits.hpp"
#include "gridgov/text.hpp"
#include "helpers.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;
using namespace std::string_literals;
namespace fs = std::filesystem;

namespace {

/// A fresh directory under the system's temp directory, removed with everything in it.
std::string all(const Diagnostics& d) {
  std::string out;
  for (const auto& x : d.list()) out += x.to_string() + "\n";
  return out;
}

const std::string k_header =
    "town_code,town_name,zone_code,zone_name,village_code,village_name,grid_code,grid_name";

const LayoutEntry* find(const LayoutInput& in, const std::string& code) {
  for (const auto& e : in.entries)
    if (e.unit.code == code) return &e;
  return nullptr;
}

}  // namespace

// ---- policy ----------------------------------------------------------------------------------

namespace {

const char* const k_good_policy = R"(timezone = "+05:30"
auto_escalate = true
daily_reports_per_grid = 3

[deadlines]
grid = "12h"
village = "1d12h"
zone = "3d"
town = "4d"
county = "10d"
verification = "90m"

[[departments]]
code = "housing"
name = " 县住房和城乡建设局 "

[[departments]]
code = "police"
name = "县公安局"

[[categories]]
code = "illegal_construction"
name = "违法建设"
authority = "镇街"
department = "housing"
deadline = "5d"

[[categories]]
code = "public_order"
name = "社会治安"
authority = "zone"
urgent = true
)";

/// The single diagnostic parsing `text` gives.
Diagnostic only_diagnostic(const std::string& text) {
  Diagnostics d;
  (void)parse_policy(text, "policy.toml", d);
  INFO(all(d));
  REQUIRE(d.list().size() == 1);
  return d.list()[0];
}

}  // namespace

TEST_CASE("parse_policy reads a good policy") {
  Diagnostics d;
  const Policy p = parse_policy(k_good_policy, "policy.toml", d);
  INFO(all(d));
  REQUIRE(d.empty());
  using std::chrono::hours;
  using std::chrono::minutes;
  CHECK(p.utc_offset == minutes(330));
  CHECK(p.auto_escalate);
  CHECK(p.daily_reports_per_grid == 3);
  CHECK(p.deadlines.level[index(Level::grid)] == hours(12));
  CHECK(p.deadlines.level[index(Level::village)] == hours(36));
  CHECK(p.deadlines.level[index(Level::zone)] == hours(72));
  CHECK(p.deadlines.level[index(Level::town)] == hours(96));
  CHECK(p.deadlines.level[index(Level::county)] == hours(240));
  CHECK(p.deadlines.verification == minutes(90));
  REQUIRE(p.departments.size() == 2);
  CHECK(p.departments[0] == Department{"housing", "县住房和城乡建设局"});  // name trimmed
  REQUIRE(p.categories.size() == 2);
  const Category& ic = p.categories[0];
  CHECK(ic.code == "illegal_construction");
  CHECK(ic.authority == Level::town);  // a Chinese level word
  CHECK(ic.department == "housing");
  CHECK(ic.deadline == hours(120));
  CHECK_FALSE(ic.urgent);
  const Category& po = p.categories[1];
  CHECK(po.authority == Level::zone);
  CHECK(po.department.empty());
  CHECK_FALSE(po.deadline.has_value());
  CHECK(po.urgent);
}

TEST_CASE("parse_policy: an unknown level names its line and column") {
  const Diagnostic diag = only_diagnostic(R"(timezone = "+08:00"

[[categories]]
code = "dispute"
name = "矛盾纠纷"
authority = "province"
)");
  CHECK(diag.file == "policy.toml");
  CHECK(diag.line == 6);
  CHECK(diag.column == 13);
  CHECK(diag.field == "categories[0].authority");
  CHECK(contains(diag.reason, "province"));
}

TEST_CASE("parse_policy: an unknown department names its line and column") {
  const Diagnostic diag = only_diagnostic(R"([[departments]]
code = "housing"
name = "住建局"

[[categories]]
code = "dispute"
name = "矛盾纠纷"
authority = "village"
department = "justice"
)");
  CHECK(diag.line == 9);
  CHECK(diag.column == 14);
  CHECK(diag.field == "categories[0].department");
  CHECK(contains(diag.reason, "justice"));
}

TEST_CASE("parse_policy: a bad duration names its line and column") {
  const Diagnostic diag = only_diagnostic(R"([deadlines]
grid = "24h"
village = "two days"
)");
  CHECK(diag.line == 3);
  CHECK(diag.column == 11);
  CHECK(diag.field == "deadlines.village");
  CHECK(contains(diag.reason, "two days"));
}

TEST_CASE("parse_policy: a zero category deadline is refused") {
  const Diagnostic diag = only_diagnostic(R"([[categories]]
code = "dispute"
name = "矛盾纠纷"
authority = "village"
deadline = "0h"
)");
  CHECK(diag.line == 5);
  CHECK(diag.field == "categories[0].deadline");
}

TEST_CASE("parse_policy: an unknown key names its line") {
  const Diagnostic diag = only_diagnostic(R"(timezone = "+08:00"
auto_escalte = true
)");
  CHECK(diag.line == 2);
  CHECK(diag.column > 0);
  CHECK(contains(diag.reason, "auto_escalte"));
}

TEST_CASE("parse_policy: an unknown key in a department names its line") {
  const Diagnostic diag = only_diagnostic(R"([[departments]]
code = "housing"
name = "住建局"
phone = "12345"
)");
  CHECK(diag.line == 4);
  CHECK(contains(diag.reason, "phone"));
}

TEST_CASE("parse_policy: a TOML syntax error names its line and column") {
  const Diagnostic diag = only_diagnostic(R"(timezone = "+08:00"
auto_escalate = false
[deadlines
grid = "24h"
)");
  CHECK(diag.file == "policy.toml");
  CHECK(diag.line == 3);
  CHECK(diag.column > 0);
}

TEST_CASE("parse_policy: a bad timezone is refused") {
  const Diagnostic diag = only_diagnostic("timezone = \"Asia/Shanghai\"\n");
  CHECK(diag.line == 1);
  CHECK(diag.field == "timezone");
}

TEST_CASE("parse_policy: a department defined twice is refused") {
  const Diagnostic diag = only_diagnostic(R"([[departments]]
code = "housing"
name = "住建局"

[[departments]]
code = "housing"
name = "住建局二"
)");
  CHECK(diag.line == 6);
  CHECK(contains(diag.reason, "twice"));
}

TEST_CASE("parse_policy lists every problem, not just the first") {
  Diagnostics d;
  (void)parse_policy(R"([deadlines]
grid = "soon"
town = "-1d"

[[categories]]
code = "x"
name = "x"
authority = "moon"
)",
                     "policy.toml", d);
  CHECK(d.list().size() == 3);
}

// ---- layout CSV ------------------------------------------------------------------------------

TEST_CASE("read_layout reads a CSV into units, parents first") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header +
                                  ",households,population\n"
                                  "T1,大店镇,Z1,第一片区,V1,东湖社区,G1,东湖社区第1网格,433,1326\n"
                                  "T1,大店镇,Z1,第一片区,V1,东湖社区,G2,东湖社区第2网格,,\n"
                                  "T1,大店镇,Z2,第二片区,V2,西湖村,G3,西湖村第1网格,10,20\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  CHECK_FALSE(in.county.has_value());
  REQUIRE(in.entries.size() == 8);
  std::vector<std::string> codes;
  for (const auto& e : in.entries) codes.push_back(e.unit.code);
  CHECK(codes == std::vector<std::string>{"T1", "Z1", "V1", "G1", "G2", "Z2", "V2", "G3"});
  const LayoutEntry* t1 = find(in, "T1");
  CHECK(t1->unit.level == Level::town);
  CHECK(t1->unit.parent.empty());  // a CSV leaves the town's parent to the database
  const LayoutEntry* g1 = find(in, "G1");
  CHECK(g1->unit.level == Level::grid);
  CHECK(g1->unit.name == "东湖社区第1网格");
  CHECK(g1->unit.parent == "V1");
  CHECK(g1->unit.households == 433);
  CHECK(g1->unit.population == 1326);
  CHECK(g1->code_at.line == 2);
  CHECK(g1->code_at.file == path);
  CHECK_FALSE(find(in, "G2")->unit.households.has_value());
  CHECK(find(in, "V2")->unit.parent == "Z2");
  CHECK(find(in, "Z2")->unit.parent == "T1");
}

TEST_CASE("read_layout CSV: a BOM is skipped and does not shift columns") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv",
                "\xEF\xBB\xBFtown_code,bogus,town_name,zone_code,zone_name,village_code,"
                "village_name,grid_code,grid_name\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d, ReadOptions{Encoding::utf8, true});  // --strict: an error
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 1);
  CHECK(d.list()[0].column == 11);
  CHECK(contains(d.list()[0].reason, "bogus"));
}

TEST_CASE("read_layout CSV: a BOM with a good file reads cleanly") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", "\xEF\xBB\xBF" + k_header + "\nT1,镇,Z1,片,V1,村,G1,网格\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  CHECK(d.empty());
  CHECK(in.entries.size() == 4);
  CHECK(find(in, "T1") != nullptr);
}

TEST_CASE("read_layout CSV: CRLF line ends read like LF") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header +
                                                       "\r\n"
                                                       "T1,镇,Z1,片,V1,村,G1,网格一\r\n"
                                                       "T1,镇,Z1,片,V1,村,G 2,网格二\r\n"
                                                       "T1,镇,Z1,片,V1,村,G3,\"网格\r\n三\"\r\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].field == "grid_code");
  REQUIRE(find(in, "G1") != nullptr);
  CHECK(find(in, "G1")->unit.name == "网格一");
  REQUIRE(find(in, "G3") != nullptr);
  CHECK(find(in, "G3")->unit.name == "网格\n三");  // CRLF inside quotes reads as LF
  CHECK(find(in, "G3")->code_at.line == 4);
}

TEST_CASE("read_layout CSV: quoted fields hold commas, quotes and newlines") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header +
                                  "\n"
                                  "T1,镇,Z1,片,V1,\"东湖,社区\",G1,\"网格\n一\"\n"
                                  "T1,镇,Z1,片,V1,\"东湖,社区\",G2,\"\"\"新\"\"网格\"\n"
                                  "T1,镇,Z1,片,V1,\"东湖,社区\",,网格三\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  // The row with the empty grid code starts on line 5, after the two-line record.
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 5);
  CHECK(d.list()[0].field == "grid_code");
  CHECK(d.list()[0].reason == "empty code");
  REQUIRE(find(in, "V1") != nullptr);
  CHECK(find(in, "V1")->unit.name == "东湖,社区");
  REQUIRE(find(in, "G1") != nullptr);
  CHECK(find(in, "G1")->unit.name == "网格\n一");
  REQUIRE(find(in, "G2") != nullptr);
  CHECK(find(in, "G2")->unit.name == "\"新\"网格");
  CHECK(find(in, "G2")->code_at.line == 4);
}

TEST_CASE("read_layout CSV: Chinese headers in any order") {
  TempDir dir;
  const std::string path = dir.write(
      "layout.csv",
      "网格编码,网格名称,村居编码,村居名称,片区编码,片区名称,镇街编码,镇街名称,户数,人口\n"
      "G1,第1网格,V1,东湖社区,Z1,第一片区,T1,大店镇,120,360\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(in.entries.size() == 4);
  CHECK(in.entries[0].unit.code == "T1");
  CHECK(in.entries[0].unit.name == "大店镇");
  const LayoutEntry* g = find(in, "G1");
  REQUIRE(g != nullptr);
  CHECK(g->unit.parent == "V1");
  CHECK(g->unit.households == 120);
  CHECK(g->unit.population == 360);
  CHECK(g->code_at.column == 1);
  CHECK(g->code_at.field == "网格编码");  // diagnostics use the header as the file wrote it
}

TEST_CASE("read_layout CSV: an unknown column is named with its place") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header + ",remarks\nT1,镇,Z1,片,V1,村,G1,网格,x\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  // Ignored with a warning at its place (Excel sheets carry 序号, 备注…); --strict refuses it.
  CHECK(d.list().empty());
  CHECK(in.entries.size() == 4);
  REQUIRE(d.warnings().size() == 1);
  CHECK(d.warnings()[0].line == 1);
  CHECK(d.warnings()[0].column == static_cast<int>(k_header.size()) + 2);
  CHECK(contains(d.warnings()[0].reason, "remarks"));

  LayoutInput strict_in;
  Diagnostics strict;
  read_layout({path}, strict_in, strict, ReadOptions{Encoding::utf8, true});
  REQUIRE(strict.list().size() == 1);
  CHECK(strict.list()[0].column == static_cast<int>(k_header.size()) + 2);
  CHECK(contains(strict.list()[0].reason, "remarks"));
}

TEST_CASE("read_layout CSV: a missing required column is named") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv",
                "town_code,town_name,zone_code,zone_name,village_code,village_name,grid_code\n"
                "T1,镇,Z1,片,V1,村,G1\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 1);
  CHECK(contains(d.list()[0].reason, "grid_name"));
  CHECK(in.entries.empty());
}

TEST_CASE("read_layout CSV: a row with the wrong column count names its line") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header +
                                                       "\n"
                                                       "T1,镇,Z1,片,V1,村,G1,网格一\n"
                                                       "T1,镇,Z1,片,V1,村,G2\n"
                                                       "T1,镇,Z1,片,V1,村,G3,网格三,extra\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 2);
  CHECK(d.list()[0].line == 3);
  CHECK(contains(d.list()[0].reason, "8"));
  CHECK(contains(d.list()[0].reason, "7"));
  CHECK(d.list()[1].line == 4);
  CHECK(find(in, "G2") == nullptr);
}

TEST_CASE("read_layout CSV: a code with two names names both lines") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header +
                                                       "\n"
                                                       "T1,大店镇,Z1,片,V1,村,G1,网格一\n"
                                                       "T1,大店镇,Z1,片,V1,村,G2,网格二\n"
                                                       "T1,大店街道,Z1,片,V1,村,G3,网格三\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  const Diagnostic& diag = d.list()[0];
  CHECK(diag.file == path);
  CHECK(diag.line == 4);
  CHECK(diag.column == 4);
  CHECK(diag.field == "town_name");
  CHECK(contains(diag.reason, path + ":2"));
}

TEST_CASE("read_layout CSV: a village under two zones names both lines") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header +
                                                       "\n"
                                                       "T1,镇,Z1,片一,V1,村,G1,网格一\n"
                                                       "T1,镇,Z2,片二,V1,村,G2,网格二\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].field == "zone_code");
  CHECK(contains(d.list()[0].reason, path + ":2"));
}

TEST_CASE("read_layout: a code conflict across two files names both files") {
  TempDir dir;
  const std::string a = dir.write("a.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,网格一\n");
  const std::string b = dir.write("b.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,网格壹\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({a, b}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].file == b);
  CHECK(d.list()[0].line == 2);
  CHECK(contains(d.list()[0].reason, a + ":2"));
}

TEST_CASE("read_layout CSV: bad UTF-8 is reported at line and character column") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header +
                                                       "\n"
                                                       "T1,镇,Z1,片,V1,村,G1,网格一\n"
                                                       "T1,镇,Z1,片,V1,村,G2,ab\xFF\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].column == 21);
  CHECK(contains(d.list()[0].reason, "UTF-8"));
  CHECK(find(in, "G2") == nullptr);
}

TEST_CASE("read_layout CSV: bad UTF-8 inside a quoted field") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,\"网\xFF\"\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 2);
  CHECK(d.list()[0].column == 21);  // the quote is column 19, 网 20, the bad byte 21
}

TEST_CASE("read_layout CSV: a NUL byte is reported") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,网格一\n" +
                                                       "T1,镇,Z1,片,V1,村,G\0"
                                                       "2,网格二\n"s);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].column == 17);  // grid_code "G" is column 16
  CHECK(contains(d.list()[0].reason, "NUL"));
  CHECK(find(in, "G1") != nullptr);
}

TEST_CASE("read_layout CSV: every bad row is listed, up to max_errors") {
  TempDir dir;
  std::string text = k_header + "\n";
  for (int i = 0; i < 30; ++i) text += "T1,镇,Z1,片,V1,村,G " + std::to_string(i) + ",网格\n";
  const std::string path = dir.write("layout.csv", text);
  LayoutInput in;
  Diagnostics d(5);
  read_layout({path}, in, d);
  CHECK(d.list().size() == 5);
  CHECK(d.list()[4].line == 6);
  const auto e = error_of([&] { d.throw_if_any(); });
  REQUIRE(e.has_value());
  CHECK(e->more() == 25);
}

TEST_CASE("read_layout CSV: a negative household count is refused") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header + ",households\nT1,镇,Z1,片,V1,村,G1,网格,-4\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].field == "households");
  CHECK(d.list()[0].line == 2);
}

TEST_CASE("read_layout CSV: names are NFC-normalised and trimmed") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header + "\n T1 ,\u3000大店镇 ,Z1,片,V1,村,G1,Cafe\xCC\x81\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  CHECK(find(in, "T1")->unit.name == "大店镇");
  CHECK(find(in, "G1")->unit.name == "Caf\xC3\xA9");
}

TEST_CASE("read_layout CSV: an unterminated quote is reported where the field starts") {
  TempDir dir;
  const std::string path = dir.write(
      "layout.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,网格一\nT1,镇,Z1,片,V1,村,G2,\"网格二\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].column == 19);
  CHECK(contains(d.list()[0].reason, "unterminated"));
  CHECK(find(in, "G2") == nullptr);
}

TEST_CASE("read_layout CSV: text after a closing quote is reported") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,\"网格\"一\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 2);
  CHECK(d.list()[0].column == 23);
  CHECK(find(in, "G1") == nullptr);
}

TEST_CASE("read_layout CSV: a column given twice is reported") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header + ",网格编码\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 1);
  CHECK(contains(d.list()[0].reason, "grid_code"));
  CHECK(contains(d.list()[0].reason, "twice"));
}

TEST_CASE("read_layout CSV: header names ignore case and surrounding blanks") {
  TempDir dir;
  const std::string path = dir.write(
      "layout.csv",
      " Town_Code ,TOWN_NAME,zone code,Zone_Name,village_code,village_name,grid_code,grid_name\n"
      "T1,镇,Z1,片,V1,村,G1,网格\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  CHECK(d.empty());
  CHECK(in.entries.size() == 4);
}

TEST_CASE("read_layout CSV: blank lines are skipped and line numbers stay right") {
  TempDir dir;
  const std::string path = dir.write("layout.csv", k_header +
                                                       "\n\n"
                                                       "T1,镇,Z1,片,V1,村,G1,网格一\n"
                                                       "\n"
                                                       "T1,镇,Z1,片,V1,村,G 2,网格二\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 5);
  CHECK(find(in, "G1")->code_at.line == 3);
}

TEST_CASE("read_layout CSV: an empty file asks for a header") {
  TempDir dir;
  LayoutInput in;
  Diagnostics d;
  read_layout({dir.write("layout.csv", "")}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(contains(d.list()[0].reason, "header"));
}

TEST_CASE("read_layout: problems in every file are listed") {
  TempDir dir;
  const std::string a = dir.write("a.csv", k_header + "\nT1,镇,Z1,片,V1,村,G 1,网格一\n");
  const std::string b = dir.write("b.csv", k_header + "\nT1,镇,Z1,片,V1,村,G 2,网格二\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({a, b}, in, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 2);
  CHECK(d.list()[0].file == a);
  CHECK(d.list()[1].file == b);
}

TEST_CASE("read_layout: a missing file is not_found") {
  TempDir dir;
  LayoutInput in;
  Diagnostics d;
  const auto e = error_of([&] { read_layout({dir.path("nope.csv")}, in, d); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
}

// ---- layout TOML and JSON --------------------------------------------------------------------

TEST_CASE("read_layout reads a nested TOML layout") {
  TempDir dir;
  const std::string path = dir.write("layout.toml", R"([county]
code = "371327"
name = "莒南县"

[[county.towns]]
code = "371327001"
name = "十字路街道"

[[county.towns.zones]]
code = "371327001Z01"
name = "第一片区"

[[county.towns.zones.villages]]
code = "371327001001"
name = "东湖社区"

[[county.towns.zones.villages.grids]]
code = "37132700100101"
name = "东湖社区第1网格"
households = 433
population = 1326

[[county.towns.zones.villages.grids]]
code = "37132700100102"
name = "东湖社区第2网格"
)");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(in.county.has_value());
  CHECK(in.county->unit.code == "371327");
  CHECK(in.county->unit.name == "莒南县");
  CHECK(in.county->unit.level == Level::county);
  REQUIRE(in.entries.size() == 5);
  CHECK(in.entries[0].unit.code == "371327001");
  CHECK(in.entries[0].unit.level == Level::town);
  CHECK(in.entries[0].unit.parent == "371327");
  const LayoutEntry* g = find(in, "37132700100101");
  REQUIRE(g != nullptr);
  CHECK(g->unit.level == Level::grid);
  CHECK(g->unit.parent == "371327001001");
  CHECK(g->unit.households == 433);
  CHECK(g->code_at.line == 18);
  CHECK(find(in, "37132700100102")->code_at.line == 24);
}

TEST_CASE("read_layout TOML: errors carry the line of the value") {
  TempDir dir;
  const std::string path = dir.write("layout.toml", R"([county]
code = "C"
name = "县"

[[county.towns]]
code = "T 1"
name = "镇"
mayor = "someone"
)");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 2);
  bool saw_key = false;
  bool saw_code = false;
  for (const auto& diag : d.list()) {
    if (contains(diag.reason, "mayor")) {
      saw_key = true;
      CHECK(diag.line == 8);
    }
    if (contains(diag.reason, "forbidden character")) {
      saw_code = true;
      CHECK(diag.line == 6);
      CHECK(diag.column == 8);
    }
  }
  CHECK(saw_key);
  CHECK(saw_code);
}

TEST_CASE("read_layout TOML: a syntax error names its line") {
  TempDir dir;
  const std::string path = dir.write("layout.toml", "[county]\ncode = \"C\"\nname = \"县\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].file == path);
}

namespace {

const char* const k_json = R"({
  "county": {
    "code": "371327",
    "name": "莒南县",
    "towns": [
      {
        "code": "T1",
        "name": "大店镇",
        "zones": [
          {
            "code": "Z1",
            "name": "第一片区",
            "villages": [
              {
                "code": "V1",
                "name": "东湖社区",
                "grids": [
                  {"code": "G1", "name": "第1网格", "households": 12, "population": 30},
                  {"code": "G2", "name": "第2网格"}
                ]
              }
            ]
          }
        ]
      }
    ]
  }
}
)";

}  // namespace

TEST_CASE("read_layout reads a nested JSON layout") {
  TempDir dir;
  const std::string path = dir.write("layout.json", k_json);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(in.county.has_value());
  CHECK(in.county->unit.code == "371327");
  REQUIRE(in.entries.size() == 5);
  std::vector<std::string> codes;
  for (const auto& e : in.entries) codes.push_back(e.unit.code);
  CHECK(codes == std::vector<std::string>{"T1", "Z1", "V1", "G1", "G2"});
  const LayoutEntry* g1 = find(in, "G1");
  CHECK(g1->unit.parent == "V1");
  CHECK(g1->unit.households == 12);
  CHECK(g1->unit.population == 30);
  CHECK(g1->code_at.line == 18);
  CHECK(find(in, "G2")->code_at.line == 19);
  CHECK(find(in, "V1")->code_at.line == 15);
  CHECK(find(in, "V1")->name_at.line == 16);
}

namespace {

/// The diagnostics of reading k_json with `from` replaced by `to`.
std::vector<Diagnostic> json_diagnostics(const TempDir& dir,
                                         std::vector<std::pair<std::string, std::string>> edits) {
  std::string text = k_json;
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  }
  LayoutInput in;
  Diagnostics d;
  read_layout({dir.write("layout.json", text)}, in, d);
  return d.list();
}

}  // namespace

TEST_CASE("read_layout JSON: an error on a value reports that value's line and column") {
  TempDir dir;
  SUBCASE("a bad code on line 19") {
    const auto d = json_diagnostics(dir, {{"\"G2\"", "\"G/2\""}});
    REQUIRE(d.size() == 1);
    CHECK(d[0].line == 19);
    CHECK(d[0].column == 28);
    CHECK(d[0].field == "county.towns[0].zones[0].villages[0].grids[1].code");
    CHECK(contains(d[0].reason, "G/2"));
  }
  SUBCASE("an empty name on line 12") {
    const auto d = json_diagnostics(dir, {{"\"第一片区\"", "\"\""}});
    REQUIRE(d.size() == 1);
    CHECK(d[0].line == 12);
    CHECK(d[0].column == 21);
    CHECK(d[0].reason == "empty name");
  }
}

TEST_CASE("read_layout JSON: a string value with a space is placed at its opening quote") {
  TempDir dir;
  const auto d = json_diagnostics(dir, {{"\"G2\"", "\"G 2\""}});
  REQUIRE(d.size() == 1);
  CHECK(d[0].line == 19);
  CHECK(d[0].column == 28);  // as for "G/2", and as the TOML reader does
}

TEST_CASE("read_layout JSON: a unit with a bad name does not hide its children's problems") {
  TempDir dir;
  // Zone Z1 (line 12) gets an empty name; grid G2 below it (line 19) a bad code.
  const auto d = json_diagnostics(dir, {{"\"第一片区\"", "\"\""}, {"\"G2\"", "\"G/2\""}});
  std::string lines;
  for (const auto& x : d) lines += x.to_string() + "\n";
  INFO(lines);
  REQUIRE(d.size() == 2);
  CHECK(d[0].line == 12);
  CHECK(d[1].line == 19);
}

TEST_CASE("read_layout JSON: a number where a string belongs reports its line") {
  TempDir dir;
  std::string text = k_json;
  text.replace(text.find("\"东湖社区\""), std::string("\"东湖社区\"").size(), "42");
  const std::string path = dir.write("layout.json", text);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 16);
  CHECK(d.list()[0].column == 25);
}

TEST_CASE("read_layout JSON: a negative count reports its line") {
  TempDir dir;
  std::string text = k_json;
  text.replace(text.find("\"households\": 12"), std::string("\"households\": 12").size(),
               "\"households\": -1");
  const std::string path = dir.write("layout.json", text);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 18);
  CHECK(d.list()[0].field == "county.towns[0].zones[0].villages[0].grids[0].households");
}

TEST_CASE("read_layout JSON: a syntax error names its line") {
  TempDir dir;
  std::string text = k_json;
  text.erase(text.find("\"code\": \"Z1\",") + 12, 1);  // drop a comma on line 11
  const std::string path = dir.write("layout.json", text);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  // The parser notices at the next token, on line 12.
  CHECK(d.list()[0].line >= 11);
  CHECK(d.list()[0].line <= 12);
}

TEST_CASE("read_layout JSON: bad UTF-8 is reported at line and column") {
  TempDir dir;
  std::string text = k_json;
  text.replace(text.find("第2网格"), std::string("第2网格").size(), "第2\xFF");
  const std::string path = dir.write("layout.json", text);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 19);
  CHECK(d.list()[0].column == 45);
  CHECK(contains(d.list()[0].reason, "UTF-8"));
}

TEST_CASE("read_layout TOML: towns may sit beside the county table") {
  TempDir dir;
  const std::string path = dir.write("layout.toml", R"([county]
code = "C"
name = "县"

[[towns]]
code = "T1"
name = "镇"

[[towns.zones]]
code = "Z1"
name = "片"
)");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(in.entries.size() == 2);
  CHECK(in.entries[0].unit.parent == "C");
  CHECK(in.entries[1].unit.parent == "T1");
}

TEST_CASE("read_layout TOML and JSON accept a BOM") {
  TempDir dir;
  const std::string toml =
      dir.write("layout.toml", "\xEF\xBB\xBF[county]\ncode = \"C\"\nname = \"县\"\n");
  const std::string json =
      dir.write("layout.json", "\xEF\xBB\xBF{\"county\": {\"code\": \"C\", \"name\": \"县\"}}");
  for (const auto& path : {toml, json}) {
    CAPTURE(path);
    LayoutInput in;
    Diagnostics d;
    read_layout({path}, in, d);
    INFO(all(d));
    CHECK(d.empty());
    REQUIRE(in.county.has_value());
    CHECK(in.county->unit.code == "C");
  }
}

TEST_CASE("read_layout JSON: a code written as a number is read as its digits") {
  TempDir dir;
  const std::string path = dir.write(
      "layout.json",
      R"({"county": {"code": 371327, "name": "莒南县", "towns": [{"code": 371327001, "name": "镇"}]}})");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  CHECK(in.county->unit.code == "371327");
  REQUIRE(in.entries.size() == 1);
  CHECK(in.entries[0].unit.code == "371327001");
}

namespace {

const char* const k_toml_town = R"([county]
code = "C"
name = "县"

[[county.towns]]
code = "T1"
name = "大店镇"
)";

}  // namespace

TEST_CASE("read_layout: a CSV and a TOML layout that agree read cleanly together") {
  // The CSV's towns belong to the database's county, which the TOML names: no conflict.
  TempDir dir;
  const std::string toml = dir.write("a.toml", k_toml_town);
  const std::string csv = dir.write("b.csv", k_header + "\nT1,大店镇,Z1,片,V1,村,G1,网格\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({toml, csv}, in, d);
  INFO(all(d));
  CHECK(d.empty());
  CHECK(in.entries.size() == 4);
  REQUIRE(in.county.has_value());
  CHECK(in.county->unit.code == "C");
}

TEST_CASE("read_layout: a CSV and a TOML layout naming a town differently is an error") {
  TempDir dir;
  const std::string toml = dir.write("a.toml", k_toml_town);
  const std::string csv = dir.write("b.csv", k_header + "\nT1,大店街道,Z1,片,V1,村,G1,网格\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({toml, csv}, in, d);
  INFO(all(d));
  bool named = false;
  for (const auto& diag : d.list())
    if (diag.file == csv && diag.field == "town_name" && contains(diag.reason, toml + ":7"))
      named = true;
  CHECK(named);
}

TEST_CASE("read_layout: two files naming two counties is an error") {
  TempDir dir;
  const std::string a = dir.write("a.toml", "[county]\ncode = \"C1\"\nname = \"一县\"\n");
  const std::string b = dir.write("b.toml", "[county]\ncode = \"C2\"\nname = \"二县\"\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({a, b}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].file == b);
  CHECK(contains(d.list()[0].reason, a + ":2"));
}

// ---- workers ---------------------------------------------------------------------------------

TEST_CASE("read_workers reads tiers, deployments and units") {
  TempDir dir;
  const std::string path = dir.write("workers.csv",
                                     "code,name,tier,unit,deployment,department,phone\n"
                                     "W1,刘文,grid,G1,,,151\n"
                                     "W2,窦子杰,镇级,Z1,,,\n"
                                     "W3,许洋,县级,Z1;Z2; Z3 ,连片派驻,housing,\n"
                                     "W4,孟怡,county,Z1,片区常驻,police,\n"
                                     "W5,王五,县级网格员,,吹哨进驻,health,\n"
                                     "W6,赵六,基础网格员,G2,,,\n");
  Diagnostics d;
  const auto workers = read_workers(path, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(workers.size() == 6);
  CHECK(workers[0].worker.code == "W1");
  CHECK(workers[0].worker.name == "刘文");
  CHECK(workers[0].worker.tier == Tier::grid);
  CHECK(workers[0].worker.units == std::vector<std::string>{"G1"});
  CHECK_FALSE(workers[0].worker.deployment.has_value());
  CHECK(workers[0].worker.phone == "151");
  CHECK(workers[1].worker.tier == Tier::town);
  CHECK(workers[2].worker.tier == Tier::county);
  CHECK(workers[2].worker.deployment == Deployment::cluster);
  CHECK(workers[2].worker.units == std::vector<std::string>{"Z1", "Z2", "Z3"});
  CHECK(workers[2].worker.department == "housing");
  CHECK(workers[3].worker.deployment == Deployment::resident);
  CHECK(workers[4].worker.deployment == Deployment::whistle);
  CHECK(workers[4].worker.units.empty());
  CHECK(workers[5].worker.tier == Tier::grid);
  CHECK(workers[2].code_at.line == 4);
  CHECK(workers[2].unit_at.field == "unit");
}

TEST_CASE("read_workers accepts Chinese headers and a full-width separator") {
  TempDir dir;
  const std::string path = dir.write("workers.csv",
                                     "编码,姓名,层级,单元,下沉方式,部门,电话\r\n"
                                     "W1,许洋,县级,Z1\xEF\xBC\x9BZ2,派驻,housing,139\r\n");
  Diagnostics d;
  const auto workers = read_workers(path, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(workers.size() == 1);
  CHECK(workers[0].worker.units == std::vector<std::string>{"Z1", "Z2"});
  CHECK(workers[0].worker.deployment == Deployment::cluster);
  CHECK(workers[0].worker.phone == "139");
}

TEST_CASE("read_workers: unknown tier and deployment name their line and field") {
  TempDir dir;
  const std::string path = dir.write("workers.csv",
                                     "code,name,tier,unit,deployment\n"
                                     "W1,刘文,grid,G1,\n"
                                     "W2,窦子杰,省级,G2,\n"
                                     "W3,许洋,county,Z1,空降\n");
  Diagnostics d;
  const auto workers = read_workers(path, d);
  REQUIRE(d.list().size() == 2);
  CHECK(d.list()[0].line == 3);
  CHECK(d.list()[0].field == "tier");
  CHECK(d.list()[0].column == 8);
  CHECK(contains(d.list()[0].reason, "省级"));
  CHECK(d.list()[1].line == 4);
  CHECK(d.list()[1].field == "deployment");
  REQUIRE(workers.size() == 1);
  CHECK(workers[0].worker.code == "W1");
}

TEST_CASE("read_workers: a bad code and an empty name are refused") {
  TempDir dir;
  const std::string path = dir.write("workers.csv",
                                     "code,name,tier,unit\n"
                                     "W 1,刘文,grid,G1\n"
                                     "W2,  ,grid,G2\n");
  Diagnostics d;
  const auto workers = read_workers(path, d);
  REQUIRE(d.list().size() == 2);
  CHECK(d.list()[0].field == "code");
  CHECK(d.list()[0].line == 2);
  CHECK(d.list()[1].field == "name");
  CHECK(d.list()[1].line == 3);
  CHECK(workers.empty());
}

TEST_CASE("read_workers: a missing required column is named") {
  TempDir dir;
  const std::string path = dir.write("workers.csv", "code,name,unit\nW1,刘文,G1\n");
  Diagnostics d;
  (void)read_workers(path, d);
  REQUIRE(d.list().size() == 1);
  CHECK(contains(d.list()[0].reason, "tier"));
}

TEST_CASE("read_workers: a missing file is not_found") {
  TempDir dir;
  Diagnostics d;
  const auto e = error_of([&] { (void)read_workers(dir.path("none.csv"), d); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
}

// ---- files -----------------------------------------------------------------------------------

TEST_CASE("file_kind goes by extension, case-insensitively") {
  CHECK(file_kind("layout.csv", "{") == FileKind::csv);
  CHECK(file_kind("LAYOUT.CSV", "") == FileKind::csv);
  CHECK(file_kind("a/b/layout.toml", "a,b") == FileKind::toml);
  CHECK(file_kind("layout.Toml", "") == FileKind::toml);
  CHECK(file_kind("layout.json", "") == FileKind::json);
  CHECK(file_kind("x.JSON", "") == FileKind::json);
}

TEST_CASE("file_kind without a known extension judges by the first bytes") {
  CHECK(file_kind("-", "{\"county\": {}}") == FileKind::json);
  CHECK(file_kind("-", "  \n {") == FileKind::json);
  CHECK(file_kind("-", "\xEF\xBB\xBF{") == FileKind::json);
  CHECK(file_kind("-", "[county]\ncode = \"C\"") == FileKind::toml);
  CHECK(file_kind("-", "# comment\n") == FileKind::toml);
  CHECK(file_kind("-", "code = \"C\"\n") == FileKind::toml);
  CHECK(file_kind("-", "town_code,town_name\n") == FileKind::csv);
  CHECK(file_kind("layout.txt", "town_code,town_name\n") == FileKind::csv);
  CHECK(file_kind("-", "") == FileKind::csv);
}

TEST_CASE("read_text_file reads bytes verbatim and reports a missing file") {
  TempDir dir;
  const std::string content = "a\r\nb\tc\xEF\xBB\xBF"s;
  const std::string path = dir.write("t.bin", content);
  CHECK(read_text_file(path) == content);
  const auto e = error_of([&] { (void)read_text_file(dir.path("missing.txt")); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::not_found);
}

TEST_CASE("sniff_import_kind tells layouts from workers") {
  TempDir dir;
  CHECK(sniff_import_kind(dir.write("a.csv", k_header + "\n")) == "layout");
  CHECK(sniff_import_kind(dir.write("b.csv", "code,name,tier,unit\n")) == "workers");
  CHECK(sniff_import_kind(dir.write("c.toml", "[county]\n")) == "layout");
  CHECK(sniff_import_kind(dir.write("d.csv", "what,ever\n")) == "");
}

// ---- limits (gridgov/limits.hpp): the same for every reader --------------------------------

namespace {

/// The diagnostics of reading a cases file named `name` holding `content` (their file named
/// `name`, without its directory), and the number of good rows.
std::pair<std::vector<Diagnostic>, int> read_cases(const std::string& name,
                                                   const std::string& content) {
  TempDir dir;
  Diagnostics d(50);
  CaseRows rows(dir.write(name, content), std::chrono::hours(8), d);
  CaseRow row;
  int good = 0;
  while (rows.next(row)) ++good;
  std::vector<Diagnostic> out = d.list();
  for (auto& x : out) x.file = name;
  return {out, good};
}

std::string all(const std::vector<Diagnostic>& d) {
  std::string out;
  for (const auto& x : d) out += x.to_string() + "\n";
  return out;
}

const std::string k_cases_header = "ext_id,source,grid,category,title,reporter,reported_at";

std::string ndjson_row(const std::string& ext_id, const std::string& title_json) {
  return R"({"ext_id":")" + ext_id +
         R"(","source":"patrol","grid":"G1","category":"road","reporter":"admin",)"
         R"("reported_at":"2026-10-03T09:00","title":)" +
         title_json + "}\n";
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

}  // namespace

TEST_CASE("read_layout CSV: a NUL byte stops the reading: nothing after it is read") {
  TempDir dir;
  // Line 3 has a NUL; line 4's empty code would be a second problem if reading went on.
  const std::string path = dir.write("layout.csv", k_header + "\nT1,镇,Z1,片,V1,村,G1,网格一\n" +
                                                       "T1,镇,Z1,片,V1,村,G\0"
                                                       "2,网格二\n"
                                                       "T1,镇,Z1,片,V1,村,,网格三\n"s);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].to_string() == path + ":3:17: grid_code: NUL byte: not a text file");
}

TEST_CASE("read_workers: a file of NUL bytes is one error at 1:1, not an endless read") {
  TempDir dir;
  Diagnostics d;
  const auto workers = read_workers(dir.write("w.csv", std::string(200000, '\0')), d);
  CHECK(workers.empty());
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 1);
  CHECK(d.list()[0].column == 1);
  CHECK(d.list()[0].reason == "NUL byte: not a text file");
}

TEST_CASE("read_layout CSV: a row of more than 64 fields is refused at its 65th field") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv", k_header + "\n" + std::string(100000, ',') + "\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 2);
  CHECK(d.list()[0].column == 65);
  CHECK(d.list()[0].reason == "more than 64 fields in one record");
}

TEST_CASE("readers: a directory is refused as a file, exit 3, by every reader") {
  TempDir dir;
  const std::string d_path = dir.path("d");
  fs::create_directory(d_path);
  auto check = [&](const std::string& path, auto&& read) {
    const auto e = error_of(read);
    REQUIRE(e.has_value());
    CHECK(e->code() == ErrorCode::input);
    REQUIRE(e->diagnostics().size() == 1);
    CHECK(e->diagnostics()[0].to_string() == path + ": is a directory, not a file");
  };
  Diagnostics d;
  LayoutInput in;
  check(d_path, [&] { read_layout({d_path}, in, d); });
  check(d_path + ".csv", [&] {
    fs::create_directory(d_path + ".csv");
    read_layout({d_path + ".csv"}, in, d);
  });
  check(d_path, [&] { (void)read_workers(d_path, d); });
  check(d_path, [&] { CaseRows rows(d_path, std::chrono::hours(8), d); });
  check(d_path, [&] { (void)read_text_file(d_path); });
  check(d_path, [&] { (void)sniff_import_kind(d_path); });
  CHECK(d.empty());
}

TEST_CASE("read_text_file: a file over its size limit or with a NUL byte is refused") {
  TempDir dir;
  const auto big = error_of(
      [&] { (void)read_text_file(dir.write("p.toml", std::string(3 << 20, '#')), 2 << 20); });
  REQUIRE(big.has_value());
  CHECK(big->code() == ErrorCode::input);
  CHECK(big->diagnostics().at(0).reason == "larger than 2 MiB: too big to be read whole");
  const auto small =
      error_of([&] { (void)read_text_file(dir.write("q.toml", std::string(1001, '#')), 1000); });
  REQUIRE(small.has_value());
  CHECK(small->diagnostics().at(0).reason == "larger than 1000 bytes: too big to be read whole");
  const std::string nul = dir.write("n.toml", "a = 1\nb = \"x\0\"\n"s);
  const auto e = error_of([&] { (void)read_text_file(nul); });
  REQUIRE(e.has_value());
  CHECK(e->diagnostics().at(0).to_string() == nul + ":2:7: NUL byte: not a text file");
}

TEST_CASE("parse_policy: a policy over 1 MiB is refused") {
  Diagnostics d;
  (void)parse_policy(std::string(k_max_policy_bytes + 1, '#'), "big.toml", d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].reason == "larger than 1 MiB: too big to be read whole");
}

TEST_CASE("read_layout JSON: nesting deeper than 64 levels is refused where it goes too deep") {
  TempDir dir;
  // 100,000 levels overflowed the stack before.
  const std::string path = dir.write("layout.json", R"({"county": )" + nested(100000) + "}");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  // The top object is the first level: the 64th `[` is one too many.
  CHECK(d.list()[0].to_string() == path + ":1:75: nested deeper than 64 levels");
}

TEST_CASE("read_layout TOML: dotted keys nested deeper than 64 levels are refused") {
  TempDir dir;
  std::string keys = "a";
  for (int i = 0; i < 100000; ++i) keys += ".a";
  const std::string path = dir.write("layout.toml", "# deep\n[" + keys + "]\n");
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].to_string() == path + ":2:131: nested deeper than 64 levels");
  // Dots in strings, comments and numbers do not count.
  const std::string dots(200, '.');
  std::string numbers;
  for (int i = 0; i < 100; ++i) numbers += "1.5, ";
  Diagnostics policy;
  (void)parse_policy("timezone = \"+08:00\" # " + dots + "\nx = \"" + dots + "\"\ny = '''" + dots +
                         "\n" + dots + "'''\nz = [" + numbers + "2.5]\n",
                     "p.toml", policy);
  for (const auto& diag : policy.list()) CHECK(diag.reason.find("nested") == std::string::npos);
  CHECK(policy.list().size() == 3);  // x, y and z are unknown keys, nothing more
}

TEST_CASE("read_layout JSON: a minified layout reads with the right columns") {
  // One line: positions come from one pass over the text (they were quadratic in the line).
  std::string text;
  for (char c : std::string(k_json))
    if (c != '\n') text += c;
  TempDir dir;
  const std::string path = dir.write("layout.json", text);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.empty());
  REQUIRE(in.entries.size() == 5);
  const LayoutEntry* g2 = find(in, "G2");
  REQUIRE(g2 != nullptr);
  CHECK(g2->code_at.line == 1);
  const auto expected = text.find(R"("G2")");
  CHECK(g2->code_at.column == column_of(text, expected));
}

TEST_CASE("read_layout JSON and TOML: a NUL in a name is refused at the name") {
  TempDir dir;
  std::string text = k_json;
  text.replace(text.find("第2网格"), std::string("第2网格").size(), "第2\\u0000网格");
  const std::string path = dir.write("layout.json", text);
  LayoutInput in;
  Diagnostics d;
  read_layout({path}, in, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 19);
  CHECK(d.list()[0].field == "county.towns[0].zones[0].villages[0].grids[1].name");
  CHECK(d.list()[0].reason == "NUL byte");
}

TEST_CASE("CaseRows: CSV and NDJSON refuse the same texts: NUL, over 64 KiB, titles over 200") {
  const std::string title201(201, 't');
  const std::string big(70000, 'd');
  // CSV
  {
    const auto [d, good] = read_cases(
        "c.csv", k_cases_header + ",description\n" + "x1,patrol,G1,road," + title201 +
                     ",admin,2026-10-03T09:00,\n" + "x2,patrol,G1,road,t,admin,2026-10-03T09:00," +
                     big + "\nx3,patrol,G1,road," + std::string(200, 't') +
                     ",admin,2026-10-03T09:00,ok\n");
    INFO(all(d));
    CHECK(good == 1);
    REQUIRE(d.size() == 2);
    CHECK(d[0].to_string() == "c.csv:2:19: title: longer than 200 characters");
    CHECK(d[1].reason == "field longer than 65536 bytes");
  }
  // NDJSON: the same rows, and a NUL written as an escape
  {
    const auto [d, good] =
        read_cases("c.ndjson", ndjson_row("x1", "\"" + title201 + "\"") +
                                   ndjson_row("x2", "\"t\",\"description\":\"" + big + "\"") +
                                   ndjson_row("x3", R"("a\u0000b")") +
                                   ndjson_row("x4", "\"" + std::string(200, 't') + "\""));
    INFO(all(d));
    CHECK(good == 1);
    REQUIRE(d.size() == 3);
    CHECK(d[0].field == "title");
    CHECK(d[0].reason == "longer than 200 characters");
    CHECK(d[1].field == "description");
    CHECK(d[1].reason == "longer than 65536 bytes");
    CHECK(d[2].field == "title");
    CHECK(d[2].reason == "NUL byte");
  }
}

TEST_CASE("CaseRows NDJSON: deep nesting and arrays where text belongs are refused, placed") {
  const auto [d, good] =
      read_cases("c.ndjson", ndjson_row("x1", nested(100000)) + ndjson_row("x2", "[\"t\"]") +
                                 ndjson_row("x3", "12") + ndjson_row("x4", "{\"a\":1}"));
  INFO(all(d));
  CHECK(good == 1);  // a number is taken as its text (design §5.7)
  REQUIRE(d.size() == 3);
  // The line's object is the first level, so the title's 64th `[` is one too many.
  const auto column = static_cast<int>(ndjson_row("x1", "").size()) - 2 + 64;
  CHECK(d[0].to_string() ==
        "c.ndjson:1:" + std::to_string(column) + ": nested deeper than 64 levels");
  CHECK(d[1].to_string().rfind("c.ndjson:2:", 0) == 0);
  CHECK(d[1].field == "title");
  CHECK(d[1].reason == "expected a string, got an array");
  CHECK(d[2].reason == "expected a string, got an object");
}

TEST_CASE("CaseRows NDJSON: a NUL byte stops the reading, an endless line stays bounded") {
  {
    const auto [d, good] =
        read_cases("c.ndjson", ndjson_row("x1", "\"t\"") + "{\"a\0\n"s + ndjson_row("x3", "[1]"));
    CHECK(good == 1);
    REQUIRE(d.size() == 1);
    CHECK(d[0].to_string() == "c.ndjson:2:4: NUL byte: not a text file");
  }
  {
    const auto [d, good] = read_cases("c.ndjson", "{" + std::string(k_max_record_bytes + 10, ' ') +
                                                      "}\n" + ndjson_row("x2", "\"t\""));
    CHECK(good == 1);
    REQUIRE(d.size() == 1);
    CHECK(d[0].to_string() == "c.ndjson:1: line longer than 4 MiB");
  }
}

TEST_CASE("CaseRows: the events column refuses deep nesting and non-text notes") {
  const std::string row = "x1,patrol,G1,road,t,admin,2026-10-03T09:00,";
  auto quoted = [](std::string s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? "\"\"" : std::string(1, c);
    return out + "\"";
  };
  const std::string event =
      R"({"type":"report","at":"2026-10-03T09:00","level":"grid","note":NOTE})";
  auto with_note = [&](const std::string& note) {
    std::string e = event;
    e.replace(e.find("NOTE"), 4, note);
    return "[" + e + "]";
  };
  const auto [d, good] =
      read_cases("c.csv", k_cases_header + ",events\n" + row + quoted(nested(30000)) + "\n" + row +
                              quoted(with_note("[1]")) + "\n" + row +
                              quoted(with_note(R"("a\u0000")")) + "\n");
  INFO(all(d));
  CHECK(good == 0);
  REQUIRE(d.size() == 3);
  CHECK(d[0].to_string() ==
        "c.csv:2:44: events: bad events: nested deeper than 64 levels (character 65 of the "
        "field)");
  CHECK(d[1].reason == "bad events: expected a string in note");
  CHECK(d[2].reason == "bad events: note: NUL byte");
}
