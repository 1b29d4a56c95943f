#pragma once
// Tamper evidence (docs/design.md §15): every event of a county is a link of one hash chain,
// written in the same transaction as the event, and `verify_chain` recomputes it and replays
// every case against its row. The encodings are documented byte for byte in docs/design.md §15,
// so that another program can check a database or an `export events` file without gridgov.

#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gridgov/case.hpp"
#include "gridgov/time.hpp"

namespace gridgov {

class Store;

/// A SHA-256 digest.
using Digest = std::array<std::uint8_t, 32>;

/// SHA-256 of `bytes` (OpenSSL's libcrypto).
[[nodiscard]] Digest sha256(std::string_view bytes);
/// Lowercase hexadecimal, 64 characters.
[[nodiscard]] std::string to_hex(const Digest& d);
/// The digest 64 hexadecimal characters spell (either case); nullopt for anything else.
[[nodiscard]] std::optional<Digest> digest_from_hex(std::string_view hex);

/// An event's place in its county's chain: the hash of the entry before it, and its own,
/// SHA-256(prev ‖ event_encoding(…)). A store keeps only `hash`, and reads `prev` from the event
/// before (all zeros when that event is missing: no SHA-256 is, in practice).
struct Link {
  Digest prev{};
  Digest hash{};
  friend bool operator==(const Link&, const Link&) = default;
};

/// The chain's first entry: when and why the county's chain began. Its hash is the first event's
/// `prev`. A database made before chains existed is chained when it is upgraded: the entry then
/// says so, and how many events it found (those were chained then, not as they were recorded).
struct ChainStart {
  std::string county;  ///< the county's code
  Timestamp at{};
  std::string reason;  ///< "new", or "upgrade from schema N"
  long long events_before = 0;
  Digest hash{};  ///< SHA-256(32 zero bytes ‖ start_encoding(*this))

  friend bool operator==(const ChainStart&, const ChainStart&) = default;
};

/// The start entry's bytes (docs/design.md §15): its five fields, each length-prefixed.
[[nodiscard]] std::string start_encoding(const ChainStart& start);
/// A new chain's start entry, its hash computed.
[[nodiscard]] ChainStart make_chain_start(std::string county, Timestamp at, std::string reason,
                                          long long events_before);
/// An event's bytes (docs/design.md §15): its 20 fields, then its case's report (`header`: kind,
/// source, ext_id, category, service, title, description, grid, reporter, reported_at, point),
/// each length-prefixed. `e.id` and `e.case_id` must be the stored ones.
[[nodiscard]] std::string event_encoding(const Case& header, const Event& e);
/// The link of event `e` of the case `header` after the entry whose hash is `prev`.
[[nodiscard]] Link link_after(const Digest& prev, const Case& header, const Event& e);

namespace detail {
/// link_after for `e` stored under the id `id` (the stores' writers, which give the id).
[[nodiscard]] Link link_as(const Digest& prev, const Case& header, const Event& e, long long id);
}  // namespace detail

/// The first disagreement `verify_chain` or `verify_events_file` found.
struct AuditFinding {
  long long event = 0;    ///< the event it concerns; 0 when it is a case row or the start
  long long case_id = 0;  ///< its case, when known
  std::string what;       ///< what differs, one sentence naming the event or case
  long long line = 0;     ///< in a file: its line
};

/// What an audit checked, and the first thing that did not agree.
struct AuditReport {
  std::optional<ChainStart> start;  ///< a database's chain start (none in a file)
  long long events = 0;             ///< events whose hash was recomputed
  long long cases = 0;              ///< cases replayed against their row
  long long first_event = 0;        ///< the first and last event checked (0: none)
  long long last_event = 0;
  Digest head{};  ///< the last event's hash (the chain start's without events)
  std::optional<AuditFinding> finding;
  long long findings = 0;  ///< how many disagreements in all

  [[nodiscard]] bool ok() const noexcept { return !finding; }
};

/// Where a case's row (its stored columns, as Store::for_each_linked_case gives them) is not what
/// its events give (`replay`): one sentence naming the case, the first field that differs and both
/// values; nullopt when they agree.
[[nodiscard]] std::optional<std::string> row_disagreement(const Case& row,
                                                          const std::vector<Event>& events);

/// Recomputes the chain of the store's county from event `from_event` on (anchored on the stored
/// hash of the event before it; from the start entry when `from_event` <= 1) and replays the
/// events of every case with an event from `from_event` on against its row. Two streams (the
/// cases with their events, then the links in id order), so memory stays flat.
/// ErrorCode::not_found when `from_event` lies beyond the event after the last.
[[nodiscard]] AuditReport verify_chain(Store& store, long long from_event = 1);

/// ErrorCode::tampered naming the report's first finding (with `file:line:` before it when the
/// report is of the file `file`) and how many more there are; nothing when it has none.
void throw_if_tampered(const AuditReport& report, const std::string& file = {});

/// Checks an `export events` file (csv, json or ndjson, told by its first character): each
/// event's hash from its `prev_hash` and fields, and the link between events of consecutive ids.
/// Times without an offset are read at `offset`. Throws Error(input) for a file that is not an
/// events export (naming `name`, line and column); a row that does not agree is a finding.
[[nodiscard]] AuditReport verify_events_file(std::istream& in, const std::string& name,
                                             std::chrono::minutes offset);

}  // namespace gridgov
