// The readers of gridgov/readers.hpp, fed what Excel writes: GBK files, rows of separators,
// extra columns, Chinese headers (issue 11, "Files from Excel").

#include <iconv.h>

#include <doctest/doctest.h>

#include "gridgov/readers.hpp"
#include "gridgov/workers.hpp"
#include "helpers.hpp"

#include <string>
#include <vector>

using namespace gridgov;
using namespace gridgov::testing;

namespace {

/// `utf8` in `encoding`, through glibc's iconv (what Excel on Chinese Windows would write).
std::string encode(const std::string& utf8, const char* encoding = "GBK") {
  iconv_t cd = iconv_open(encoding, "UTF-8");
  REQUIRE(cd != reinterpret_cast<iconv_t>(-1));
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t out_left = out.size();
  const std::size_t r = iconv(cd, &in, &in_left, &o, &out_left);
  iconv_close(cd);
  REQUIRE(r != static_cast<std::size_t>(-1));
  out.resize(out.size() - out_left);
  return out;
}

std::string all(const Diagnostics& d) {
  std::string out;
  for (const auto& x : d.list()) out += x.to_string() + "\n";
  return out;
}

const std::string k_workers =
    "工号,姓名,层级,单元,下沉方式,部门,电话\n"
    "W001,刘文,基础网格员,G1,,,13800000001\n"
    "W002,王芳,县级网格员,Z1,片区常驻,县住房和城乡建设局,\n";

const ReadOptions k_gbk{Encoding::gbk, false};

}  // namespace

TEST_CASE("parse_encoding knows utf-8, gbk and gb18030 in any case") {
  CHECK(parse_encoding("utf-8") == Encoding::utf8);
  CHECK(parse_encoding("UTF8") == Encoding::utf8);
  CHECK(parse_encoding("GBK") == Encoding::gbk);
  CHECK(parse_encoding("gb18030") == Encoding::gb18030);
  CHECK_FALSE(parse_encoding("latin1"));
}

TEST_CASE("read_workers: a GBK file is one message naming it and how to re-save it") {
  TempDir dir;
  const std::string path = dir.write("workers.csv", encode(k_workers));
  Diagnostics d(20);
  const auto workers = read_workers(path, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].file == path);
  CHECK(contains(d.list()[0].reason, "GBK/GB18030"));
  CHECK(contains(d.list()[0].reason, "CSV UTF-8"));
  CHECK(contains(d.list()[0].reason, "--encoding gbk"));
  CHECK(workers.empty());
}

TEST_CASE("read_workers --encoding gbk/gb18030 reads the Chinese text as UTF-8") {
  TempDir dir;
  for (const char* enc : {"GBK", "GB18030"}) {
    CAPTURE(enc);
    const std::string path = dir.write("workers.csv", encode(k_workers, enc));
    Diagnostics d(20);
    const auto workers = read_workers(
        path, d, ReadOptions{std::string(enc) == "GBK" ? Encoding::gbk : Encoding::gb18030, false});
    INFO(all(d));
    CHECK(d.empty());
    REQUIRE(workers.size() == 2);
    CHECK(workers[0].worker.name == "刘文");
    CHECK(workers[1].worker.department == "县住房和城乡建设局");  // a name: the import resolves it
    CHECK(workers[1].tier_at.field == "层级");
    CHECK(workers[1].tier_at.line == 3);
    CHECK(workers[1].tier_at.column == 9);  // characters of the converted text
  }
}

