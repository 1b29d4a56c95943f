// Services sunk to the grid (职能下沉, docs/design.md §12): the policy's `[[services]]`, the
// service kind of case, and `stats --by service`.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "county.hpp"
#include "gridgov/cases.hpp"
#include "gridgov/outcome.hpp"
#include "gridgov/policy.hpp"
#include "gridgov/readers.hpp"
#include "gridgov/stats.hpp"
#include "helpers.hpp"

using namespace gridgov;
using namespace gridgov::testing;

namespace {

/// A policy with one department (line 1-3) and `services` after it (from line 5).
std::string with_services(const std::string& services) {
  return "[[departments]]\ncode = \"civil_affairs\"\nname = \"县民政局\"\n\n" + services;
}

long long log_one(Session& s, Kind kind, const std::string& service,
                  const std::string& category = "livelihood_services") {
  ReportRequest r;
  r.kind = kind;
  r.service = service;
  r.category = category;
  r.title = "代办";
  r.grid = "G1";
  return log_case(s, r, "g1", k_t0).id;
}

const Period k_period{k_t0 - std::chrono::hours(1), k_t0 + std::chrono::hours(100)};

}  // namespace

TEST_CASE("services: read in the file's order, level words and department by code or name") {
  Diagnostics d;
  const Policy p = parse_policy(with_services("[[services]]\ncode = \"advice\"\nname = "
                                              "\"政策咨询\"\nlevel = \"片区\"\n\n"
                                              "[[services]]\ncode = \"allowance\"\nname = "
                                              "\"低保申请受理\"\nlevel = \"town\"\ndepartment = "
                                              "\"县民政局\"\n"),
                                "p.toml", d);
  CHECK(d.empty());
  REQUIRE(p.services.size() == 2);
  CHECK(p.services[0] == Service{"advice", "政策咨询", Level::zone, ""});
  CHECK(p.services[1] == Service{"allowance", "低保申请受理", Level::town, "civil_affairs"});
  CHECK(p.service_named("低保申请受理") == &p.services[1]);
  CHECK(p.service_named("advice") == &p.services[0]);
  CHECK(p.service_named("nothing") == nullptr);
  CHECK(p.service_code("政策咨询") == "advice");
  CHECK(p.service_code("nothing") == "nothing");
}

TEST_CASE("services: each problem at its line and column") {
  auto one = [](const std::string& services) {
    const auto problems = policy_problems(with_services(services));
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    INFO(all);
    REQUIRE(problems.size() == 1);
    return problems.front();
  };
  CHECK(one("[[services]]\ncode = \"a\"\nname = \"咨询\"\nlevel = \"town\"\nnote = 1\n") ==
        "9:8 services[0].note: unknown key \"note\"");
  CHECK(one("[[services]]\nname = \"咨询\"\nlevel = \"town\"\n") ==
        "5:1 services[0].code: missing code");
  CHECK(one("[[services]]\ncode = \"a\"\nlevel = \"town\"\n") ==
        "5:1 services[0].name: missing name");
  CHECK(one("[[services]]\ncode = \"a\"\nname = \"咨询\"\n") ==
        "5:1 services[0].level: missing level");
  CHECK(one("[[services]]\ncode = \"a\"\nname = \"咨询\"\nlevel = \"street\"\n") ==
        "8:9 services[0].level: unknown level \"street\" (expected town, zone, village or grid)");
  CHECK(one("[[services]]\ncode = \"a\"\nname = \"咨询\"\nlevel = \"county\"\n") ==
        "8:9 services[0].level: unknown level \"county\" (expected town, zone, village or grid)");
  CHECK(one("[[services]]\ncode = \"a\"\nname = \"咨询\"\nlevel = \"town\"\ndepartment = "
            "\"tax\"\n") == "9:14 services[0].department: unknown department \"tax\"");
  CHECK(one("[[services]]\ncode = \"a\"\nname = \"咨询\"\nlevel = \"town\"\n\n"
            "[[services]]\ncode = \"a\"\nname = \"导引\"\nlevel = \"zone\"\n") ==
        "11:8 services[1].code: service a is defined twice");
}

