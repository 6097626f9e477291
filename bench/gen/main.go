// Command gen writes the benchmark datasets: N registry logins as
//   - a remote.yaml in Apptainer's layout (4-space indent), or with
//     -layout hand in a hand-edited one (comments above and beside entries,
//     blank lines, quoted scalars, 2-space indent),
//   - plaintext files laid out as docker-credential-pass stores them
//     (<store>/docker-credential-helpers/<base64url(server)>/<username>, to be
//     gpg-encrypted by the caller; their paths are printed NUL-separated on stdout),
//   - with -remote-keyring, a second remote.yaml for the helper's keyring
//     backend (REMOTEYAML_SECRETS=keyring): the same entries without Auth,
//   - a gnome-keyring login keyring holding the items (and attributes)
//     docker-credential-secretservice stores, and also the items the
//     helper's keyring backend stores through go-keyring (attributes
//     service=remoteyaml and username=<entry URI>, no xdg:schema, label
//     "Password for '<uri>' on 'remoteyaml'", secret the Authorization
//     value "Basic base64(user:secret)"), 2N items in all: in
//     gnome-keyring's binary encrypted format (what every keyring with a
//     password uses; see writeBinaryKeyring), or with -keyring-password ""
//     in the textual format gnome-keyring writes for an empty password.
//
// Entry i (1-based) is server Host(i), username user<i>, secret secret-<i>-….
package main

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func host(i int) string   { return fmt.Sprintf("reg%05d.example.com:5000", i) }
func user(i int) string   { return fmt.Sprintf("user%05d", i) }
func secret(i int) string { return fmt.Sprintf("secret-%05d-%08x", i, uint32(i)*2654435761) }
func basicAuth(i int) string {
	return base64.StdEncoding.EncodeToString([]byte(user(i) + ":" + secret(i)))
}

func main() {
	n := flag.Int("n", 10, "number of logins")
	remote := flag.String("remote", "", "write remote.yaml here")
	remoteKeyring := flag.String("remote-keyring", "", "write a remote.yaml for the keyring backend here (entries without Auth)")
	pass := flag.String("pass", "", "write plaintext docker-credential-pass files under this PASSWORD_STORE_DIR")
	keyring := flag.String("keyring", "", "write a gnome-keyring login.keyring here")
	keyringPassword := flag.String("keyring-password", "bench", "the keyring's password (empty: textual, unencrypted format)")
	mid := flag.Bool("mid", false, "print the middle entry's server URL and username and exit")
	last := flag.Bool("last", false, "print the last entry's server URL and username and exit")
	layout := flag.String("layout", "apptainer", "layout of -remote: apptainer (as Apptainer writes it) or hand (hand-edited: comments above and beside entries, blank lines, quoted scalars, 2-space indentation)")
	flag.Parse()

	if *mid || *last {
		m := *n/2 + 1
		if *last {
			m = *n
		}
		fmt.Printf("%s %s\n", host(m), user(m))
		return
	}
	if *remote != "" {
		switch *layout {
		case "apptainer":
			check(writeFile(*remote, func(w *bufio.Writer) {
				w.WriteString("Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\nCredentials:\n")
				for i := 1; i <= *n; i++ {
					fmt.Fprintf(w, "    - URI: docker://%s\n      Auth: Basic %s\n      Insecure: false\n", host(i), basicAuth(i))
				}
			}))
		case "hand":
			check(writeFile(*remote, func(w *bufio.Writer) {
				w.WriteString("# My remote.yaml, kept by hand.\n# Do not remove the comments.\nActive: \"DefaultRemote\"\n\n" +
					"Remotes:\n  # the default one\n  DefaultRemote:\n    URI: 'cloud.apptainer.org'   # the cloud\n    System: true\n    Exclusive: false\n\n" +
					"Credentials:\n")
				for i := 1; i <= *n; i++ {
					fmt.Fprintf(w, "  # login %d\n  - URI: \"docker://%s\"   # beside the entry\n    Auth: 'Basic %s'\n    Insecure: false\n\n", i, host(i), basicAuth(i))
				}
				w.WriteString("# trailing comment\n")
			}))
		default:
			check(fmt.Errorf("-layout %q: want apptainer or hand", *layout))
		}
	}
	if *remoteKeyring != "" {
		check(writeFile(*remoteKeyring, func(w *bufio.Writer) {
			w.WriteString("Active: DefaultRemote\nRemotes:\n    DefaultRemote:\n        URI: cloud.apptainer.org\n        System: true\n        Exclusive: false\nCredentials:\n")
			for i := 1; i <= *n; i++ {
				fmt.Fprintf(w, "    - URI: %s\n      Insecure: false\n", entryURI(i))
			}
		}))
	}
	if *pass != "" {
		out := bufio.NewWriter(os.Stdout)
		for i := 1; i <= *n; i++ {
			dir := filepath.Join(*pass, "docker-credential-helpers", base64.URLEncoding.EncodeToString([]byte(host(i))))
			check(os.MkdirAll(dir, 0o700))
			p := filepath.Join(dir, user(i))
			check(os.WriteFile(p, []byte(secret(i)), 0o600))
			out.WriteString(p)
			out.WriteByte(0)
		}
		check(out.Flush())
	}
	if *keyring != "" {
		now := time.Now().Unix()
		items := keyringItems(*n)
		if *keyringPassword != "" {
			check(writeBinaryKeyring(*keyring, *keyringPassword, items, now))
			return
		}
		check(writeFile(*keyring, func(w *bufio.Writer) {
			fmt.Fprintf(w, "[keyring]\ndisplay-name=Login\nctime=%d\nmtime=%d\nlock-on-idle=false\nlock-after=false\n", now, now)
			for k, it := range items {
				id := k + 1
				fmt.Fprintf(w, "\n[%d]\nitem-type=0\ndisplay-name=%s\nsecret=%s\nmtime=%d\nctime=%d\n", id, it.label, it.secret, now, now)
				for j, a := range it.attrs {
					fmt.Fprintf(w, "\n[%d:attribute%d]\nname=%s\ntype=string\nvalue=%s\n", id, j, a[0], a[1])
				}
			}
		}))
	}
}