TEST_CASE("--encoding gbk streams: positions hold across the converter's chunks") {
  // Far more than one 64 KiB chunk of two-byte characters before a bad row, so that characters
  // are cut at chunk ends; the error must still name the right line and column.
  std::string text = "工号,姓名,层级,单元\n";
  for (int i = 0; i < 5000; ++i)
    text += "W" + std::to_string(10000 + i) + ",网格员甲乙丙丁戊己庚辛,基础网格员,G1\n";
  text += "W99999,刘文,村级,G1\n";
  TempDir dir;
  const std::string path = dir.write("workers.csv", encode(text));
  REQUIRE(encode(text).size() > 3 * 65536);
  Diagnostics d(20);
  const auto workers = read_workers(path, d, k_gbk);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 5002);
  CHECK(d.list()[0].column == 11);
  CHECK(d.list()[0].field == "层级");
  CHECK(workers.size() == 5000);
}

TEST_CASE("--encoding gbk: a byte that is not GBK names its place in the converted text") {
  TempDir dir;
  const std::string path =
      dir.write("workers.csv", encode("工号,姓名,层级,单元\nW1,刘") + "\xFF" + ",grid,G1\n");
  Diagnostics d(20);
  const auto e = error_of([&] { (void)read_workers(path, d, k_gbk); });
  REQUIRE(e.has_value());
  CHECK(e->code() == ErrorCode::input);
  REQUIRE(e->diagnostics().size() == 1);
  CHECK(e->diagnostics()[0].line == 2);
  CHECK(e->diagnostics()[0].column == 5);
}

TEST_CASE("a UTF-8 file with one bad byte is still reported as bad UTF-8, not as GBK") {
  TempDir dir;
  const std::string path =
      dir.write("workers.csv", "code,name,tier,unit\nW1,刘文\xE4\xB8,grid,G1\n");
  Diagnostics d(20);
  (void)read_workers(path, d);
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].reason == "invalid UTF-8");
}

TEST_CASE("layout and cases readers detect GBK too, and read it with --encoding gbk") {
  TempDir dir;
  const std::string layout =
      "镇街编码,镇街名称,片区编码,片区名称,村居编码,村居名称,网格编码,网格名称\n"
      "T1,十字路街道,Z1,第一片区,V1,东关社区,G1,东关社区第1网格\n";
  const std::string path = dir.write("layout.csv", encode(layout));
  {
    LayoutInput in;
    Diagnostics d(20);
    read_layout({path}, in, d);
    REQUIRE(d.list().size() == 1);
    CHECK(contains(d.list()[0].reason, "GBK"));
  }
  {
    LayoutInput in;
    Diagnostics d(20);
    read_layout({path}, in, d, k_gbk);
    INFO(all(d));
    CHECK(d.empty());
    REQUIRE(in.entries.size() == 4);
    CHECK(in.entries[0].unit.name == "十字路街道");
  }
  const std::string cases =
      "工单号,来源,网格,事项类别,标题,上报人,上报时间\n"
      "H1,热线,G1,违法建设,私搭乱建,admin,2026/11/01 10:30\n";
  const std::string cases_path = dir.write("cases.csv", encode(cases));
  {
    Diagnostics d(20);
    CaseRows rows(cases_path, std::chrono::minutes(480), d);
    CaseRow row;
    CHECK_FALSE(rows.next(row));
    REQUIRE(d.list().size() == 1);
    CHECK(contains(d.list()[0].reason, "GBK"));
  }
  {
    Diagnostics d(20);
    CaseRows rows(cases_path, std::chrono::minutes(480), d, k_gbk);
    CaseRow row;
    REQUIRE(rows.next(row));
    INFO(all(d));
    CHECK(d.empty());
    CHECK(row.header.category == "违法建设");  // the import turns the name into its code
    CHECK(row.header.reported_at == parse_time("2026-11-01T10:30:00+08:00", {}));
  }
}

TEST_CASE("read_text_file: a GBK document is one message, and --encoding converts it") {
  TempDir dir;
  const std::string path = dir.write("p.toml", encode("name = \"县住房和城乡建设局\"\n"));
  const auto e = error_of([&] { (void)read_text_file(path); });
  REQUIRE(e.has_value());
  REQUIRE(e->diagnostics().size() == 1);
  CHECK(contains(e->diagnostics()[0].reason, "GBK"));
  CHECK(read_text_file(path, 1 << 20, Encoding::gbk) == "name = \"县住房和城乡建设局\"\n");
}

