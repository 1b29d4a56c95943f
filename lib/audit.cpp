// `audit verify` (docs/design.md §15): the chain recomputed over a store or an `export events`
// file, and every case replayed against its row.

#include <fmt/format.h>

#include <charconv>
#include <istream>
#include <iterator>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "check_ahead.hpp"
#include "csv.hpp"
#include "gridgov/audit.hpp"
#include "gridgov/error.hpp"
#include "gridgov/store.hpp"

namespace gridgov {

namespace {

/// Keeps the first finding: an event's before a case row's, the lower id first.
class Findings {
 public:
  explicit Findings(AuditReport& report) : m_report(&report) {}
  void add(AuditFinding f) {
    ++m_report->findings;
    auto& first = m_report->finding;
    const auto rank = [](const AuditFinding& x) {
      return std::pair{x.event ? 0 : 1, x.event ? x.event : x.case_id};
    };
    if (!first || rank(f) < rank(*first)) first = std::move(f);
  }

 private:
  AuditReport* m_report;
};

std::string time_text(const std::optional<Timestamp>& t) {
  return t ? format_time(*t, std::chrono::minutes(0)) : std::string("none");
}
std::string text(const std::string& s) { return s.empty() ? std::string("none") : s; }
std::string flag(bool b) { return b ? "yes" : "no"; }

/// The first stored field of `row` that differs from `replayed` (what its events give), as
/// {field, row's value, events' value}; nullopt when the row agrees.
std::optional<std::array<std::string, 3>> row_difference(const Case& row, const Case& replayed) {
  using Diff = std::array<std::string, 3>;
  if (row.status != replayed.status)
    return Diff{"status", std::string(to_string(row.status)),
                std::string(to_string(replayed.status))};
  if (row.level != replayed.level)
    return Diff{"level", std::string(to_string(row.level)), std::string(to_string(replayed.level))};
  if (row.unit != replayed.unit) return Diff{"unit", text(row.unit), text(replayed.unit)};
  if (row.department != replayed.department)
    return Diff{"department", text(row.department), text(replayed.department)};
  if (row.deadline != replayed.deadline)
    return Diff{"deadline", time_text(row.deadline), time_text(replayed.deadline)};
  if (row.due != replayed.due) return Diff{"due", time_text(row.due), time_text(replayed.due)};
  if (row.rework != replayed.rework)
    return Diff{"rework", std::to_string(row.rework), std::to_string(replayed.rework)};
  if (row.resolved_by != replayed.resolved_by)
    return Diff{"resolved_by", text(row.resolved_by), text(replayed.resolved_by)};
  if (row.suspended_since != replayed.suspended_since)
    return Diff{"suspended_since", time_text(row.suspended_since),
                time_text(replayed.suspended_since)};
  auto by = [](const Case& c) {
    return c.supervision ? std::optional<Timestamp>(c.supervision->by) : std::nullopt;
  };
  if (by(row) != by(replayed))
    return Diff{"supervision_by", time_text(by(row)), time_text(by(replayed))};
  const CaseFacts& a = row.facts;
  const CaseFacts& b = replayed.facts;
  if (a.last_counted_at != b.last_counted_at)
    return Diff{"last_counted_at", time_text(a.last_counted_at), time_text(b.last_counted_at)};
  if (a.close_counted_at != b.close_counted_at)
    return Diff{"close_counted_at", time_text(a.close_counted_at), time_text(b.close_counted_at)};
  if (a.escalated != b.escalated) return Diff{"escalated", flag(a.escalated), flag(b.escalated)};
  if (a.referred != b.referred) return Diff{"referred", flag(a.referred), flag(b.referred)};
  if (a.extended != b.extended) return Diff{"extended", flag(a.extended), flag(b.extended)};
  if (a.stage_late != b.stage_late)
    return Diff{"stage_late", flag(a.stage_late), flag(b.stage_late)};
  if (a.last_department != b.last_department)
    return Diff{"last_department", text(a.last_department), text(b.last_department)};
  return std::nullopt;
}

std::string changed(const Event& e) {
  return fmt::format(
      "event {} (case {}, {}): its hash does not match what it records now after the hash "
      "before it: the event or its case's report was changed, or the events before it were "
      "rewritten, after it was recorded",
      e.id, e.case_id, to_string(e.type));
}

/// The events missing between `after` and `before` (exclusive), as a finding.
AuditFinding gap(long long after, long long before) {
  if (before == after + 2)
    return {after + 1, 0,
            fmt::format("event {} is missing: the chain goes from event {} to event {} "
                        "(deleted outside gridgov?)",
                        after + 1, after, before)};
  return {after + 1, 0,
          fmt::format("events {} to {} are missing: the chain goes from event {} to event {} "
                      "(deleted outside gridgov?)",
                      after + 1, before - 1, after, before)};
}

}  // namespace

std::optional<std::string> row_disagreement(const Case& row, const std::vector<Event>& events) {
  if (auto d = row_difference(row, replay(row, events)))
    return fmt::format(
        "case {}: its row says {} {}, its events give {} (the row was changed "
        "outside gridgov)",
        row.id, (*d)[0], (*d)[1], (*d)[2]);
  return std::nullopt;
}

AuditReport verify_chain(Store& store, long long from_event) {
  // Both streams as of one moment: an event appended between them is not a missing one.
  const auto snapshot = store.begin_read();
  if (from_event < 1) from_event = 1;
  if (from_event > 1) {  // from the event after the last (nothing new) on, not beyond
    const auto head = store.chain_head(std::nullopt);
    if (!head || head->first + 1 < from_event)
      throw Error(ErrorCode::not_found,
                  fmt::format("no event {}: the chain ends at event {}", from_event,
                              head ? head->first : 0),
                  "", "from");
  }
  AuditReport report;
  Findings findings(report);
  report.start = store.chain_start();
  long long hashed = 0;  // events whose hash the first stream recomputed

  // Each case with its events: every event's hash from the hash before it, and the row replayed,
  // on a thread of their own while the store reads on. Until `finish`, only that thread touches
  // the report.
  detail::CheckAhead checker([&](const detail::LinkedCase& linked) {
    const Case& row = linked.row;
    const std::vector<Event>& events = linked.events;
    const std::vector<Link>& links = linked.links;
    ++report.cases;
    if (row.grid.empty())
      findings.add({0, row.id,
                    fmt::format("case {}: its grid is not among the units (its row or the units "
                                "were changed outside gridgov)",
                                row.id)});
    if (events.empty()) {
      findings.add(
          {0, row.id, fmt::format("case {} has no events (deleted outside gridgov?)", row.id)});
      return;
    }
    if (events.front().type != EventType::report)
      findings.add({events.front().id, row.id,
                    fmt::format("event {} (case {}): the case's first event is a {}, not its "
                                "report (its report was deleted outside gridgov?)",
                                events.front().id, row.id, to_string(events.front().type))});
    for (std::size_t i = 0; i < events.size(); ++i) {
      const Event& e = events[i];
      if (e.id < from_event) continue;
      ++report.events;
      ++hashed;
      // After a missing event there is no hash to recompute from (the store gives none): the
      // gap is the finding, which the second stream reports.
      const bool anchored = links[i].prev != Digest{};
      if (anchored && link_after(links[i].prev, row, e).hash != links[i].hash)
        findings.add({e.id, e.case_id, changed(e)});
    }
    if (auto why = row_disagreement(row, events)) findings.add({0, row.id, *why});
  });
  store.for_each_linked_case(
      from_event, [&](const Case& row, const std::vector<Event>& events,
                      const std::vector<Link>& links) { checker.push(row, events, links); });
  checker.finish();

  // The events in id order: no id missing, and no event without a case.
  std::optional<Digest> prev;
  long long prev_id = from_event - 1;
  if (from_event == 1 && report.start) {
    const ChainStart& s = *report.start;
    if (make_chain_start(s.county, s.at, s.reason, s.events_before).hash != s.hash)
      findings.add({0, 0, "the chain's start entry was changed after it was written"});
    prev = s.hash;
  }
  bool any = false;
  long long linked = 0;  // events of cases that are there, by the second stream
  store.for_each_link(
      from_event > 1 ? from_event - 1 : 1,
      [&](long long id, long long case_id, bool case_exists, const Digest& hash) {
        if (id < from_event) {  // the anchor: event from_event - 1 as stored
          prev = hash;
          prev_id = id;
          return;
        }
        if (!any) {
          any = true;
          report.first_event = id;
          if (from_event == 1 && !report.start)
            findings.add({id, case_id,
                          fmt::format("event {} begins a chain whose start entry is missing "
                                      "(deleted outside gridgov?)",
                                      id)});
        }
        if (id != prev_id + 1) findings.add(gap(prev_id, id));
        if (case_exists)
          ++linked;
        else
          findings.add({id, case_id,
                        fmt::format("event {} belongs to case {}, which is missing (deleted "
                                    "outside gridgov)",
                                    id, case_id)});
        prev = hash;
        prev_id = id;
        report.last_event = id;
      });
  report.head = prev.value_or(Digest{});
  // Every event of a case that is there was hashed: a case the first stream could not read (its
  // row joined to nothing) would otherwise hide its events.
  if (linked != hashed)
    findings.add({0, 0,
                  fmt::format("{} events belong to cases that could not be read with them (a "
                              "case's row or its units were changed outside gridgov)",
                              linked > hashed ? linked - hashed : hashed - linked)});
  // The newest events leave no gap when deleted; the start entry still tells of some.
  if (from_event == 1 && report.start) {
    if (!any)
      findings.add({0, 0,
                    "the chain's start entry is there but no event is: every event was deleted "
                    "outside gridgov"});
    else if (report.last_event < report.start->events_before)
      findings.add({0, 0,
                    fmt::format("the chain began with {} events (on the upgrade), but ends at "
                                "event {}: the newest were deleted outside gridgov",
                                report.start->events_before, report.last_event)});
  }
  return report;
}

void throw_if_tampered(const AuditReport& report, const std::string& file) {
  if (!report.finding) return;
  std::string what = report.finding->what;
  if (!file.empty()) what = fmt::format("{}:{}: {}", file, report.finding->line, what);
  if (report.findings > 1) what += fmt::format(" (and {} more)", report.findings - 1);
  throw Error(ErrorCode::tampered, what);
}

// ---- An `export events` file -------------------------------------------------------------

namespace {

/// One row of the file, by column name (null and absent are empty).
using Row = std::map<std::string, std::string, std::less<>>;

/// The header and event a row describes; throws std::runtime_error naming the bad field.
std::pair<Case, Event> read_row(const Row& row, std::chrono::minutes offset) {
  auto get = [&](std::string_view name) -> const std::string& {
    auto it = row.find(name);
    if (it == row.end())
      throw std::runtime_error(fmt::format(
          "{}: missing (an export of events has every column: was it cut with --columns?)", name));
    return it->second;
  };
  auto need = [&](std::string_view name) -> const std::string& {
    const auto& v = get(name);
    if (v.empty()) throw std::runtime_error(fmt::format("{}: missing", name));
    return v;
  };
  auto integer = [&](std::string_view name) {
    const auto& v = need(name);
    long long n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size())
      throw std::runtime_error(fmt::format("{}: not a whole number: {}", name, v));
    return n;
  };
  auto time = [&](std::string_view name) -> std::optional<Timestamp> {
    const auto& v = get(name);
    if (v.empty()) return std::nullopt;
    auto t = parse_time(v, offset);
    if (!t) throw std::runtime_error(fmt::format("{}: not a time: {}", name, v));
    return t;
  };
  auto word = [&](std::string_view name, auto parse) {
    const auto& v = need(name);
    auto w = parse(v);
    if (!w) throw std::runtime_error(fmt::format("{}: unknown: {}", name, v));
    return *w;
  };
  auto number = [&](std::string_view name) {
    const auto& v = need(name);
    double d = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec != std::errc() || end != v.data() + v.size())
      throw std::runtime_error(fmt::format("{}: not a number: {}", name, v));
    return d;
  };
  Case c;
  c.id = integer("case_id");
  c.kind = word("kind", parse_kind);
  c.source = word("source", parse_source);
  c.ext_id = get("ext_id");
  c.category = get("category");
  c.service = get("service");
  c.title = get("title");
  c.description = get("description");
  c.grid = get("grid");
  c.reporter = get("reporter");
  c.reported_at = time("reported_at").value_or(Timestamp{});
  if (!get("lon").empty() || !get("lat").empty()) c.location = LonLat{number("lon"), number("lat")};
  Event e;
  e.id = integer("event_id");
  // Ids count from 1; the largest has no successor to link to (and id + 1 would overflow).
  if (e.id < 1 || e.id == std::numeric_limits<long long>::max())
    throw std::runtime_error(fmt::format("event_id: not an event id: {}", e.id));
  e.case_id = c.id;
  e.type = word("type", parse_event_type);
  need("at");
  e.at = *time("at");
  e.recorded_at = time("recorded_at").value_or(Timestamp{});
  e.actor = get("actor");
  if (e.type != EventType::report) e.from_level = word("from_level", parse_level);
  e.from_unit = get("from_unit");
  e.from_department = get("from_department");
  e.level = word("level", parse_level);
  e.unit = get("unit");
  e.department = get("department");
  e.worker = get("worker");
  e.deadline = time("deadline");
  e.note = get("note");
  e.due = time("due");
  if (!get("extension").empty()) {
    e.extension = parse_duration(get("extension"));
    if (!e.extension)
      throw std::runtime_error(fmt::format("extension: not a duration: {}", get("extension")));
  }
  e.supervision_by = time("by");
  const auto& late = get("late_record");
  e.late_record = late == "true" || late == "1";
  return {c, e};
}

