"""gridctl audit (issue 16): the events' hash chain and the signed monthly seals, end to end on
a tenth of the example season (one case in ten, all three months: the "sample" template, so
that each test's copy and whole-chain scans stay small), tampered with the way someone with the database in hand would: the `sqlite3`
shell on the SQLite file (psql on PostgreSQL), an edited export, an edited seal, and a forged
event whose hash is recomputed from the documented encoding (docs/design.md §15).

The encoding is implemented here from the spec alone (EVENT_FIELDS, event_encoding,
start_encoding): every stored hash of the untouched season must equal it, so it is checked as
documented, and the forged event shows what the chain alone cannot tell and the seal can.

Exit 8: audit found tampering."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import unittest
from typing import Optional, Sequence

from gridctl_harness import (COUNTY_CODE, GRIDCTL, OK, REFUSED, USAGE, GridctlTestCase, Result,
                             Sandbox, SharedSandboxCase, base_env, check_gridctl, data,
                             faketime_env, file_bytes, pg_sql, skip_on_postgresql)

TAMPERED = 8  # exit code: audit found tampering

TZ = dt.timezone(dt.timedelta(hours=8))  # the example policy's timezone
SEALED_MONTH = "2026-09"  # a month of the example season (reports 2026-07-01 … 2026-09-30)
SEPT_START = int(dt.datetime(2026, 9, 1, tzinfo=TZ).timestamp())
SEPT_END = int(dt.datetime(2026, 10, 1, tzinfo=TZ).timestamp())


# ---- the encoding, from the spec -------------------------------------------------------------

def shortest(x: Optional[float]) -> str:
    """The shortest decimal text that reads back as the same double ("" when absent)."""
    if x is None:
        return ""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def field(value) -> bytes:
    b = ("" if value is None else str(value)).encode("utf-8")
    return len(b).to_bytes(4, "big") + b


def encoding(values: Sequence) -> bytes:
    return b"".join(field(v) for v in values)


# The 32 fields of an event, in order, as columns of EVENT_QUERY (the SQLite layout).
EVENT_QUERY = """
SELECT e.id, e.case_id, e.type, e.at, e.recorded_at, e.actor, e.from_level, fu.code,
       e.from_department, e.level, u.code, e.department, e.worker, e.deadline, e.due, e.extension,
       e.supervision_by, e.note, e.late_record,
       c.kind, c.source, c.ext_id, c.category, c.service, c.title, c.description, g.code,
       c.reporter, c.reported_at, c.lon, c.lat,
       e.hash
