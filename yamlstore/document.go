package yamlstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Document is the text of one remote.yaml together with what it decodes to.
// Its edit methods change the text in place and keep it valid.
type Document struct {
	src  []byte
	cfg  Config
	root *yaml.Node // root node of the first document; nil if the file holds none
	// lazy: root was not built yet. Readers (a helper's get) never need
	// it, and building it is most of the cost of a fast-path decode.
	lazy bool
	// problem: the strict decode's error for a file read although it has
	// keys the real programs do not know; such a document is never edited.
	problem error
	// fast: the fast parser took src whole, and cfg (and root, unless
	// lazy) is what it built. Only then may an edit be checked by the
	// lines it changed alone (acceptSpan): the rest is known to parse,
	// and how.
	fast bool
	// seq: where the Credentials items sit, when fast and the file has
	// them. With it a store of one login finds and edits that login's
	// lines without the node tree of the whole file (seqPut).
	seq *seqIndex
}

// decodeDocument is Parse for readers: the node tree is built on the first
// edit, if any. A file that is valid YAML but has keys Apptainer does not
// know (a typo, or a key a newer Apptainer writes) is read with those keys
// ignored: refusing it would fail every pull through every client, even of
// public images.
func decodeDocument(data []byte) (*Document, error) {
	if cfg, ok := fastDecode(data); ok {
		return &Document{src: data, cfg: cfg, lazy: true}, nil
	}
	d, err := Parse(data)
	if err == nil {
		return d, nil
	}
	var cfg Config
	if lerr := yaml.Unmarshal(data, &cfg); lerr != nil {
		return nil, err
	}
	return &Document{src: data, cfg: cfg, problem: err}, nil
}

func (d *Document) ensureTree() error {
	if d.problem != nil {
		return d.problem
	}
	if !d.lazy {
		return nil
	}
	full, err := Parse(d.src)
	if err != nil {
		return err
	}
	*d = *full
	return nil
}

// parseForEdit is Parse for File.Update: the fast parser notes only where
// each login's lines start, and the node tree of the whole file is built
// only if the edit needs it (ensureTree). A store of one login, the
// helper's edit, then costs a decode and the lines of that login: at
// 10,000 logins the tree was three quarters of a store.
func parseForEdit(data []byte) (*Document, error) {
	if cfg, _, seq, ok := fastParseSeq(data, false, true); ok {
		return &Document{src: data, cfg: cfg, lazy: true, fast: true, seq: seq}, nil
	}
	return Parse(data)
}

// Parse decodes data strictly and remembers where every node sits, for edits.
func Parse(data []byte) (*Document, error) {
	if cfg, root, seq, ok := fastParseSeq(data, true, true); ok {
		return &Document{src: data, cfg: cfg, root: root, fast: true, seq: seq}, nil
	}
	cfg, err := decodeFull(data)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrInvalid, oneLine(err))
	}
	d := &Document{src: data, cfg: cfg}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		d.root = doc.Content[0]
	}
	return d, nil
}

// Bytes returns the document's current text. The caller must not modify it.
func (d *Document) Bytes() []byte { return d.src }

// Config returns a copy of what the document decodes to.
func (d *Document) Config() Config { return cloneConfig(d.cfg) }

// Credentials returns the logins in file order without copying them: a get
// looks through thousands. The caller must not modify the slice.
func (d *Document) Credentials() []Credential { return d.cfg.Credentials }

// SameURI is the rule Apptainer and SingularityCE use to decide that two
// logins are the same (internal/pkg/remote/util SameURI): equal scheme and
// equal literal host, port as written, path ignored; no host never matches.
func SameURI(a, b string) bool { return SameLogin(a)(b) }

// SameLogin returns SameURI(a, ·) with a parsed once: an edit compares one
// login with every entry, and most entries are turned away by the literal
// host test alone, before any parse.
func SameLogin(a string) func(b string) bool {
	ua, err := url.Parse(a)
	if err != nil || ua.Host == "" {
		return func(string) bool { return false }
	}
	return func(b string) bool {
		if !strings.Contains(b, ua.Host) && !strings.Contains(b, "%") {
			return false
		}
		ub, err := url.Parse(b)
		return err == nil && ua.Host == ub.Host && ua.Scheme == ub.Scheme
	}
}

