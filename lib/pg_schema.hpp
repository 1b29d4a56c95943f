#pragma once
// The PostgreSQL schema (docs/design.md §14), as forward migrations: migration i takes the
// `schema_version` row of `gridgov_meta` from i to i + 1. Never edit a shipped migration; append
// a new one. Every table but `gridgov_meta` leads with `county`, its distribution key on Citus,
// and every key and index begins with it, so that each statement reads one county's rows.

#include <array>
#include <string_view>

namespace gridgov::detail {

inline constexpr std::array<std::string_view, 5> k_pg_migrations = {
    // 0 → 1: the SQLite schema 9, keyed by county, units and workers by their codes.
    R"sql(
CREATE TABLE gridgov_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO gridgov_meta (key, value) VALUES ('application', 'gridgov'), ('schema_version', '0');

CREATE TABLE counties (
  county     text PRIMARY KEY,
  created_at bigint NOT NULL
);

CREATE TABLE units (
  county     text NOT NULL,
  code       text NOT NULL,
  name       text NOT NULL,
  level      text NOT NULL CHECK (level IN ('county', 'town', 'zone', 'village', 'grid')),
  depth      smallint NOT NULL CHECK (depth BETWEEN 0 AND 4),
  parent     text,
  households bigint,
  population bigint,
  retired    boolean NOT NULL DEFAULT false,
  PRIMARY KEY (county, code)
);
CREATE INDEX units_parent ON units (county, parent);

CREATE TABLE workers (
  county       text NOT NULL,
  code         text NOT NULL,
  name         text NOT NULL,
  tier         text NOT NULL CHECK (tier IN ('grid', 'town', 'county')),
  deployment   text CHECK (deployment IN ('resident', 'cluster', 'whistle')),
  department   text,
  phone        text,
  retired      boolean NOT NULL DEFAULT false,
  retired_at   bigint,
  party_member boolean,
  party_role   text,
  PRIMARY KEY (county, code)
);

-- The units a worker serves, in the order given.
CREATE TABLE worker_units (
  county   text NOT NULL,
  worker   text NOT NULL,
  position integer NOT NULL,
  unit     text NOT NULL,
  PRIMARY KEY (county, worker, position),
  FOREIGN KEY (county, worker) REFERENCES workers (county, code) ON DELETE CASCADE,
  FOREIGN KEY (county, unit) REFERENCES units (county, code)
);
CREATE INDEX worker_units_unit ON worker_units (county, unit);

CREATE TABLE policies (
  county    text NOT NULL,
  version   integer NOT NULL,
  loaded_at bigint NOT NULL,
  source    text NOT NULL,
  text      text NOT NULL,
  PRIMARY KEY (county, version)
);

-- A case's current state: a projection of its events (docs/design.md §7).
CREATE TABLE cases (
  county           text NOT NULL,
  id               bigint NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('problem', 'info', 'service')),
  source           text NOT NULL
                   CHECK (source IN ('patrol', 'hotline', 'surveillance', 'petition', 'platform')),
  ext_id           text,
  category         text NOT NULL,
  title            text NOT NULL,
  description      text,
  grid             text NOT NULL,
  reporter         text NOT NULL,
  reported_at      bigint NOT NULL,
  status           text NOT NULL CHECK (status IN ('open', 'resolved', 'closed', 'void')),
  level            text NOT NULL CHECK (level IN ('county', 'town', 'zone', 'village', 'grid')),
  unit             text,
  department       text,
  deadline         bigint,
  rework           integer NOT NULL DEFAULT 0,
  due              bigint,
  suspended_since  bigint,
  last_counted_at  bigint,
  close_counted_at bigint,
  escalated        boolean NOT NULL DEFAULT false,
  referred         boolean NOT NULL DEFAULT false,
  extended         boolean NOT NULL DEFAULT false,
  stage_late       boolean NOT NULL DEFAULT false,
  last_department  text,
  supervision_by   bigint,
  service          text CHECK ((kind = 'service') = (service IS NOT NULL)),
  resolved_by      text,
  lon              double precision,
  lat              double precision,
  PRIMARY KEY (county, id),
  UNIQUE (county, source, ext_id)
);
CREATE INDEX cases_reported ON cases (county, reported_at);
CREATE INDEX cases_status ON cases (county, status);
CREATE INDEX cases_grid ON cases (county, grid);
CREATE INDEX cases_unit ON cases (county, unit);

-- Append-only history. level/unit/department: where the case stands after the event.
CREATE TABLE events (
  county          text NOT NULL,
  id              bigint NOT NULL,
  case_id         bigint NOT NULL,
  type            text NOT NULL CHECK (type IN ('report', 'escalate', 'refer', 'dispatch',
                  'whistle', 'resolve', 'close', 'rework', 'reopen', 'void', 'extend',
                  'suspend', 'resume', 'supervise', 'urge')),
  at              bigint NOT NULL,
  recorded_at     bigint NOT NULL,
  actor           text NOT NULL,
  from_level      text,
  from_unit       text,
  from_department text,
  level           text,
  unit            text,
  department      text,
  worker          text,
  deadline        bigint,
  note            text,
  due             bigint,
  extension       text,
  supervision_by  bigint,
  late_record     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (county, id)
);
CREATE INDEX events_case ON events (county, case_id, id);
CREATE INDEX events_at ON events (county, at);
CREATE INDEX events_tallied ON events (county, at) WHERE type IN ('whistle', 'rework', 'supervise')
  OR (type = 'close' AND actor = 'admin');

CREATE TABLE attendance (
  county      text NOT NULL,
  id          bigint NOT NULL,
  worker      text NOT NULL,
  at          bigint NOT NULL,
  grid        text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('checkin', 'patrol')),
  recorded_at bigint NOT NULL,
  PRIMARY KEY (county, id),
  UNIQUE (county, worker, at),
  FOREIGN KEY (county, worker) REFERENCES workers (county, code),
  FOREIGN KEY (county, grid) REFERENCES units (county, code)
);
CREATE INDEX attendance_at ON attendance (county, at);

