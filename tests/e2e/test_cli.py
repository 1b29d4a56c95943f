"""The command line itself: global options before or after the command, $GRIDCTL_DB, the default
./gridgov.db, usage errors (docs/design.md §6)."""

import os
import unittest

from gridctl_harness import (skip_on_postgresql, COUNTY_CODE, OK, NOT_FOUND, USAGE, GridctlTestCase, Sandbox,
                             base_env, example, template)


class GlobalOptions(GridctlTestCase):
    template = "full"

    def test_options_before_and_after_the_command_agree(self):
        before = self.gridctl("--format", "json", "status")
        after = self.gridctl("status", "--format", "json")
        self.assertRc(before, OK)
        self.assertRc(after, OK)
        self.assertEqual(before.json(), after.json())

    def test_db_after_the_command(self):
        r = self.gridctl("status", "--format", "json", "--db", self.box.db, db=False)
        self.assertRc(r, OK)
        self.assertEqual(r.json()["units"]["grid"], 949)

    def test_db_after_a_subcommand_and_its_flags(self):
        r = self.gridctl("units", "list", "--level", "town", "--db", self.box.db, "--format", "csv",
                         db=False)
        self.assertRc(r, OK)
        self.assertEqual(len(r.csv_rows()), 14)

    def test_quiet_after_the_command(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        r = box.gridctl("import", "workers", example("workers.csv"), "--quiet")
        self.assertRc(r, OK)
        self.assertEqual(r.stderr, "")

    def test_short_quiet(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        r = box.gridctl("import", "workers", "-q", example("workers.csv"))
        self.assertRc(r, OK)
        self.assertEqual(r.stderr, "")

    def test_quiet_keeps_errors(self):
        r = self.gridctl("-q", "units", "show", "999999999")
        self.assertRc(r, NOT_FOUND)
        self.assertTrue(r.errors())

    def test_quiet_keeps_data(self):
        r = self.gridctl("-q", "units", "list", "--level", "town", "--format", "csv")
        self.assertRc(r, OK)
        self.assertEqual(len(r.csv_rows()), 14)


class DatabaseLocation(GridctlTestCase):

    def test_gridctl_db_environment(self):
        env = base_env(GRIDCTL_DB=template("full"))
        r = self.gridctl("status", "--format", "json", db=False, env=env)
        self.assertRc(r, OK)
        self.assertEqual(r.json()["workers"]["town"], 590)
        self.assertFalse(os.path.exists(self.box.path("gridgov.db")))

    def test_db_flag_beats_the_environment(self):
        env = base_env(GRIDCTL_DB=self.box.path("elsewhere.db"))
        r = self.gridctl("--db", template("layout"), "status", "--format", "json", db=False,
                         env=env)
        self.assertRc(r, OK)
        self.assertEqual(r.json()["units"]["grid"], 949)
        self.assertFalse(os.path.exists(self.box.path("elsewhere.db")))

    def test_environment_beats_the_current_directory(self):
        box = Sandbox("init")  # ./gridgov.db of the working directory holds an empty county
        self.addCleanup(box.cleanup)
        env = base_env(GRIDCTL_DB=template("layout"))
        r = box.gridctl("status", "--format", "json", db=False, env=env)
        self.assertRc(r, OK)
        self.assertEqual(r.json()["units"]["grid"], 949)

    def test_init_with_the_environment(self):
        path = self.box.path("env.db")
        r = self.gridctl("init", "--county-code", COUNTY_CODE, "--county-name", "莒南县",
                         db=False, env=base_env(GRIDCTL_DB=path))
        self.assertRc(r, OK)
        self.assertTrue(os.path.isfile(path))
        self.assertFalse(os.path.exists(self.box.path("gridgov.db")))

    @skip_on_postgresql("the default database is the file ./gridgov.db")
    def test_current_directory_default(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        r = box.gridctl("status", "--format", "json", db=False)
        self.assertRc(r, OK)
        self.assertEqual(r.json()["units"]["grid"], 949)

    @skip_on_postgresql("the default database is the file ./gridgov.db")
    def test_empty_environment_means_the_default(self):
        box = Sandbox("layout")
        self.addCleanup(box.cleanup)
        r = box.gridctl("status", "--format", "json", db=False, env=base_env(GRIDCTL_DB=""))
        self.assertRc(r, OK)
        self.assertEqual(r.json()["units"]["grid"], 949)


class Usage(GridctlTestCase):
    template = "full"

    def usage(self, *args):
        r = self.gridctl(*args)
        self.assertRc(r, USAGE)
        self.assertTrue(r.errors(), str(r))
        self.assertEqual(r.stdout, "")
        return r

    def test_no_command_prints_the_help(self):
        # As git does: the help on standard output, and a usage error's exit code (no command ran).
        r = self.gridctl()
        self.assertRc(r, USAGE)
        self.assertIn("Usage: gridctl", r.stdout)
        self.assertEqual(r.stderr, "")

    def test_unknown_command(self):
        self.usage("frobnicate")

    def test_unknown_global_flag(self):
        self.usage("--colour", "never", "status")

    def test_unknown_command_flag(self):
        self.usage("units", "list", "--levle", "town")

    def test_import_without_files(self):
        self.usage("import", "layout")

    def test_import_without_anything(self):
        self.usage("import")

    def test_policy_without_subcommand_prints_its_help(self):
        r = self.gridctl("policy")
        self.assertRc(r, USAGE)
        self.assertIn("Usage: gridctl policy", r.stdout)
        for word in ("load", "check", "show"):
            self.assertIn(word, r.stdout)

    def test_unexpected_argument(self):
        self.usage("status", "extra")

    def test_usage_error_writes_nothing(self):
        before = self.box.dump()
        self.usage("import", "workers", "--bogus", example("workers.csv"))
        self.assertEqual(self.box.dump(), before)

    def test_numbers_out_of_range_are_named_as_typed(self):
        # An id past 64 bits was once read as 9223372036854775807; ranges printed as floats.
        for args, typed, wanted in (
                (("case", "show", "99999999999999999999"), "99999999999999999999",
                 "a whole number of at least 1"),
                (("case", "history", "--", "-3"), "-3", "a whole number of at least 1"),
                (("escalate", "0", "--reason", "r"), "0", "a whole number of at least 1"),
                (("void", "1", "--reason", "r", "--duplicate-of", "1e3"), "1e3",
                 "a whole number of at least 1"),
                (("import", "cases", "--max-errors", "0", example("layout.csv")), "0",
                 "a whole number from 1 to 2147483647"),
                (("units", "tree", "--depth", "-1"), "-1", "a whole number from 0 to")):
            with self.subTest(args=args):
                text = "\n".join(self.usage(*args).errors())
                self.assertIn(f'"{typed}" is not {wanted}', text)
                self.assertNotIn("922337203685477580", text)
                self.assertNotIn(".000000", text)

    def test_help(self):
        r = self.gridctl("--help")
        self.assertRc(r, OK)
        for word in ("init", "import", "policy", "units", "workers", "status"):
            self.assertIn(word, r.stdout)

    def test_version(self):
        r = self.gridctl("--version")
        self.assertRc(r, OK)
        self.assertRegex(r.stdout,
                         r"^gridctl \d+\.\d+\.\d+ \(database schema \d+, PostgreSQL schema \d+\)\n$")


if __name__ == "__main__":
    unittest.main()
