#!/usr/bin/env python3
"""check-recipes.py DISTDIR VERSION: checks the EasyBuild easyconfig
(DISTDIR/remoteyaml-VERSION.eb) and the Spack package
(DISTDIR/spack/remoteyaml/package.py) that `make dist` wrote, against the
vendored tarball beside them, and fails wherever EasyBuild or Spack would
refuse them:

  - no version, or another version than the tarball's;
  - a checksum that does not match the tarball (EasyBuild
    --enforce-checksums, Spack's fetch);
  - a dependency version upstream does not have (a Go easyconfig no
    EasyBuild release ships; a Go range no Go satisfies), or older than
    go.mod's go line;
  - a build step that needs the network: the recipe's exact build and
    install commands run on the vendored source in a new network namespace
    (unshare -n), with an empty module cache, under the Go the easyconfig
    names (its toolchain is fetched by integration/install-deps.sh).

Neither Spack nor EasyBuild is installed here. The Spack package runs
against a stand-in of spack.package whose directives (version, depends_on,
...) record what they are given, as Spack's do, and whose make records the
calls; the easyconfig's options are put together as its ConfigureMake
easyblock does (prebuildopts make buildopts; preinstallopts make install
installopts). packaging/test_check_recipes.py shows each refusal.
"""
import glob
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import types

# Go easyconfigs in easybuilders/easybuild-easyconfigs (easybuild/easyconfigs/
# g/Go/Go-X.eb), the versions a site's EasyBuild can resolve Go/X from.
EASYBUILD_GO = ["1.22.1", "1.22.4", "1.23.6", "1.25.0", "1.25.3", "1.25.5", "1.25.7", "1.26.4", "1.26.7"]
# Packages a Spack build dependency may name: Spack's builtin repo has them.
SPACK_BUILD_DEPS = {"go", "gmake"}


class Refused(Exception):
    """What EasyBuild or Spack would refuse, and why."""


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def vtuple(v):
    return tuple(int(x) for x in re.findall(r"\d+", v))


def go_mod_go(src):
    """The go line of the source's go.mod: the oldest Go that builds it."""
    with open(os.path.join(src, "go.mod")) as f:
        m = re.search(r"^go (\S+)", f.read(), re.M)
    if not m:
        raise Refused("go.mod has no go line")
    return m.group(1)


# --- Spack -----------------------------------------------------------------

def load_spack(path):
    """Loads package.py against a stand-in spack.package. Its directives
    record their arguments on the class, like Spack's; make records calls."""
    rec = {"versions": [], "depends": [], "calls": [], "env": {}}
    pkgmod = types.ModuleType("spack.package")

    class MakefilePackage:
        pass

    class Env:
        def set(self, k, v):
            rec["env"][k] = str(v)

    rec["envmod"] = Env()
    pkgmod.version = lambda v, **kw: rec["versions"].append((str(v), kw))
    pkgmod.depends_on = lambda spec, **kw: rec["depends"].append((spec, kw))
    for name in ("license", "variant", "patch", "conflicts", "maintainers"):
        setattr(pkgmod, name, lambda *a, **k: None)
    pkgmod.MakefilePackage = MakefilePackage
    pkgmod.make = lambda *args: rec["calls"].append(["make", *args])
    spack = types.ModuleType("spack")
    spack.package = pkgmod
    sys.modules["spack"], sys.modules["spack.package"] = spack, pkgmod
    spec = importlib.util.spec_from_file_location("remoteyaml_package", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod, rec


def check_spack(path, tarball, version, gomod_go):
    """What `spack install remoteyaml@VERSION` checks before it builds: the
    version exists, its sha256 is the tarball's, the url names the tarball,
    and each dependency can be met. Returns the build (env, make call) list."""
    mod, rec = load_spack(path)
    if not rec["versions"]:
        raise Refused(f"{path}: no version(): spack install has nothing to install")
    known = {v: kw for v, kw in rec["versions"]}
    if version not in known:
        raise Refused(f"{path}: no version({version!r}); it has {sorted(known)}")
    want = sha256(tarball)
    if known[version].get("sha256") != want:
        raise Refused(f"{path}: version {version} sha256={known[version].get('sha256')!r}, "
                      f"but {os.path.basename(tarball)} has sha256 {want}")
    url = getattr(mod.Remoteyaml, "url", "")
    if os.path.basename(url) != os.path.basename(tarball):
        raise Refused(f"{path}: url {url} does not name {os.path.basename(tarball)}")
    for spec, _ in rec["depends"]:
        m = re.fullmatch(r"([a-z0-9-]+)(?:@(\S+))?", spec)
        if not m or m.group(1) not in SPACK_BUILD_DEPS:
            raise Refused(f"{path}: depends_on({spec!r}): not a package this check knows Spack has ({sorted(SPACK_BUILD_DEPS)})")
        if m.group(1) == "go":
            rng = m.group(2) or ":"
            lo, _, hi = rng.partition(":") if ":" in rng else (rng, "", rng)
            if lo and vtuple(lo) < vtuple(gomod_go):
                raise Refused(f"{path}: depends_on({spec!r}) allows Go older than go.mod's go {gomod_go}")
            ok = [g for g in EASYBUILD_GO if (not lo or vtuple(g) >= vtuple(lo)) and (not hi or vtuple(g)[:len(vtuple(hi))] <= vtuple(hi))]
            if not ok:
                raise Refused(f"{path}: depends_on({spec!r}): no Go release satisfies it")
    pkg = mod.Remoteyaml()
    prefix = "@PREFIX@"
    sspec = types.SimpleNamespace(version=version)
    pkg.setup_build_environment(rec["envmod"])
    pkg.build(sspec, prefix)
    pkg.install(sspec, prefix)
    return rec["env"], rec["calls"]


# --- EasyBuild -------------------------------------------------------------

def load_easyconfig(path):
    ec = {"SYSTEM": {"name": "system", "version": "system"}}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), ec)
    return ec


