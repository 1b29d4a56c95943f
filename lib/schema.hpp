#pragma once
// The database schema, as forward migrations: migration i takes `PRAGMA user_version` from i to
// i + 1. Never edit a shipped migration; append a new one.

#include <array>
#include <string_view>

namespace gridgov::detail {

/// "GRDG": tells a gridgov database from any other SQLite file.
inline constexpr int k_application_id = 0x47524447;

inline constexpr std::array<std::string_view, 11> k_migrations = {
    // 0 → 1: units, workers, policy versions, cases and their events.
    R"sql(
CREATE TABLE units (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level IN ('county', 'town', 'zone', 'village', 'grid')),
  depth       INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 4),
  parent_id   INTEGER REFERENCES units (id),
  households  INTEGER,
  population  INTEGER,
  retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_depth ON units (depth, code);

CREATE TABLE workers (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  tier        TEXT NOT NULL CHECK (tier IN ('grid', 'town', 'county')),
  deployment  TEXT CHECK (deployment IN ('resident', 'cluster', 'whistle')),
  department  TEXT,
  phone       TEXT,
  retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;

-- The units a worker serves (several zones for a cluster worker), in the order given.
CREATE TABLE worker_units (
  worker_id   INTEGER NOT NULL REFERENCES workers (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  unit_id     INTEGER NOT NULL REFERENCES units (id),
  PRIMARY KEY (worker_id, position)
) STRICT;
CREATE INDEX worker_units_unit ON worker_units (unit_id);

-- Every policy ever loaded, verbatim; the highest version is in force.
CREATE TABLE policies (
  version     INTEGER PRIMARY KEY,
  loaded_at   INTEGER NOT NULL,
  source      TEXT NOT NULL,
  text        TEXT NOT NULL
) STRICT;

-- A case's current state; a projection of its events.
CREATE TABLE cases (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('problem', 'info')),
  source      TEXT NOT NULL
              CHECK (source IN ('patrol', 'hotline', 'surveillance', 'petition', 'platform')),
  ext_id      TEXT,
  category    TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT,
  grid_id     INTEGER NOT NULL REFERENCES units (id),
  reporter    TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'closed', 'void')),
  level       TEXT NOT NULL CHECK (level IN ('county', 'town', 'zone', 'village', 'grid')),
  unit_id     INTEGER REFERENCES units (id),
  department  TEXT,
  deadline    INTEGER,
  rework      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (source, ext_id)
) STRICT;
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_grid ON cases (grid_id);
CREATE INDEX cases_unit ON cases (unit_id);
CREATE INDEX cases_reported ON cases (reported_at);

-- Append-only history. level/unit_id/department: where the case stands after the event.
CREATE TABLE events (
  id              INTEGER PRIMARY KEY,
  case_id         INTEGER NOT NULL REFERENCES cases (id),
  type            TEXT NOT NULL CHECK (type IN ('report', 'escalate', 'refer', 'dispatch',
                  'whistle', 'resolve', 'close', 'rework', 'reopen', 'void')),
  at              INTEGER NOT NULL,
  recorded_at     INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  from_level      TEXT,
  from_unit_id    INTEGER REFERENCES units (id),
  from_department TEXT,
  level           TEXT,
  unit_id         INTEGER REFERENCES units (id),
  department      TEXT,
  worker          TEXT,
  deadline        INTEGER,
  note            TEXT
) STRICT;
CREATE INDEX events_case ON events (case_id, id);
CREATE INDEX events_at ON events (at);
)sql",
    // 1 → 2: two clocks (rule 9: `due`), extension, suspension, supervision orders and reminders
    // (rules 13–15), late records (rule 16). SQLite cannot widen a CHECK, so events is rebuilt.
    // The store then gives existing problems their `due` (see `give_due`).
    R"sql(
ALTER TABLE cases ADD COLUMN due INTEGER;
ALTER TABLE cases ADD COLUMN suspended_since INTEGER;

