"""The conventions of a mature command line (issue 11, items 13, 14 and 16): unknown commands named
with the nearest ones, the help for a command given alone, `-` for standard input, --version, the
global options and two examples in every --help, shell completions and the man page generated
from the same command definitions, and the README's table of public headers."""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from gridctl_harness import (GRIDCTL, INPUT, OK, ON_POSTGRESQL, REPO, USAGE,
                             GridctlTestCase, base_env, data, pg_sql, run)

GLOBAL_OPTIONS = ("--db", "--format", "--quiet", "--color")


def section(help_text: str, title: str) -> list[str]:
    """The lines of one section of CLI11's help ("Commands:", "Examples:"…), without its title."""
    lines = help_text.splitlines()
    if title + ":" not in lines:
        return []
    out = []
    for line in lines[lines.index(title + ":") + 1:]:
        if not line.strip():
            break
        out.append(line)
    return out


def long_options(help_text: str, title: str = "Options") -> set[str]:
    """The --names a help section lists."""
    return {m for line in section(help_text, title) for m in re.findall(r"--[a-z][a-z0-9-]*", line)
            if line.lstrip().startswith("-")}


_TREE: dict[str, str] = {}


def command_tree() -> dict[str, str]:
    """Every command path `gridctl --help` leads to ("" is gridctl itself), with its help text:
    the tree is read from the help's Commands sections, as a user would walk it."""
    if not _TREE:
        todo = [""]
        while todo:
            path = todo.pop(0)
            r = run([*path.split(), "--help"])
            if r.rc != OK:
                raise AssertionError(f"--help failed: {r}")
            _TREE[path] = r.stdout
            for line in section(r.stdout, "Commands"):
                # "zone, 片区   The zone's daily meeting": the name, then its aliases.
                name = line.split()[0].rstrip(",")
                child = f"{path} {name}".strip()
                if child in _TREE or child in todo:
                    raise AssertionError(f"--help of {path!r} lists {name!r} twice")
                todo.append(child)
    return dict(_TREE)


class UnknownCommands(GridctlTestCase):
    def assertUnknown(self, args, typed, suggested):
        r = self.gridctl(*args, db=False)
        self.assertRc(r, USAGE)
        self.assertEqual(r.stdout, "")
        first = r.errors()[0]
        self.assertIn(f"unknown command '{typed}'", first)
        for s in suggested:
            self.assertIn(f"'{s}'", first)
        self.assertNotIn("A subcommand is required", r.stderr)
        self.assertFalse(os.path.exists(self.box.path("gridgov.db")), "a database was created")
        return first

    def test_a_top_level_typo_names_the_nearest_commands(self):
        first = self.assertUnknown(["stat"], "stat", ["stats", "status"])
        self.assertIn("did you mean", first)

    def test_a_typo_in_a_group_names_the_group_and_its_nearest_command(self):
        self.assertUnknown(["units", "lst"], "units lst", ["units list"])

    def test_a_typo_before_an_argument(self):
        self.assertUnknown(["case", "shw", "1"], "case shw", ["case show"])

    def test_a_typo_after_global_options(self):
        self.assertUnknown(["--format", "json", "stauts"], "stauts", ["status"])

    def test_nothing_near_suggests_nothing(self):
        first = self.assertUnknown(["frobnicate"], "frobnicate", [])
        self.assertNotIn("did you mean", first)

    def test_the_error_says_where_the_commands_are_listed(self):
        r = self.gridctl("units", "lst", db=False)
        self.assertIn("gridctl units --help", r.stderr)


class HelpWhenNoCommand(GridctlTestCase):
    def test_gridctl_alone_prints_its_help_and_exits_2(self):
        r = self.gridctl(db=False)
        self.assertRc(r, USAGE)
        self.assertEqual(r.stdout, command_tree()[""])
        self.assertEqual(r.stderr, "")

    def test_a_group_alone_prints_the_group_help(self):
        for group in ("units", "stats", "case", "agenda", "export", "policy", "workers"):
            with self.subTest(group=group):
                r = self.gridctl(group, db=False)
                self.assertRc(r, USAGE)
                self.assertEqual(r.stdout, command_tree()[group])
                self.assertIn(f"Usage: gridctl {group}", r.stdout)
                self.assertFalse(os.path.exists(self.box.path("gridgov.db")))

    def test_a_group_with_only_an_unknown_flag_names_its_commands(self):
        r = self.gridctl("units", "--levle", "town", db=False)
        self.assertRc(r, USAGE)
        self.assertEqual(r.stdout, "")
        self.assertIn("`gridctl units` needs a command (tree, list or show)", r.errors()[0])
        self.assertIn("--levle", r.errors()[0])


