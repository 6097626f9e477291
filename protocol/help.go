package protocol

// Help is the helper's --help text, and the source of its man page
// (docker-credential-remoteyaml(1)): the one place that says where the
// logins are kept. The FILES list is package machine's UserFile.
const Help = `A docker credential helper: Docker, podman, skopeo, buildah, crane, oras,
regctl and Apptainer run it to store, get and erase registry logins, which it
keeps as the Credentials of Apptainer/SingularityCE's remote.yaml. It is not
meant to be typed: log in with remote-login (or docker login, podman login,
oras login, apptainer registry login) and point the tools at it with
"remote-login setup". See remote-login --help.

ACTIONS
   store    read {"ServerURL", "Username", "Secret"} on standard input and
            keep it
   get      read a server URL on standard input; print its login as JSON
   erase    read a server URL on standard input; remove its logins
   list     print every registry login as {"URL": "user name"}
   version  print the version (also -v, --version)

FILES
   remote.yaml, the file the program installed reads:
     1. $REMOTEYAML_FILE, if set
     2. Apptainer on PATH (apptainer, or singularity answering "apptainer
        version"): $APPTAINER_CONFIGDIR/remote.yaml, else
        $SINGULARITY_CONFIGDIR/remote.yaml, else ~/.apptainer/remote.yaml;
        with only ~/.singularity, store and erase first copy it into
        ~/.apptainer as Apptainer's next command would, and get reads it
        there until then
     3. only SingularityCE on PATH: $SINGULARITY_CONFIGDIR/remote.yaml,
        else ~/.singularity/remote.yaml (~ is the passwd home)
     4. neither: $APPTAINER_CONFIGDIR/remote.yaml,
        $SINGULARITY_CONFIGDIR/remote.yaml, ~/.apptainer/remote.yaml if
        ~/.apptainer exists, ~/.singularity/remote.yaml if ~/.singularity
        exists, else ~/.apptainer/remote.yaml
   The directory is created 0700 by the first store.
   A login that Apptainer made keeps its secret in docker-config.json next to
   remote.yaml (or $APPTAINER_CONFIGDIR/config.json, ~/.docker/config.json):
   get reads it there.
   $XDG_CONFIG_HOME/remoteyaml/config.yaml (default ~/.config/...):
   "secrets: keyring" keeps new registry secrets in the OS keyring instead
   of remote.yaml.

ENVIRONMENT
   REMOTEYAML_FILE        the remote.yaml to use
   APPTAINER_CONFIGDIR    Apptainer's configuration directory
   SINGULARITY_CONFIGDIR  SingularityCE's configuration directory
   HOME                   ~ above (the passwd home when unset)
   PATH                   where apptainer and singularity are looked for
   REMOTEYAML_SECRETS     file or keyring: where new secrets go; overrides
                          config.yaml
   XDG_CONFIG_HOME        where remoteyaml/config.yaml is
   DBUS_SESSION_BUS_ADDRESS  the D-Bus session of the OS keyring
                          (Secret Service), in keyring mode

EXIT STATUS
   0  done
   1  any error: the message is one line on standard output, as the
      protocol wants (get of an unknown server: "credentials not found in
      native keychain")

SEE ALSO
   remote-login(1)`