CREATE TABLE events_2 (
  id              INTEGER PRIMARY KEY,
  case_id         INTEGER NOT NULL REFERENCES cases (id),
  type            TEXT NOT NULL CHECK (type IN ('report', 'escalate', 'refer', 'dispatch',
                  'whistle', 'resolve', 'close', 'rework', 'reopen', 'void', 'extend',
                  'suspend', 'resume', 'supervise', 'urge')),
  at              INTEGER NOT NULL,
  recorded_at     INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  from_level      TEXT,
  from_unit_id    INTEGER REFERENCES units (id),
  from_department TEXT,
  level           TEXT,
  unit_id         INTEGER REFERENCES units (id),
  department      TEXT,
  worker          TEXT,
  deadline        INTEGER,
  note            TEXT,
  due             INTEGER,
  extension       TEXT,
  supervision_by  INTEGER,
  late_record     INTEGER NOT NULL DEFAULT 0 CHECK (late_record IN (0, 1))
) STRICT;
INSERT INTO events_2 (id, case_id, type, at, recorded_at, actor, from_level, from_unit_id,
                      from_department, level, unit_id, department, worker, deadline, note)
  SELECT id, case_id, type, at, recorded_at, actor, from_level, from_unit_id, from_department,
         level, unit_id, department, worker, deadline, note FROM events;
DROP TABLE events;
ALTER TABLE events_2 RENAME TO events;
CREATE INDEX events_case ON events (case_id, id);
CREATE INDEX events_at ON events (at);
)sql",
    // 2 → 3: the same tables, their enumerations checked by comparisons. SQLite evaluates
    // `x IN (three or more constants)` by building a temporary index at every execution of a
    // statement, so each INSERT paid for one per checked column (seven times the cost of the
    // insert itself); `x = 'a' OR x = 'b' …` costs nothing. Run with foreign keys off (the
    // store's `migrate`), as SQLite's procedure for rebuilding a table wants.
    R"sql(
CREATE TABLE units_3 (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  level       TEXT NOT NULL CHECK (level = 'county' OR level = 'town' OR level = 'zone' OR
                                   level = 'village' OR level = 'grid'),
  depth       INTEGER NOT NULL CHECK (depth BETWEEN 0 AND 4),
  parent_id   INTEGER REFERENCES units (id),
  households  INTEGER,
  population  INTEGER,
  retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;
INSERT INTO units_3 (id, code, name, level, depth, parent_id, households, population, retired)
  SELECT id, code, name, level, depth, parent_id, households, population, retired FROM units;
DROP TABLE units;
ALTER TABLE units_3 RENAME TO units;
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_depth ON units (depth, code);

CREATE TABLE workers_3 (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  tier        TEXT NOT NULL CHECK (tier = 'grid' OR tier = 'town' OR tier = 'county'),
  deployment  TEXT CHECK (deployment = 'resident' OR deployment = 'cluster' OR
                          deployment = 'whistle'),
  department  TEXT,
  phone       TEXT,
  retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1))
) STRICT;
INSERT INTO workers_3 (id, code, name, tier, deployment, department, phone, retired)
  SELECT id, code, name, tier, deployment, department, phone, retired FROM workers;
DROP TABLE workers;
ALTER TABLE workers_3 RENAME TO workers;

