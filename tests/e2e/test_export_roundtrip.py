"""An export of cases logged live imports back into the same database as 'already present'."""
import json
import os
import subprocess
import tempfile
import unittest

GRIDCTL = os.environ["GRIDCTL"]
EXAMPLES = os.environ["GRIDGOV_EXAMPLES"]


class OwnExportAgain(unittest.TestCase):
    def gridctl(self, *args, stdin=None):
        r = subprocess.run([GRIDCTL, "--db", self.db, *args], input=stdin, capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_live_cases_are_not_duplicated(self):
        with tempfile.TemporaryDirectory() as tmp:
            self.db = os.path.join(tmp, "g.db")
            self.gridctl("init", "--county-code", "371327", "--county-name", "莒南县")
            self.gridctl("-q", "import", os.path.join(EXAMPLES, "layout.csv"),
                         os.path.join(EXAMPLES, "workers.csv"))
            self.gridctl("log", "--grid", "37132700100101", "--category",
                         "environment_sanitation", "--title", "垃圾", "--as", "W0001",
                         "--at", "2026-10-03T09:15")
            for fmt in ("csv", "ndjson"):
                with self.subTest(format=fmt):
                    out = self.gridctl("export", "cases", "--format", fmt).stdout
                    r = self.gridctl("import", "cases", "-", "--format", "json", stdin=out)
                    row = json.loads(r.stdout)[0]
                    self.assertEqual((row["added"], row["present"]), (0, 1))
            status = json.loads(self.gridctl("status", "--format", "json").stdout)
            self.assertEqual(status["cases"]["open"], 1)


if __name__ == "__main__":
    unittest.main()
