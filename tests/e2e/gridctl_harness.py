"""Shared helpers of the end-to-end tests: run gridctl in a fresh temporary directory with its own
database, read the example county, compare database dumps, parse error lines and tables.

Environment (set by ctest; the defaults suit a run from the source tree):
    GRIDCTL            the gridctl binary            (default: <repo>/build/cli/gridctl)
    GRIDGOV_EXAMPLES   the example county            (default: <repo>/examples)
    GRIDGOV_TEST_DATA  the input corpus, tests/data  (default: <repo>/tests/data)
    GRIDGOV_TEST_STORE sqlite (default) or postgresql: the store every sandbox's database is in
    GRIDGOV_TEST_PG    with postgresql: the URL of a server's maintenance database, on which
                       each sandbox gets a database of its own (scripts/test starts a
                       throwaway server and sets it; scripts/pg-cluster)
    GRIDGOV_TEST_TEMPLATES a folder where the test processes of one build share their template
                       databases (ctest sets it; unset, each process makes its own)
"""

from __future__ import annotations

import atexit
import csv
import datetime
import errno
import fcntl
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import unicodedata
import unittest
from dataclasses import dataclass
from typing import Optional, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
GRIDCTL = os.environ.get("GRIDCTL") or os.path.join(REPO, "build", "cli", "gridctl")
EXAMPLES = os.environ.get("GRIDGOV_EXAMPLES") or os.path.join(REPO, "examples")
TEST_DATA = os.environ.get("GRIDGOV_TEST_DATA") or os.path.join(REPO, "tests", "data")

# Exit codes, docs/design.md §6.
OK, INTERNAL, USAGE, INPUT, NOT_FOUND, REFUSED, BUSY, UNUSABLE = 0, 1, 2, 3, 4, 5, 6, 7

# The store under test (docs/design.md §14): the same tests run on both.
ON_POSTGRESQL = os.environ.get("GRIDGOV_TEST_STORE", "sqlite") == "postgresql"
PG_BASE = os.environ.get("GRIDGOV_TEST_PG", "")
if ON_POSTGRESQL and not PG_BASE:
    raise SystemExit("GRIDGOV_TEST_STORE=postgresql needs GRIDGOV_TEST_PG, the URL of a server "
                     "(scripts/test starts one: scripts/pg-cluster)")

COUNTY_CODE = "371327"
COUNTY_NAME = "莒南县"
LEVELS = ["county", "town", "zone", "village", "grid"]
TIERS = ["grid", "town", "county"]


def example(name: str) -> str:
    return os.path.join(EXAMPLES, name)


def data(name: str) -> str:
    return os.path.join(TEST_DATA, name)


# ---- running gridctl -----------------------------------------------------------------------

def base_env(**extra: Optional[str]) -> dict:
    """A clean environment: no GRIDCTL_DB / NO_COLOR / GRIDCTL_ACTOR from the caller."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GRIDCTL_DB", "GRIDCTL_COUNTY", "NO_COLOR", "GRIDCTL_ACTOR",
                        "CLICOLOR_FORCE")}
    env.setdefault("LC_ALL", "C.UTF-8")
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def faketime_library() -> str:
    """Where Debian's libfaketime is (package faketime)."""
    for pattern in ("/usr/lib/*/faketime/libfaketime.so.1", "/usr/lib/faketime/libfaketime.so.1",
                    "/usr/local/lib/faketime/libfaketime.so.1"):
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    raise AssertionError("libfaketime (Debian's faketime) is needed for back-dated runs; "
                         "scripts/setup installs it")


def faketime_env(clock: str, **extra: Optional[str]) -> dict:
    """base_env for a gridctl run under libfaketime at `clock` (its FAKETIME: "@2026-10-02
    16:00:00" starts the clock there and lets it run). The library is preloaded here, not by the
    `faketime` wrapper, whose semaphore named after its pid outlives a run killed by a timeout,
    and makes a later run that gets the same pid fail ("sem_open: File exists"). An ASan build
    (scripts/test's second pass) would refuse to start with its runtime not first: told not to."""
    env = base_env(**extra)
    preload = env.get("LD_PRELOAD", "")
    env["LD_PRELOAD"] = faketime_library() + (":" + preload if preload else "")
    env["FAKETIME"] = clock
    options = env.get("ASAN_OPTIONS", "")
    env["ASAN_OPTIONS"] = (options + ":" if options else "") + "verify_asan_link_order=0"
    return env