CREATE TABLE party_orgs (
  county    text NOT NULL,
  code      text NOT NULL,
  name      text NOT NULL,
  kind      text NOT NULL
            CHECK (kind IN ('town_committee', 'zone_committee', 'village_branch', 'grid_group')),
  unit      text NOT NULL,
  parent    text,
  secretary text,
  retired   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (county, code),
  FOREIGN KEY (county, unit) REFERENCES units (county, code)
);

CREATE TABLE boundaries (
  county   text NOT NULL,
  grid     text NOT NULL,
  geometry text NOT NULL,
  min_lon  double precision NOT NULL,
  min_lat  double precision NOT NULL,
  max_lon  double precision NOT NULL,
  max_lat  double precision NOT NULL,
  CHECK (min_lon <= max_lon AND min_lat <= max_lat),
  PRIMARY KEY (county, grid),
  FOREIGN KEY (county, grid) REFERENCES units (county, code)
);
)sql",
    // 1 → 2: tamper evidence (docs/design.md §15), as SQLite's 9 → 10: each event's link in its
    // county's hash chain, and each county's chain start entry. The store chains the events
    // already there (`chain_events`).
    R"sql(
ALTER TABLE events ADD COLUMN prev_hash bytea CHECK (length(prev_hash) = 32),
                   ADD COLUMN hash bytea CHECK (length(hash) = 32);
CREATE TABLE chain_start (
  county        text PRIMARY KEY,
  at            bigint NOT NULL,
  reason        text NOT NULL,
  events_before bigint NOT NULL,
  hash          bytea NOT NULL CHECK (length(hash) = 32)
);
)sql",
    // 2 → 3: as SQLite's 10 → 11, an event's `prev_hash` is read from the event before it.
    R"sql(
ALTER TABLE events DROP COLUMN prev_hash;
)sql",
    // 3 → 4: SQLite's `events_late`, the few late records: the daily quota asks of each patrol
    // report whether it was one, which a probe of `events_case` per report made 0.4 s of a
    // month's `stats monthly` on 1M cases.
    R"sql(
CREATE INDEX events_late ON events (county, case_id) WHERE late_record;
)sql",
    // 4 → 5: a month's statistics read its patrol reports (the daily quota) and its tallied
    // events from these indexes alone, not from the wide rows they point at (docs/design.md §14).
    // The new events_tallied is built before the old one is dropped: DROP INDEX locks out even
    // readers of events, until the migration commits.
    R"sql(
CREATE INDEX cases_patrol ON cases (county, reported_at) INCLUDE (id, grid, reporter, status)
  WHERE source = 'patrol';
CREATE INDEX events_tallied_5 ON events (county, at) INCLUDE (case_id, type, actor, department)
  WHERE type IN ('whistle', 'rework', 'supervise') OR (type = 'close' AND actor = 'admin');
DROP INDEX events_tallied;
ALTER INDEX events_tallied_5 RENAME TO events_tallied;
)sql",
};

/// SHA-256 of the newest schema's description (`pg_expected_schema`), as PostgreSQL 15 words it:
/// opening compares the catalog's description with it before anything slower. A migration
/// appended changes it, and `tests/unit/test_pg_schema.cpp` prints the new one.
inline constexpr std::string_view k_pg_schema_digest =
    "cfc08ec88c5c6e51ed88afca6b9ce7e9836f9909a86e6b29d023525821646282";

}  // namespace gridgov::detail