TEST_CASE("the example policy lists at least 12 services, some delegated by its departments") {
  const Policy& p = default_policy();
  CHECK(p.services.size() >= 12);
  int delegated = 0;
  for (const Service& s : p.services) {
    CAPTURE(s.code);
    CHECK(s.level != Level::county);
    if (s.department.empty()) continue;
    ++delegated;
    CHECK(p.find_department(s.department) != nullptr);
  }
  CHECK(delegated >= 4);
}

TEST_CASE("kind service: its words, and closed at once like info") {
  CHECK(to_string(Kind::service) == "service");
  CHECK(to_zh(Kind::service) == "服务");
  CHECK(parse_kind("service") == Kind::service);
  CHECK(parse_kind("服务") == Kind::service);
  CHECK(parse_kind("服务类") == Kind::info);  // the info kind's word, as before
  CHECK(closes_at_once(Kind::service));
  CHECK(closes_at_once(Kind::info));
  CHECK_FALSE(closes_at_once(Kind::problem));
}

TEST_CASE("a service delivered: stored closed with its service, reported and never a problem") {
  Session s = ready_store();
  const long long id = log_one(s, Kind::service, "养老待遇资格认证代办");
  const auto c = s.store().find_case(id);
  REQUIRE(c);
  CHECK(c->kind == Kind::service);
  CHECK(c->service == "pension_certification");
  CHECK(c->status == Status::closed);
  CHECK_FALSE(c->deadline.has_value());
  CHECK_FALSE(c->due.has_value());

  const Outcome o = outcome_at(*c, k_period.to);
  CHECK_FALSE(o.problem);
  CHECK_FALSE(o.closed);
  Tally t;
  t.add(o);
  CHECK(t.reported == 1);
  CHECK(t.problems == 0);

  // Nothing moves a delivered service on.
  const auto refused = error_of([&] {
    Move m;
    m.type = EventType::escalate;
    (void)act(s, id, m, "g1", k_t0 + std::chrono::hours(1));
  });
  REQUIRE(refused);
  CHECK(refused->code() == ErrorCode::refused);
}

TEST_CASE("a service case names a known service, and only a service case names one") {
  Session s = ready_store();
  auto code_of = [&](Kind kind, const std::string& service) {
    const auto e = error_of([&] { (void)log_one(s, kind, service); });
    return e ? static_cast<int>(e->code()) : 0;
  };
  CHECK(code_of(Kind::service, "no_such_service") == 4);  // not found
  CHECK(code_of(Kind::service, "") == 2);                 // usage
  CHECK(code_of(Kind::problem, "policy_advice") == 2);
  CHECK(code_of(Kind::info, "policy_advice") == 2);
  CHECK(code_of(Kind::service, "policy_advice") == 0);
}

TEST_CASE("stats by service: a row per policy service, the rest under (none), rows sum to total") {
  Session s = ready_store();
  (void)log_one(s, Kind::service, "policy_advice");
  (void)log_one(s, Kind::service, "policy_advice");
  (void)log_one(s, Kind::service, "id_card");
  (void)log_one(s, Kind::problem, "", "environment_sanitation");
  (void)log_one(s, Kind::info, "", "environment_sanitation");
  const auto rows = statistics(s, k_period, {Grouping::service});
  const Policy& p = s.policy();
  REQUIRE(rows.size() == p.services.size() + 2);  // services, (none), total
  auto row = [&](const std::string& code) -> const StatsRow& {
    for (const auto& r : rows)
      if (r.group == code) return r;
    FAIL("no row " << code);
    return rows.back();
  };
  CHECK(rows.front().group == p.services.front().code);
  CHECK(row("policy_advice").reported == 2);
  CHECK(row("policy_advice").name == "政策咨询");
  CHECK(row("policy_advice").problems == 0);
  CHECK(row("id_card").reported == 1);
  CHECK(row("legal_aid").reported == 0);
  CHECK(row("").name == "(none)");
  CHECK(row("").reported == 2);
  CHECK(row("").problems == 1);
  CHECK(rows.back().reported == 5);
  CHECK(rows.back().problems == 1);
  long long sum = 0;
  for (std::size_t i = 0; i + 1 < rows.size(); ++i) sum += rows[i].reported;
  CHECK(sum == rows.back().reported);
  CHECK(parse_grouping("service") == Grouping::service);
  CHECK(parse_grouping("服务事项") == Grouping::service);
}