@dataclass
class Result:
    args: list
    rc: int
    stdout: str
    stderr: str
    stdout_bytes: bytes

    def __str__(self) -> str:  # shown in assertion messages
        return (f"gridctl {' '.join(self.args)}\n  rc={self.rc}\n  stdout={self.stdout[:1500]!r}"
                f"\n  stderr={self.stderr[:1500]!r}")

    def errors(self) -> list[str]:
        return error_lines(self.stderr)

    def json(self):
        return json.loads(self.stdout)

    def csv_rows(self) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self.stdout, newline="")))


_GRIDCTL_CHECKED = False


def check_gridctl() -> None:
    """Fails (AssertionError, so the test fails rather than errs or skips) when GRIDCTL is not an
    executable file. Checked once, at the first run."""
    global _GRIDCTL_CHECKED
    if _GRIDCTL_CHECKED:
        return
    if not (os.path.isfile(GRIDCTL) and os.access(GRIDCTL, os.X_OK)):
        how = "set by $GRIDCTL" if os.environ.get("GRIDCTL") else "the default; set $GRIDCTL"
        raise AssertionError(f"no executable gridctl at {GRIDCTL} ({how}); build it first "
                             f"(cmake --build build) or run the tests through ctest")
    _GRIDCTL_CHECKED = True


def clock_for(args: Sequence[str]) -> Optional[str]:
    """The clock a command given `--at T` in the past runs at: T itself (UTC, for libfaketime),
    so that a test's back-dated move is recorded when it happens, as a user's would be, and not
    as a late record (rule 16). None when there is no --at, or it is not an earlier time."""
    value = None
    for i, a in enumerate(args):
        if a == "--at" and i + 1 < len(args):
            value = args[i + 1]
        elif a.startswith("--at="):
            value = a[len("--at="):]
    if not value:
        return None
    try:
        t = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:  # local time of the test policies' timezone
        t = t.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    t = t.astimezone(datetime.timezone.utc)
    if t >= datetime.datetime.now(datetime.timezone.utc) or t.year < 2000:
        return None
    return t.strftime("%Y-%m-%d %H:%M:%S")


