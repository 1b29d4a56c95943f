#include "gridgov/render.hpp"

#include <doctest/doctest.h>

#include "helpers.hpp"

#include "gridgov/error.hpp"

#include <memory>
#include <sstream>
#include <string>

using namespace gridgov;
using namespace gridgov::testing;

namespace {

/// Two towns with a count, a rate, hours and a nullable list.
Table sample() {
  Table t{{text_column("group"), text_column("name"), number_column("reported"),
           number_column("rate", ColumnType::rate), number_column("hours", ColumnType::hours),
           typed_column("tags", ColumnType::list)},
          {}};
  t.rows.push_back({std::string("T1"), std::string("大店镇"), 12LL, 0.9166666, 37.25,
                    std::vector<std::string>{"a", "b"}});
  t.rows.push_back(
      {std::string("T22"), std::string("a,b \"q\""), 3LL, 1.0, Cell{}, std::vector<std::string>{}});
  return t;
}

std::string rendered(const Table& t, Format f) {
  std::ostringstream out;
  render(out, t, {f, false});
  return out.str();
}

}  // namespace

TEST_CASE("render table: columns aligned by display width, numbers to the right") {
  const std::string text = rendered(sample(), Format::table);
  // 大店镇 is 6 columns wide on a terminal; a,b "q" is 7.
  CHECK(text ==
        "group  name     reported    rate  hours  tags\n"
        "T1     大店镇         12   91.7%   37.2  a;b\n"
        "T22    a,b \"q\"         3  100.0%\n");
}

TEST_CASE("render csv: exact numbers, RFC 4180 quoting, empty for null") {
  CHECK(rendered(sample(), Format::csv) ==
        "group,name,reported,rate,hours,tags\n"
        "T1,大店镇,12,0.9166666,37.25,a;b\n"
        "T22,\"a,b \"\"q\"\"\",3,1,,\n");
}

TEST_CASE("render json and ndjson: typed values, null, arrays") {
  CHECK(rendered(sample(), Format::ndjson) ==
        "{\"group\":\"T1\",\"name\":\"大店镇\",\"reported\":12,\"rate\":0.9166666,\"hours\":37.25,"
        "\"tags\":[\"a\",\"b\"]}\n"
        "{\"group\":\"T22\",\"name\":\"a,b \\\"q\\\"\",\"reported\":3,\"rate\":1.0,\"hours\":null,"
        "\"tags\":[]}\n");
  const std::string json = rendered(sample(), Format::json);
  CHECK(json.rfind("[\n  {\n    \"group\": \"T1\",", 0) == 0);
  CHECK(rendered(Table{sample().columns, {}}, Format::json) == "[]\n");
}

TEST_CASE("render md: a Markdown table, numbers aligned right, pipes escaped") {
  Table t = sample();
  t.rows[1][1] = std::string("a|b");
  const std::string md = rendered(t, Format::md);
  CHECK(contains(md,
                 "| group | name | reported | rate | hours | tags |\n"
                 "| --- | --- | ---: | ---: | ---: | --- |\n"));
  CHECK(contains(md, "| T1 | 大店镇 | 12 | 91.7% | 37.2 | a;b |"));
  CHECK(contains(md, "a\\|b"));
}

TEST_CASE(
    "render: tables and md show control and bidi characters escaped, data formats carry them") {
  Table t{{text_column("name"), typed_column("tags", ColumnType::list)}, {}};
  const std::string hostile = "镇\x1b]0;pwned\x07\r\b\u202egnp.exe\nline";
  t.rows.push_back({hostile, std::vector<std::string>{"\x1b[2J"}});
  const std::string table = rendered(t, Format::table);
  CHECK(contains(table, "镇\\x1b]0;pwned\\x07\\r\\x08\\u202egnp.exe\\nline  \\x1b[2J\n"));
  const std::string md = rendered(t, Format::md);
  CHECK(contains(md, "| 镇\\x1b]0;pwned\\x07\\r\\x08\\u202egnp.exe<br>line | \\x1b[2J |"));
  for (const std::string& text : {table, md}) {
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find("\u202e") == std::string::npos);
  }
  CHECK(contains(rendered(t, Format::csv), hostile));
  CHECK(contains(rendered(t, Format::ndjson), "\\u001b]0;pwned\\u0007\\r\\b\u202egnp.exe\\nline"));
}