CREATE TABLE cases_3 (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind = 'problem' OR kind = 'info'),
  source      TEXT NOT NULL CHECK (source = 'patrol' OR source = 'hotline' OR
                                   source = 'surveillance' OR source = 'petition' OR
                                   source = 'platform'),
  ext_id      TEXT,
  category    TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT,
  grid_id     INTEGER NOT NULL REFERENCES units (id),
  reporter    TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status = 'open' OR status = 'resolved' OR status = 'closed' OR
                                   status = 'void'),
  level       TEXT NOT NULL CHECK (level = 'county' OR level = 'town' OR level = 'zone' OR
                                   level = 'village' OR level = 'grid'),
  unit_id     INTEGER REFERENCES units (id),
  department  TEXT,
  deadline    INTEGER,
  rework      INTEGER NOT NULL DEFAULT 0,
  due         INTEGER,
  suspended_since INTEGER,
  UNIQUE (source, ext_id)
) STRICT;
INSERT INTO cases_3 (id, kind, source, ext_id, category, title, description, grid_id, reporter,
                     reported_at, status, level, unit_id, department, deadline, rework, due,
                     suspended_since)
  SELECT id, kind, source, ext_id, category, title, description, grid_id, reporter, reported_at,
         status, level, unit_id, department, deadline, rework, due, suspended_since FROM cases;
DROP TABLE cases;
ALTER TABLE cases_3 RENAME TO cases;
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_grid ON cases (grid_id);
CREATE INDEX cases_unit ON cases (unit_id);
CREATE INDEX cases_reported ON cases (reported_at);

CREATE TABLE events_3 (
  id              INTEGER PRIMARY KEY,
  case_id         INTEGER NOT NULL REFERENCES cases (id),
  type            TEXT NOT NULL CHECK (type = 'report' OR type = 'escalate' OR type = 'refer' OR
                  type = 'dispatch' OR type = 'whistle' OR type = 'resolve' OR
                  type = 'close' OR type = 'rework' OR type = 'reopen' OR type = 'void' OR
                  type = 'extend' OR type = 'suspend' OR type = 'resume' OR
                  type = 'supervise' OR type = 'urge'),
  at              INTEGER NOT NULL,
  recorded_at     INTEGER NOT NULL,
  actor           TEXT NOT NULL,
  from_level      TEXT,
  from_unit_id    INTEGER REFERENCES units (id),
  from_department TEXT,
  level           TEXT,
  unit_id         INTEGER REFERENCES units (id),
  department      TEXT,
  worker          TEXT,
  deadline        INTEGER,
  note            TEXT,
  due             INTEGER,
  extension       TEXT,
  supervision_by  INTEGER,
  late_record     INTEGER NOT NULL DEFAULT 0 CHECK (late_record IN (0, 1))
) STRICT;
INSERT INTO events_3 (id, case_id, type, at, recorded_at, actor, from_level, from_unit_id,
                      from_department, level, unit_id, department, worker, deadline, note, due,
                      extension, supervision_by, late_record)
  SELECT id, case_id, type, at, recorded_at, actor, from_level, from_unit_id, from_department,
         level, unit_id, department, worker, deadline, note, due, extension, supervision_by,
         late_record FROM events;
DROP TABLE events;
ALTER TABLE events_3 RENAME TO events;
CREATE INDEX events_case ON events (case_id, id);
CREATE INDEX events_at ON events (at);
)sql",
    // 3 → 4: the facts statistics need of each case's history (docs/design.md §7), kept with its
    // state so that a month's figures are aggregates over the cases reported in it (the store
    // fills them for existing cases by replaying their events), and two partial indexes.
    R"sql(
ALTER TABLE cases ADD COLUMN last_counted_at INTEGER;
ALTER TABLE cases ADD COLUMN close_counted_at INTEGER;
ALTER TABLE cases ADD COLUMN escalated INTEGER NOT NULL DEFAULT 0
  CHECK (escalated = 0 OR escalated = 1);
ALTER TABLE cases ADD COLUMN referred INTEGER NOT NULL DEFAULT 0
  CHECK (referred = 0 OR referred = 1);
ALTER TABLE cases ADD COLUMN extended INTEGER NOT NULL DEFAULT 0
  CHECK (extended = 0 OR extended = 1);
ALTER TABLE cases ADD COLUMN stage_late INTEGER NOT NULL DEFAULT 0
  CHECK (stage_late = 0 OR stage_late = 1);