FROM events e
JOIN cases c ON c.id = e.case_id
JOIN units g ON g.id = c.grid_id
LEFT JOIN units fu ON fu.id = e.from_unit_id
LEFT JOIN units u ON u.id = e.unit_id
"""


def event_encoding(row: Sequence) -> bytes:
    """Encoding of an EVENT_QUERY row (its first 31 columns)."""
    (eid, case_id, type_, at, recorded_at, actor, from_level, from_unit, from_department, level,
     unit, department, worker, deadline, due, extension, supervision_by, note, late_record,
     kind, source, ext_id, category, service, title, description, grid, reporter, reported_at,
     lon, lat) = row[:31]
    return encoding(["gridgov/event/1", eid, case_id, type_, at, recorded_at, actor,
                     "" if type_ == "report" else from_level, from_unit, from_department, level,
                     unit, department, worker, deadline, due, extension, supervision_by, note,
                     "1" if late_record else "0",
                     kind, source, ext_id, category, service, title, description, grid, reporter,
                     reported_at, shortest(lon), shortest(lat)])


def event_hash(prev: bytes, row: Sequence) -> bytes:
    return hashlib.sha256(prev + event_encoding(row)).digest()


def start_hash(county: str, at: int, reason: str, events_before: int) -> bytes:
    return hashlib.sha256(bytes(32) + encoding(["gridgov/chain/1", county, at, reason,
                                                events_before])).digest()


# ---- the database, through its own shells ----------------------------------------------------

def sql(db: str, statement: str) -> list[list[str]]:
    """Runs SQL with the store's own shell (sqlite3 on the file, psql on PostgreSQL), as someone
    with the database in hand would; returns the rows, fields split on '|'."""
    if db.startswith("postgresql://"):
        out = pg_sql(statement, db)
    else:
        p = subprocess.run(["sqlite3", "-bail", db, statement], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            raise AssertionError(f"sqlite3 {statement!r} failed: "
                                 f"{p.stderr.decode(errors='replace')}")
        out = p.stdout.decode("utf-8", "replace")
    return [line.split("|") for line in out.splitlines() if line.strip()]


def sql1(db: str, statement: str) -> str:
    rows = sql(db, statement)
    assert rows and rows[0], f"no row from {statement!r}"
    return rows[0][0]


def hex_of(db: str, column: str) -> str:
    """SQL for the lowercase hex of a bytea / BLOB column."""
    return f"encode({column}, 'hex')" if db.startswith("postgresql://") else \
        f"lower(hex({column}))"


# ---- clocks ---------------------------------------------------------------------------------

def run_at(clock: Optional[str], args: Sequence[str], cwd: Optional[str] = None) -> Result:
    """Runs gridctl with the clock at `clock` (UTC, libfaketime), or the real one when None."""
    check_gridctl()
    command = [GRIDCTL, *args]
    env = base_env()
    if clock:
        env = faketime_env("@" + clock, TZ="UTC")
    p = subprocess.run(command, cwd=cwd, input=b"", stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env, timeout=300)
    return Result(list(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"), p.stdout)


def after_season() -> Optional[str]:
    """A clock at which the example season's months are final: the real one once September
    2026 and its backfill have passed (the template's events are recorded at the real time, so
    a later clock is the honest one), else a fixed day after."""
    if dt.datetime.now(TZ) > dt.datetime(2026, 10, 3, tzinfo=TZ):
        return None
    return "2026-12-15 04:00:00"


def gridctl(box: Sandbox, *args: str, clock: Optional[str] = None) -> Result:
    return run_at(clock, ["--db", box.db, *args], cwd=box.dir)


def one_error(r: Result) -> str:
    """The error lines of a failed run, joined (assertions search them)."""
    return "\n".join(r.errors()) or r.stderr


# ---- test bases -----------------------------------------------------------------------------

class AuditMixin:
    """Helpers over `self.box` (a sandbox holding a copy of the example season)."""

    box: Sandbox

    def verify(self, *args: str) -> Result:
        return gridctl(self.box, "--format", "json", "audit", "verify", *args)

    def verify_ok(self, *args: str) -> dict:
        r = self.verify(*args)
        self.assertEqual(r.rc, OK, f"audit verify should pass\n{r}")
        return r.json()

    def verify_tampered(self, *args: str) -> str:
        """Runs audit verify, expects exit 8 and one-line errors; returns the error text."""
        r = self.verify(*args)
        self.assertEqual(r.rc, TAMPERED, f"audit verify should find tampering (exit 8)\n{r}")
        self.assertTrue(r.errors(), f"no `gridctl: error:` line\n{r}")
        return one_error(r)

    def q(self, statement: str) -> list[list[str]]:
        return sql(self.box.db, statement)

    def q1(self, statement: str) -> str:
        return sql1(self.box.db, statement)

    def last_event(self) -> int:
        return int(self.q1("SELECT max(id) FROM events"))


class TamperCase(AuditMixin, GridctlTestCase):
    """A fresh copy of the sampled season (one case in ten, all its months) per test."""
    template = "sample"


# ---- 1, 9, 10, 11: the untouched season -------------------------------------------------------

class Untouched(AuditMixin, SharedSandboxCase):
    """The sampled season as imported: the chain verifies, a seal checks, the exports verify."""
    template = "sample"

    @classmethod
    def prepare(cls):
        cls.clock = after_season()
        cls.key = cls.box.path("keys/seal.pem")
        os.makedirs(os.path.dirname(cls.key))
        cls.keygen = gridctl(cls.box, "audit", "keygen", "--out", cls.key)
        cls.seal = cls.box.path("seal-2026-09.json")
        if cls.keygen.rc == OK:
            cls.sealed = gridctl(cls.box, "audit", "seal", "--month", SEALED_MONTH, "--key",
                                 cls.key, "-o", cls.seal, clock=cls.clock)
        else:
            cls.sealed = None

    def need_key(self):
        self.assertEqual(self.keygen.rc, OK, f"audit keygen failed\n{self.keygen}")

    def need_seal(self):
        self.need_key()
        self.assertEqual(self.sealed.rc, OK, f"audit seal failed\n{self.sealed}")

    # 1
    def test_verify_passes_with_every_event_and_case_counted(self):
        report = self.verify_ok()
        status = self.box.gridctl("status", "--format", "json")
        self.assertEqual(status.rc, OK, str(status))
        cases = sum(status.json()["cases"].values())
        events = int(self.q1("SELECT count(*) FROM events"))
        last = self.last_event()
        self.assertGreater(report["events"], 0)
        self.assertGreater(report["cases"], 0)
        self.assertEqual(report["cases"], cases)
        self.assertEqual(report["events"], events)
        self.assertEqual(report["last_event"], last)
        head = self.q1(f"SELECT {hex_of(self.box.db, 'hash')} FROM events WHERE id = {last}")
        self.assertEqual(report["head"], head)
        self.assertEqual(len(head), 64)
        start = report["chain_start"]
        self.assertEqual((start["reason"], start["events_before"]), ("new", 0))
        self.assertIsNotNone(start["at"])
        # The default format is a report too, and the same verdict.
        text = self.box.gridctl("audit", "verify")
        self.assertEqual(text.rc, OK, str(text))
        self.assertTrue(text.stdout.strip(), f"no report on stdout\n{text}")

    # 9
    def test_a_seal_of_the_untouched_season_checks(self):
        self.need_seal()
        r = gridctl(self.box, "audit", "check-seal", self.seal, "--pub", self.key + ".pub",
                    clock=self.clock)
        self.assertEqual(r.rc, OK, str(r))

    def test_the_seal_holds_the_months_figures_head_and_key(self):
        self.need_seal()
        with open(self.seal, encoding="utf-8") as f:
            document = json.load(f)
        self.assertEqual(set(document), {"seal", "signature"})
        base64.b64decode(document["signature"], validate=True)
        seal = document["seal"]
        county = seal["county"]  # its code, or an object with its code (and name)
        self.assertEqual(county["code"] if isinstance(county, dict) else county, COUNTY_CODE)
        self.assertEqual(seal["month"], SEALED_MONTH)
        self.assertIn("sealed_at", seal)
        self.assertRegex(seal["policy"]["sha256"], r"^[0-9a-f]{64}$")
        self.assertIn("version", seal["policy"])
        self.assertTrue(seal["key"] and seal["key"] in self.keygen.stdout,
                        f"the seal's key {seal['key']!r} is not keygen's fingerprint "
                        f"{self.keygen.stdout!r}")
        # The head it names is in the chain with that hash.
        # (Event 0 is the chain's start: no event was recorded by the time the month's figures
        # became final, as here, where the whole season was imported afterwards.)
        event, head = seal["chain"]["event"], seal["chain"]["hash"]
        self.assertLessEqual(event, self.last_event())
        stored = (f"SELECT {hex_of(self.box.db, 'hash')} FROM chain_start" if event == 0 else
                  f"SELECT {hex_of(self.box.db, 'hash')} FROM events WHERE id = {int(event)}")
        self.assertEqual(self.q1(stored), head)
        # Its figures are stats monthly --by town's integer counts.
        r = run_at(self.clock, ["--db", self.box.db, "--format", "json", "stats", "monthly",
                                "--month", SEALED_MONTH, "--by", "town"], cwd=self.box.dir)
        self.assertEqual(r.rc, OK, str(r))
        rows = r.json()
        total, towns = rows[-1], rows[:-1]
        counts = seal["statistics"]["county"]
        for name in ("reported", "problems", "closed", "closed_on_time", "escalated",
                     "whistles"):
            self.assertEqual(counts[name], total[name], name)
        for value in counts.values():
            self.assertIsInstance(value, int)
        sealed_towns = {t["code"]: t for t in seal["statistics"]["towns"]}
        self.assertEqual(set(sealed_towns), {t["group"] for t in towns})
        for t in towns:
            for name in ("reported", "closed", "whistles"):
                self.assertEqual(sealed_towns[t["group"]][name], t[name], (t["group"], name))

    def test_an_edited_seal_fails_on_its_signature(self):
        self.need_seal()
        with open(self.seal, encoding="utf-8") as f:
            text = f.read()
        # One figure changed in place, the rest of the file byte for byte.
        m = re.search(r'"reported"\s*:\s*(\d+)', text)
        self.assertIsNotNone(m, text[:500])
        edited = text[:m.start(1)] + str(int(m.group(1)) + 1) + text[m.end(1):]
        path = self.box.write("edited-seal.json", edited)
        r = gridctl(self.box, "audit", "check-seal", path, "--pub", self.key + ".pub",
                    clock=self.clock)
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertIn("signature", one_error(r))

    def test_another_keys_public_key_fails_on_the_signature(self):
        self.need_seal()
        other = self.box.path("other/key.pem")
        os.makedirs(os.path.dirname(other))
        self.assertEqual(gridctl(self.box, "audit", "keygen", "--out", other).rc, OK)
        r = gridctl(self.box, "audit", "check-seal", self.seal, "--pub", other + ".pub",
                    clock=self.clock)
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertIn("signature", one_error(r))

    # 10
    def test_keygen_writes_a_private_key_only_its_owner_reads_and_refuses_to_overwrite(self):
        self.need_key()
        self.assertEqual(stat.S_IMODE(os.stat(self.key).st_mode), 0o600)
        self.assertTrue(os.path.isfile(self.key + ".pub"))
        self.assertIn("PRIVATE KEY", file_bytes(self.key).decode())
        self.assertIn("PUBLIC KEY", file_bytes(self.key + ".pub").decode())
        self.assertTrue(self.keygen.stdout.strip(), "no fingerprint on stdout")
        before = (file_bytes(self.key), file_bytes(self.key + ".pub"),
                  os.stat(self.key).st_mode, os.stat(self.key + ".pub").st_mode)
        again = gridctl(self.box, "audit", "keygen", "--out", self.key)
        self.assertEqual(again.rc, REFUSED, str(again))
        self.assertTrue(again.errors(), str(again))
        self.assertEqual((file_bytes(self.key), file_bytes(self.key + ".pub"),
                          os.stat(self.key).st_mode, os.stat(self.key + ".pub").st_mode), before)

    def test_keygen_refuses_when_only_the_public_key_exists(self):
        half = self.box.path("half/key.pem")
        os.makedirs(os.path.dirname(half))
        self.box.write("half/key.pem.pub", "not mine\n")
        r = gridctl(self.box, "audit", "keygen", "--out", half)
        self.assertEqual(r.rc, REFUSED, str(r))
        self.assertFalse(os.path.exists(half), "the private key was written")
        self.assertEqual(file_bytes(half + ".pub"), b"not mine\n")

    def test_a_month_not_final_yet_is_not_sealed(self):
        self.need_key()
        cases = [("inside the month", "2026-09-20 04:00:00"),
                 # 2026-10-01 12:00 +08:00: the month has ended, its backfill (24h) has not.
                 ("within the backfill after it", "2026-10-01 04:00:00")]
        for i, (why, clock) in enumerate(cases):
            with self.subTest(why):
                out = self.box.path(f"refused-{i}.json")
                r = gridctl(self.box, "audit", "seal", "--month", SEALED_MONTH, "--key",
                            self.key, "-o", out, clock=clock)
                self.assertEqual(r.rc, REFUSED, str(r))
                self.assertTrue(r.errors(), str(r))
                self.assertFalse(os.path.exists(out), "a refused seal was written")
        # The month under way, by the real clock.
        month = dt.datetime.now(TZ).strftime("%Y-%m")
        out = self.box.path("refused-now.json")
        r = gridctl(self.box, "audit", "seal", "--month", month, "--key", self.key, "-o", out)
        self.assertEqual(r.rc, REFUSED, str(r))
        self.assertFalse(os.path.exists(out), "a refused seal was written")

    # 11
    exports: dict[str, str] = {}

    def export(self, fmt: str) -> str:
        """`export events --format fmt` of the untouched season (made once per class)."""
        if fmt not in self.exports:
            r = self.box.gridctl("export", "events", "--format", fmt)
            self.assertEqual(r.rc, OK, str(r))
            type(self).exports[fmt] = r.stdout
        return self.exports[fmt]

    def test_export_files_verify(self):
        events = int(self.q1("SELECT count(*) FROM events"))
        for fmt in ("csv", "ndjson"):
            with self.subTest(fmt):
                path = self.box.write(f"events.{fmt}", self.export(fmt))
                r = self.box.gridctl("audit", "verify", path)
                self.assertEqual(r.rc, OK, str(r))
                self.assertIn(str(events), r.stdout + r.stderr,
                              "the count of events checked is not reported")

    def test_export_has_the_chain_columns_at_the_end(self):
        header = self.export("csv").split("\n", 1)[0].strip()
        self.assertTrue(header.endswith(",service,event_id,ext_id,title,description,reporter,lon,lat,"
                                        "prev_hash,hash"), header)
        first = json.loads(self.export("ndjson").split("\n", 1)[0])
        self.assertRegex(first["hash"], r"^[0-9a-f]{64}$")
        self.assertRegex(first["prev_hash"], r"^[0-9a-f]{64}$")

    def test_an_edited_export_line_is_named(self):
        for fmt in ("csv", "ndjson"):
            with self.subTest(fmt):
                lines = self.export(fmt).splitlines(keepends=True)
                header = next(csv.reader([lines[0]])) if fmt == "csv" else None
                # A line past the middle whose actor is a grid worker: it becomes another one.
                for n in range(len(lines) // 2, len(lines)):
                    if fmt == "csv":
                        row = next(csv.reader([lines[n]]))
                        actor = row[header.index("actor")]
                    else:
                        row = json.loads(lines[n])
                        actor = row["actor"]
                    if re.fullmatch(r"W\d{4}", actor):
                        break
                else:
                    self.fail("no line with a grid worker as actor")
                ending = lines[n][len(lines[n].rstrip("\r\n")):]
                if fmt == "csv":
                    eid = int(row[header.index("event_id")])
                    row[header.index("actor")] = "W9999"
                    out = io.StringIO()
                    csv.writer(out, lineterminator=ending).writerow(row)
                    lines[n] = out.getvalue()
                else:
                    eid = row["event_id"]
                    row["actor"] = "W9999"
                    lines[n] = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + ending
                path = self.box.write(f"edited.{fmt}", "".join(lines))
                r = self.box.gridctl("audit", "verify", path)
                self.assertEqual(r.rc, TAMPERED, str(r))
                self.assertIn(f"{path}:{n + 1}: event {eid}", one_error(r))

    def test_an_export_line_repeated_is_named(self):
        lines = self.export("csv").splitlines(keepends=True)
        n = len(lines) // 2
        eid = next(csv.DictReader(lines[:1] + [lines[n]]))["event_id"]
        path = self.box.write("repeated.csv", "".join(lines + [lines[n]]))
        r = self.box.gridctl("audit", "verify", path)
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertIn(f"{path}:{len(lines) + 1}: event {eid} appears twice in the file",
                      one_error(r))

    def test_an_export_row_rehashed_breaks_its_link_to_the_next(self):
        """An edited row given the hash of what it now says (computed from the export's own
        columns): the next event's prev_hash no longer links to it."""
        lines = self.export("ndjson").splitlines(keepends=True)
        line_of = {json.loads(line)["event_id"]: n for n, line in enumerate(lines)}
        for n in range(len(lines) // 2, len(lines)):
            row = json.loads(lines[n])
            if re.fullmatch(r"W\d{4}", row["actor"]) and row["event_id"] + 1 in line_of:
                break
        else:
            self.fail("no line with a grid worker as actor")
        eid = row["event_id"]
        self.assertEqual(exported_hash(row).hex(), row["hash"],
                         "the export's columns, encoded as documented, give its hash")
        row["actor"] = "W9999"
        row["hash"] = exported_hash(row).hex()
        lines[n] = json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"
        path = self.box.write("relinked.ndjson", "".join(lines))
        r = self.box.gridctl("audit", "verify", path)
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertIn(f"{path}:{line_of[eid + 1] + 1}: event {eid + 1}: its link to event {eid} "
                      "is broken", one_error(r))


def unix(text: Optional[str]) -> Optional[int]:
    return None if text is None else int(dt.datetime.fromisoformat(text).timestamp())


def exported_hash(row: dict) -> bytes:
    """The hash of an `export events --format ndjson` row, from its columns (docs §15)."""
    values = [row["event_id"], row["case_id"], row["type"], unix(row["at"]), unix(row["recorded_at"]),
              row["actor"], row["from_level"], row["from_unit"], row["from_department"],
              row["level"], row["unit"], row["department"], row["worker"], unix(row["deadline"]),
              unix(row["due"]), row["extension"], unix(row["by"]), row["note"],
              row["late_record"], row["kind"], row["source"], row["ext_id"], row["category"],
              row["service"], row["title"], row["description"], row["grid"], row["reporter"],
              unix(row["reported_at"]), row["lon"], row["lat"]]
    return event_hash(bytes.fromhex(row["prev_hash"]), values)


# ---- 2 … 7, 13: a tampered database --------------------------------------------------------

class Tampered(TamperCase):

    # 2
    def test_a_case_row_changed(self):
        case = self.q1("SELECT id FROM cases WHERE status = 'open' ORDER BY id LIMIT 1 OFFSET 10")
        self.q(f"UPDATE cases SET status = 'closed' WHERE id = {case}")
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bcase {case}\b")
        self.assertIn("status", message)

    def middle_event(self, where: str = "TRUE") -> tuple[int, int, str]:
        """(id, case, type) of an event past the middle of the chain, not its case's last."""
        row = self.q("SELECT e.id, e.case_id, e.type FROM events e WHERE e.type <> 'report' AND "
                     f"{where} AND e.id > (SELECT max(id) / 2 FROM events) AND EXISTS "
                     "(SELECT 1 FROM events l WHERE l.case_id = e.case_id AND l.id > e.id) "
                     "ORDER BY e.id LIMIT 1")[0]
        return int(row[0]), int(row[1]), row[2]

    def change_actor(self, eid: int) -> None:
        """Gives event `eid` another actor (admin, or a town worker when admin acted)."""
        before = self.q1(f"SELECT actor FROM events WHERE id = {eid}")
        other = "T0007" if before == "admin" else "admin"
        self.q(f"UPDATE events SET actor = '{other}' WHERE id = {eid}")
        self.assertEqual(self.q1(f"SELECT actor FROM events WHERE id = {eid}"), other)

    # 3
    def test_an_events_time_changed(self):
        eid, case, type_ = self.middle_event("e.type = 'whistle'")
        self.q(f"UPDATE events SET at = at - 86400 WHERE id = {eid}")
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bevent {eid} \(case {case}, {type_}\): its hash does not "
                                  r"match")

    # 4
    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL; an edited "
                        "event is test 3 there")
    def test_an_events_actor_changed(self):
        eid, case, type_ = self.middle_event("e.type = 'escalate'")
        self.change_actor(eid)
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bevent {eid} \(case {case}, {type_}\): its hash does not "
                                  r"match")

    # 5
    def test_an_event_deleted_in_the_middle(self):
        eid, case, _ = self.middle_event()
        self.q(f"DELETE FROM events WHERE id = {eid}")
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bevent {eid} is missing")

    # 6
    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL; a deleted event "
                        "is test 5 there")
    def test_a_whole_case_deleted(self):
        case = self.q1("SELECT case_id FROM events WHERE type = 'resolve' AND id > "
                       "(SELECT max(id) / 3 FROM events) ORDER BY id LIMIT 1")
        ids = [int(r[0]) for r in self.q(f"SELECT id FROM events WHERE case_id = {case} "
                                         "ORDER BY id")]
        self.assertGreaterEqual(len(ids), 3)
        self.q(f"DELETE FROM events WHERE case_id = {case}; DELETE FROM cases WHERE id = {case}")
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bevents? {ids[0]}\b.*missing")

    # 7
    def two_events_of_one_case(self) -> tuple[int, int]:
        """An escalate and a later resolve of one case, past the middle of the chain."""
        row = self.q("SELECT a.id, b.id FROM events a JOIN events b ON b.case_id = a.case_id "
                     "AND b.type = 'resolve' AND b.id > a.id WHERE a.type = 'escalate' AND "
                     "a.id > (SELECT max(id) / 2 FROM events) ORDER BY a.id LIMIT 1")[0]
        return int(row[0]), int(row[1])

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_two_events_swap_their_times(self):
        a, b = self.two_events_of_one_case()
        self.q(f"UPDATE events SET at = CASE id WHEN {a} THEN (SELECT at FROM events WHERE id = "
               f"{b}) ELSE (SELECT at FROM events WHERE id = {a}) END WHERE id IN ({a}, {b})")
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bevent {a}\b")

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_two_events_swap_their_contents(self):
        a, b = self.two_events_of_one_case()
        columns = ("type, at, recorded_at, actor, from_level, from_unit_id, from_department, "
                   "level, unit_id, department, worker, deadline, note, due, extension, "
                   "supervision_by, late_record")
        self.q(f"CREATE TEMP TABLE swap AS SELECT id, {columns} FROM events WHERE id IN ({a}, {b});"
               f"UPDATE events SET ({columns}) = (SELECT {columns} FROM swap WHERE swap.id = "
               f"{a + b} - events.id) WHERE id IN ({a}, {b});")
        self.assertEqual(self.q1(f"SELECT type FROM events WHERE id = {a}"), "resolve")
        message = self.verify_tampered()
        self.assertRegex(message, rf"\bevent {a}\b")

    # 13
    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_from_rechecks_only_the_events_from_there_on(self):
        eid, case, type_ = self.middle_event("e.type = 'escalate'")
        self.change_actor(eid)
        last = self.last_event()
        report = self.verify_ok("--from", str(eid + 1))
        self.assertEqual(report["events"], last - eid)
        self.assertEqual(report["last_event"], last)
        replayed = int(self.q1(f"SELECT count(DISTINCT case_id) FROM events WHERE id > {eid}"))
        self.assertEqual(report["cases"], replayed)
        for args in (("--from", str(eid)), ()):
            with self.subTest(args=args):
                message = self.verify_tampered(*args)
                self.assertRegex(message, rf"\bevent {eid} \(case {case}, {type_}\)")

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_from_replays_only_the_cases_with_an_event_from_there_on(self):
        last = self.last_event()
        early = self.q1("SELECT id FROM cases WHERE status = 'open' AND id NOT IN "
                        f"(SELECT case_id FROM events WHERE id >= {last - 10}) ORDER BY id "
                        "LIMIT 1")
        self.q(f"UPDATE cases SET status = 'closed' WHERE id = {early}")
        self.verify_ok("--from", str(last - 10))
        self.assertRegex(self.verify_tampered(), rf"\bcase {early}\b")

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_several_events_deleted_are_named_as_a_range(self):
        eid, _, _ = self.middle_event()
        self.q(f"DELETE FROM events WHERE id BETWEEN {eid} AND {eid + 4}")
        self.assertRegex(self.verify_tampered(), rf"\bevents {eid} to {eid + 4} are missing")

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_an_event_whose_case_row_is_deleted(self):
        eid, case, _ = self.middle_event()
        first = self.q1(f"SELECT min(id) FROM events WHERE case_id = {case}")
        self.q(f"DELETE FROM cases WHERE id = {case}")
        self.assertRegex(self.verify_tampered(),
                         rf"\bevent {first} belongs to case {case}, which is missing")

    @skip_on_postgresql("copies a case row in the SQLite file's layout")
    def test_a_case_row_without_events(self):
        columns = [r[1] for r in self.q("PRAGMA table_info(cases)")]
        copy = ", ".join("999999" if c == "id" else "'X-999999'" if c == "ext_id" else c
                         for c in columns)
        self.q(f"INSERT INTO cases ({', '.join(columns)}) SELECT {copy} FROM cases "
               "WHERE id = 5")
        self.assertRegex(self.verify_tampered(), r"\bcase 999999 has no events")

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_another_row_field_is_named(self):
        case = self.q1("SELECT min(id) FROM cases WHERE status = 'closed' AND kind = 'problem'")
        self.q(f"UPDATE cases SET rework = rework + 1 WHERE id = {case}")
        self.assertRegex(self.verify_tampered(), rf"\bcase {case}: its row says rework\b")

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_a_changed_chain_start(self):
        for change in ("reason = 'upgrade from schema 3'", "events_before = 5",
                       "at = at - 86400"):
            with self.subTest(change):
                box = Sandbox(self.template)
                self.addCleanup(box.cleanup)
                sql(box.db, f"UPDATE chain_start SET {change}")
                r = gridctl(box, "audit", "verify")
                self.assertEqual(r.rc, TAMPERED, str(r))
                self.assertTrue(r.errors(), str(r))

    @skip_on_postgresql("the brief runs tests 1, 2, 3, 5 and 9 on PostgreSQL")
    def test_a_cases_report_changed(self):
        case = self.q1("SELECT id FROM cases WHERE description IS NOT NULL ORDER BY id "
                       "LIMIT 1 OFFSET 100")
        first = self.q1(f"SELECT min(id) FROM events WHERE case_id = {case}")
        self.q(f"UPDATE cases SET description = description || '。' WHERE id = {case}")
        self.assertRegex(self.verify_tampered(),
                         rf"\bevent {first} \(case {case}, report\): its hash does not match")

    @skip_on_postgresql("rehashes an event in the SQLite file's layout")
    def test_an_event_rehashed_alone_breaks_the_hash_of_the_next(self):
        eid, case, _ = self.middle_event("e.type = 'escalate'")
        self.change_actor(eid)
        rehash = rehash_from(self.box.db, eid).splitlines()[0]  # its own hash only
        self.q(rehash)
        message = self.verify_tampered()
        broken = rf"\bevent {eid + 1} \(case \d+, \w+\): its hash does not match"
        self.assertRegex(message, broken)
        self.assertNotRegex(message, rf"\bevent {eid} \(")  # its own hash is consistent now
        # --from anchors on the stored hash of the event before: the same break.
        self.assertRegex(self.verify_tampered("--from", str(eid + 1)), broken)
        self.verify_ok("--from", str(eid + 2))

    def test_from_takes_an_event_id(self):
        for typed in ("0", "abc", "99999999999999999999"):
            with self.subTest(typed):
                r = self.verify("--from", typed)
                self.assertEqual(r.rc, USAGE, str(r))
                text = one_error(r)
                self.assertIn(f'"{typed}" is not a whole number of at least 1', text)
                self.assertNotIn(".000000", text)

    def test_verify_repairs_nothing(self):
        case = self.q1("SELECT min(id) FROM cases WHERE status = 'open'")
        self.q(f"UPDATE cases SET status = 'closed' WHERE id = {case}")
        first = self.verify_tampered()
        self.assertEqual(self.verify_tampered(), first)
        self.assertEqual(self.q1(f"SELECT status FROM cases WHERE id = {case}"), "closed")