TEST_CASE("sniff_import_kind: a GBK header is said to be GBK, and sniffed with --encoding") {
  TempDir dir;
  const std::string path = dir.write("people.csv", encode(k_workers));
  const auto e = error_of([&] { (void)sniff_import_kind(path); });
  REQUIRE(e.has_value());
  CHECK(contains(e->what(), "GBK"));
  CHECK(sniff_import_kind(path, Encoding::gbk) == "workers");
}

TEST_CASE("readers skip rows whose fields are all empty (Excel's trailing ,,,,,, rows)") {
  TempDir dir;
  const std::string path = dir.write("workers.csv",
                                     "code,name,tier,unit,deployment,department,phone\r\n"
                                     "W1,刘文,grid,G1,,,\r\n,,,,,,\r\n\"\",,,,, ,\r\n,,,,,,\r\n");
  Diagnostics d(3);
  const auto workers = read_workers(path, d);
  INFO(all(d));
  CHECK(d.empty());
  CHECK(workers.size() == 1);

  const std::string cases =
      dir.write("cases.csv",
                "ext_id,source,grid,category,title,reporter,reported_at\n"
                "H1,hotline,G1,dispute,吵架,admin,2026-10-03 09:15\n,,,,,,\n,,,,,,\n");
  Diagnostics cd(3);
  CaseRows rows(cases, std::chrono::minutes(480), cd);
  CaseRow row;
  CHECK(rows.next(row));
  CHECK_FALSE(rows.next(row));
  CHECK(cd.empty());
}

TEST_CASE(
    "read_workers lists every problem: a bad tier hides neither a duplicate nor a "
    "missing deployment") {
  TempDir dir;
  const std::string path = dir.write("workers.csv",
                                     "工号,姓名,层级,单元,下沉方式\n"
                                     "W1,刘文,村级,G1,\n"              // bad tier
                                     "W1,王芳,基础网格员,G2,\n"        // the same code again
                                     "W3,李强,县级网格员,Z1,\n"        // no deployment
                                     "W4,赵敏,镇级网格员,T1,常住\n");  // deployment typo
  Diagnostics d(20);
  const auto workers = read_workers(path, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 4);
  CHECK(d.list()[0].line == 2);
  CHECK(d.list()[0].field == "层级");
  CHECK(contains(d.list()[0].reason, "unknown 层级 \"村级\""));
  CHECK(d.list()[1].line == 3);
  CHECK(contains(d.list()[1].reason, "given twice"));
  CHECK(contains(d.list()[1].reason, ":2"));
  CHECK(d.list()[2].line == 4);
  CHECK(d.list()[2].field == "下沉方式");
  CHECK(contains(d.list()[2].reason, "needs a deployment"));
  CHECK(d.list()[3].line == 5);
  CHECK(contains(d.list()[3].reason, "did you mean 常驻?"));
  CHECK(workers.empty());
}