ALTER TABLE cases ADD COLUMN last_department TEXT;
ALTER TABLE cases ADD COLUMN supervision_by INTEGER;
-- The few events statistics count one by one, and late records: small partial indexes, so that a
-- month's report reads those events without the month's reports, resolves and closes.
CREATE INDEX events_tallied ON events (at) WHERE type = 'whistle' OR type = 'rework' OR
  type = 'supervise' OR (type = 'close' AND actor = 'admin');
CREATE INDEX events_late ON events (case_id) WHERE late_record = 1;
)sql",
    // 4 → 5: attendance (docs/design.md §12): workers' check-ins and patrol points, one per worker
    // and instant; and when a worker was retired, which a month's attendance and subsidies count
    // up to.
    R"sql(
ALTER TABLE workers ADD COLUMN retired_at INTEGER;
CREATE TABLE attendance (
  id          INTEGER PRIMARY KEY,
  worker_id   INTEGER NOT NULL REFERENCES workers (id),
  at          INTEGER NOT NULL,
  grid_id     INTEGER NOT NULL REFERENCES units (id),
  kind        TEXT NOT NULL CHECK (kind = 'checkin' OR kind = 'patrol'),
  recorded_at INTEGER NOT NULL,
  UNIQUE (worker_id, at)
) STRICT;
CREATE INDEX attendance_at ON attendance (at);
)sql",
    // 5 → 6: the party chain along the unit tree (docs/design.md §12.4), one active organisation
    // per unit; and workers' party membership and role.
    R"sql(
CREATE TABLE party_orgs (
  id          INTEGER PRIMARY KEY,
  code        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind = 'town_committee' OR kind = 'zone_committee' OR
                                   kind = 'village_branch' OR kind = 'grid_group'),
  unit_id     INTEGER NOT NULL REFERENCES units (id),
  parent_id   INTEGER REFERENCES party_orgs (id),
  secretary   TEXT,
  retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired = 0 OR retired = 1)
) STRICT;
CREATE UNIQUE INDEX party_orgs_unit ON party_orgs (unit_id) WHERE retired = 0;
ALTER TABLE workers ADD COLUMN party_member INTEGER CHECK (party_member = 0 OR party_member = 1);
ALTER TABLE workers ADD COLUMN party_role TEXT;
)sql",
    // 6 → 7: services sunk to the grid (docs/design.md §12): a case of kind 'service' names the
    // policy service it delivered. SQLite cannot widen a CHECK, so cases is rebuilt as in 2 → 3
    // (foreign keys off), with every column added since and every index.
    R"sql(
CREATE TABLE cases_7 (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind = 'problem' OR kind = 'info' OR kind = 'service'),
  source      TEXT NOT NULL CHECK (source = 'patrol' OR source = 'hotline' OR
                                   source = 'surveillance' OR source = 'petition' OR
                                   source = 'platform'),
  ext_id      TEXT,
  category    TEXT NOT NULL,
  title       TEXT NOT NULL,
  description TEXT,
  grid_id     INTEGER NOT NULL REFERENCES units (id),
  reporter    TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  status      TEXT NOT NULL CHECK (status = 'open' OR status = 'resolved' OR status = 'closed' OR
                                   status = 'void'),
  level       TEXT NOT NULL CHECK (level = 'county' OR level = 'town' OR level = 'zone' OR
                                   level = 'village' OR level = 'grid'),
  unit_id     INTEGER REFERENCES units (id),
  department  TEXT,
  deadline    INTEGER,
  rework      INTEGER NOT NULL DEFAULT 0,
  due         INTEGER,
  suspended_since INTEGER,
  last_counted_at INTEGER,
  close_counted_at INTEGER,
  escalated   INTEGER NOT NULL DEFAULT 0 CHECK (escalated = 0 OR escalated = 1),
  referred    INTEGER NOT NULL DEFAULT 0 CHECK (referred = 0 OR referred = 1),
  extended    INTEGER NOT NULL DEFAULT 0 CHECK (extended = 0 OR extended = 1),
  stage_late  INTEGER NOT NULL DEFAULT 0 CHECK (stage_late = 0 OR stage_late = 1),
  last_department TEXT,
  supervision_by INTEGER,
  service     TEXT CHECK ((kind = 'service') = (service IS NOT NULL)),
  UNIQUE (source, ext_id)
) STRICT;
INSERT INTO cases_7 (id, kind, source, ext_id, category, title, description, grid_id, reporter,
                     reported_at, status, level, unit_id, department, deadline, rework, due,
                     suspended_since, last_counted_at, close_counted_at, escalated, referred,
                     extended, stage_late, last_department, supervision_by)
  SELECT id, kind, source, ext_id, category, title, description, grid_id, reporter, reported_at,
         status, level, unit_id, department, deadline, rework, due, suspended_since,
         last_counted_at, close_counted_at, escalated, referred, extended, stage_late,
         last_department, supervision_by FROM cases;