// entryURI is entry i's Credentials URI in remote.yaml, which the keyring
// backend uses as the item's username attribute.
func entryURI(i int) string { return "docker://" + host(i) }

// keyringService is credstore.KeyringService.
const keyringService = "remoteyaml"

// A keyringItem is one generic-secret (type 0) item of the login keyring.
type keyringItem struct {
	label, secret string
	attrs         [][2]string
}

// keyringItems are the login keyring's items: N for
// docker-credential-secretservice, then N for the helper's keyring backend.
func keyringItems(n int) []keyringItem {
	items := make([]keyringItem, 0, 2*n)
	for i := 1; i <= n; i++ {
		items = append(items, keyringItem{host(i), secret(i), attrs(i)})
	}
	for i := 1; i <= n; i++ {
		items = append(items, keyringItem{
			label:  fmt.Sprintf("Password for '%s' on '%s'", entryURI(i), keyringService),
			secret: "Basic " + basicAuth(i),
			attrs:  keyringAttrs(i),
		})
	}
	return items
}

// attrs are the attributes docker-credential-secretservice gives an item, in
// the (sorted) order gnome-keyring writes them.
func attrs(i int) [][2]string {
	return [][2]string{{"docker_cli", "1"}, {"label", "Docker Credentials"}, {"server", host(i)}, {"username", user(i)}, {"xdg:schema", "io.docker.Credentials"}}
}

// keyringAttrs are the attributes go-keyring (v0.2.8, keyring_unix.go) gives
// the helper's item for entry i through the Secret Service's CreateItem:
// exactly service and username, no xdg:schema; gnome-keyring stores the item
// as type 0 (generic secret), as it does any CreateItem without a schema.
func keyringAttrs(i int) [][2]string {
	return [][2]string{{"service", keyringService}, {"username", entryURI(i)}}
}

// writeBinaryKeyring writes gnome-keyring's binary keyring format, as
// pkcs11/secret-store/gkm-secret-binary.c (gkm_secret_binary_write) does:
// header, hashed attributes (MD5 hex of each value) in the clear, then the
// items AES-128-CBC encrypted with a key and IV from iterated SHA-256 of
// password||salt (egg_symkey_generate_simple), led by an MD5 of the rest.
// Big-endian uint32s; strings are a uint32 length and bytes (0xffffffff: NULL).
func writeBinaryKeyring(path, password string, items []keyringItem, now int64) error {
	var b bytes.Buffer
	u32 := func(w *bytes.Buffer, v uint32) { binary.Write(w, binary.BigEndian, v) }
	str := func(w *bytes.Buffer, s string) { u32(w, uint32(len(s))); w.WriteString(s) }
	null := func(w *bytes.Buffer) { u32(w, 0xffffffff) }
	tm := func(w *bytes.Buffer, t int64) { u32(w, uint32(uint64(t)>>32)); u32(w, uint32(t)) }

	const iterations = 1957
	salt := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	b.WriteString("GnomeKeyring\n\r\x00\n")
	b.Write([]byte{0, 0, 0, 0}) // version 0.0, AES, MD5
	str(&b, "Login")
	tm(&b, now) // modified
	tm(&b, now) // created
	u32(&b, 0)  // flags
	u32(&b, 0)  // lock timeout
	u32(&b, iterations)
	b.Write(salt)
	for k := 0; k < 4; k++ {
		u32(&b, 0)
	}
	u32(&b, uint32(len(items)))
	for k, it := range items {
		u32(&b, uint32(k+1)) // id
		u32(&b, 0)           // type: generic secret
		u32(&b, uint32(len(it.attrs)))
		for _, a := range it.attrs {
			sum := md5.Sum([]byte(a[1]))
			str(&b, a[0])
			u32(&b, 0)
			str(&b, hex.EncodeToString(sum[:]))
		}
	}

	var e bytes.Buffer
	e.Write(make([]byte, 16)) // MD5 of the rest, below
	for _, it := range items {
		str(&e, it.label)
		str(&e, it.secret)
		tm(&e, now)
		tm(&e, now)
		null(&e)
		for k := 0; k < 4; k++ {
			u32(&e, 0)
		}
		u32(&e, uint32(len(it.attrs)))
		for _, a := range it.attrs {
			str(&e, a[0])
			u32(&e, 0)
			str(&e, a[1])
		}
		u32(&e, 0) // no ACL
	}
	for e.Len()%16 != 0 {
		e.WriteByte(0)
	}
	data := e.Bytes()
	sum := md5.Sum(data[16:])
	copy(data, sum[:])

	d := sha256.Sum256(append([]byte(password), salt...))
	for k := 1; k < iterations; k++ {
		d = sha256.Sum256(d[:])
	}
	blk, err := aes.NewCipher(d[:16])
	if err != nil {
		return err
	}
	cipher.NewCBCEncrypter(blk, d[16:32]).CryptBlocks(data, data)
	u32(&b, uint32(len(data)))
	b.Write(data)

	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

func writeFile(path string, fill func(*bufio.Writer)) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fill(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