/// Reads the rows of a csv, json or ndjson export one at a time.
class RowReader {
 public:
  RowReader(std::istream& in, std::string name) : m_in(&in), m_name(std::move(name)) {
    const int first = skip_space();
    m_csv = first != '[' && first != '{' && first != EOF;
    if (m_csv) {
      m_reader.emplace(in, m_name, m_diagnostics);
      m_reader->keep_crlf_in_quotes();  // the hashes cover a text's every byte
      std::vector<detail::CsvField> header;
      if (m_reader->next(header))
        for (auto& f : header) m_columns.push_back(f.text);
      m_diagnostics.throw_if_any();
    }
  }

  /// The next row and its line; false at the end.
  bool next(Row& row, long long& line) {
    row.clear();
    if (m_csv) {
      std::vector<detail::CsvField> fields;
      if (!m_reader->next(fields)) {
        m_diagnostics.throw_if_any();
        return false;
      }
      m_diagnostics.throw_if_any();
      line = m_reader->record_line();
      for (std::size_t i = 0; i < fields.size() && i < m_columns.size(); ++i)
        row[m_columns[i]] = std::move(fields[i].text);
      return true;
    }
    std::string text;
    while (std::getline(*m_in, text)) {
      ++m_line;
      // A json export is an array with one object per line; ndjson, one object per line.
      std::string_view s = text;
      while (!s.empty() && (s.front() == ' ' || s.front() == '[' || s.front() == '\t'))
        s.remove_prefix(1);
      while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ']' ||
                            s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
      if (s.empty()) continue;
      const auto j = nlohmann::json::parse(s, nullptr, false);
      if (!j.is_object())
        throw Error(ErrorCode::input,
                    fmt::format("{}:{}:1: not a JSON object of an events export", m_name, m_line));
      for (const auto& [key, value] : j.items()) {
        if (value.is_string())
          row[key] = value.get<std::string>();
        else if (value.is_boolean())
          row[key] = value.get<bool>() ? "true" : "false";
        else if (value.is_number_integer())
          row[key] = std::to_string(value.get<long long>());
        else if (value.is_number())
          row[key] = fmt::format("{}", value.get<double>());
        else if (value.is_null())
          row[key] = "";  // present, and empty
        else
          row[key] = value.dump();
      }
      line = m_line;
      return true;
    }
    return false;
  }

