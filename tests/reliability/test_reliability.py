"""Reliability of gridctl's writes (DESIGN §8, §11): a killed import leaves no trace, and several
gridctl processes writing one database at once lose nothing."""
import csv
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

GRIDCTL = os.environ["GRIDCTL"]


def big_layout(path, towns, zones, villages, grids):
    """A synthetic county with towns*zones*villages*grids grids."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["town_code", "town_name", "zone_code", "zone_name", "village_code",
                    "village_name", "grid_code", "grid_name"])
        for t in range(towns):
            tc = f"T{t:03}"
            for z in range(zones):
                zc = f"{tc}Z{z:02}"
                for v in range(villages):
                    vc = f"{zc}V{v:02}"
                    for g in range(grids):
                        w.writerow([tc, f"第{t}镇", zc, f"第{t}镇{z}片区", vc, f"{vc}村",
                                    f"{vc}G{g:02}", f"{vc}村第{g}网格"])
    return towns * zones * villages * grids


def gridctl(db, *args, **kw):
    return subprocess.run([GRIDCTL, "--db", db, "-q", *args], capture_output=True, text=True, **kw)


def unit_count(db):
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return c.execute("SELECT count(*) FROM units").fetchone()[0]


class KillDuringImport(unittest.TestCase):
    def test_killed_import_leaves_before_or_after(self):
        with tempfile.TemporaryDirectory() as tmp:
            layout = os.path.join(tmp, "big.csv")
            grids = big_layout(layout, 30, 10, 10, 10)  # 30,000 grids: ~0.4 s to import
            full = 1 + 30 + 300 + 3000 + grids
            outcomes = set()
            # Kills spread over reading, planning, writing and committing.
            for i, delay in enumerate([0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.45]):
                db = os.path.join(tmp, f"k{i}.db")
                self.assertEqual(gridctl(db, "init", "--county-code", "C",
                                         "--county-name", "县").returncode, 0)
                p = subprocess.Popen([GRIDCTL, "--db", db, "-q", "import", "layout", layout],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(delay)
                p.send_signal(signal.SIGKILL)
                p.wait()
                n = unit_count(db)
                self.assertIn(n, (1, full), f"killed after {delay}s: {n} units, neither before nor after")
                outcomes.add(n)
                # The database still works, and the same import then completes.
                self.assertEqual(gridctl(db, "import", "layout", layout).returncode, 0)
                self.assertEqual(unit_count(db), full)
            self.assertIn(1, outcomes)


class ConcurrentWriters(unittest.TestCase):
    def test_parallel_imports_lose_nothing(self):
        examples = os.environ["GRIDGOV_EXAMPLES"]
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "c.db")
            self.assertEqual(gridctl(db, "init", "--county-code", "371327",
                                     "--county-name", "莒南县").returncode, 0)
            self.assertEqual(gridctl(db, "import", "layout",
                                     os.path.join(examples, "layout.csv")).returncode, 0)
            with open(os.path.join(examples, "workers.csv"), encoding="utf-8") as f:
                rows = list(csv.reader(f))
            header, body = rows[0], rows[1:]
            parts = 6
            files = []
            for k in range(parts):
                path = os.path.join(tmp, f"w{k}.csv")
                with open(path, "w", newline="", encoding="utf-8") as f:
                    w = csv.writer(f)
                    w.writerow(header)
                    w.writerows(body[k::parts])
                files.append(path)
            procs = [subprocess.Popen([GRIDCTL, "--db", db, "-q", "import", "workers", f],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for f in files]
            for p in procs:
                out, err = p.communicate(timeout=120)
                self.assertEqual(p.returncode, 0, err)
            with sqlite3.connect(db) as c:
                self.assertEqual(c.execute("SELECT count(*) FROM workers").fetchone()[0], len(body))


class ParallelCaseWriters(unittest.TestCase):
    """Several gridctl processes log and move cases at once: every event lands, and every case
    row still equals the replay of its events."""

    SCRIPT = """
set -e
for i in $(seq 1 {n}); do
  id=$({g} log --grid {grid} --category environment_sanitation --title "w{w} $i" --as {worker})
  {g} -q escalate $id --reason up --as {worker}
  {g} -q close $id --as {worker} 2>/dev/null || true
done
"""

    def test_parallel_writers_lose_no_event(self):
        examples = os.environ["GRIDGOV_EXAMPLES"]
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "p.db")
            self.assertEqual(gridctl(db, "init", "--county-code", "371327",
                                     "--county-name", "莒南县").returncode, 0)
            self.assertEqual(gridctl(db, "import", os.path.join(examples, "layout.csv"),
                                     os.path.join(examples, "workers.csv")).returncode, 0)
            with open(os.path.join(examples, "workers.csv"), encoding="utf-8") as f:
                grid_workers = [r for r in csv.DictReader(f) if r["tier"] == "grid"][:4]
            n = 15
            env = dict(os.environ, GRIDCTL_DB=db)
            procs = [subprocess.Popen(["bash", "-c", self.SCRIPT.format(
                n=n, g=GRIDCTL, grid=w["unit"], w=k, worker=w["code"])], env=env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for k, w in enumerate(grid_workers)]
            for p in procs:
                out, err = p.communicate(timeout=240)
                self.assertEqual(p.returncode, 0, err)
            with sqlite3.connect(db) as c:
                cases = c.execute("SELECT count(*) FROM cases").fetchone()[0]
                self.assertEqual(cases, n * len(grid_workers))
                by_type = dict(c.execute("SELECT type, count(*) FROM events GROUP BY type"))
                self.assertEqual(by_type.get("report"), cases)
                self.assertEqual(by_type.get("escalate"), cases)
                # Each case row is its last event's projection.
                rows = c.execute("""
                    SELECT c.id, c.status, c.level, c.unit_id, c.deadline,
                           e.type, e.level, e.unit_id, e.deadline
                    FROM cases c JOIN events e ON e.id =
                      (SELECT max(id) FROM events WHERE case_id = c.id)""").fetchall()
                for (cid, status, level, unit, deadline, etype, elevel, eunit, edeadline) in rows:
                    self.assertEqual((level, unit, deadline), (elevel, eunit, edeadline), cid)
                    self.assertEqual(status, "open" if etype == "escalate" else "closed", cid)


if __name__ == "__main__":
    unittest.main()