TEST_CASE("nested tables: arrays and objects in json, JSON text in csv, people see records") {
  Table inner{{text_column("type")}, {{std::string("report")}, {std::string("close")}}};
  Record one{{number_column("n")}, {5LL}};
  Record r;
  r.add(number_column("id"), 7LL);
  r.add(typed_column("events", ColumnType::table), std::make_shared<const Table>(inner));
  r.add(typed_column("counts", ColumnType::record), std::make_shared<const Table>(one.as_table()));
  std::ostringstream json;
  render(json, r, {Format::ndjson, false});
  CHECK(
      json.str() ==
      "{\"id\":7,\"events\":[{\"type\":\"report\"},{\"type\":\"close\"}],\"counts\":{\"n\":5}}\n");
  std::ostringstream csv;
  render(csv, r, {Format::csv, false});
  CHECK(csv.str() ==
        "id,events,counts\n7,\"[{\"\"type\"\":\"\"report\"\"},{\"\"type\"\":\"\"close\"\"}]\","
        "\"{\"\"n\"\":5}\"\n");
  // For people a nested record reads as dotted fields; a nested table is left out.
  std::ostringstream text;
  render(text, r, {Format::table, false});
  CHECK(text.str() == "field     value\nid        7\ncounts.n  5\n");
  Record none;
  none.add(typed_column("supervision", ColumnType::record), Cell{});
  std::ostringstream empty;
  render(empty, none, {Format::table, false});
  CHECK(empty.str() == "field        value\nsupervision\n");
}

TEST_CASE("render colours only the header, and only when asked") {
  std::ostringstream out;
  render(out, sample(), {Format::table, true});
  CHECK(out.str().rfind("\x1b[1mgroup", 0) == 0);
  CHECK(rendered(sample(), Format::table).find('\x1b') == std::string::npos);
}

TEST_CASE("RowStream closes a JSON array only when finished") {
  const std::vector<Column> columns = {number_column("id")};
  std::ostringstream cut;
  {
    RowStream s(cut, columns, Format::json);
    s.add({1LL});
    s.add({2LL});
  }  // an error midway: no finish()
  CHECK(cut.str() == "[\n{\"id\":1},\n{\"id\":2}");

  std::ostringstream whole;
  RowStream s(whole, columns, Format::json);
  s.add({1LL});
  s.finish();
  CHECK(whole.str() == "[\n{\"id\":1}\n]\n");

  std::ostringstream empty;
  RowStream e(empty, columns, Format::json);
  e.finish();
  CHECK(empty.str() == "[]\n");

  std::ostringstream csv;
  RowStream c(csv, columns, Format::table);  // people's formats stream as csv
  c.add({3LL});
  c.finish();
  CHECK(csv.str() == "id\n3\n");
}

// ---- shaping (issue 11) ----------------------------------------------------------------------

TEST_CASE("select_columns: the named columns in their order, an unknown one lists the known") {
  const Table t = select_columns(sample(), {"reported", "group"});
  REQUIRE(t.columns.size() == 2);
  CHECK(t.columns[0].name == "reported");
  CHECK(t.columns[1].name == "group");
  CHECK(std::get<long long>(t.rows[0][0]) == 12);
  CHECK(std::get<std::string>(t.rows[1][1]) == "T22");
  // A column may be named by its Chinese header too.
  CHECK(select_columns(sample(), {"分组"}).columns.front().name == "group");
  try {
    (void)select_columns(sample(), {"group", "nope"});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::usage);
    CHECK(std::string(e.what()).find("nope") != std::string::npos);
    CHECK(std::string(e.what()).find("group, name, reported, rate, hours, tags") !=
          std::string::npos);
  }
  // Through render, in every format.
  std::ostringstream out;
  render(out, sample(), {.format = Format::csv, .color = false, .columns = {"name"}});
  CHECK(out.str() == "name\n大店镇\n\"a,b \"\"q\"\"\"\n");
}