DROP TABLE cases;
ALTER TABLE cases_7 RENAME TO cases;
CREATE INDEX cases_status ON cases (status);
CREATE INDEX cases_grid ON cases (grid_id);
CREATE INDEX cases_unit ON cases (unit_id);
CREATE INDEX cases_reported ON cases (reported_at);
CREATE INDEX cases_service ON cases (service) WHERE service IS NOT NULL;
)sql",
    // 7 → 8: who recorded a case's last resolve, kept on its row (the projection's
    // `resolved_by`), so that a month's party figures read it instead of searching the events.
    R"sql(
ALTER TABLE cases ADD COLUMN resolved_by TEXT;
UPDATE cases SET resolved_by = (SELECT actor FROM events WHERE case_id = cases.id AND
                                type = 'resolve' ORDER BY id DESC LIMIT 1)
  WHERE id IN (SELECT case_id FROM events WHERE type = 'resolve');
)sql",
    // 8 → 9: grid boundaries and case coordinates (docs/design.md §13.2). One boundary per grid:
    // its GeoJSON geometry (Polygon or MultiPolygon, WGS-84 degrees) and its bounding box, which
    // the locator's R-tree is built from. A case's point, NULL when unknown: two added columns,
    // so that the migration does not touch the rows of a large database.
    R"sql(
CREATE TABLE boundaries (
  unit_id     INTEGER PRIMARY KEY REFERENCES units (id),
  geometry    TEXT NOT NULL,
  min_lon     REAL NOT NULL,
  min_lat     REAL NOT NULL,
  max_lon     REAL NOT NULL,
  max_lat     REAL NOT NULL,
  CHECK (min_lon <= max_lon AND min_lat <= max_lat)
) STRICT;
ALTER TABLE cases ADD COLUMN lon REAL;
ALTER TABLE cases ADD COLUMN lat REAL;
)sql",
    // 9 → 10: tamper evidence (docs/design.md §15). Each event's link in the county's hash chain,
    // and the chain's start entry. The store chains the events already there (`chain_events`),
    // and the start entry says the chain began on this upgrade. No CHECK on the hashes' length:
    // a bulk import would pay for it at every row, and `audit verify` reads any value anyway.
    R"sql(
ALTER TABLE events ADD COLUMN prev_hash BLOB;
ALTER TABLE events ADD COLUMN hash BLOB;
CREATE TABLE chain_start (
  county        TEXT PRIMARY KEY,
  at            INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  events_before INTEGER NOT NULL,
  hash          BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
)sql",
    // 10 → 11: an event's `prev_hash` is the hash of the event before it (or the start entry's),
    // so it is read from there rather than stored twice: a tenth less to write on every event.
    R"sql(
ALTER TABLE events DROP COLUMN prev_hash;
)sql",
};

}  // namespace gridgov::detail