class StandardInput(GridctlTestCase):
    template = "init"

    def test_an_import_from_standard_input_is_named_dash(self):
        with open(data("layout/empty_code.csv"), "rb") as f:
            r = self.gridctl("import", "layout", "-", input=f.read())
        self.assertRc(r, INPUT)
        self.assertTrue(r.errors()[0].startswith("gridctl: error: -:2:"), r)
        self.assertNotIn("stdin", r.stderr)

    def test_a_policy_from_standard_input_is_named_dash(self):
        r = self.gridctl("policy", "check", "-", input="[deadlines\n")
        self.assertRc(r, INPUT)
        self.assertTrue(r.errors()[0].startswith("gridctl: error: -:1:"), r)
        self.assertNotIn("stdin", r.stderr)

    def test_a_policy_loaded_from_standard_input_has_source_dash(self):
        with open(os.path.join(REPO, "examples", "policy.toml"), encoding="utf-8") as f:
            text = f.read()
        changed = re.sub(r"(?m)^daily_reports_per_grid = \d+", "daily_reports_per_grid = 7", text)
        self.assertNotEqual(changed, text)
        r = self.assertOk(self.gridctl("policy", "load", "-", input=changed))
        self.assertIn("loaded - as policy version 2", r.stderr)
        r = self.assertOk(self.gridctl("policy", "show", "--format", "json"))
        self.assertEqual((r.json()["source"], r.json()["version"]), ("-", 2))


class Version(GridctlTestCase):
    def test_version_names_gridctl_and_the_schemas_it_writes(self):
        r = self.gridctl("--version", db=False)
        self.assertRc(r, OK)
        m = re.fullmatch(r"gridctl (\d+)\.(\d+)\.(\d+) "
                         r"\(database schema (\d+), PostgreSQL schema (\d+)\)\n", r.stdout)
        self.assertIsNotNone(m, r)
        with open(os.path.join(REPO, "CMakeLists.txt"), encoding="utf-8") as f:
            project = re.search(r"project\(gridgov VERSION (\d+\.\d+\.\d+)", f.read()).group(1)
        self.assertEqual(".".join(m.groups()[:3]), project)
        # Each schema version is the one a new database of its store gets.
        self.assertOk(self.box.init())
        if ON_POSTGRESQL:
            stored = pg_sql("SELECT value FROM gridgov_meta WHERE key = 'schema_version'", self.box.db)
            self.assertEqual(stored.strip(), m.group(5))
        else:
            p = subprocess.run(["sqlite3", self.box.db, "PRAGMA user_version"], capture_output=True,
                               text=True, check=True)
            self.assertEqual(p.stdout.strip(), m.group(4))


class EveryHelp(unittest.TestCase):
    def test_the_tree_has_the_commands(self):
        tree = command_tree()
        for path in ("", "units list", "stats monthly", "case show", "completion",
                     "supervise order", "export events"):
            self.assertIn(path, tree)
        self.assertNotIn("man", tree, "the man command is a build step, hidden from the help")

    def test_every_command_shows_the_global_options(self):
        for path, text in command_tree().items():
            if not path:
                continue
            with self.subTest(path=path):
                shown = long_options(text, "Global options") | long_options(text)
                for option in GLOBAL_OPTIONS:
                    self.assertIn(option, shown)
                self.assertNotIn("--version", long_options(text, "Global options"))

    def test_every_command_has_two_examples_of_itself(self):
        tree = command_tree()
        for path, text in tree.items():
            with self.subTest(path=path):
                examples = section(text, "Examples")
                self.assertEqual(len(examples), 2, text)
                for line in examples:
                    self.assertIn("gridctl", line)
                    # The command the line runs: its words walked down the tree.
                    ran = ""
                    for word in line.split("gridctl", 1)[1].split():
                        if f"{ran} {word}".strip() in tree:
                            ran = f"{ran} {word}".strip()
                    self.assertTrue(f"{ran} ".startswith(f"{path} ".lstrip()), line)
                    # Every flag it uses is one that command has.
                    known = long_options(tree[ran]) | long_options(tree[ran], "Global options")
                    known |= long_options(tree[""])
                    for flag in re.findall(r"(?<!\S)--[a-z][a-z0-9-]*", line):
                        self.assertIn(flag, known, line)


