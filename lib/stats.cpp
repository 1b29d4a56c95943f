// Statistics reports over a Store (docs/design.md §7).

#include "gridgov/stats.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "gridgov/error.hpp"
#include "gridgov/session.hpp"
#include "gridgov/unit_tree.hpp"

namespace gridgov {

std::optional<Period> month_period(std::string_view text, std::chrono::minutes offset) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int y = 0;
  int m = 0;
  if (std::from_chars(text.data(), text.data() + 4, y).ec != std::errc() ||
      std::from_chars(text.data() + 5, text.data() + 7, m).ec != std::errc() || m < 1 || m > 12)
    return std::nullopt;
  using namespace std::chrono;
  const year_month ym{year{y}, month{static_cast<unsigned>(m)}};
  const auto first = sys_days(ym / 1);
  const auto next = sys_days((ym + months{1}) / 1);
  return Period{Timestamp(first.time_since_epoch() - offset),
                Timestamp(next.time_since_epoch() - offset)};
}

std::optional<Period> month_period(std::string_view text, std::chrono::minutes offset,
                                   Timestamp now) {
  if (text != "this" && text != "last") return month_period(text, offset);
  using namespace std::chrono;
  const year_month_day today{floor<days>(now + offset)};
  year_month ym{today.year(), today.month()};
  if (text == "last") ym -= months{1};
  const auto first = sys_days(ym / 1);
  const auto next = sys_days((ym + months{1}) / 1);
  return Period{Timestamp(first.time_since_epoch() - offset),
                Timestamp(next.time_since_epoch() - offset)};
}

