// Package yamlstore reads and edits the remote.yaml file of Apptainer and
// SingularityCE: the one place remoteyaml keeps logins.
//
// The file belongs to the user and to those programs, so this package treats
// it the way a careful human editor would:
//
//   - It decodes strictly, into types that mirror the real schema, because
//     Apptainer and SingularityCE do: one unknown or duplicate key breaks their
//     remote, registry and keyserver commands. Such a file is reported with its
//     path and line, and never edited.
//   - An edit rewrites only the lines of the entries it touches. Comments, blank
//     lines, key order, indentation and quoting elsewhere stay byte for byte.
//     Every edit is checked by decoding the result and comparing it with the
//     intended configuration; if the line edit cannot express the change (an
//     exotic layout such as flow style), the edit is applied to the YAML node
//     tree instead, which keeps comments and order but not spacing.
//   - Writes take package atomicfile's write path, the one every file
//     remoteyaml writes takes: a POSIX fcntl lock on a sibling lock file (fcntl
//     locks work on NFS homes, flock locks may not), a 0600 temporary file in
//     the same directory, fsync, a check that the file is still the one read,
//     rename over the file, fsync of the directory.
//     Renaming is required, not a nicety: Apptainer keeps remote.yaml open
//     during a login and then truncates and rewrites it in place, so an
//     in-place writer's change would be silently lost, while a renamed file is
//     a new inode that Apptainer's late write cannot reach.
//
// # How it reads and edits
//
// Two readers give the same result, and the edits do not care which ran:
//
//   - fast.go reads the layouts Apptainer, SingularityCE, remoteyaml and
//     people write: block style at any indentation, plain and quoted
//     scalars, blank lines, comments on their own lines and beside keys. A
//     get takes only its Config (fastDecode); an edit also takes a go-yaml v4
//     node tree with the lines and columns go-yaml v4 would give (fastParse).
//     On anything else, including every error, it gives up.
//   - go-yaml v4 reads everything else (anchors, flow style, CRLF, escapes,
//     non-ASCII values, multi-line scalars), strictly, and reports the
//     errors. It is also the fast path's judge: FuzzFastParse and
//     FuzzFastDecode check that whatever the fast path accepts, go-yaml v4
//     decodes to the same Config and node tree.
//
// The line edits (lines.go, edits.go) find what to change through that node
// tree, so a file outside the fast path keeps its layout under an edit too.
// The tree edit (tree.go) is the fallback for what the line edits cannot
// express. Document.apply checks either result by decoding it (the fast
// path again, for a line edit's usual output) and comparing with the
// intended Config.
//
// A store of one login, the helper's edit, builds no node tree: File.Update
// reads with the fast decode plus the offset of each Credentials item's dash
// line (parseForEdit, seqIndex), PutLogin parses only the lines of the item
// it replaces or follows (seqPut, with linePut's own item edits), and
// acceptSpan proves the result by those lines alone: that everything around
// them is the old text byte for byte, and that the new lines are whole items
// that turn the old logins into the intended ones. What it cannot prove
// takes the node tree and the whole check.
//
// # Where the file is
//
// Locate follows the real programs, with one override of remoteyaml's own:
//
//  1. $REMOTEYAML_FILE, the path of the file itself;
//  2. $APPTAINER_CONFIGDIR/remote.yaml;
//  3. $SINGULARITY_CONFIGDIR/remote.yaml;
//  4. ~/.apptainer/remote.yaml, if ~/.apptainer exists;
//  5. ~/.singularity/remote.yaml, if ~/.singularity exists;
//  6. otherwise ~/.apptainer/remote.yaml (the directory is created 0700 on
//     the first write).
//
// ~ is $HOME, or the passwd home when $HOME is unset.
package yamlstore
