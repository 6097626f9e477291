#!/usr/bin/env python3
"""test_check_recipes.py DISTDIR VERSION: shows that check-recipes.py refuses
a recipe where EasyBuild or Spack would: each case changes one thing in a
copy of the recipes `make dist` wrote and expects check-recipes' refusal
(run by packaging/check-dist.sh, so by make test)."""
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("check_recipes", os.path.join(HERE, "check-recipes.py"))
cr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cr)

DIST, VERSION = None, None


class RecipeRefusals(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="check-recipes-test-")
        self.eb = os.path.join(self.tmp, f"remoteyaml-{VERSION}.eb")
        self.pkg = os.path.join(self.tmp, "package.py")
        self.tarball = os.path.join(DIST, f"remoteyaml-{VERSION}-vendored.tar.gz")
        shutil.copy(os.path.join(DIST, f"remoteyaml-{VERSION}.eb"), self.eb)
        shutil.copy(os.path.join(DIST, "spack", "remoteyaml", "package.py"), self.pkg)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit(self, path, pattern, repl):
        with open(path) as f:
            text = f.read()
        new, n = re.subn(pattern, repl, text, flags=re.M)
        self.assertEqual(n, 1, f"{pattern!r} matched {n} times in {path}")
        with open(path, "w") as f:
            f.write(new)

    def refused(self, want, **kw):
        with self.assertRaises(cr.Refused) as ctx:
            cr.check(self.eb, self.pkg, self.tarball, VERSION, **kw)
        self.assertIn(want, str(ctx.exception))

    def test_as_written_passes(self):
        cr.check(self.eb, self.pkg, self.tarball, VERSION, build=False)

    def test_spack_no_version(self):
        self.edit(self.pkg, r"^\s*version\(.*\n", "")
        self.refused("no version()", build=False)

    def test_spack_checksum_mismatch(self):
        self.edit(self.pkg, r'sha256="[0-9a-f]{64}"', 'sha256="' + "0" * 64 + '"')
        self.refused("sha256", build=False)

    def test_spack_go_older_than_go_mod(self):
        self.edit(self.pkg, r'depends_on\("go@[^"]*"', 'depends_on("go@1.10:"')
        self.refused("older than go.mod", build=False)

    def test_easybuild_go_upstream_lacks(self):
        self.edit(self.eb, r"\('Go', '[^']*'\)", "('Go', '1.22.2')")
        self.refused("Go/1.22.2: no EasyBuild release has it", build=False)

    def test_easybuild_no_checksum(self):
        self.edit(self.eb, r"^checksums = .*$", "checksums = [None]")
        self.refused("enforce-checksums", build=False)

    def test_easybuild_checksum_mismatch(self):
        self.edit(self.eb, r"^checksums = .*$", "checksums = ['" + "1" * 64 + "']")
        self.refused("enforce-checksums", build=False)

    def test_easybuild_no_version(self):
        self.edit(self.eb, r"^version = .*$", "version = ''")
        self.refused("no version", build=False)

    def test_easybuild_build_needs_network(self):
        # -mod=mod: go resolves modules from the (empty) module cache and the
        # proxy instead of vendor/, which the network namespace forbids.
        self.edit(self.eb, r"^prebuildopts = .*$", "prebuildopts = 'GOFLAGS=-mod=mod CGO_ENABLED=0 '")
        self.refused("failed", build=True, only=("easybuild",))


if __name__ == "__main__":
    DIST, VERSION = sys.argv[1], sys.argv[2]
    unittest.main(argv=[sys.argv[0], "-v"])