# ---- a seal and the moves gridctl still takes afterwards -----------------------------------------

class LegitimateMovesAfterASeal(TamperCase):
    """Once a month is final (ended, and its backfill passed) gridctl seals it. Moves made through
    gridctl afterwards that leave its figures alone (a retirement, a late escalate) pass
    check-seal. A void does not leave them alone: statistics count a case's void status as it
    stands (docs/design.md §7: `problems` are "not void", the quota counts reports "not voided"),
    so a September case voided later changes September's figures, and check-seal names the
    figure (README: "What they prove, and what they do not").
    On the whole season: a void recorded today changes September's figures through its quota
    (the void's report no longer counts), which the sample, with a tenth of the reports, meets
    on too few days to show."""
    template = "season"

    def seal(self, box: Sandbox) -> tuple[str, str]:
        key = box.path("key.pem")
        r = gridctl(box, "audit", "keygen", "--out", key)
        self.assertEqual(r.rc, OK, str(r))
        seal = box.path("seal.json")
        r = gridctl(box, "audit", "seal", "--month", SEALED_MONTH, "--key", key, "-o", seal,
                    clock=after_season())
        self.assertEqual(r.rc, OK, str(r))
        return seal, key + ".pub"

    def september_problems(self, box: Sandbox, n: int) -> list[tuple[int, int]]:
        """(id, time of its last event) of open patrol problems reported in September by a grid
        worker, still quiet two days before its end."""
        rows = sql(box.db,
                   "SELECT c.id, max(e.at) FROM cases c JOIN events e ON e.case_id = c.id "
                   "WHERE c.kind = 'problem' AND c.status = 'open' AND c.source = 'patrol' "
                   f"AND c.reporter LIKE 'W%' AND c.reported_at >= {SEPT_START} "
                   f"GROUP BY c.id HAVING max(e.at) < {SEPT_END - 2 * 86400} "
                   f"ORDER BY c.id LIMIT {n}")
        self.assertEqual(len(rows), n, rows)
        return [(int(r[0]), int(r[1])) for r in rows]

    def move(self, box: Sandbox, *args: str) -> None:
        r = gridctl(box, *args, "--as", "admin")  # the real clock: a back-dated --at is late
        self.assertEqual(r.rc, OK, str(r))

    def check(self, box: Sandbox, seal: str, pub: str, why: str) -> None:
        r = gridctl(box, "audit", "check-seal", seal, "--pub", pub, clock=after_season())
        self.assertEqual(r.rc, OK, f"{why}: check-seal finds the sealed month changed\n{r}")

    def test_moves_of_today(self):
        seal, pub = self.seal(self.box)
        (case, last), = self.september_problems(self.box, 1)
        worker = sql1(self.box.db, f"SELECT reporter FROM cases WHERE id = {case}")
        r = gridctl(self.box, "workers", "retire", worker)
        self.assertEqual(r.rc, OK, str(r))
        self.check(self.box, seal, pub, f"its reporter {worker} retired")
        late = dt.datetime.fromtimestamp(last + 3600, TZ).isoformat()
        self.move(self.box, "escalate", str(case), "--reason", "补录上报", "--at", late)
        self.check(self.box, seal, pub, f"case {case} escalated at {late}, recorded today")
        self.move(self.box, "void", str(case), "--reason", "重复上报")
        r = gridctl(self.box, "audit", "check-seal", seal, "--pub", pub, clock=after_season())
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertRegex(one_error(r), r"of 2026-09: (problems|quota_days_met) was \d+ when "
                                       r"sealed, is \d+ now")

    def test_a_void_back_dated_into_the_month(self):
        seal, pub = self.seal(self.box)
        (case, last), = self.september_problems(self.box, 1)
        late = dt.datetime.fromtimestamp(last + 3600, TZ).isoformat()
        self.move(self.box, "void", str(case), "--reason", "重复上报", "--at", late)
        self.assertIn(sql1(self.box.db, "SELECT late_record FROM events WHERE id = "
                                        "(SELECT max(id) FROM events)"), ("1", "t", "true"))
        # Marked late, but a void removes the problem from the month whenever it is recorded:
        # the seal is what shows it.
        r = gridctl(self.box, "audit", "check-seal", seal, "--pub", pub, clock=after_season())
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertRegex(one_error(r), r"of 2026-09: problems was \d+ when sealed, is \d+ now")