namespace {

const Level k_group_level[] = {Level::town, Level::zone, Level::village, Level::grid};

bool is_unit_grouping(Grouping g) {
  return static_cast<int>(g) <= static_cast<int>(Grouping::grid);
}

/// What the store groups by for a grouping: units and party organisations group the cases of
/// their grids.
StatsKey stats_key(Grouping g) {
  if (is_unit_grouping(g) || g == Grouping::party) return StatsKey::grid;
  if (g == Grouping::department) return StatsKey::department;
  if (g == Grouping::service) return StatsKey::service;
  return g == Grouping::category ? StatsKey::category : StatsKey::source;
}

/// The stored key of a case under one grouping (a grid code for the unit groupings), given the
/// department that handled it last or, for an event, the event's own.
std::string stored_key(Grouping g, const Case& c, const std::string& department) {
  switch (stats_key(g)) {
    case StatsKey::grid:
      return c.grid;
    case StatsKey::department:
      return department;
    case StatsKey::category:
      return c.category;
    case StatsKey::service:
      return c.service;
    case StatsKey::source:
      break;
  }
  return std::string(to_string(c.source));
}

/// The party organisation leading the zone of a grid, for `--by party`: its code and name, or
/// ("", "(none)") when the zone has none.
std::pair<std::string, std::string> party_of(const std::string& grid, const UnitTree& tree,
                                             const PartyByUnit& party) {
  if (const Unit* zone = tree.zone_of(grid))
    if (auto it = party.find(zone->code); it != party.end())
      return {it->second.code, it->second.name};
  return {"", "(none)"};
}

/// The group's code and name for a stored key under one grouping.
std::pair<std::string, std::string> key_of(Grouping g, const std::string& key, const UnitTree& tree,
                                           const Policy& policy, const PartyByUnit& party) {
  if (g == Grouping::party) return party_of(key, tree, party);
  if (is_unit_grouping(g)) {
    if (const Unit* u = tree.ancestor_at(key, k_group_level[static_cast<int>(g)]))
      return {u->code, u->name};
    return {"", "(unknown)"};
  }
  switch (g) {
    case Grouping::department: {
      const Department* d = policy.find_department(key);
      return {key, d ? d->name : key.empty() ? "(none)" : key};
    }
    case Grouping::category: {
      const Category* cat = policy.find_category(key);
      return {key, cat ? cat->name : key};
    }
    case Grouping::service: {  // cases that are not services: "(none)", as for departments
      const Service* svc = policy.find_service(key);
      return {key, svc ? svc->name : key.empty() ? "(none)" : key};
    }
    default:
      return {key, key};
  }
}

/// Every group of a one-way report, so that groups with no cases still get their row; with
/// `unit`, the units of that level in its subtree (or the one above it).
std::vector<std::pair<std::string, std::string>> all_groups(Grouping g, const UnitTree& tree,
                                                            const Policy& policy,
                                                            std::string_view unit,
                                                            const PartyByUnit& party) {
  std::vector<std::pair<std::string, std::string>> out;
  if (g == Grouping::party) {
    // Every zone committee (of the zones within `unit`), by code.
    for (const auto& [zone, org] : party)
      if (org.kind == PartyKind::zone_committee &&
          (unit.empty() || tree.within(zone, unit) || tree.within(unit, zone)))
        out.emplace_back(org.code, org.name);
    std::sort(out.begin(), out.end());
  } else if (is_unit_grouping(g)) {
    const Level level = k_group_level[static_cast<int>(g)];
    for (const Unit& u : tree.units())
      if (u.level == level &&
          (unit.empty() || tree.within(u.code, unit) || tree.within(unit, u.code)))
        out.emplace_back(u.code, u.name);
  } else if (g == Grouping::department) {
    for (const auto& d : policy.departments) out.emplace_back(d.code, d.name);
  } else if (g == Grouping::category) {
    for (const auto& c : policy.categories) out.emplace_back(c.code, c.name);
  } else if (g == Grouping::service) {
    for (const auto& s : policy.services) out.emplace_back(s.code, s.name);
  } else {
    for (int s = 0; s <= static_cast<int>(Source::platform); ++s) {
      const std::string name(to_string(static_cast<Source>(s)));
      out.emplace_back(name, name);
    }
  }
  return out;
}

/// The local day that contains `t`, as a period's bound.
Timestamp local_midnight(Timestamp t, std::chrono::minutes offset) {
  return std::chrono::floor<std::chrono::days>(t + offset) - offset;
}

long long days_in(const Period& p) {
  return std::chrono::duration_cast<std::chrono::days>(p.to - p.from).count();
}

/// Tallies by key, in the order the keys were first seen.
class FirstSeen {
 public:
  Tally& operator[](const std::vector<std::string>& key) {
    const auto [it, inserted] = m_index.try_emplace(key, m_tallies.size());
    if (inserted) m_tallies.emplace_back(key, Tally{});
    return m_tallies[it->second].second;
  }
  [[nodiscard]] const std::vector<std::pair<std::vector<std::string>, Tally>>& tallies() const {
    return m_tallies;
  }

 private:
  std::map<std::vector<std::string>, std::size_t> m_index;
  std::vector<std::pair<std::vector<std::string>, Tally>> m_tallies;
};

}  // namespace

Period summary_period(Session& session, std::optional<Timestamp> from,
                      std::optional<Timestamp> to) {
  const auto offset = session.utc_offset();
  const auto range = session.reporting().reported_range();
  const Timestamp now = session.now();
  Period p;
  p.from = from ? *from : local_midnight(range ? range->first : now, offset);
  p.to = to ? *to
            : local_midnight(std::max(range ? range->second : now, now), offset) +
                  std::chrono::hours(24);
  return p;
}

std::vector<StatsRow> county_totals(const std::string& url,
                                    const std::function<Period(Session&)>& period_of) {
  std::vector<std::string> codes;
  {
    OpenOptions all;
    all.read_only = true;
    codes = open_store(url, all)->counties();
  }
  std::vector<StatsRow> out;
  StatsRow total;
  total.group = "all";
  total.name = "all counties";
  for (const auto& code : codes) {
    OpenOptions one;
    one.read_only = true;
    one.county = code;
    Session session(open_store(url, one));
    auto rows = statistics(session, period_of(session), {});
    StatsRow& row = rows.back();  // the county's total
    static_cast<Tally&>(total) += row;
    if (row.quota_days_met && row.grid_days) {
      total.quota_days_met = total.quota_days_met.value_or(0) + *row.quota_days_met;
      total.grid_days = total.grid_days.value_or(0) + *row.grid_days;
    }
    out.push_back(std::move(row));
  }
  out.push_back(std::move(total));
  return out;
}

