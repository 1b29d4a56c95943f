#pragma once
// Random case histories for the property tests of the statistics' fast path: any sequence of
// events (the rules are not asked), with times in order, late records, deadlines, dues,
// departments, extensions, suspensions and supervision orders. `outcome` is defined over any
// history, so the fast path must agree on all of them.

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "gridgov/case.hpp"
#include "helpers.hpp"

namespace gridgov::testing {

struct History {
  Case header;
  std::vector<Event> events;
};

/// A random history on one of `grids`, reported within the first 400 hours after k_t0, each
/// event up to two days after the one before.
inline History random_history(std::mt19937& rng, const std::vector<std::string>& grids) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  auto hours = [&](int h) { return std::chrono::hours(pick(h)); };
  History h;
  Case& c = h.header;
  c.kind = pick(5) == 0 ? Kind::info : Kind::problem;
  c.source = static_cast<Source>(pick(5));
  c.category = pick(2) ? "litter" : "dispute";
  c.title = "事项";
  c.grid = grids[static_cast<std::size_t>(pick(static_cast<int>(grids.size())))];
  c.reporter = "g1";
  c.reported_at = k_t0 + hours(400);  // whole hours, so that periods end on event times
  const std::vector<std::string> departments = {"", "", "housing", "police"};
  Timestamp at = c.reported_at;
  const int n = 1 + pick(8);
  for (int i = 0; i < n; ++i) {
    Event e;
    e.type = i == 0 ? EventType::report : static_cast<EventType>(1 + pick(14));
    if (i > 0) at += hours(48);
    e.at = at;
    e.recorded_at = at;
    if (i > 0 && pick(5) == 0) {
      e.late_record = true;
      e.recorded_at = at + hours(100);
    }
    e.actor = pick(6) == 0 ? "admin" : "g1";
    e.level = static_cast<Level>(pick(5));
    e.department = departments[static_cast<std::size_t>(pick(4))];
    if (pick(3)) e.deadline = at + hours(72) - std::chrono::hours(12);
    if (pick(4)) e.due = c.reported_at + hours(200);
    if (e.type == EventType::whistle) e.worker = "cw";
    if (e.type == EventType::extend) {
      Duration d;
      d.working_days = 1 + pick(3);
      e.extension = d;
    }
    if (e.type == EventType::supervise) e.supervision_by = at + hours(96);
    h.events.push_back(e);
  }
  return h;
}

}  // namespace gridgov::testing
