"""The README's tour runs as written: every ```sh block of the "A tour" section, in order, in one
bash session with `set -e` (so any failing line fails the test), from a clean copy of the
repository's examples, against a fresh database."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GRIDCTL = os.environ["GRIDCTL"]


def tour_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    tour = text[text.index("## A tour"):text.index("## Reference")]
    return re.findall(r"```sh\n(.*?)```", tour, flags=re.S)


class ReadmeTour(unittest.TestCase):
    def test_tour_runs_as_written(self):
        blocks = tour_blocks()
        self.assertGreaterEqual(len(blocks), 5)
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(tmp, "examples"))
            db = os.path.join(tmp, "county.db")
            script = "\n".join(blocks).replace("/tmp/county.db", db)
            script = script.replace("/tmp/new-layout.csv", os.path.join(tmp, "new-layout.csv"))
            # The tour puts build-demo/cli (scripts/demo's gridctl) on PATH; here that is the
            # gridctl under test.
            bindir = os.path.join(tmp, "bin")
            os.makedirs(bindir)
            os.symlink(GRIDCTL, os.path.join(bindir, "gridctl"))
            script = script.replace("export PATH=$PWD/build-demo/cli:$PATH",
                                    f"export PATH={bindir}:$PATH")
            r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=tmp,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, f"stdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}")
            # The story's outcomes, as the tour says.
            self.assertIn("exit 5", r.stdout)
            self.assertIn('"status": "closed"', r.stdout)
            self.assertIn('"grid": 949', r.stdout)


if __name__ == "__main__":
    unittest.main()