std::vector<StatsRow> statistics(Session& session, const Period& period,
                                 const std::vector<Grouping>& by, std::string_view unit) {
  // The settled cases, the unsettled ones, the events and the quota, all as of one moment.
  const auto snapshot = session.begin_read();
  Store& store = session.store();
  Reporting& reporting = session.reporting();
  const Policy& policy = session.policy();
  const UnitTree tree(store.units());
  const auto county = store.county();
  const Unit* top = unit.empty() ? nullptr : tree.find(unit);
  const bool by_party = std::find(by.begin(), by.end(), Grouping::party) != by.end();
  const PartyByUnit party = by_party ? party_by_unit(store.party_orgs()) : PartyByUnit{};
  // Party members, for the cases replayed here (the store counts the others itself): read at
  // the first such case, as most reports have none.
  std::optional<std::set<std::string, std::less<>>> members;
  const auto is_member = [&](const std::string& code) {
    if (!members) members = store.party_members();
    return members->count(code) > 0;
  };
  if (!unit.empty() && !top) throw Error(ErrorCode::not_found, "unknown unit " + std::string(unit));
  // Whether a grid lies within `unit`, remembered: grids are few, cases many.
  std::map<std::string, bool, std::less<>> inside;
  auto counts = [&](std::string_view grid) {
    if (!top) return true;
    auto it = inside.find(grid);
    if (it == inside.end()) it = inside.emplace(std::string(grid), tree.within(grid, unit)).first;
    return it->second;
  };

  std::map<std::string, StatsRow> rows;  // by group code
  std::vector<std::string> order;
  auto row_for = [&](const std::vector<std::pair<std::string, std::string>>& keys) -> StatsRow& {
    std::string code;
    std::string name;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      code += (i ? "/" : "") + keys[i].first;
      name += (i ? "/" : "") + keys[i].second;
    }
    auto [it, inserted] = rows.try_emplace(code);
    if (inserted) {
      it->second.group = code;
      it->second.name = name;
      order.push_back(code);
    }
    return it->second;
  };
  // A stored key (one value per grouping) → its row, remembered: groups are few, cases many.
  std::map<std::vector<std::string>, StatsRow*> by_key;
  auto row_of = [&](const std::vector<std::string>& key) -> StatsRow& {
    auto it = by_key.find(key);
    if (it != by_key.end()) return *it->second;
    std::vector<std::pair<std::string, std::string>> keys;
    for (std::size_t i = 0; i < by.size(); ++i)
      keys.push_back(key_of(by[i], key[i], tree, policy, party));
    return *by_key.emplace(key, &row_for(keys)).first->second;
  };
  auto stored_keys = [&](const Case& c, const std::string& department) {
    std::vector<std::string> key;
    for (Grouping g : by) key.push_back(stored_key(g, c, department));
    return key;
  };
  if (by.size() == 1)
    for (const auto& k : all_groups(by.front(), tree, policy, unit, party)) (void)row_for({k});

  StatsRow total;
  total.group = top ? top->code : county ? county->code : "";
  total.name = top ? top->name : county ? county->name : "";
  std::vector<StatsKey> keys;
  for (Grouping g : by) keys.push_back(stats_key(g));
  // With a unit, each group is also keyed by its grid, which says whether it counts.
  if (top) keys.push_back(StatsKey::grid);
  // Almost every case is settled before the period's end: its outcome comes off the stored
  // projection as an aggregate. The rest (an event counts at or after the end) are replayed.
  auto add = [&](const std::vector<std::string>& key, const Tally& t) {
    if (top) {
      if (!counts(key.back())) return;
      total += t;
      if (!by.empty()) row_of(std::vector<std::string>(key.begin(), key.end() - 1)) += t;
      return;
    }
    total += t;
    if (!by.empty()) row_of(key) += t;
  };
  // The settled tallies, the bulk of the work, run beside the reads below where the store can
  // (docs/design.md §14), and are asked for last. A row is made where its group is first seen,
  // so the others are kept aside and added after them: the rows keep their order.
  reporting.expect_settled_tallies(period.from, period.to, period.to, keys);
  FirstSeen unsettled;  // by stored key
  reporting.for_each_unsettled_case(period.from, period.to, period.to,
                                    [&](const Case& c, const std::vector<Event>& events) {
                                      if (!counts(c.grid)) return;
                                      Outcome o = outcome(c, events, period.to);
                                      mark_party(o, c.reporter, is_member);
                                      total.add(o);
                                      if (!by.empty())
                                        unsettled[stored_keys(c, o.department)].add(o);
                                    });
  std::vector<std::pair<std::vector<std::string>, Tally>> events;
  reporting.event_tallies(
      period.from, period.to, keys,
      [&](const std::vector<std::string>& key, const Tally& t) { events.emplace_back(key, t); });
  // The daily quota, for unit groupings (and the total): grid-days met over grid-days.
  const auto quotas =
      reporting.quota(period.from, period.to, policy.utc_offset, policy.daily_reports_per_grid);
  reporting.settled_tallies(period.from, period.to, period.to, keys, add);
  for (const auto& [key, t] : unsettled.tallies()) row_of(key) += t;
  for (const auto& [key, t] : events) add(key, t);
  const long long days = days_in(period);
  total.quota_days_met = 0;
  total.grid_days = 0;
  const bool unit_rows = by.size() == 1 && is_unit_grouping(by.front());
  for (const Unit& u : tree.units()) {
    if (u.level != Level::grid || !counts(u.code)) continue;
    auto it = quotas.find(u.code);
    const long long grid_met = it == quotas.end() ? 0 : it->second.days_met;
    *total.quota_days_met += grid_met;
    *total.grid_days += days;
    if (!unit_rows) continue;
    StatsRow& r = row_of({u.code});
    r.quota_days_met = r.quota_days_met.value_or(0) + grid_met;
    r.grid_days = r.grid_days.value_or(0) + days;
  }

  std::vector<StatsRow> out;
  for (const auto& code : order) out.push_back(std::move(rows[code]));
  if (by.size() > 1)
    std::sort(out.begin(), out.end(),
              [](const StatsRow& a, const StatsRow& b) { return a.group < b.group; });
  out.push_back(std::move(total));
  return out;
}

std::vector<QuotaRow> quota(Session& session, const Period& period, std::string_view unit) {
  const auto snapshot = session.begin_read();
  const Policy& policy = session.policy();
  const UnitTree tree(session.store().units());
  if (!unit.empty() && !tree.find(unit))
    throw Error(ErrorCode::not_found, "unknown unit " + std::string(unit));
  const auto quotas = session.reporting().quota(period.from, period.to, policy.utc_offset,
                                                policy.daily_reports_per_grid);
  std::vector<QuotaRow> out;
  for (const Unit& u : tree.units()) {
    if (u.level != Level::grid || (!unit.empty() && !tree.within(u.code, unit))) continue;
    auto it = quotas.find(u.code);
    const Unit* town = tree.ancestor_at(u.code, Level::town);
    out.push_back(QuotaRow{u.code, u.name, town ? town->code : std::string(),
                           town ? town->name : std::string(), days_in(period),
                           it == quotas.end() ? GridQuota{} : it->second});
  }
  std::sort(out.begin(), out.end(),
            [](const QuotaRow& a, const QuotaRow& b) { return a.grid < b.grid; });
  return out;
}

}  // namespace gridgov