def run(args: Sequence[str], cwd: Optional[str] = None, input: Optional[bytes | str] = None,
        env: Optional[dict] = None, timeout: float = 60) -> Result:
    """Runs gridctl with args (no --db added) and returns its exit code and output. A command
    given an earlier --at (and no env of its own) runs under libfaketime at that time: see
    clock_for."""
    check_gridctl()
    if isinstance(input, str):
        input = input.encode("utf-8")
    command = [GRIDCTL, *args]
    clock = clock_for(args) if env is None else None
    if clock:
        env = faketime_env("@" + clock, TZ="UTC")
    # ETXTBSY: the binary is open for writing (a build relinking it while tests run). That
    # passes within moments, so it alone is retried, briefly; any other failure to start
    # gridctl fails at once.
    for attempt in range(20):
        try:
            p = subprocess.run(command, cwd=cwd,
                               input=input if input is not None else b"",
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env if env is not None else base_env(), timeout=timeout)
            break
        except OSError as e:
            if e.errno != errno.ETXTBSY or attempt == 19:
                raise AssertionError(f"cannot run gridctl at {GRIDCTL}: {e}") from e
            time.sleep(0.25)
    return Result(list(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"), p.stdout)


_TEMPLATES: dict[str, str] = {}
_TEMPLATE_ROOT: Optional[str] = None
# Where templates are kept for every test process of a build (ctest sets it to a folder of the
# build): the example season takes seconds to import (minutes under the sanitizers), and a dozen
# test files read it. Unset (a test run by hand), each process makes its own.
SHARED_TEMPLATES = os.environ.get("GRIDGOV_TEST_TEMPLATES", "")
_RECIPES = {"init": [], "layout": ["layout.csv"], "full": ["layout.csv", "workers.csv"],
            "season": ["layout.csv", "workers.csv", "cases.csv"],
            # "cases.csv/10": its header, every tenth row and every row that is not a case
            # closed at grid level with no events of its own (_sample), so all three months
            # and every kind of case of the season in a tenth of its size, for tests that
            # copy and scan a whole database per test (the tamper tests).
            "sample": ["layout.csv", "workers.csv", "cases.csv/10"]}


def _template_root() -> str:
    global _TEMPLATE_ROOT
    if _TEMPLATE_ROOT is None:
        _TEMPLATE_ROOT = tempfile.mkdtemp(prefix="gridgov-e2e-templates-")
        atexit.register(shutil.rmtree, _TEMPLATE_ROOT, True)
    return _TEMPLATE_ROOT


def _check(r: Result) -> Result:
    if r.rc != 0:
        raise AssertionError(f"fixture command failed: {r}")
    return r


def _fill_template(db: str, name: str) -> None:
    """Makes template `name` at `db`, a new SQLite path or an empty PostgreSQL database."""
    _check(run(["--db", db, "init", "--county-code", COUNTY_CODE, "--county-name", COUNTY_NAME]))
    for item in _RECIPES[name]:
        file, _, step = item.partition("/")
        with tempfile.TemporaryDirectory(prefix="gridgov-e2e-sample-") as scratch:
            path = example(file)
            if step:
                path = _sample(path, int(step), os.path.join(scratch, file))
            # cases.csv is the largest import of the suite: under the sanitizers on a busy
            # machine it can take well over the minute a command is otherwise given.
            _check(run(["--db", db, "import", file.split(".")[0], path], timeout=600))


def _sample(path: str, step: int, out: str) -> str:
    """Writes to `out` the header of cases file `path`, every `step`-th case and every case
    other than one closed at grid level without events (the few open, resolved, void,
    escalated and replayed ones, which tests look for); returns `out`. The example's rows
    are one line each."""
    with open(path, encoding="utf-8", newline="") as f, \
            open(out, "w", encoding="utf-8", newline="") as w:
        lines = iter(f)
        header = next(lines)
        w.write(header)
        names = next(csv.reader([header]))
        status, level, events = (names.index(n) for n in ("status", "level", "events"))
        for n, line in enumerate(lines, 1):
            row = next(csv.reader([line]))
            if n % step == 0 or (row[status], row[level], row[events]) != ("closed", "grid", ""):
                w.write(line)
    return out


def _template_key() -> str:
    """What a shared template was made from: this gridctl (path, size, time), the example
    files it imports, these recipes and this file (which samples them). Another build, a
    rebuild or an edit here makes its own."""
    parts = [os.path.realpath(GRIDCTL), repr(sorted(_RECIPES.items()))]
    for path in [GRIDCTL, __file__] + [example(f) for f in _RECIPES["season"]]:
        st = os.stat(path)
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _shared_template(name: str) -> str:
    """Template `name` in SHARED_TEMPLATES, made by the first process that asks for it (the
    others wait on its lock) under a temporary name and renamed when whole, so a killed
    process leaves no half-made template. Those of an older key are removed then."""
    key = _template_key()
    os.makedirs(SHARED_TEMPLATES, exist_ok=True)
    with open(os.path.join(SHARED_TEMPLATES, "lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ON_POSTGRESQL:
            # The build folder's own prefix: builds sharing one server keep theirs apart.
            prefix = "ggt_" + hashlib.sha256(os.path.realpath(SHARED_TEMPLATES).encode()).hexdigest()[:8]
            final = f"{prefix}_{key}_{name}"
            if pg_sql(f"SELECT count(*) FROM pg_database WHERE datname = '{final}'").strip() == "1":
                return pg_url(final)
            for old in pg_sql(f"SELECT datname FROM pg_database WHERE datname LIKE '{prefix}\\_%' "
                              f"AND datname NOT LIKE '{prefix}\\_{key}\\_%'").split():
                try:
                    pg_sql(f"DROP DATABASE IF EXISTS {old}")
                except AssertionError:
                    pass  # one still in use (by a run of an older gridctl) stays
            pg_sql(f"DROP DATABASE IF EXISTS {final}_tmp")  # a killed process's
            pg_sql(f"CREATE DATABASE {final}_tmp")
            _fill_template(pg_url(f"{final}_tmp"), name)
            pg_sql(f"ALTER DATABASE {final}_tmp RENAME TO {final}")
            return pg_url(final)
        final = os.path.join(SHARED_TEMPLATES, key, name)
        if not os.path.isdir(final):
            for old in os.listdir(SHARED_TEMPLATES):
                if old not in ("lock", key):
                    shutil.rmtree(os.path.join(SHARED_TEMPLATES, old), ignore_errors=True)
            work = final + ".tmp"
            shutil.rmtree(work, ignore_errors=True)  # a killed process's
            os.makedirs(work)
            _fill_template(os.path.join(work, "gridgov.db"), name)
            os.rename(work, final)
        return os.path.join(final, "gridgov.db")


def template(name: str) -> str:
    """The path (URL) of a database built once and never modified afterwards: "init" (the
    county and the built-in policy), "layout" (+ the example layout), "full" (+ the example
    workers), "season" (+ the example season, examples/cases.csv: the largest fixture, so the
    test classes that read it share one import), "sample" (+ a tenth of the season: _sample),
    shared by the processes of a build where GRIDGOV_TEST_TEMPLATES says."""
    if name not in _RECIPES:
        raise ValueError(name)
    if name not in _TEMPLATES:
        if SHARED_TEMPLATES:
            _TEMPLATES[name] = _shared_template(name)
        else:
            path = pg_create() if ON_POSTGRESQL else os.path.join(_template_root(), name + ".db")
            _fill_template(path, name)
            _TEMPLATES[name] = path
    return _TEMPLATES[name]


# ---- PostgreSQL databases -------------------------------------------------------------------

_PG_COUNT = 0
_PG_LOCK = threading.RLock()  # template() may make a database while a sandbox makes its own
_PG_LIVE: set[str] = set()  # the databases this process made and has not dropped yet


def pg_url(name: str, base: str = "") -> str:
    """The URL of database `name` on the server of GRIDGOV_TEST_PG (or of `base`)."""
    base = base or PG_BASE
    scheme, rest = base.split("://", 1)
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    query = rest.find("?")
    return f"{scheme}://{rest[:cut]}/{name}" + (rest[query:] if query >= 0 else "")


def pg_name(url: str) -> str:
    """The database name in a postgresql:// URL made by pg_url."""
    return url.split("://", 1)[1].split("/", 1)[1].split("?")[0]


def pg_sql(sql: str, db: str = "") -> str:
    """Runs `sql` with psql on the maintenance database (or on the database at URL `db`)."""
    p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", db or PG_BASE,
                        "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if p.returncode != 0:
        raise AssertionError(f"psql {sql!r} failed: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode("utf-8", "replace")


def pg_create(template_url: str = "") -> str:
    """A new database on the test server (a copy of the database at `template_url` if given),
    dropped when this process ends; returns its URL."""
    global _PG_COUNT
    _PG_COUNT += 1
    name = f"gg_{os.getpid()}_{_PG_COUNT}"
    template = f" TEMPLATE {pg_name(template_url)}" if template_url else ""
    # FILE_COPY, not PostgreSQL 15's default WAL_LOG: copying the example season (118 MB) took
    # the same time or less (0.6-0.9 s under load) and wrote no WAL, where WAL_LOG wrote 100 MB
    # per copy; an empty database (template1) is ~0.07 s either way.
    pg_sql(f"CREATE DATABASE {name}{template} STRATEGY FILE_COPY")
    url = pg_url(name)
    if not _PG_LIVE:
        atexit.register(lambda: [pg_drop(u) for u in list(_PG_LIVE)])
    _PG_LIVE.add(url)
    return url


def pg_drop(url: str) -> None:
    if url not in _PG_LIVE:
        return
    _PG_LIVE.discard(url)
    try:
        pg_sql(f"DROP DATABASE IF EXISTS {pg_name(url)} WITH (FORCE)")
    except (AssertionError, OSError, subprocess.SubprocessError):
        pass  # the server is gone: its databases with it


def skip_on_postgresql(why: str):
    """Skips a test about the SQLite file itself when the suite runs on PostgreSQL."""
    return unittest.skipIf(ON_POSTGRESQL, f"SQLite only: {why}")


class Sandbox:
    """A fresh temporary directory with its own database (`db`): an SQLite path, not created
    yet, or on PostgreSQL the URL of a new empty database."""

    def __init__(self, from_template: Optional[str] = None, sqlite: bool = False):
        """sqlite=True: an SQLite file whatever the store under test (say, migrate's source);
        it starts empty (templates are of the store under test)."""
        self.dir = tempfile.mkdtemp(prefix="gridgov-e2e-")
        self._on_pg = ON_POSTGRESQL and not sqlite
        assert not (sqlite and ON_POSTGRESQL and from_template), "templates are PostgreSQL's"
        if self._on_pg:
            # Made when `db` is first read: CREATE DATABASE is most of a short test's time on
            # PostgreSQL, and many sandboxes (a test case's own, when the test makes another)
            # are never used.
            self._template, self._db = from_template, None
            return
        self.db = os.path.join(self.dir, "gridgov.db")
        if from_template:
            try:
                src = template(from_template)
                shutil.copyfile(src, self.db)
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(src + suffix):
                        shutil.copyfile(src + suffix, self.db + suffix)
            except BaseException:
                self.cleanup()
                raise

    @property
    def db(self) -> str:
        with _PG_LOCK:  # tests run gridctl from threads: the first of them makes it, once
            if self._db is None:
                self._db = pg_create(template(self._template) if self._template else "")
        return self._db

    @db.setter
    def db(self, path: str) -> None:
        self._db = path

    def created(self) -> bool:
        """Whether gridctl has made a database here: the SQLite file exists, or the PostgreSQL
        database holds a table (the database itself is the harness's, made empty)."""
        if not self._on_pg:
            return os.path.exists(self.db)
        return pg_sql("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                      "('pg_catalog', 'information_schema')", self.db).strip() != "0"

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        if self._on_pg and self._db is not None:
            pg_drop(self._db)

    def path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def write(self, name: str, content: bytes | str) -> str:
        p = self.path(name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(content.encode("utf-8") if isinstance(content, str) else content)
        return p

    def gridctl(self, *args: str, input=None, env=None, db: bool = True) -> Result:
        """Runs gridctl in the sandbox directory with `--db <sandbox db>` first (db=False: none)."""
        full = (["--db", self.db] if db else []) + list(args)
        return run(full, cwd=self.dir, input=input, env=env)

    def dump(self) -> str:
        return dump(self.db)

    def init(self) -> Result:
        return _check(self.gridctl("init", "--county-code", COUNTY_CODE,
                                   "--county-name", COUNTY_NAME))


class SharedSandboxCase(unittest.TestCase):
    """A test class whose tests share one sandbox, made from `template` (the example season unless
    said otherwise); `prepare()` reads what they share, and the sandbox goes however it ends."""

    template = "season"

    @classmethod
    def setUpClass(cls):
        cls.box = Sandbox(cls.template)
        try:
            cls.prepare()
        except BaseException:
            cls.box.cleanup()
            raise

    @classmethod
    def prepare(cls) -> None:
        """What the tests share, read from `cls.box`."""

    @classmethod
    def tearDownClass(cls):
        cls.box.cleanup()


class GridctlTestCase(unittest.TestCase):
    """A test case with a fresh sandbox per test; `template` names the database to start from."""

    template: Optional[str] = None
    maxDiff = 4000

    def setUp(self) -> None:
        self.box = Sandbox(self.template)
        self.addCleanup(self.box.cleanup)

    def gridctl(self, *args: str, **kw) -> Result:
        return self.box.gridctl(*args, **kw)

    def assertRc(self, result: Result, rc: int, msg: str = "") -> None:
        self.assertEqual(result.rc, rc, f"{msg}\n{result}")

    def assertOk(self, result: Result) -> Result:
        self.assertRc(result, OK)
        return result

    def assertErrorFormat(self, result: Result) -> None:
        """Every line of stderr after a failure starts `gridctl: error: ` (usage hints aside)."""
        lines = result.errors()
        self.assertTrue(lines, f"no `gridctl: error:` line\n{result}")


# ---- database helpers ----------------------------------------------------------------------

def database_at_schema(db: str, version: int, rows: str) -> None:
    """Makes `db` as a gridctl of schema `version` made it: the first `version` migrations of
    lib/schema.hpp, run by their own SQL, then `rows` (SQL inserts) and the file's marks."""
    with open(os.path.join(REPO, "lib", "schema.hpp"), encoding="utf-8") as f:
        migrations = re.findall(r'R"sql\((.*?)\)sql"', f.read(), re.S)
    assert len(migrations) > version, "no migration after that version"
    with sqlite3.connect(db) as conn:
        for sql in migrations[:version]:
            conn.executescript(sql)
        conn.executescript(rows + f"\nPRAGMA application_id = 1196573767;\n"
                                  f"PRAGMA user_version = {version};\n")
    conn.close()  # `with` commits, but does not close


def dump(db: str) -> str:
    """The `sqlite3 DB .dump` text of a database (`pg_dump` of a PostgreSQL one), for
    "unchanged" assertions."""
    command = ["pg_dump", "--no-owner", db] if db.startswith("postgresql://") else \
        ["sqlite3", db, ".dump"]
    p = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"{command[0]} {db} failed: {p.stderr.decode(errors='replace')}")
    text = p.stdout.decode("utf-8", "replace")
    # pg_dump brackets its output with a random key (\restrict KEY … \unrestrict KEY).
    return re.sub(r"^\\(un)?restrict \S+$", "", text, flags=re.M)


def file_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


# ---- error lines ---------------------------------------------------------------------------

ERROR_PREFIX = "gridctl: error: "


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(ERROR_PREFIX)]


@dataclass
class Diag:
    file: str
    line: int
    col: Optional[int]
    field: Optional[str]
    reason: str
    text: str


def parse_diag(text: str, file: str) -> Optional[Diag]:
    """Parses `gridctl: error: FILE:LINE[:COL]: [FIELD: ]REASON` for a known FILE. The field is
    the text up to the next ': ' (None when the rest has no ': ')."""
    if not text.startswith(ERROR_PREFIX):
        return None
    rest = text[len(ERROR_PREFIX):]
    if not rest.startswith(file + ":"):
        return None
    m = re.match(r"(\d+)(?::(\d+))?: (.*)$", rest[len(file) + 1:])
    if not m:
        return None
    tail = m.group(3)
    field, reason = (tail.split(": ", 1) if ": " in tail else (None, tail))
    return Diag(file, int(m.group(1)), int(m.group(2)) if m.group(2) else None, field, reason,
                text)


def diags(result: Result, file: str) -> list[Diag]:
    out = []
    for line in result.errors():
        d = parse_diag(line, file)
        if d:
            out.append(d)
    return out


# ---- text and tables -----------------------------------------------------------------------

def display_width(s: str) -> int:
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def token_columns(line: str) -> list[tuple[int, str]]:
    """(display column, token) of every blank-separated token of a table line."""
    out = []
    for m in re.finditer(r"\S+", line):
        out.append((display_width(line[: m.start()]), m.group(0)))
    return out


def strip_ansi(s: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", s)


# ---- the example county --------------------------------------------------------------------

def _read_csv(path: str) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


_LAYOUT_ROWS: Optional[list[dict]] = None
_WORKER_ROWS: Optional[list[dict]] = None


def layout_rows() -> list[dict]:
    global _LAYOUT_ROWS
    if _LAYOUT_ROWS is None:
        _LAYOUT_ROWS = _read_csv(example("layout.csv"))
    return _LAYOUT_ROWS


def worker_rows() -> list[dict]:
    global _WORKER_ROWS
    if _WORKER_ROWS is None:
        _WORKER_ROWS = _read_csv(example("workers.csv"))
    return _WORKER_ROWS


_UNITS: Optional[dict] = None
_ANCESTORS: dict[str, list[str]] = {}


def example_units() -> dict[str, dict]:
    """code → {code, name, level, parent} of every unit of the example layout (CSV).
    Cached: treat the result as read-only."""
    global _UNITS
    if _UNITS is None:
        units = {COUNTY_CODE: {"code": COUNTY_CODE, "name": COUNTY_NAME, "level": "county",
                               "parent": None}}
        for r in layout_rows():
            parent = COUNTY_CODE
            for level in ("town", "zone", "village", "grid"):
                code = r[f"{level}_code"]
                units.setdefault(code, {"code": code, "name": r[f"{level}_name"],
                                        "level": level, "parent": parent})
                parent = code
        _UNITS = units
    return _UNITS


def example_ancestors(code: str) -> list[str]:
    """The code and every ancestor's code, up to the county."""
    if code not in _ANCESTORS:
        units = example_units()
        out = []
        c = code
        while c:
            out.append(c)
            c = units[c]["parent"] if c in units else None
        _ANCESTORS[code] = out
    return list(_ANCESTORS[code])


def example_counts() -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for u in example_units().values():
        counts[u["level"]] += 1
    return counts
