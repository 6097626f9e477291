#!/usr/bin/env python3
"""check-recipes.py VENDORED_TARBALL VERSION: runs the exact build and install
commands of the Spack package (packaging/spack/remoteyaml/package.py) and the
EasyBuild easyconfig (packaging/easybuild/*.eb) on the vendored source
tarball, with the network off: in a new network namespace (unshare -n, as
root), with GOPROXY=off, GOFLAGS=-mod=vendor and an empty module cache.

Neither Spack nor EasyBuild is installed here: the Spack package's methods
run against stand-ins that record its make calls and environment, and the
easyconfig's options are put together as its ConfigureMake easyblock does
(prebuildopts make buildopts; preinstallopts make install installopts).
"""
import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))


def spack_commands(version, prefix):
    """The package's make calls and build environment, from its own code."""
    calls, env = [], {}
    pkgmod = types.ModuleType("spack.package")

    class MakefilePackage:
        pass

    class Env:
        def set(self, k, v):
            env[k] = str(v)

    for name in ("version", "depends_on", "license", "variant", "patch", "conflicts"):
        setattr(pkgmod, name, lambda *a, **k: None)
    pkgmod.MakefilePackage = MakefilePackage
    pkgmod.make = lambda *args: calls.append(["make", *args])
    spack = types.ModuleType("spack")
    spack.package = pkgmod
    sys.modules["spack"], sys.modules["spack.package"] = spack, pkgmod
    path = os.path.join(HERE, "spack", "remoteyaml", "package.py")
    spec = importlib.util.spec_from_file_location("remoteyaml_package", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pkg = mod.Remoteyaml()
    sspec = types.SimpleNamespace(version=version)
    pkg.setup_build_environment(Env())
    pkg.build(sspec, prefix)
    pkg.install(sspec, prefix)
    return [(env, c) for c in calls]


def easybuild_commands(version, installdir):
    """The easyconfig's build and install commands, as ConfigureMake runs them."""
    (path,) = glob.glob(os.path.join(HERE, "easybuild", "*.eb"))
    ec = {"SYSTEM": {"name": "system", "version": "system"}}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), ec)
    assert "configure" in ec.get("skipsteps", []), "the easyconfig must skip configure"
    tmpl = {"name": ec["name"], "version": version, "installdir": installdir}
    cmds = []
    for pre, verb, opts in (("prebuildopts", "make", "buildopts"),
                            ("preinstallopts", "make install", "installopts")):
        cmds.append(f"{ec.get(pre, '')} {verb} {ec.get(opts, '')}" % tmpl)
    return cmds, ec


def offline(cmd, cwd, env):
    """Runs cmd (argv) with no network: a new network namespace when we can
    make one, and the Go settings that forbid downloads either way."""
    if os.geteuid() == 0 and shutil.which("unshare"):
        cmd = ["unshare", "-n", "--", *cmd]
    else:
        print("check-recipes: not root: no network namespace; GOPROXY=off alone keeps the build offline")
    print("check-recipes: $", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, env=env, check=True)


def check_install(prefix, version):
    for f in ("bin/docker-credential-remoteyaml", "bin/remote-login", "share/man/man1/remote-login.1",
              "share/man/man1/docker-credential-remoteyaml.1", "share/bash-completion/completions/remote-login",
              "share/zsh/site-functions/_remote-login", "share/fish/vendor_completions.d/remote-login.fish"):
        if not os.path.isfile(os.path.join(prefix, f)):
            sys.exit(f"check-recipes: FAIL: {f} not installed in {prefix}")
    out = subprocess.run([os.path.join(prefix, "bin", "docker-credential-remoteyaml"), "version"],
                         capture_output=True, text=True, check=True).stdout.strip()
    if not out.endswith(" " + version):
        sys.exit(f"check-recipes: FAIL: version printed {out!r}, want {version}")


def main():
    tarball, version = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="remoteyaml-recipes-")
    try:
        base = dict(os.environ)
        base["GOMODCACHE"] = os.path.join(work, "empty-modcache")  # nothing to fall back on
        base["GOTOOLCHAIN"] = "local"
        for recipe in ("spack", "easybuild"):
            src = os.path.join(work, recipe)
            with tarfile.open(tarball) as t:
                try:
                    t.extractall(src, filter="data")
                except TypeError:  # a Python without extraction filters
                    t.extractall(src)
            (src,) = glob.glob(os.path.join(src, "remoteyaml-*"))
            prefix = os.path.join(work, recipe + "-prefix")
            if recipe == "spack":
                for env, call in spack_commands(version, prefix):
                    offline(call, src, {**base, **env})
            else:
                cmds, _ = easybuild_commands(version, prefix)
                for c in cmds:
                    offline(["sh", "-c", c], src, base)
            check_install(prefix, version)
            print(f"check-recipes: ok: {recipe} recipe built and installed {version} offline from {os.path.basename(tarball)}")
    finally:
        subprocess.run(["chmod", "-R", "u+w", work])
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