// PutCredential adds c, or replaces the login it stands for. Every entry
// that SameURI matches, or that also reports true for, is the same login:
// the first of them is rewritten in place (so its position and comments
// stay) and the others are removed.
func (d *Document) PutCredential(c Credential, also func(Credential) bool) error {
	return d.PutLogin(c, also, nil)
}

// PutLogin is PutCredential that shows the caller each entry it replaces,
// in file order, before c is written: merge may change c by it (but not
// its URI), as credstore keeps a replaced entry's Insecure flag. The caller
// needs no pass of its own over every login to find them.
func (d *Document) PutLogin(c Credential, also func(Credential) bool, merge func(c *Credential, old Credential)) error {
	c, matches, want, err := d.planPut(c, also, merge)
	if err != nil {
		return err
	}
	if d.putSeq(c, matches, want) {
		return nil
	}
	if err := d.ensureTree(); err != nil {
		return err
	}
	return d.applySpan(want,
		func() ([]byte, *span, error) { return d.linePut(c, matches) },
		func(root *yaml.Node) error { return treePut(root, c, matches) })
}

// planPut finds the entries a store of c replaces, merges them into c and
// gives the config the store must leave: what PutLogin checks its result
// against, whichever way it edits the text.
func (d *Document) planPut(c Credential, also func(Credential) bool, merge func(c *Credential, old Credential)) (Credential, []int, Config, error) {
	if d.problem != nil {
		return c, nil, Config{}, d.problem
	}
	var matches []int
	same := SameLogin(c.URI)
	for i, e := range d.cfg.Credentials {
		if same(e.URI) || (also != nil && also(e)) {
			matches = append(matches, i)
		}
	}
	if merge != nil {
		uri := c.URI
		for _, i := range matches {
			merge(&c, d.cfg.Credentials[i])
		}
		if c.URI != uri {
			return c, nil, Config{}, errors.New("merging a login must not change its URI")
		}
	}
	if err := checkValue("URI", c.URI); err != nil {
		return c, nil, Config{}, err
	}
	if err := checkValue("Auth", c.Auth); err != nil {
		return c, nil, Config{}, err
	}
	if c.URI == "" {
		return c, nil, Config{}, errors.New("a login needs a URI")
	}
	want := cloneConfig(d.cfg)
	if len(matches) == 0 {
		want.Credentials = append(want.Credentials, c)
	} else {
		want.Credentials[matches[0]] = c
		if len(matches) > 1 {
			want.Credentials = withoutIndexes(want.Credentials, matches[1:])
		}
	}
	return c, matches, want, nil
}

// putSeq makes the store through the Credentials index alone, without the
// node tree, when it replaces one login or adds one after the last and
// acceptSpan proves the result; it reports whether it did. Anything else
// goes the whole way (ensureTree, then applySpan).
func (d *Document) putSeq(c Credential, matches []int, want Config) bool {
	if d.seq == nil || len(matches) > 1 {
		return false
	}
	out, sp, err := d.seqPut(c, matches)
	if err != nil || len(out) > MaxSize {
		return false
	}
	nd, ok := acceptSpan(d, out, *sp, want)
	if ok {
		*d = *nd
	}
	return ok
}

// RemoveCredentials removes every entry match reports true for and returns
// how many it removed. Removing the last one removes the Credentials key too,
// as the real programs omit it when empty.
func (d *Document) RemoveCredentials(match func(Credential) bool) (int, error) {
	if err := d.ensureTree(); err != nil {
		return 0, err
	}
	var idx []int
	for i, e := range d.cfg.Credentials {
		if match(e) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return 0, nil
	}
	want := cloneConfig(d.cfg)
	want.Credentials = withoutIndexes(want.Credentials, idx)
	return len(idx), d.apply(want,
		func() ([]byte, error) { return d.lineRemove(idx) },
		func(root *yaml.Node) error { return treeRemove(root, idx) })
}