TEST_CASE("headers: an extra column is ignored with a warning, and a near miss is named") {
  TempDir dir;
  const std::string extra =
      dir.write("extra.csv", "序号,工号,姓名,层级,单元,备注\n1,W1,刘文,基础网格员,G1,新人\n");
  Diagnostics d(20);
  const auto workers = read_workers(extra, d);
  CHECK(d.empty());
  CHECK(workers.size() == 1);
  REQUIRE(d.warnings().size() == 2);
  CHECK(d.warnings()[0].column == 1);
  CHECK(contains(d.warnings()[0].reason, "序号"));
  CHECK(contains(d.warnings()[1].reason, "备注"));
  Diagnostics strict(20);
  (void)read_workers(extra, strict, ReadOptions{Encoding::utf8, true});
  CHECK(strict.list().size() == 2);

  // 层次 for 层级: a typo of a required column, so an error that says which.
  const std::string typo = dir.write("typo.csv", "工号,姓名,层次,单元\nW1,刘文,基础网格员,G1\n");
  Diagnostics t(20);
  (void)read_workers(typo, t);
  INFO(all(t));
  REQUIRE(t.list().size() == 1);
  CHECK(t.list()[0].column == 7);
  CHECK(contains(t.list()[0].reason, "did you mean 层级?"));

  // A missing column is named in the header's language.
  const std::string missing = dir.write("missing.csv", "工号,姓名,单元\nW1,刘文,G1\n");
  Diagnostics m(20);
  (void)read_workers(missing, m);
  REQUIRE(m.list().size() == 1);
  CHECK(m.list()[0].field == "层级");
  CHECK(contains(m.list()[0].reason, "层级 (tier)"));
}

TEST_CASE("layout CSV: 网格名 for 网格名称 is an error suggesting it") {
  TempDir dir;
  const std::string path =
      dir.write("layout.csv",
                "镇街编码,镇街名称,片区编码,片区名称,村居编码,村居名称,网格编码,网格名\n"
                "T1,镇,Z1,片,V1,村,G1,网格\n");
  LayoutInput in;
  Diagnostics d(20);
  read_layout({path}, in, d);
  INFO(all(d));
  REQUIRE(d.list().size() == 1);
  CHECK(contains(d.list()[0].reason, "did you mean 网格名称?"));
}

TEST_CASE(
    "check_workers: a department by name is stored by code, and an unknown one is said once") {
  auto entry = [](std::string code, std::string department, int line) {
    WorkerEntry e;
    e.worker.code = std::move(code);
    e.worker.name = "张三";
    e.worker.tier = Tier::county;
    e.worker.deployment = Deployment::whistle;
    e.worker.department = std::move(department);
    e.department_at = Location{"workers.csv", line, 30, "部门"};
    return e;
  };
  std::vector<WorkerEntry> entries = {entry("W1", "县住房和城乡建设局", 2),
                                      entry("W2", "housing", 3), entry("W3", "县城管局", 4),
                                      entry("W4", "县城管局", 5), entry("W5", "县城管局", 6)};
  const UnitLevelLookup none = [](std::string_view) -> std::optional<Level> {
    return std::nullopt;
  };
  Diagnostics d(20);
  check_workers(entries, none, default_policy(), d);
  CHECK(entries[0].worker.department == "housing");
  CHECK(entries[1].worker.department == "housing");
  REQUIRE(d.list().size() == 1);
  CHECK(d.list()[0].line == 4);
  CHECK(d.list()[0].field == "部门");
  CHECK(contains(d.list()[0].reason, "县城管局"));
  CHECK(contains(d.list()[0].reason, "3 rows"));
}

TEST_CASE("Policy: a category or department by code or by name") {
  const Policy& p = default_policy();
  REQUIRE(p.category_named("违法建设"));
  CHECK(p.category_named("违法建设")->code == "illegal_construction");
  CHECK(p.category_code("illegal_construction") == "illegal_construction");
  CHECK(p.category_code("违法建设") == "illegal_construction");
  CHECK(p.department_code("县住房和城乡建设局") == "housing");
  CHECK(p.department_code("nowhere") == "nowhere");
  CHECK_FALSE(p.department_named("nowhere"));
}

TEST_CASE("Diagnostics: warnings are kept apart, appended, and taken once") {
  Diagnostics a(5);
  a.warn(Diagnostic{"f.csv", 1, 3, "备注", "ignored"});
  CHECK(a.empty());
  CHECK_NOTHROW(a.throw_if_any());
  Diagnostics b(5);
  b.append(a);
  REQUIRE(b.warnings().size() == 1);
  const auto taken = b.take_warnings();
  CHECK(taken.size() == 1);
  CHECK(b.warnings().empty());
}
