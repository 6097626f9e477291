# Spack package for remoteyaml. Copy this directory into a Spack repository
# (spack repo create; packages/remoteyaml/package.py), then add each
# release's version line from its SHA256SUMS (the -vendored.tar.gz line).
# The build uses only the vendored source: no network on the build node.
# packaging/check-recipes.py runs build() and install() in CI.

from spack.package import *


class Remoteyaml(MakefilePackage):
    """Container registry logins kept in Apptainer/SingularityCE's remote.yaml:
    docker-credential-remoteyaml, a docker credential helper for Docker, podman,
    skopeo, crane, oras, regctl and Apptainer, and remote-login, which makes
    verified logins and sets the tools up to use the helper."""

    homepage = "https://github.com/remoteyaml/remoteyaml"
    url = "https://github.com/remoteyaml/remoteyaml/releases/download/v0.9.0/remoteyaml-0.9.0-vendored.tar.gz"

    license("Apache-2.0")

    # version("0.9.0", sha256="<the -vendored.tar.gz line of SHA256SUMS>")

    depends_on("go@1.22:", type="build")
    depends_on("gmake", type="build")

    def setup_build_environment(self, env):
        # Offline: only vendor/, never the module proxy.
        env.set("GOFLAGS", "-mod=vendor")
        env.set("GOPROXY", "off")
        env.set("CGO_ENABLED", "0")

    def build(self, spec, prefix):
        make("build", "share", f"VERSION={spec.version}")

    def install(self, spec, prefix):
        make("install", f"PREFIX={prefix}", f"VERSION={spec.version}")