def stored_chain(path: str) -> tuple:
    """The chain start and every event's (id, hash) of the SQLite file at `path`."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return (db.execute("SELECT * FROM chain_start").fetchall(),
                db.execute("SELECT id, hash FROM events ORDER BY id").fetchall())
    finally:
        db.close()


# ---- migrate carries the chain --------------------------------------------------------------

@skip_on_postgresql("migrate's source is an SQLite file, and the season's template is "
                    "PostgreSQL's here")
class Migrated(TamperCase):
    """`migrate` copies the chain as it is: the same head on the other side, and a tampered
    source stays tampered (nothing rehashed on the way)."""

    def migrate(self) -> Sandbox:
        dest = Sandbox(sqlite=True)
        self.addCleanup(dest.cleanup)
        r = run_at(None, ["migrate", "--from", self.box.db, "--to", dest.db], cwd=dest.dir)
        self.assertEqual(r.rc, OK, str(r))
        return dest

    def test_a_tampered_source_stays_tampered_and_every_hash_is_copied(self):
        eid, case, type_ = Tampered.middle_event(self, "e.type = 'escalate'")
        Tampered.change_actor(self, eid)
        source = self.verify_tampered()
        dest = self.migrate()
        r = gridctl(dest, "audit", "verify")
        self.assertEqual(r.rc, TAMPERED, str(r))
        self.assertEqual(one_error(r), source)
        self.assertRegex(source, rf"\bevent {eid} \(case {case}, {type_}\): its hash does not "
                                 r"match")
        self.assertEqual(stored_chain(dest.db), stored_chain(self.box.db),
                         "the copy's chain start and hashes differ from the source's")


# ---- 8: a forged event, hashed as documented --------------------------------------------------

@skip_on_postgresql("forges an event in the SQLite file's layout (units by id) and reads every "
                    "stored hash through it")
class Forgery(TamperCase):

    def test_the_documented_encoding_gives_every_stored_hash(self):
        """Every event of the untouched season, and its chain's start, hashed in Python from the
        spec: the same bytes as gridctl stored."""
        check_chain(self, self.box.db)

    def test_a_forged_event_passes_the_chain_but_not_the_seal(self):
        clock = after_season()
        key = self.box.path("key.pem")
        self.assertEqual(gridctl(self.box, "audit", "keygen", "--out", key).rc, OK)
        seal = self.box.path("seal.json")
        r = gridctl(self.box, "audit", "seal", "--month", SEALED_MONTH, "--key", key, "-o", seal,
                    clock=clock)
        self.assertEqual(r.rc, OK, str(r))
        with open(seal, encoding="utf-8") as f:
            sealed = json.load(f)["seal"]["statistics"]
        before = self.verify_ok()

        # A closed problem of September, held by a town or zone, never whistled, its whole
        # history inside September: a whistle slipped in before its close leaves the row as it is.
        case = self.q1(
            "SELECT c.id FROM cases c WHERE c.kind = 'problem' AND c.status = 'closed' AND "
            f"c.level IN ('town', 'zone') AND c.reported_at >= {SEPT_START} AND NOT EXISTS "
            "(SELECT 1 FROM events w WHERE w.case_id = c.id AND w.type = 'whistle') AND "
            f"(SELECT max(at) FROM events l WHERE l.case_id = c.id) < {SEPT_END} AND "
            "(SELECT count(*) FROM events n WHERE n.case_id = c.id) >= 3 ORDER BY c.id LIMIT 1")
        db = sqlite3.connect(f"file:{self.box.db}?mode=ro", uri=True)
        self.addCleanup(db.close)
        last_of_case = db.execute(
            "SELECT id, at, level, unit_id, department, deadline, due FROM events "
            "WHERE case_id = ? ORDER BY id DESC LIMIT 1", (case,)).fetchone()
        first_at = db.execute("SELECT min(at) FROM events WHERE case_id = ?", (case,)).fetchone()[0]
        worker = db.execute("SELECT worker FROM events WHERE type = 'whistle' ORDER BY id "
                            "LIMIT 1").fetchone()[0]
        head_id, head = db.execute("SELECT id, hash FROM events ORDER BY id DESC "
                                   "LIMIT 1").fetchone()
        town = db.execute("SELECT g.code FROM cases c JOIN units g ON g.id = c.grid_id "
                          "WHERE c.id = ?", (case,)).fetchone()[0][:9]
        db.close()
        _, last_at, level, unit_id, department, deadline, due = last_of_case
        at = (first_at + last_at) // 2
        self.assertTrue(SEPT_START <= first_at < at < last_at < SEPT_END)

        forged = {"id": head_id + 1, "case_id": int(case), "type": "whistle", "at": at,
                  "recorded_at": at, "actor": "admin", "from_level": level,
                  "from_unit_id": unit_id, "from_department": department, "level": level,
                  "unit_id": unit_id, "department": department, "worker": worker,
                  "deadline": deadline, "note": "吹哨：请县直部门进驻处置", "due": due,
                  "extension": None, "supervision_by": None, "late_record": 0}
        # Its encoding, from the case's report and the units' codes.
        db = sqlite3.connect(self.box.db)
        self.addCleanup(db.close)
        report = db.execute("SELECT c.kind, c.source, c.ext_id, c.category, c.service, c.title, "
                            "c.description, g.code, c.reporter, c.reported_at, c.lon, c.lat "
                            "FROM cases c JOIN units g ON g.id = c.grid_id WHERE c.id = ?",
                            (forged["case_id"],)).fetchone()
        unit = db.execute("SELECT code FROM units WHERE id = ?", (unit_id,)).fetchone()[0]
        db.close()
        row = [forged["id"], forged["case_id"], "whistle", at, at, "admin", level, unit,
               department, level, unit, department, worker, deadline, due, None, None,
               forged["note"], 0, *report]
        digest = event_hash(head, row)
        values = ", ".join(sql_literal(v) for v in forged.values())
        self.q(f"INSERT INTO events ({', '.join(forged)}, hash) VALUES ({values}, "
               f"X'{digest.hex()}')")

        # The chain alone cannot tell.
        after = self.verify_ok()
        self.assertEqual(after["events"], before["events"] + 1)
        self.assertEqual((after["last_event"], after["head"]), (head_id + 1, digest.hex()))

        # The seal made before can: September has one whistle more now.
        r = gridctl(self.box, "audit", "check-seal", seal, "--pub", key + ".pub", clock=clock)
        self.assertEqual(r.rc, TAMPERED, str(r))
        message = one_error(r)
        self.assertIn("whistles", message)
        county = sealed["county"]["whistles"]
        towns = {t["code"]: t for t in sealed["towns"]}
        self.assertIn(town, towns)
        town_count = towns[town]["whistles"]
        names_town = (town in message or towns[town].get("name", "\0") in message) and \
            re.search(rf"\b{town_count}\b.*\b{town_count + 1}\b", message, re.S)
        names_county = re.search(rf"\b{county}\b.*\b{county + 1}\b", message, re.S)
        self.assertTrue(names_town or names_county,
                        f"the message does not give the sealed and current whistles of town "
                        f"{town} ({town_count} → {town_count + 1}) or of the county ({county} → "
                        f"{county + 1}): {message}")


def sql_literal(v) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def check_chain(test: unittest.TestCase, path: str) -> int:
    """Recomputes the whole chain of the SQLite file at `path` from the spec; returns the
    number of events checked."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        starts = db.execute("SELECT county, at, reason, events_before, hash "
                            "FROM chain_start").fetchall()
        test.assertEqual(len(starts), 1, starts)
        county, at, reason, events_before, stored = starts[0]
        prev = start_hash(county, at, reason, events_before)
        test.assertEqual(bytes(stored).hex(), prev.hex(), "the chain start's hash")
        n = 0
        expected_id = None
        for row in db.execute(EVENT_QUERY + " ORDER BY e.id"):
            eid, stored = row[0], bytes(row[31])
            if expected_id is not None:
                test.assertEqual(eid, expected_id, "event ids are not contiguous")
            expected_id = eid + 1
            mine = event_hash(prev, row)
            if mine != stored:
                test.fail(f"event {eid}: the documented encoding gives {mine.hex()}, stored "
                          f"{stored.hex()}; fields: {event_encoding(row)!r}")
            prev = stored
            n += 1
        return n
    finally:
        db.close()