def check_easybuild(path, tarball, version, gomod_go):
    """What `eb remoteyaml-VERSION.eb --enforce-checksums` checks before it
    builds. Returns the Go version it builds with and its shell commands."""
    ec = load_easyconfig(path)
    name, ecversion = ec.get("name"), ec.get("version")
    if not ecversion:
        raise Refused(f"{path}: no version")
    if ecversion != version:
        raise Refused(f"{path}: version {ecversion!r}, want {version!r}")
    if os.path.basename(path) != f"{name}-{ecversion}.eb":
        raise Refused(f"{path}: EasyBuild looks for {name}-{ecversion}.eb")
    tmpl = {"name": name, "version": ecversion}
    sources = [s % tmpl for s in ec.get("sources", [])]
    if sources != [os.path.basename(tarball)]:
        raise Refused(f"{path}: sources {sources}, want [{os.path.basename(tarball)!r}]")
    checksums = ec.get("checksums") or []
    want = sha256(tarball)
    if checksums != [want]:
        raise Refused(f"{path}: checksums {checksums}, but {sources[0]} has sha256 {want} "
                      "(eb --enforce-checksums refuses a missing or wrong one)")
    go = None
    for dep in ec.get("builddependencies", []) + ec.get("dependencies", []):
        if dep[0] == "Go":
            go = dep[1]
            if go not in EASYBUILD_GO:
                raise Refused(f"{path}: Go/{go}: no EasyBuild release has it "
                              f"(Missing modules for dependencies); upstream has {', '.join(EASYBUILD_GO)}")
            if vtuple(go) < vtuple(gomod_go):
                raise Refused(f"{path}: Go/{go} is older than go.mod's go {gomod_go}")
        else:
            raise Refused(f"{path}: dependency {dep}: not one this check knows EasyBuild has")
    if go is None:
        raise Refused(f"{path}: no Go build dependency: the build needs go")
    if "configure" not in ec.get("skipsteps", []):
        raise Refused(f"{path}: ConfigureMake would run ./configure, which the source has not")
    cmds = []
    for pre, verb, opts in (("prebuildopts", "make", "buildopts"),
                            ("preinstallopts", "make install", "installopts")):
        cmds.append(f"{ec.get(pre, '')} {verb} {ec.get(opts, '')}")
    return go, cmds, tmpl


# --- Offline builds ----------------------------------------------------------

def toolchain(go):
    """GOROOT of Go `go`, from the module cache (install-deps.sh fetched it):
    the build runs under the Go the recipe names, not this machine's."""
    env = {**os.environ, "GOTOOLCHAIN": f"go{go}", "GOPROXY": "off"}
    r = subprocess.run(["go", "env", "GOROOT"], env=env, capture_output=True, text=True)
    root = r.stdout.strip()
    if r.returncode != 0 or not os.path.isfile(os.path.join(root, "bin", "go")):
        raise Refused(f"Go {go} toolchain is not in the module cache: run integration/install-deps.sh ({r.stderr.strip()})")
    return root