// SetToken sets the access token of the named remote; an empty token
// removes the Token key, as the real programs omit it when empty.
func (d *Document) SetToken(remote, token string) error {
	if err := d.ensureTree(); err != nil {
		return err
	}
	if err := checkValue("Token", token); err != nil {
		return err
	}
	r, ok := d.cfg.Remotes[remote]
	if !ok || r == nil {
		return fmt.Errorf("%w %q", ErrNoRemote, remote)
	}
	if r.Token == token {
		return nil
	}
	want := cloneConfig(d.cfg)
	want.Remotes[remote].Token = token
	return d.apply(want,
		func() ([]byte, error) { return d.lineSetToken(remote, token) },
		func(root *yaml.Node) error { return treeSetToken(root, remote, token) })
}

// apply tries the line edit, then the tree edit, and keeps the first result
// that decodes strictly to want. Checking the result, rather than trusting
// either edit, is what guarantees a file the real programs can read.
func (d *Document) apply(want Config, lines func() ([]byte, error), tree func(root *yaml.Node) error) error {
	return d.applySpan(want, func() ([]byte, *span, error) {
		out, err := lines()
		return out, nil, err
	}, tree)
}

// applySpan is apply for a line edit that may say which lines it changed
// (a span): its result is then checked by those alone when that proves as
// much (acceptSpan), else by decoding the whole of it.
func (d *Document) applySpan(want Config, lines func() ([]byte, *span, error), tree func(root *yaml.Node) error) error {
	if out, sp, err := safeLines(d.src, lines); err == nil {
		if len(out) > MaxSize {
			return errTooLarge
		}
		if sp != nil && d.fast {
			if nd, ok := acceptSpan(d, out, *sp, want); ok {
				*d = *nd
				return nil
			}
		}
		if nd, ok := accept(out, want); ok {
			*d = *nd
			return nil
		}
	}
	// The tree edit mutates nodes, so it works on a fresh parse of the text.
	var doc yaml.Node
	if err := yaml.Unmarshal(d.src, &doc); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalid, oneLine(err))
	}
	if moreDocuments(d.src) {
		return errMoreDocuments
	}
	if doc.Kind != yaml.DocumentNode {
		doc = yaml.Node{Kind: yaml.DocumentNode}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		doc.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
	}
	if err := tree(doc.Content[0]); err != nil {
		return err
	}
	nullsExplicit(&doc)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(4) // Apptainer's layout
	if err := enc.Encode(&doc); err != nil {
		return fmt.Errorf("encoding remote.yaml: %w", err)
	}
	if buf.Len() > MaxSize {
		return errTooLarge
	}
	if nd, ok := accept(buf.Bytes(), want); ok {
		*d = *nd
		return nil
	}
	return errors.New("the edit could not be expressed in this file's layout; nothing was written")
}

// errMoreDocuments: the tree edit encodes the first document only, so on a
// file with more it would drop the others (erasing the last login of the
// first made the whole file "{}"). The line edits touch only the first
// document's lines and are still tried. Like errTooLarge, an ErrInvalid
// built without fmt at package init.
var errMoreDocuments error = moreDocumentsError{}

type moreDocumentsError struct{}

func (moreDocumentsError) Error() string {
	return ErrInvalid.Error() + ": remote.yaml holds more than one YAML document (a --- line; Apptainer reads only the first), and this edit would rewrite it whole, dropping the others; nothing was written: move the documents after the first out of the file, then try again"
}

func (moreDocumentsError) Unwrap() error { return ErrInvalid }

// moreDocuments tells a text with a second YAML document.
func moreDocuments(src []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var n yaml.Node
	if dec.Decode(&n) != nil {
		return false
	}
	return !errors.Is(dec.Decode(&n), io.EOF)
}

// errTooLarge is an ErrInvalid built without fmt at package init, which
// every helper start pays for.
var errTooLarge error = tooLarge{}

type tooLarge struct{}

func (tooLarge) Error() string {
	return fmt.Sprintf("%v: the edit would make it larger than %d MiB; nothing was written", ErrInvalid, MaxSize>>20)
}

func (tooLarge) Unwrap() error { return ErrInvalid }