def rehash_from(path: str, first: int) -> str:
    """SQL that gives events `first` onwards of the SQLite file at `path` the hashes of what
    they record now, each linked to the one before: the rewrite of someone who knows the
    encoding."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        statements = []
        # The first rewritten event keeps its link: the hash before it, as stored.
        before = db.execute("SELECT hash FROM events WHERE id = ?", (first - 1,)).fetchone() \
            or db.execute("SELECT hash FROM chain_start").fetchone()
        prev = bytes(before[0])
        for row in db.execute(EVENT_QUERY + " WHERE e.id >= ? ORDER BY e.id", (first,)):
            digest = event_hash(prev, row)
            statements.append(f"UPDATE events SET hash = X'{digest.hex()}' WHERE id = {row[0]};")
            prev = digest
        return "\n".join(statements)
    finally:
        db.close()


# ---- the seal's head: a county recording September as it happened ----------------------------

@skip_on_postgresql("rewrites hashes in the SQLite file's layout (units by id)")
class SealedHead(TamperCase):
    """Moves recorded when they happen (--at, under libfaketime), some in September and one
    after September's figures became final (2026-10-02T00:00+08:00: the month and the default
    24h backfill). The seal of September names the chain's head as the seal is made (README,
    docs/design.md §15.3): the last event, which covers every event the figures came from."""

    template = "full"

    def setUp(self):
        super().setUp()
        grid = "37132700100101"
        for title, day, escalate in (("甲", "2026-09-10", True), ("乙", "2026-09-12", True),
                                     ("丙", "2026-10-05", False)):
            r = self.box.gridctl("log", "--grid", grid, "--category", "environment_sanitation",
                                 "--title", title, "--as", "W0001", "--at", f"{day}T09:00")
            self.assertEqual(r.rc, OK, str(r))
            if escalate:
                r = self.box.gridctl("escalate", r.stdout.strip(), "--reason", "上报", "--as",
                                     "W0001", "--at", f"{day}T10:00")
                self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(self.last_event(), 5)
        self.key = self.box.path("key.pem")
        r = self.box.gridctl("audit", "keygen", "--out", self.key)
        self.assertEqual(r.rc, OK, str(r))
        self.seal = self.box.path("seal.json")
        r = gridctl(self.box, "audit", "seal", "--month", SEALED_MONTH, "--key", self.key,
                    "-o", self.seal, clock=after_season())
        self.assertEqual(r.rc, OK, str(r))

    def check_seal(self) -> Result:
        return gridctl(self.box, "audit", "check-seal", self.seal, "--pub", self.key + ".pub",
                       clock=after_season())

    def test_the_head_is_the_last_event_when_the_seal_is_made(self):
        with open(self.seal, encoding="utf-8") as f:
            chain = json.load(f)["seal"]["chain"]
        head = self.q1(f"SELECT {hex_of(self.box.db, 'hash')} FROM events WHERE id = 5")
        self.assertEqual((chain["event"], chain["hash"]), (5, head))
        r = self.check_seal()
        self.assertEqual(r.rc, OK, str(r))
        # An event recorded after the seal is not under it: check-seal still passes.
        r = self.box.gridctl("log", "--grid", "37132700100101", "--category",
                             "environment_sanitation", "--title", "丁", "--as", "W0001")
        self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(self.check_seal().rc, OK)

    def test_a_rewritten_chain_passes_verify_but_not_the_seals_head(self):
        # Event 2's note changed and every hash from it on recomputed: a consistent chain.
        self.q("UPDATE events SET note = '未上报' WHERE id = 2")
        self.q(rehash_from(self.box.db, 2))
        self.assertEqual(check_chain(self, self.box.db), 5)
        self.verify_ok()
        r = self.check_seal()
        self.assertEqual(r.rc, TAMPERED, str(r))
        with open(self.seal, encoding="utf-8") as f:
            head = json.load(f)["seal"]["chain"]["event"]
        self.assertGreaterEqual(head, 2)
        self.assertRegex(one_error(r), rf"\bevent {head}\b")  # the sealed head


# ---- the encoding of a case with a point --------------------------------------------------------

@skip_on_postgresql("reads the stored hashes in the SQLite file's layout")
class PointEncoding(TamperCase):
    template = "full"

    def test_a_case_with_a_point_and_every_report_field(self):
        r = self.box.gridctl(
            "log", "--grid", "37132700100101", "--lon", "118.123456789012", "--lat", "35.2",
            "--category", "environment_sanitation", "--source", "hotline", "--ext-id",
            "12345-0001", "--title", "楼道\"垃圾\", 堆放", "--description", "三楼|四楼\n之间",
            "--as", "admin", "--at", "2026-10-03T09:00")
        self.assertEqual(r.rc, OK, str(r))
        case = r.stdout.strip()
        for move in (["dispatch", case, "--to", "371327001", "--note", "请处理", "--as", "admin",
                      "--at", "2026-10-03T10:00"],
                     ["extend", case, "--by", "2wd", "--reason", "等待", "--as", "admin",
                      "--at", "2026-10-03T11:00"]):
            r = self.box.gridctl(*move)
            self.assertEqual(r.rc, OK, str(r))
        self.assertEqual(check_chain(self, self.box.db), 3)
        self.verify_ok()
        # The export's lon/lat are the text the encoding takes.
        rows = self.box.gridctl("export", "events", "--format", "csv").csv_rows()
        self.assertEqual([(row["lon"], row["lat"]) for row in rows],
                         [("118.123456789012", "35.2")] * 3)
        path = self.box.write("events.csv", self.box.gridctl("export", "events").stdout)
        self.assertEqual(self.box.gridctl("audit", "verify", path).rc, OK)


class LineBreaks(TamperCase):
    template = "full"

    def test_line_breaks_of_every_kind_in_a_text_verify_in_every_format(self):
        """A CSV reader reads a CRLF inside quotes as LF (an editor's conversion undone); the
        hash covers the CR, so verify reads an export byte for byte."""
        r = self.box.gridctl(
            "log", "--grid", "37132700100101", "--category", "environment_sanitation",
            "--title", "窨井盖\r\n缺失", "--description", "一楼\r\n二楼\r三楼\n四楼",
            "--as", "admin", "--at", "2026-10-03T09:00")
        self.assertEqual(r.rc, OK, str(r))
        self.verify_ok()
        for fmt in ("csv", "json", "ndjson"):
            with self.subTest(fmt):
                out = self.box.gridctl("export", "events", "--format", fmt)
                self.assertEqual(out.rc, OK, str(out))
                if fmt == "csv":
                    self.assertIn("一楼\r\n二楼\r三楼\n四楼".encode(), out.stdout_bytes)
                path = self.box.write(f"events.{fmt}", out.stdout_bytes)
                r = self.box.gridctl("audit", "verify", path)
                self.assertEqual(r.rc, OK, str(r))


# ---- 12: a database of the previous release --------------------------------------------------

@skip_on_postgresql("upgrades an SQLite file of schema 1")
class Upgraded(AuditMixin, unittest.TestCase):

    def setUp(self):
        self.box = Sandbox()
        self.addCleanup(self.box.cleanup)
        shutil.copyfile(data("upgrade/v1.db"), self.box.db)

    def test_an_upgraded_database_verifies_and_says_where_its_chain_began(self):
        opened = self.box.gridctl("status")  # opening it upgrades it
        self.assertEqual(opened.rc, OK, str(opened))
        report = self.verify_ok()
        self.assertEqual((report["events"], report["cases"], report["last_event"]), (19, 5, 19))
        start = report["chain_start"]
        self.assertRegex(start["reason"], r"^upgrade from schema \d+$")
        self.assertEqual(start["events_before"], 19)
        self.assertEqual(check_chain(self, self.box.db), 19)
        # A new move extends the chain.
        r = self.box.gridctl("extend", "5", "--by", "2wd", "--reason", "等待调解", "--as",
                             "admin", "--at", "2026-10-20T09:00")
        self.assertEqual(r.rc, OK, str(r))
        report = self.verify_ok()
        self.assertEqual((report["events"], report["last_event"]), (20, 20))
        self.assertEqual(report["chain_start"], start)
        self.assertEqual(check_chain(self, self.box.db), 20)


@skip_on_postgresql("upgrades an SQLite file of schema 10")
class UpgradedFromStoredPrevHash(AuditMixin, unittest.TestCase):
    """Schema 10 stored each event's prev_hash as well as its hash; 11 drops it (the event
    before holds it): the chain is the same after the upgrade, and verifies."""

    def setUp(self):
        self.box = Sandbox()
        self.addCleanup(self.box.cleanup)
        shutil.copyfile(data("upgrade/v10.db"), self.box.db)

    def test_the_upgrade_keeps_every_hash_and_drops_the_stored_prev_hash(self):
        before = stored_chain(self.box.db)
        opened = self.box.gridctl("status")  # opening it upgrades it
        self.assertEqual(opened.rc, OK, str(opened))
        db = sqlite3.connect(f"file:{self.box.db}?mode=ro", uri=True)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            columns = [r[1] for r in db.execute("PRAGMA table_info(events)")]
        finally:
            db.close()
        self.assertEqual(version, 11)
        self.assertIn("hash", columns)
        self.assertNotIn("prev_hash", columns)
        self.assertEqual(stored_chain(self.box.db), before)
        report = self.verify_ok()
        self.assertEqual((report["events"], report["cases"], report["last_event"]), (19, 5, 19))
        self.assertEqual(report["chain_start"]["reason"], "new")
        self.assertEqual(check_chain(self, self.box.db), 19)


if __name__ == "__main__":
    unittest.main()