  [[nodiscard]] bool has_column(std::string_view name) const {
    if (!m_csv) return true;
    for (const auto& c : m_columns)
      if (c == name) return true;
    return false;
  }

 private:
  int skip_space() {
    int c = m_in->peek();
    while (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0xEF) {
      if (c == 0xEF) break;  // a BOM: a csv file
      if (c == '\n') ++m_line_offset;
      m_in->get();
      c = m_in->peek();
    }
    m_line = m_line_offset;
    return c;
  }

  std::istream* m_in;
  std::string m_name;
  bool m_csv = false;
  Diagnostics m_diagnostics;
  std::optional<detail::CsvReader> m_reader;
  std::vector<std::string> m_columns;
  long long m_line = 0;
  long long m_line_offset = 0;
};

}  // namespace

AuditReport verify_events_file(std::istream& in, const std::string& name,
                               std::chrono::minutes offset) {
  AuditReport report;
  Findings findings(report);
  RowReader reader(in, name);
  for (const char* column : {"event_id", "prev_hash", "hash", "title"})
    if (!reader.has_column(column))
      throw Error(ErrorCode::input,
                  fmt::format("{}:1:1: column {} is missing: not an export of events by this "
                              "gridctl (export events writes it)",
                              name, column));
  // Events of one period come in time order; the chain's is id order. Each row checks alone
  // (its hash from its prev_hash), and a row whose id follows another's checks their link.
  // The ids seen so far are kept as runs of consecutive ids, each with the two ends a row still
  // to come can link to: memory grows with the gaps still open, not with the file.
  struct Run {
    long long last = 0;        ///< the run is [its key, last]
    Digest first_prev{};       ///< its first row's prev_hash
    long long first_line = 0;  ///< and that row's line
    Digest last_hash{};        ///< its last row's hash
  };
  std::map<long long, Run> runs;  // by first id
  const auto broken = [](long long id) {
    return fmt::format(
        "event {}: its link to event {} is broken: its previous hash is not that event's hash", id,
        id - 1);
  };
  Row row;
  long long line = 0;
  while (reader.next(row, line)) {
    Case c;
    Event e;
    try {
      std::tie(c, e) = read_row(row, offset);
    } catch (const std::runtime_error& bad) {
      throw Error(ErrorCode::input, fmt::format("{}:{}:1: {}", name, line, bad.what()));
    }
    const auto prev = digest_from_hex(row["prev_hash"]);
    const auto hash = digest_from_hex(row["hash"]);
    if (!prev || !hash)
      throw Error(ErrorCode::input,
                  fmt::format("{}:{}:1: prev_hash, hash: not 64 hexadecimal digits", name, line));
    ++report.events;
    if (report.first_event == 0 || e.id < report.first_event) report.first_event = e.id;
    if (e.id > report.last_event) {
      report.last_event = e.id;
      report.head = *hash;
    }
    if (link_after(*prev, c, e).hash != *hash) findings.add({e.id, e.case_id, changed(e), line});
    // The run that ends just before this id, or holds it already.
    auto before = runs.upper_bound(e.id);
    if (before != runs.begin() && std::prev(before)->second.last >= e.id - 1)
      before = std::prev(before);
    else
      before = runs.end();
    if (before != runs.end() && before->second.last >= e.id) {
      findings.add(
          {e.id, e.case_id, fmt::format("event {} appears twice in the file", e.id), line});
      continue;
    }
    if (before != runs.end() && before->second.last_hash != *prev)
      findings.add({e.id, e.case_id, broken(e.id), line});
    const auto after = runs.find(e.id + 1);
    if (after != runs.end() && after->second.first_prev != *hash)
      findings.add({e.id + 1, 0, broken(e.id + 1), after->second.first_line});
    // Join this id to its neighbours' runs.
    Run joined{e.id, *prev, line, *hash};
    if (after != runs.end()) {
      joined.last = after->second.last;
      joined.last_hash = after->second.last_hash;
      runs.erase(after);
    }
    if (before != runs.end()) {
      before->second.last = joined.last;
      before->second.last_hash = joined.last_hash;
    } else {
      runs.emplace(e.id, joined);
    }
  }
  return report;
}

}  // namespace gridgov