class Completion(unittest.TestCase):
    def script(self, shell: str) -> str:
        r = run(["completion", shell])
        self.assertEqual(r.rc, OK, r)
        return r.stdout

    def test_every_command_and_option_is_in_every_shell(self):
        tree = command_tree()
        for shell in ("bash", "zsh", "fish"):
            script = self.script(shell)
            for path, text in tree.items():
                with self.subTest(shell=shell, path=path):
                    if path:
                        self.assertIn(f"'{path}'" if shell != "fish" else f"'{path}'", script)
                    for option in long_options(text):
                        name = option if shell != "fish" else "-l " + option[2:]
                        self.assertIn(name, script)

    def test_an_unknown_shell_is_a_usage_error(self):
        r = run(["completion", "powershell"])
        self.assertEqual(r.rc, USAGE, r)
        self.assertEqual(r.stdout, "")

    def test_bash_reads_the_script(self):
        p = subprocess.run(["bash", "-n"], input=self.script("bash"), capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def complete(self, *words: str) -> list[str]:
        """What bash completes for the command line `words` (the last one being typed)."""
        with tempfile.NamedTemporaryFile("w", suffix=".bash", delete=False) as f:
            f.write(self.script("bash"))
        self.addCleanup(os.unlink, f.name)
        quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
        program = (f"source {f.name}\nCOMP_WORDS=({quoted})\n"
                   "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n_gridctl\n"
                   "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
        p = subprocess.run(["bash", "-c", program], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        return [line for line in p.stdout.splitlines() if line]

    def test_bash_completes_commands_options_and_their_values(self):
        self.assertEqual(self.complete("gridctl", "sta"), ["stats", "status"])
        self.assertEqual(self.complete("gridctl", "units", "l"), ["list"])
        self.assertEqual(self.complete("gridctl", "--format", ""),
                         ["table", "csv", "json", "ndjson", "md"])
        self.assertEqual(self.complete("gridctl", "--db", "x.db", "stats", "monthly", "--mo"),
                         ["--month"])
        # After a command, the global options too; a command's own --format wins over gridctl's.
        self.assertIn("--color", self.complete("gridctl", "stats", "quota", "--"))
        self.assertEqual(self.complete("gridctl", "export", "cases", "--format", ""),
                         ["csv", "json", "ndjson", "open311"])
        self.assertEqual(self.complete("gridctl", "completion", "z"), ["zsh"])

    def test_zsh_reads_the_script(self):
        if not shutil.which("zsh"):
            self.skipTest("zsh is not installed")
        p = subprocess.run(["zsh", "-n"], input=self.script("zsh"), capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_fish_reads_the_script(self):
        if not shutil.which("fish"):
            self.skipTest("fish is not installed")
        p = subprocess.run(["fish", "-n"], input=self.script("fish"), capture_output=True,
                           text=True)
        self.assertEqual(p.returncode, 0, p.stderr)


class ManPage(unittest.TestCase):
    def page(self) -> str:
        r = run(["man"])
        self.assertEqual(r.rc, OK, r)
        return r.stdout

    def test_every_command_and_option_is_in_the_man_page(self):
        page = self.page()
        self.assertTrue(page.startswith(".\\\""), page[:200])
        self.assertIn(".TH GRIDCTL 1", page)
        for path, text in command_tree().items():
            with self.subTest(path=path):
                if path:
                    self.assertIn(f'.SS "gridctl {path}"', page)
                for option in long_options(text):
                    self.assertIn(option.replace("-", "\\-"), page)
                for line in section(text, "Examples"):
                    self.assertIn(line.strip().replace("-", "\\-"), page)

    def test_the_man_page_has_exit_codes_environment_and_files(self):
        page = self.page()
        for heading in ("EXIT STATUS", "ENVIRONMENT", "FILES", "SYNOPSIS", "DESCRIPTION"):
            self.assertIn(f".SH {heading}", page)
        for code in range(8):
            self.assertIn(f".B {code}\n", page)
        for variable in ("GRIDCTL_DB", "GRIDCTL_ACTOR", "NO_COLOR"):
            self.assertIn(f".B {variable}\n", page)

    def render(self, command: list[str], path: str) -> str:
        p = subprocess.run([*command, path], capture_output=True, text=True,
                           env=base_env(MANPAGER="cat", PAGER="cat", MANWIDTH="100"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("warning", p.stderr)
        return p.stdout

    def test_groff_and_man_render_it(self):
        tools = [c for c in (["groff", "-k", "-man", "-Tutf8", "-ww"], ["man", "-l"])
                 if shutil.which(c[0])]
        if not tools:
            self.skipTest("neither groff nor man is installed")
        with tempfile.NamedTemporaryFile("w", suffix=".1", delete=False, encoding="utf-8") as f:
            f.write(self.page())
        self.addCleanup(os.unlink, f.name)
        for command in tools:
            with self.subTest(tool=command[0]):
                text = re.sub(r".\x08", "", self.render(command, f.name))
                self.assertIn("GRIDCTL(1)", text)
                self.assertIn("gridctl units list", text)
                self.assertIn("--county-code", text)
                self.assertIn("莒南县", text)


class LibraryHeaders(unittest.TestCase):
    def test_the_readme_lists_every_public_header(self):
        with open(os.path.join(REPO, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        # The table of "## Using the library": rows whose first cell names headers.
        table = "\n".join(line.split(" | ")[0] for line in readme.splitlines()
                          if line.startswith("| `") and ".hpp`" in line.split(" | ")[0])
        headers = [os.path.basename(h)
                   for h in glob.glob(os.path.join(REPO, "include", "gridgov", "*.hpp"))]
        self.assertTrue(headers)
        for header in [*headers, "version.hpp"]:
            with self.subTest(header=header):
                self.assertIn(f"`{header}`", table)


if __name__ == "__main__":
    unittest.main()