// safeLines runs a line edit on text it can split into lines the way
// YAML does. A lone CR is a YAML line break but not one of ours, so such
// text goes to the tree edit; and should the line edit ever index past its
// text, that too ends in the checked tree edit rather than a panic.
func safeLines(src []byte, lines func() ([]byte, *span, error)) (out []byte, sp *span, err error) {
	if bytes.Count(src, []byte("\r")) != bytes.Count(src, []byte("\r\n")) {
		return nil, nil, errLayout
	}
	defer func() {
		if recover() != nil {
			out, sp, err = nil, nil, errLayout
		}
	}()
	return lines()
}

// accept makes out a file the real programs can read and returns it parsed,
// if it decodes to exactly want.
func accept(out []byte, want Config) (*Document, bool) {
	if cfg, ok := fastDecode(out); ok {
		// The fast path only accepts a mapping with keys: a document.
		return &Document{src: out, cfg: cfg, lazy: true}, sameConfig(cfg, want)
	}
	out = loadable(out)
	nd, err := Parse(out)
	if err != nil {
		return nil, false
	}
	return nd, sameConfig(nd.cfg, want)
}

// loadable fixes the one valid-YAML shape the real programs refuse: a file
// with content but no document (only comments or blank lines), on which
// their Decoder fails with EOF. Blank text becomes empty; comments keep
// company with an empty mapping, which both programs accept.
func loadable(out []byte) []byte {
	if len(bytes.TrimSpace(out)) == 0 {
		return []byte{}
	}
	var n yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(out)).Decode(&n); errors.Is(err, io.EOF) {
		if out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		return append(out, "{}\n"...)
	}
	return out
}

func checkValue(key, v string) error {
	for _, r := range v {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("%s holds a control character; refusing to store it", key)
		}
	}
	return nil
}

// withoutIndexes returns s without the elements at idx, in a new slice.
func withoutIndexes[T any](s []T, idx []int) []T {
	if len(idx) == 0 {
		return slices.Clone(s) // a store of one login: no map, one copy
	}
	drop := make(map[int]bool, len(idx))
	for _, i := range idx {
		drop[i] = true
	}
	out := s[:0:0]
	for i, e := range s {
		if !drop[i] {
			out = append(out, e)
		}
	}
	return out
}

func cloneConfig(c Config) Config {
	out := Config{Active: c.Active}
	if c.Remotes != nil {
		out.Remotes = make(map[string]*Remote, len(c.Remotes))
		for k, r := range c.Remotes {
			if r == nil {
				out.Remotes[k] = nil
				continue
			}
			cp := *r
			cp.Keyservers = append([]Keyserver(nil), r.Keyservers...)
			out.Remotes[k] = &cp
		}
	}
	out.Credentials = append([]Credential(nil), c.Credentials...)
	return out
}

// sameConfig is reflect.DeepEqual(normalize(a), normalize(b)) without the
// copies and the reflection: it runs on every edit, over every login.
func sameConfig(a, b Config) bool {
	if a.Active != b.Active || len(a.Remotes) != len(b.Remotes) || !slices.Equal(a.Credentials, b.Credentials) {
		return false
	}
	for name, ra := range a.Remotes {
		rb, ok := b.Remotes[name]
		if !ok || (ra == nil) != (rb == nil) {
			return false
		}
		if ra == nil {
			continue
		}
		if ra.URI != rb.URI || ra.Token != rb.Token || ra.System != rb.System || ra.Exclusive != rb.Exclusive ||
			ra.Insecure != rb.Insecure || !slices.Equal(ra.Keyservers, rb.Keyservers) {
			return false
		}
	}
	return true
}

// normalize erases differences that decoding cannot see (nil versus empty).
func normalize(c Config) Config {
	c = cloneConfig(c)
	if len(c.Remotes) == 0 {
		c.Remotes = nil
	}
	if len(c.Credentials) == 0 {
		c.Credentials = nil
	}
	for _, r := range c.Remotes {
		if r != nil && len(r.Keyservers) == 0 {
			r.Keyservers = nil
		}
	}
	return c
}

// Problem returns why the real programs would refuse the file although it
// was read: keys they do not know. Nil for a file they accept.
func (d *Document) Problem() error { return d.problem }