TEST_CASE("localize: glossary headers and words, the policy's names, flags 是/否") {
  Table t{{text_column("status"), text_column("level"), text_column("source"),
           text_column("department"), text_column("category"),
           typed_column("overdue", ColumnType::flag), text_column("title")},
          {{std::string("closed"), std::string("town"), std::string("hotline"),
            std::string("housing"), std::string("illegal_building"), true, std::string("open")},
           {std::string("open"), std::string("grid"), std::string("patrol"), Cell{},
            std::string("unknown_code"), false, Cell{}}}};
  Names names;
  names.departments["housing"] = "县住房和城乡建设局";
  names.categories["illegal_building"] = "违法建设";
  const Table zh = localize(t, &names);
  CHECK(zh.columns[0].shown() == "状态");
  CHECK(zh.columns[3].shown() == "部门");
  CHECK(zh.columns[0].name == "status");  // the stable name stays
  CHECK(std::get<std::string>(zh.rows[0][0]) == "已结案");
  CHECK(std::get<std::string>(zh.rows[0][1]) == "镇街");
  CHECK(std::get<std::string>(zh.rows[0][2]) == "12345");
  CHECK(std::get<std::string>(zh.rows[0][3]) == "县住房和城乡建设局");
  CHECK(std::get<std::string>(zh.rows[0][4]) == "违法建设");
  CHECK(std::get<std::string>(zh.rows[0][5]) == "是");
  CHECK(std::get<std::string>(zh.rows[0][6]) == "open");  // a title is not a status
  CHECK(std::get<std::string>(zh.rows[1][0]) == "办理中");
  CHECK(std::holds_alternative<std::monostate>(zh.rows[1][3]));
  CHECK(std::get<std::string>(zh.rows[1][4]) == "unknown_code");
  CHECK(std::get<std::string>(zh.rows[1][5]) == "否");
  // json keeps names and codes; csv gets the Chinese, after a BOM when asked.
  std::ostringstream json;
  render(json, t, {.format = Format::json, .color = false, .lang = Lang::zh, .names = &names});
  CHECK(json.str().find("\"status\": \"closed\"") != std::string::npos);
  std::ostringstream csv;
  render(csv, t,
         {.format = Format::csv, .color = false, .lang = Lang::zh, .names = &names, .bom = true});
  CHECK(csv.str().rfind("\xEF\xBB\xBF状态,层级,来源,部门,事项类别,超期,标题\n已结案,镇街,12345,",
                        0) == 0);
}

TEST_CASE("sort_rows, limit_rows, count_by") {
  Table t = sample();
  t.rows.push_back({std::string("T3"), std::string("x"), Cell{}, 0.5, 1.0, Cell{}});
  sort_rows(t, "reported", false);
  CHECK(std::get<std::string>(t.rows[0][0]) == "T22");
  CHECK(std::get<std::string>(t.rows[1][0]) == "T1");
  CHECK(std::get<std::string>(t.rows[2][0]) == "T3");  // null last
  sort_rows(t, "reported", true);
  CHECK(std::get<std::string>(t.rows[0][0]) == "T1");
  CHECK(std::get<std::string>(t.rows[2][0]) == "T3");  // null last descending too
  sort_rows(t, "group", false);
  CHECK(std::get<std::string>(t.rows[0][0]) == "T1");
  CHECK(std::get<std::string>(t.rows[1][0]) == "T22");
  limit_rows(t, 2);
  CHECK(t.rows.size() == 2);
  CHECK_THROWS_AS(sort_rows(t, "nope", false), Error);

  Table c{{text_column("status")}, {}};
  for (const char* s : {"open", "closed", "open", "", "open", "closed"})
    c.rows.push_back({*s ? Cell{std::string(s)} : Cell{}});
  const Table n = count_by(c, "status");
  REQUIRE(n.rows.size() == 3);
  CHECK(n.columns[0].name == "status");
  CHECK(n.columns[1].name == "count");
  CHECK(std::get<std::string>(n.rows[0][0]) == "open");
  CHECK(std::get<long long>(n.rows[0][1]) == 3);
  CHECK(std::get<std::string>(n.rows[1][0]) == "closed");
  CHECK(std::holds_alternative<std::monostate>(n.rows[2][0]));
  CHECK(std::get<long long>(n.rows[2][1]) == 1);
  CHECK_THROWS_AS((void)count_by(c, "nope"), Error);
}

TEST_CASE("RowStream: columns selected, csv localized and after a BOM") {
  std::ostringstream out;
  RenderOptions o;
  o.columns = {"kind", "id"};
  o.lang = Lang::zh;
  o.bom = true;
  RowStream s(out, {number_column("id"), text_column("kind"), text_column("title")}, Format::csv,
              o);
  s.add({1LL, std::string("info"), std::string("t")});
  s.finish();
  CHECK(out.str() == "\xEF\xBB\xBF类型,事务编号\n民情类,1\n");
}
