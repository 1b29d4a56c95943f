#pragma once
// Cases and their events (docs/design.md §3). The case row is a projection of its events: `apply`
// folds one event into a case, and `replay` rebuilds a case from its whole history.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/duration.hpp"
#include "gridgov/geo.hpp"
#include "gridgov/level.hpp"
#include "gridgov/time.hpp"

namespace gridgov {

/// `service`: a public service delivered (职能下沉, docs/design.md §12), closed at once like
/// `info`.
enum class Kind : int { problem = 0, info = 1, service = 2 };
enum class Source : int { patrol = 0, hotline, surveillance, petition, platform };
enum class Status : int { open = 0, resolved, closed, voided };
enum class EventType : int {
  report = 0,
  escalate,
  refer,
  dispatch,
  whistle,
  resolve,
  close,
  rework,
  reopen,
  voided,
  extend,     ///< rule 13 (延期): `due` moves out
  suspend,    ///< rule 14 (挂账): the clocks stop
  resume,     ///< rule 14: the clocks run again, moved out by the suspended time
  supervise,  ///< rule 15 (限期督办): a supervision order with its time
  urge        ///< rule 15 (催办): a reminder to the holder
};

[[nodiscard]] constexpr std::string_view to_string(Kind k) noexcept {
  return k == Kind::problem ? "problem" : k == Kind::info ? "info" : "service";
}
/// Info and service cases are recorded and closed at once; only problems run the loop.
[[nodiscard]] constexpr bool closes_at_once(Kind k) noexcept { return k != Kind::problem; }
[[nodiscard]] constexpr std::string_view to_string(Source s) noexcept {
  switch (s) {
    case Source::patrol:
      return "patrol";
    case Source::hotline:
      return "hotline";
    case Source::surveillance:
      return "surveillance";
    case Source::petition:
      return "petition";
    case Source::platform:
      return "platform";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_string(Status s) noexcept {
  switch (s) {
    case Status::open:
      return "open";
    case Status::resolved:
      return "resolved";
    case Status::closed:
      return "closed";
    case Status::voided:
      return "void";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_string(EventType t) noexcept {
  switch (t) {
    case EventType::report:
      return "report";
    case EventType::escalate:
      return "escalate";
    case EventType::refer:
      return "refer";
    case EventType::dispatch:
      return "dispatch";
    case EventType::whistle:
      return "whistle";
    case EventType::resolve:
      return "resolve";
    case EventType::close:
      return "close";
    case EventType::rework:
      return "rework";
    case EventType::reopen:
      return "reopen";
    case EventType::voided:
      return "void";
    case EventType::extend:
      return "extend";
    case EventType::suspend:
      return "suspend";
    case EventType::resume:
      return "resume";
    case EventType::supervise:
      return "supervise";
    case EventType::urge:
      return "urge";
  }
  return "?";
}

/// The glossary's Chinese words, as `--lang zh` shows them; the parsers below read back those of
/// kinds, sources and statuses.
[[nodiscard]] constexpr std::string_view to_zh(Kind k) noexcept {
  return k == Kind::problem ? "问题类" : k == Kind::info ? "民情类" : "服务";
}
[[nodiscard]] constexpr std::string_view to_zh(Source s) noexcept {
  switch (s) {
    case Source::patrol:
      return "巡查上报";
    case Source::hotline:
      return "12345";
    case Source::surveillance:
      return "治安监控";
    case Source::petition:
      return "信访";
    case Source::platform:
      return "网格云社区";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_zh(Status s) noexcept {
  switch (s) {
    case Status::open:
      return "办理中";
    case Status::resolved:
      return "已办结";
    case Status::closed:
      return "已结案";
    case Status::voided:
      return "已作废";
  }
  return "?";
}
[[nodiscard]] constexpr std::string_view to_zh(EventType t) noexcept {
  switch (t) {
    case EventType::report:
      return "上报";
    case EventType::escalate:
      return "逐级上报";
    case EventType::refer:
      return "乡呼县应";
    case EventType::dispatch:
      return "分级交办";
    case EventType::whistle:
      return "吹哨";
    case EventType::resolve:
      return "办结";
    case EventType::close:
      return "结案";
    case EventType::rework:
      return "返工";
    case EventType::reopen:
      return "重新办理";
    case EventType::voided:
      return "作废";
    case EventType::extend:
      return "延期";
    case EventType::suspend:
      return "挂账";
    case EventType::resume:
      return "恢复";
    case EventType::supervise:
      return "限期督办";
    case EventType::urge:
      return "催办";
  }
  return "?";
}

/// Parses a kind: `problem`/`问题类`, `info`/`民情类`/`服务类` or `service`/`服务` (a policy
/// service delivered; `服务类` stays the info kind it always named).
[[nodiscard]] constexpr std::optional<Kind> parse_kind(std::string_view s) noexcept {
  if (s == "problem" || s == "问题类" || s == "问题") return Kind::problem;
  if (s == "info" || s == "民情类" || s == "服务类" || s == "民情") return Kind::info;
  if (s == "service" || s == "服务" || s == "服务事项") return Kind::service;
  return std::nullopt;
}
/// Parses a source by code name or Chinese word (`12345` is the hotline).
[[nodiscard]] constexpr std::optional<Source> parse_source(std::string_view s) noexcept {
  if (s == "patrol" || s == "巡查上报" || s == "巡查") return Source::patrol;
  if (s == "hotline" || s == "12345" || s == "热线") return Source::hotline;
  if (s == "surveillance" || s == "治安监控" || s == "监控") return Source::surveillance;
  if (s == "petition" || s == "信访") return Source::petition;
  if (s == "platform" || s == "网格云社区") return Source::platform;
  return std::nullopt;
}
/// Parses a status by code name or Chinese word (`已结案` is `Status::closed`).
[[nodiscard]] constexpr std::optional<Status> parse_status(std::string_view s) noexcept {
  if (s == "open" || s == "办理中") return Status::open;
  if (s == "resolved" || s == "已办结") return Status::resolved;
  if (s == "closed" || s == "已结案") return Status::closed;
  if (s == "void" || s == "已作废") return Status::voided;
  return std::nullopt;
}
[[nodiscard]] constexpr std::optional<EventType> parse_event_type(std::string_view s) noexcept {
  for (int i = 0; i <= static_cast<int>(EventType::urge); ++i)
    if (to_string(static_cast<EventType>(i)) == s) return static_cast<EventType>(i);
  return std::nullopt;
}

/// Hotline and petition cases arrive at the county platform and always need the grid's
/// verification before they close.
[[nodiscard]] constexpr bool is_intake(Source s) noexcept {
  return s == Source::hotline || s == Source::petition;
}

/// One entry of a case's history. `level`, `unit` and `department` say where the case stands
/// after the event; the `from_` fields where it stood before.
struct Event {
  long long id = 0;
  long long case_id = 0;
  EventType type = EventType::report;
  Timestamp at{};
  Timestamp recorded_at{};
  std::string actor;
  Level from_level = Level::grid;
  std::string from_unit;
  std::string from_department;
  Level level = Level::grid;
  std::string unit;
  std::string department;
  std::string worker;                       ///< whistle: the summoned worker
  std::optional<Timestamp> deadline;        ///< the case's stage deadline after the event
  std::optional<Timestamp> due;             ///< the case's 办结时限 after the event (rule 9)
  std::optional<Duration> extension;        ///< extend: by how much (rule 13)
  std::optional<Timestamp> supervision_by;  ///< supervise: the time the order sets (rule 15)
  std::string note;
  /// Recorded more than the policy's `backfill` after `at` (rule 16): counts at `recorded_at`.
  bool late_record = false;

  friend bool operator==(const Event&, const Event&) = default;
};

/// When an event counts for time limits and on-time figures (rule 16): a late record at the time
/// it was recorded, never earlier.
[[nodiscard]] inline Timestamp counted_at(const Event& e) noexcept {
  return e.late_record ? e.recorded_at : e.at;
}

/// A supervision order (限期督办, rule 15): the time it sets, and what it says.
struct Supervision {
  Timestamp by{};
  std::string note;

  friend bool operator==(const Supervision&, const Supervision&) = default;
};

/// What the statistics (docs/design.md §7) need of a case's history beyond its current state,
/// kept up to date by `apply` so that a month's figures are aggregates over stored columns.
struct CaseFacts {
  std::optional<Timestamp> last_counted_at;   ///< the latest `counted_at` of any event
  std::optional<Timestamp> close_counted_at;  ///< `counted_at` of the last close
  bool escalated = false;                     ///< escalated or referred at least once
  bool referred = false;                      ///< referred at least once
  bool extended = false;                      ///< extended at least once
  bool stage_late = false;      ///< open past a stage deadline at an event's counted time
  std::string last_department;  ///< the last department that held it; empty when none did
  friend bool operator==(const CaseFacts&, const CaseFacts&) = default;
};

/// A case's header (what the report says) and its current state.
struct Case {
  long long id = 0;
  Kind kind = Kind::problem;
  Source source = Source::patrol;
  std::string ext_id;  ///< the hotline or petition number; empty when none
  std::string category;
  std::string service;  ///< kind service: the policy service delivered; empty otherwise
  std::string title;
  std::string description;
  std::string grid;
  std::string reporter;
  Timestamp reported_at{};
  std::optional<LonLat> location;  ///< where it happened (WGS-84), when known (§13.2)

  Status status = Status::open;
  Level level = Level::grid;
  std::string unit;        ///< the handling unit; empty at the county platform before dispatch
  std::string department;  ///< the county department it was referred or dispatched to
  std::optional<Timestamp> deadline;  ///< the current holder's stage limit (环节时限)
  std::optional<Timestamp> due;       ///< when the case must be closed (办结时限, rule 9)
  int rework = 0;
  std::vector<std::string> whistled;  ///< workers summoned to the case
  std::string resolved_by;            ///< who recorded the last resolve (rule 7: not its verifier)
  std::optional<Timestamp> suspended_since;  ///< set while suspended (挂账, rule 14)
  std::vector<Duration> extensions;          ///< each extension granted (rule 13)
  std::optional<Supervision> supervision;    ///< the last supervision order (rule 15)
  CaseFacts facts;

  [[nodiscard]] bool suspended() const noexcept { return suspended_since.has_value(); }

  friend bool operator==(const Case&, const Case&) = default;
};

/// Open, not suspended, and past the current stage `deadline` at `now` (rule 9).
[[nodiscard]] inline bool is_stage_overdue(const Case& c, Timestamp now) noexcept {
  return c.status == Status::open && !c.suspended() && c.deadline && now > *c.deadline;
}

/// Folds one event into `c` (the projection that defines the case row).
[[nodiscard]] inline Case apply(Case c, const Event& e) {
  const Timestamp counted = counted_at(e);
  CaseFacts& f = c.facts;
  // The stage the case stood in before `e` ran late if its deadline passed before `e` counted.
  if (e.type != EventType::report && is_stage_overdue(c, counted)) f.stage_late = true;
  if (!f.last_counted_at || counted > *f.last_counted_at) f.last_counted_at = counted;
  if (e.type == EventType::escalate || e.type == EventType::refer) f.escalated = true;
  if (e.type == EventType::refer) f.referred = true;
  if (e.type == EventType::extend) f.extended = true;
  if (e.type == EventType::close) f.close_counted_at = counted;
  if (!e.department.empty()) f.last_department = e.department;
  c.level = e.level;
  c.unit = e.unit;
  c.department = e.department;
  if (e.type != EventType::whistle) c.deadline = e.deadline;
  c.due = e.due;
  switch (e.type) {
    case EventType::report:
      c.status = closes_at_once(c.kind) ? Status::closed : Status::open;
      break;
    case EventType::escalate:
    case EventType::refer:
    case EventType::dispatch:
    case EventType::reopen:
      c.status = Status::open;
      break;
    case EventType::whistle:
      c.whistled.push_back(e.worker);
      break;
    case EventType::resolve:
      c.status = Status::resolved;
      c.resolved_by = e.actor;
      break;
    case EventType::close:
      c.status = Status::closed;
      break;
    case EventType::rework:
      c.status = Status::open;
      ++c.rework;
      break;
    case EventType::voided:
      c.status = Status::voided;
      c.suspended_since.reset();
      break;
    case EventType::extend:
      if (e.extension) c.extensions.push_back(*e.extension);
      break;
    case EventType::suspend:
      c.suspended_since = counted_at(e);
      break;
    case EventType::resume:
      c.suspended_since.reset();
      break;
    case EventType::supervise:
      if (e.supervision_by) c.supervision = Supervision{*e.supervision_by, e.note};
      break;
    case EventType::urge:
      break;
  }
  return c;
}

/// Rebuilds a case's state from its header and its events, in order.
[[nodiscard]] inline Case replay(const Case& header, const std::vector<Event>& events) {
  Case c = header;
  c.status = Status::open;
  c.level = Level::grid;
  c.unit.clear();
  c.department.clear();
  c.deadline.reset();
  c.due.reset();
  c.rework = 0;
  c.whistled.clear();
  c.resolved_by.clear();
  c.suspended_since.reset();
  c.extensions.clear();
  c.supervision.reset();
  c.facts = {};
  for (const auto& e : events) c = apply(std::move(c), e);
  return c;
}

/// Open, not suspended, and past its `due` at `now` (rule 9: 超期, on the supervision list).
[[nodiscard]] inline bool is_overdue(const Case& c, Timestamp now) noexcept {
  return c.status == Status::open && !c.suspended() && c.due && now > *c.due;
}

/// Under a supervision order and not yet closed (open, or resolved and awaiting verification)
/// past the order's time at `now` (rule 15).
[[nodiscard]] inline bool is_supervision_overdue(const Case& c, Timestamp now) noexcept {
  return (c.status == Status::open || c.status == Status::resolved) && c.supervision &&
         now > c.supervision->by;
}

/// The total of a case's extensions: working days and natural time, each summed (rule 13).
[[nodiscard]] inline std::optional<std::string> extension_total(const Case& c) {
  if (c.extensions.empty()) return std::nullopt;
  Duration working;
  Duration natural;
  for (const Duration& d : c.extensions) {
    if (d.in_working_days())
      working.working_days += d.working_days;
    else
      natural.natural += d.natural;
  }
  std::string out;
  if (working.working_days > 0) out = format_duration(working);
  if (natural.natural.count() > 0) {
    if (!out.empty()) out += '+';
    out += format_duration(natural);
  }
  return out;
}

}  // namespace gridgov