def offline(cmd, cwd, env):
    """Runs cmd (argv) with no network: a new network namespace (root), and
    an empty module cache. A step that downloads anything fails."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        raise Refused("the offline build needs root and unshare (util-linux) for a network namespace")
    cmd = ["unshare", "-n", "--", *cmd]
    print("check-recipes: $", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, cwd=cwd, env=env)
    if r.returncode != 0:
        raise Refused(f"{' '.join(cmd)} failed (exit {r.returncode}) with no network")


def check_install(prefix, version):
    for f in ("bin/docker-credential-remoteyaml", "bin/remote-login", "share/man/man1/remote-login.1",
              "share/man/man1/docker-credential-remoteyaml.1", "share/bash-completion/completions/remote-login",
              "share/zsh/site-functions/_remote-login", "share/fish/vendor_completions.d/remote-login.fish"):
        if not os.path.isfile(os.path.join(prefix, f)):
            raise Refused(f"{f} not installed in {prefix}")
    for cmd in (["docker-credential-remoteyaml", "version"], ["remote-login", "--version"]):
        out = subprocess.run([os.path.join(prefix, "bin", cmd[0]), *cmd[1:]],
                             capture_output=True, text=True, check=True).stdout.strip()
        if not out.endswith(" " + version):
            raise Refused(f"{' '.join(cmd)} printed {out!r}, want {version}")


def unpack(tarball, dest):
    with tarfile.open(tarball) as t:
        try:
            t.extractall(dest, filter="data")
        except TypeError:  # a Python without extraction filters
            t.extractall(dest)
    (src,) = glob.glob(os.path.join(dest, "remoteyaml-*"))
    return src


def check(eb, spack_pkg, tarball, version, build=True, only=("spack", "easybuild")):
    """Checks both recipes; with build, also builds and installs with each
    offline. Raises Refused."""
    work = tempfile.mkdtemp(prefix="remoteyaml-recipes-")
    try:
        base = dict(os.environ)
        base["GOMODCACHE"] = os.path.join(work, "empty-modcache")  # nothing to fall back on
        base["GOTOOLCHAIN"] = "local"
        base.pop("GOFLAGS", None)
        base.pop("VERSION", None)
        src = unpack(tarball, os.path.join(work, "gomod"))
        gomod_go = go_mod_go(src)
        senv, scalls = check_spack(spack_pkg, tarball, version, gomod_go)
        go, ecmds, tmpl = check_easybuild(eb, tarball, version, gomod_go)
        print(f"check-recipes: ok: {os.path.basename(eb)} and spack package.py name {version} and the "
              f"sha256 of {os.path.basename(tarball)}; Go/{go} is an upstream easyconfig, go.mod asks for {gomod_go}")
        if not build:
            return
        goroot = toolchain(go)
        # The Go the recipe names first on PATH: Spack's go@range would give
        # one as old as that, and the easyconfig gives exactly that.
        base["PATH"] = os.path.join(goroot, "bin") + os.pathsep + base["PATH"]
        for recipe in only:
            src = unpack(tarball, os.path.join(work, recipe))
            prefix = os.path.join(work, recipe + "-prefix")
            if recipe == "spack":
                for call in scalls:
                    offline([a.replace("@PREFIX@", prefix) for a in call], src, {**base, **senv})
            else:
                for c in ecmds:
                    offline(["sh", "-c", c % {**tmpl, "installdir": prefix}], src, base)
            check_install(prefix, version)
            print(f"check-recipes: ok: {recipe} recipe built and installed {version} offline with Go {go} "
                  f"from {os.path.basename(tarball)}", flush=True)
    finally:
        subprocess.run(["chmod", "-R", "u+w", work])
        shutil.rmtree(work)


def main():
    dist, version = sys.argv[1], sys.argv[2]
    try:
        check(os.path.join(dist, f"remoteyaml-{version}.eb"),
              os.path.join(dist, "spack", "remoteyaml", "package.py"),
              os.path.join(dist, f"remoteyaml-{version}-vendored.tar.gz"), version)
    except Refused as e:
        sys.exit(f"check-recipes: FAIL: {e}")


if __name__ == "__main__":
    main()
