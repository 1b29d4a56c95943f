"""A disk that fills up during an import (docs/design.md §6.6, §8.3): exit 7, a message that says
the disk is full, and the database exactly as before. The disk is a 2 MiB tmpfs, which needs the
right to mount (root, as in CI); elsewhere the test is skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import unittest

from gridctl_harness import ON_POSTGRESQL, UNUSABLE, GridctlTestCase, dump, example


def setUpModule():
    if ON_POSTGRESQL:
        raise unittest.SkipTest("SQLite only: a full disk under the database file")


def small_disk() -> str | None:
    """A mounted 2 MiB tmpfs, or None when this process may not mount one."""
    where = tempfile.mkdtemp(prefix="gridgov-small-disk-")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", where],
                       capture_output=True)
    if r.returncode != 0:
        os.rmdir(where)
        return None
    return where


class DiskFull(GridctlTestCase):
    template = "full"

    def test_an_import_that_fills_the_disk_says_so_and_writes_nothing(self):
        disk = small_disk()
        if disk is None:
            self.skipTest("cannot mount a small tmpfs here (needs root)")
        self.addCleanup(os.rmdir, disk)
        self.addCleanup(subprocess.run, ["umount", disk], check=True)
        db = os.path.join(disk, "county.db")
        shutil.copyfile(self.box.db, db)
        before = dump(db)
        r = self.gridctl("--db", db, "import", "cases", example("cases.csv"), db=False)
        self.assertRc(r, UNUSABLE)
        self.assertIn("the disk is full", r.stderr)
        self.assertIn("not imported; nothing written", r.stderr)
        self.assertNotIn("problem(s)", r.stderr)
        self.assertEqual(dump(db), before)


if __name__ == "__main__":
    unittest.main()
