package yamlstore

import (
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// fastParse decodes the layout Apptainer, SingularityCE, remoteyaml and
// people write (block style, any indentation, plain and quoted scalars,
// blank lines, comments on their own lines and beside keys) without go-yaml v4,
// which costs about 8 µs per login: a credential helper is started once per
// lookup, so decoding is most of its run time. It builds the same Config
// and a node tree with the same kinds, values, lines and columns go-yaml v4
// would give, so the line edits work on it unchanged. Anything it does not
// recognise, including every error, makes it give up (ok == false) and
// the caller uses go-yaml v4; FuzzFastParse checks both agree. Parse runs
// it as fastParseSeq, which also notes where the logins sit.
func fastParse(data []byte) (cfg Config, root *yaml.Node, ok bool) {
	cfg, root, _, ok = fastParseSeq(data, true, true)
	return cfg, root, ok
}

// fastDecode is fastParse for readers: no node tree, a fraction of the
// allocations.
func fastDecode(data []byte) (Config, bool) {
	cfg, _, _, ok := fastParseSeq(data, false, false)
	return cfg, ok
}

// fastParseSeq is the fast parser: with nodes, fastParse; without,
// fastDecode. With track it also says where the Credentials items sit:
// all an edit of one login needs to find its lines, at the cost of one
// offset per login instead of a node tree of the file.
// seq is nil when the file has no Credentials sequence.
func fastParseSeq(data []byte, nodes, track bool) (cfg Config, root *yaml.Node, seq *seqIndex, ok bool) {
	if len(data) > MaxSize {
		return Config{}, nil, nil, false
	}
	p := fparser{src: string(data), data: data, nodes: nodes, track: track}
	// The Credentials slice is sized once, by the "URI:"s of the text (a
	// few more than the logins: remotes and keyservers have URIs too),
	// instead of growing by append, which copies it about a dozen times
	// at 1,000 logins. The bound keeps a file of nothing but "URI:"s from
	// costing more than its own size.
	if n := min(uriCount(p.src), len(data)/16); n > 0 {
		cfg.Credentials = make([]Credential, 0, n)
	}
	root, ok = p.root(&cfg)
	if len(cfg.Credentials) == 0 {
		cfg.Credentials = nil // as go-yaml v4 leaves it
	}
	if _, more := p.peek(); !ok || more || p.bad {
		return Config{}, nil, nil, false
	}
	if track && p.seq.starts != nil {
		seq = &p.seq
	}
	return cfg, root, seq, true
}

// seqIndex is where the Credentials sequence sits in the text: the offset
// of each item's dash line, the offset where what follows the sequence
// starts (the next top-level key's line, or the end of the text; comment
// and blank lines before it belong to the last item's span), and the byte
// column of the dashes.
type seqIndex struct {
	starts []int
	end    int
	dash   int
}

// uriCount counts the "URI:"s of s: IndexByte's vector scan finds the
// 'U's, where strings.Count calls Index, a far longer path, per match.
func uriCount(s string) (n int) {
	for {
		i := strings.IndexByte(s, 'U')
		if i < 0 {
			return n
		}
		s = s[i+1:]
		if strings.HasPrefix(s, "RI:") {
			n++
		}
	}
}

type fline struct {
	no, ind int    // 1-based line number, indentation in bytes
	s       string // the text after the indentation, trailing spaces cut
}

// fparser reads the text a content line at a time (blank and comment lines
// skipped), so a large file costs no slice of lines.
type fparser struct {
	src  string
	data []byte // src's bytes, for printable's word loads
	pos  int    // offset of the first line not yet scanned
	no   int    // lines scanned
	cur  fline  // the current content line, if have
	// curAt is the byte offset where cur's line starts. Not in fline:
	// Go passes a struct of at most 32 bytes in registers, and peek
	// returns an fline for every line (a 40-byte one made a decode half
	// again as slow, through memory copies with write barriers).
	curAt int
	have  bool
	bad   bool // a line the fast path does not take: give up
	nodes bool // build the node tree too
	// track: note in seq where the items of the sequence being read
	// start (only the Credentials sequence is read with it on).
	track, tracking bool
	seq             seqIndex
	slab            []yaml.Node
	ptrs            []*yaml.Node // Content of mappings, carved like slab
}

func (p *fparser) newNode() *yaml.Node {
	// Nodes are carved from chunks: one allocation per 256.
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]yaml.Node, 0, 256)
	}
	p.slab = p.slab[:len(p.slab)+1]
	return &p.slab[len(p.slab)-1]
}

// peek returns the current content line; more is false at the end of the
// text or at a line the fast path refuses (then p.bad is set).
func (p *fparser) peek() (l fline, more bool) {
	if p.have {
		return p.cur, true
	}
	for !p.bad && p.pos < len(p.src) {
		start, end, next := p.pos, len(p.src), len(p.src)
		if i := strings.IndexByte(p.src[start:], '\n'); i >= 0 {
			end, next = start+i, start+i+1
		}
		p.no++
		p.pos = next
		ind := start
		for ind < end && p.src[ind] == ' ' {
			ind++
		}
		if ind == end {
			continue
		}
		if p.src[ind] == '#' {
			p.bad = !commentText(p.data[ind:end])
			continue
		}
		if !printable(p.data[ind:end]) {
			p.bad = true
			return fline{}, false
		}
		for p.src[end-1] == ' ' {
			end--
		}
		p.cur, p.have, p.curAt = fline{p.no, ind - start, p.src[ind:end]}, true, start
		return p.cur, true
	}
	return fline{}, false
}

// advance moves past the current line.
func (p *fparser) advance() { p.have = false }

// printable reports whether s is printable ASCII only: go-yaml v4 refuses
// most control characters, and reads some Unicode as line breaks; on the
// rest (DEL, which v4 takes) the fast path gives up and v4 decides. It
// tests eight bytes at a time, as this runs over every byte of the file.
func printable(s []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	if len(s) >= 8 {
		// The last eight bytes first, overlapping the words before them
		// if need be: one word test instead of a loop over up to seven.
		x := binary.LittleEndian.Uint64(s[len(s)-8:])
		// A byte below 0x20 borrows through its high bit in x-0x20…;
		// one above 0x7e carries into it in x+0x01…, or had it set.
		if ((x-0x20*ones)&^x|(x+ones)|x)&highs != 0 {
			return false
		}
		for len(s) > 8 {
			x := binary.LittleEndian.Uint64(s)
			if ((x-0x20*ones)&^x|(x+ones)|x)&highs != 0 {
				return false
			}
			s = s[8:]
		}
		return true
	}
	for _, c := range s {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// commentText reports whether a whole-line comment holds only text go-yaml v4
// takes as one comment: printable ASCII, or UTF-8 for people's names and
// languages, but none of what YAML reads as a line break (U+0085, U+2028,
// U+2029), a byte order mark, or a non-printable character.
func commentText(t []byte) bool {
	if printable(t) {
		return true
	}
	if !utf8.Valid(t) {
		return false
	}
	for _, r := range string(t) {
		switch {
		case r >= 0x20 && r <= 0x7e:
		case r >= 0xa0 && r <= 0xd7ff && r != 0x2028 && r != 0x2029:
		case r >= 0xe000 && r <= 0xfffd && r != 0xfeff:
		case r >= 0x10000 && r <= 0x10ffff:
		default:
			return false
		}
	}
	return true
}

// fval is the value after a key: plain or quoted (style), at byte column
// col; present is false after a bare "key:" (a block or a null follows).
// cls holds the byteClass bits of a plain s, ORed (classes).
type fval struct {
	s       string
	style   yaml.Style
	col     int
	present bool
	cls     uint8
}

// kv splits "key: value", "key:" and either followed by a comment, found at
// byte offset off of line l.
func kv(l fline, off int) (key string, v fval, ok bool) {
	s := l.s[off:]
	c := strings.IndexByte(s, ':')
	if c <= 0 || !plainKey(s[:c]) {
		return "", fval{}, false
	}
	key, rest := s[:c], s[c+1:]
	if rest == "" {
		return key, fval{}, true
	}
	if rest[0] != ' ' {
		return "", fval{}, false
	}
	val := skipSpaces(rest)
	if val[0] == '#' {
		return key, fval{}, true
	}
	v = fval{col: l.ind + off + c + 1 + (len(rest) - len(val)), present: true}
	switch val[0] {
	case '\'', '"':
		var n int
		if v.s, n, ok = quoted(val); !ok || !comment(val[n:]) {
			return "", fval{}, false
		}
		if val[0] == '"' {
			v.style = yaml.DoubleQuotedStyle
		} else {
			v.style = yaml.SingleQuotedStyle
		}
	default:
		if val == "false" || val == "true" {
			// Every login has one: its classes are its letters' (keyByte).
			v.s, v.cls = val, keyByte
			break
		}
		// One scan gives the classes of the value's bytes: whether it
		// holds a '#' here, and whether it is a plain string in
		// plainString, which need not scan it again.
		cls := classes(val)
		// A plain scalar ends where a comment starts: a '#' after a space.
		if cls&hashByte != 0 {
			if i := strings.Index(val, " #"); i >= 0 {
				val = strings.TrimRight(val[:i], " ")
				cls = classes(val)
			}
		}
		v.s, v.cls = val, cls
	}
	return key, v, true
}

// quoted reads the quoted scalar at the start of s: single-quoted (a
// doubled quote stands for one), or double-quoted without escapes (a
// backslash gives up).
// It returns the value and the bytes it took.
func quoted(s string) (string, int, bool) {
	q := s[0]
	if q == '"' {
		i := strings.IndexByte(s[1:], '"')
		if i < 0 || strings.IndexByte(s[1:1+i], '\\') >= 0 {
			return "", 0, false
		}
		return s[1 : 1+i], i + 2, true
	}
	var b []byte // only for values with a doubled quote
	start := 1
	for i := 1; ; {
		// IndexByte's vector scan, not a byte loop: a quoted Auth is
		// some thirty bytes.
		j := strings.IndexByte(s[i:], '\'')
		if j < 0 {
			return "", 0, false
		}
		i += j
		if i+1 < len(s) && s[i+1] == '\'' {
			b = append(b, s[start:i+1]...)
			i += 2
			start = i
			continue
		}
		if b == nil {
			return s[1:i], i + 1, true
		}
		return string(append(b, s[start:i]...)), i + 1, true
	}
}

// skipSpaces is strings.TrimLeft(s, " "), which is slower for one byte.
func skipSpaces(s string) string {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return s[i:]
}

// comment reports whether s, what follows a quoted scalar, is nothing or
// spaces and a comment.
func comment(s string) bool {
	t := skipSpaces(s)
	return t == "" || (t[0] == '#' && len(t) < len(s))
}

var special = []string{"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", "<<"}

// byteClass holds, for each byte, the classes it belongs to: a table,
// because every byte of every key and value is looked up.
var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			t[c] = keyByte
		} else {
			t[c] = notPlain
		}
	}
	// Set one by one, not by a string search per byte: this runs at every
	// helper start.
	for _, c := range []byte("._:/@+=- ") {
		t[c] &^= notPlain
	}
	for _, c := range []byte("_-.") {
		t[c] |= keyByte
	}
	t[':'] |= colonByte
	t[' '] |= spaceByte
	t['#'] |= hashByte
	for _, c := range []byte("tTfFnNyYoO~<0123456789+-.") {
		t[c] |= wordStart
	}
	return t
}()

const (
	keyByte   = 1 << iota // in a plain key
	notPlain              // not in a plain scalar plainString takes
	colonByte             // ':', which plainString takes but not before a space or at the end
	spaceByte             // ' ': a ": " needs one
	hashByte              // '#': a comment needs one
	wordStart             // starts a word isSpecial or numberLike may take
)

// classes ORs the byteClass bits of the bytes of v, eight at a time: one
// test of the result instead of a branch per byte, as this runs over every
// byte of every value.
func classes(v string) (cls uint8) {
	for len(v) >= 8 {
		cls |= byteClass[v[0]] | byteClass[v[1]] | byteClass[v[2]] | byteClass[v[3]] |
			byteClass[v[4]] | byteClass[v[5]] | byteClass[v[6]] | byteClass[v[7]]
		v = v[8:]
	}
	for i := 0; i < len(v); i++ {
		cls |= byteClass[v[i]]
	}
	return cls
}

// plainKey reports whether k is a key go-yaml v4 reads as the string k.
func plainKey(k string) bool {
	// The schema's own keys are most of the keys of a file: a switch
	// answers them without the checks of the bytes, the first byte, the
	// special words and the numbers below.
	switch k {
	case "URI", "Auth", "Insecure", "Active", "Remotes", "Credentials", "Token",
		"System", "Exclusive", "Keyservers", "Skip", "External":
		return true
	}
	for i := 0; i < len(k); i++ {
		if byteClass[k[i]]&keyByte == 0 {
			return false
		}
	}
	return k[0] != '-' && k[0] != '.' && !isSpecial(k) && !numberLike(k)
}

// isSpecial reports a word YAML resolves to a bool, a null or a merge key.
func isSpecial(v string) bool {
	if len(v) > 5 || strings.IndexByte("tTfFnNyYoO~<", v[0]) < 0 {
		return false
	}
	for _, w := range special {
		if strings.EqualFold(v, w) {
			return true
		}
	}
	return false
}

func numberLike(v string) bool {
	if c := v[0]; !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
		return false // every YAML number and timestamp starts so
	}
	// go-yaml v4 drops underscores before it resolves a number (YAML 1.1).
	if u := strings.ReplaceAll(v, "_", ""); u != v && u != "" && numberLike(u) {
		return true
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return true
	}
	if _, err := strconv.ParseInt(v, 0, 64); err == nil {
		return true
	}
	return len(v) > 4 && v[4] == '-' && strings.Trim(v[:4], "0123456789") == ""
}

// plainString reports whether v, whose bytes have the classes cls, is a
// plain scalar that go-yaml v4 would decode into a string field as exactly v.
func plainString(v string, cls uint8) bool {
	if v == "" || cls&notPlain != 0 {
		return false
	}
	if c := v[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/') {
		return false
	}
	// ": " or a final ':' would make v a mapping; URIs have colons but no
	// spaces, and a search for ": " costs more than the rest.
	if cls&colonByte != 0 && (v[len(v)-1] == ':' || cls&spaceByte != 0 && strings.Contains(v, ": ")) {
		return false
	}
	// Most values (URIs, "Basic …") start with a letter no special word
	// or number starts with: they need neither check.
	return byteClass[v[0]]&wordStart == 0 || !isSpecial(v) && !numberLike(v)
}

// stringValue reports whether v decodes into a string field as exactly v.s.
func stringValue(v fval) bool {
	return v.present && (v.style != 0 || plainString(v.s, v.cls))
}

func (p *fparser) scalar(tag, v string, line, col int) *yaml.Node {
	return p.value(tag, fval{s: v, col: col}, line)
}

func (p *fparser) value(tag string, v fval, line int) *yaml.Node {
	if !p.nodes {
		return nil
	}
	n := p.newNode()
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.s, Style: v.style, Line: line, Column: v.col + 1}
	return n
}

// node makes a collection node; without a tree it is a scratch node that
// is thrown away.
func (p *fparser) node(kind yaml.Kind, tag string) *yaml.Node {
	if !p.nodes {
		return &scratch
	}
	n := p.newNode()
	*n = yaml.Node{Kind: kind, Tag: tag}
	return n
}

var scratch yaml.Node

func (p *fparser) add(n *yaml.Node, children ...*yaml.Node) {
	if p.nodes {
		n.Content = append(n.Content, children...)
	}
}

// fields parses the block mapping whose first key is at byte column col of
// the current line (after a "- " when inItem), reading only the keys in
// kinds ("s" string, "b" bool, "q" nested Keyservers). set receives values.
func (p *fparser) fields(col int, inItem bool, kinds kindOf, set func(k, v string), nested func(k, v string) kindOf) (*yaml.Node, bool) {
	m := p.node(yaml.MappingNode, "!!map")
	var seen uint32 // the keys read so far, by keyBit
	var kidsArr [12]*yaml.Node
	kids := kidsArr[:0]
	first := true
	for {
		l, more := p.peek()
		if !more {
			break
		}
		off := 0
		if first && inItem {
			off = col - l.ind
		} else if l.ind != col || strings.HasPrefix(l.s, "- ") || l.s == "-" {
			break
		}
		key, val, ok := kv(l, off)
		kind := kinds(key)
		if !ok || kind == 0 || seen&keyBit(key) != 0 {
			return nil, false
		}
		seen |= keyBit(key)
		if first {
			if p.nodes {
				m.Line, m.Column = l.no, col+1
			}
			first = false
		}
		k := p.scalar("!!str", key, l.no, col)
		p.advance()
		var v *yaml.Node
		switch kind {
		case 's':
			if !stringValue(val) {
				return nil, false
			}
			v = p.value("!!str", val, l.no)
			set(key, val.s)
		case 'b':
			if val.style != 0 || val.s != "true" && val.s != "false" {
				return nil, false
			}
			v = p.value("!!bool", val, l.no)
			set(key, val.s)
		case 'q':
			if val.present {
				return nil, false
			}
			if v, ok = p.items(col, nested); !ok {
				return nil, false
			}
		}
		if p.nodes {
			kids = append(kids, k, v)
		}
	}
	if p.nodes {
		m.Content = p.carve(kids)
	}
	return m, !first
}

// keyBit is a key's bit in the set of keys a mapping has had so far. The
// keys of each mapping of the schema (Remote, Keyserver, Credential) differ
// in their first letter (TestKeyBit), and fields takes no other key, so a
// key seen twice sets its bit twice and two keys never share one. A set of
// bits beats a slice of the keys seen, which cost a compare with each.
func keyBit(k string) uint32 { return 1 << (k[0] & 31) }

// carve copies a mapping's children into a chunk shared with other
// mappings: one allocation per 1,024 pointers instead of a growing slice
// per mapping. The capacity is cut to the length, so an append copies.
func (p *fparser) carve(kids []*yaml.Node) []*yaml.Node {
	if len(kids) > cap(p.ptrs)-len(p.ptrs) {
		p.ptrs = make([]*yaml.Node, 0, max(1024, len(kids)))
	}
	n := len(p.ptrs)
	p.ptrs = append(p.ptrs, kids...)
	return p.ptrs[n:len(p.ptrs):len(p.ptrs)]
}

// items parses a block sequence of mappings whose dashes sit at a column at
// least parentCol (YAML lets a sequence share its key's indentation). item
// is called with an empty key when an item starts, and returns the item's
// schema then; after that it receives each field.
func (p *fparser) items(parentCol int, item func(k, v string) kindOf) (*yaml.Node, bool) {
	s := p.node(yaml.SequenceNode, "!!seq")
	dash := -1
	for {
		l, more := p.peek()
		if !more || !strings.HasPrefix(l.s, "- ") || l.ind < parentCol || (dash >= 0 && l.ind != dash) {
			break
		}
		if dash < 0 {
			dash = l.ind
			if p.nodes {
				s.Line, s.Column = l.no, dash+1
			}
		}
		if p.tracking {
			if p.seq.starts == nil {
				p.seq.dash = l.ind
			}
			p.seq.starts = append(p.seq.starts, p.curAt)
		}
		rest := l.s[2:]
		key := l.ind + 2 + len(rest) - len(skipSpaces(rest))
		kinds := item("", "")
		m, ok := p.fields(key, true, kinds, func(k, v string) { item(k, v) }, nil)
		if !ok {
			return nil, false
		}
		p.add(s, m)
	}
	return s, dash >= 0
}

// kindOf gives the kind of a key of one mapping, 0 for a key it lacks: a
// switch, because it runs for every line.
type kindOf func(key string) byte

func keyserverKinds(k string) byte {
	switch k {
	case "URI":
		return 's'
	case "Skip", "External", "Insecure":
		return 'b'
	}
	return 0
}

func credentialKinds(k string) byte {
	switch k {
	case "URI", "Auth":
		return 's'
	case "Insecure":
		return 'b'
	}
	return 0
}

func remoteKinds(k string) byte {
	switch k {
	case "URI", "Token":
		return 's'
	case "System", "Exclusive", "Insecure":
		return 'b'
	case "Keyservers":
		return 'q'
	}
	return 0
}

func (p *fparser) root(cfg *Config) (*yaml.Node, bool) {
	root := p.node(yaml.MappingNode, "!!map")
	seen := map[string]bool{}
	for {
		l, more := p.peek()
		if !more {
			break
		}
		key, val, ok := kv(l, 0)
		if l.ind != 0 || !ok || seen[key] {
			return nil, false
		}
		seen[key] = true
		if len(seen) == 1 && p.nodes {
			root.Line, root.Column = l.no, 1
		}
		k := p.scalar("!!str", key, l.no, 0)
		p.advance()
		var v *yaml.Node
		switch key {
		case "Active":
			if !stringValue(val) {
				return nil, false
			}
			cfg.Active = val.s
			v = p.value("!!str", val, l.no)
		case "Remotes":
			if val.present {
				return nil, false
			}
			if v, ok = p.remotes(cfg); !ok {
				return nil, false
			}
		case "Credentials":
			if val.present {
				return nil, false
			}
			p.tracking = p.track
			if v, ok = p.items(0, credentialItem(&cfg.Credentials)); !ok {
				return nil, false
			}
			if p.tracking {
				p.tracking = false
				p.seq.end = len(p.src)
				if _, more := p.peek(); more {
					p.seq.end = p.curAt
				}
			}
		default:
			return nil, false
		}
		p.add(root, k, v)
	}
	return root, len(seen) > 0
}

// credentialItem is the items callback of the Credentials sequence: it
// appends each item to creds.
func credentialItem(creds *[]Credential) func(k, v string) kindOf {
	var cur *Credential
	return func(k, v string) kindOf {
		switch k {
		case "":
			*creds = append(*creds, Credential{})
			cur = &(*creds)[len(*creds)-1]
			return credentialKinds
		case "URI":
			cur.URI = v
		case "Auth":
			cur.Auth = v
		case "Insecure":
			cur.Insecure = v == "true"
		}
		return nil
	}
}

// fastItems decodes text that is nothing but whole Credentials items with
// their dashes at byte column dash, exactly as the Credentials sequence
// of fastParse reads them there: the same peek, items and fields code.
// ok is false for anything else: no item, another first line, a line
// after the items that is not theirs, or a line peek refuses.
func fastItems(data []byte, dash int) (creds []Credential, ok bool) {
	creds, _, ok = fastItemsAt(data, dash)
	return creds, ok
}

// fastItemsAt is fastItems that also gives the offset in data of each
// item's dash line.
func fastItemsAt(data []byte, dash int) (creds []Credential, at []int, ok bool) {
	p := fparser{src: string(data), data: data, tracking: true}
	l, more := p.peek()
	if !more || l.ind != dash || !strings.HasPrefix(l.s, "- ") {
		return nil, nil, false
	}
	if _, ok = p.items(0, credentialItem(&creds)); !ok {
		return nil, nil, false
	}
	if _, more := p.peek(); more || p.bad {
		return nil, nil, false
	}
	return creds, p.seq.starts, true
}

func (p *fparser) remotes(cfg *Config) (*yaml.Node, bool) {
	l, more := p.peek()
	if !more || l.ind == 0 {
		return nil, false
	}
	col := l.ind
	m := p.node(yaml.MappingNode, "!!map")
	if p.nodes {
		m.Line, m.Column = l.no, col+1
	}
	cfg.Remotes = map[string]*Remote{}
	for {
		l, more := p.peek()
		if !more || l.ind != col {
			break
		}
		name, val, ok := kv(l, 0)
		if !ok || val.present || cfg.Remotes[name] != nil {
			return nil, false
		}
		p.advance()
		next, more := p.peek()
		if !more || next.ind <= col {
			return nil, false
		}
		r := &Remote{}
		cfg.Remotes[name] = r
		var ks *Keyserver
		v, ok := p.fields(next.ind, false, remoteKinds, func(k, v string) {
			switch k {
			case "URI":
				r.URI = v
			case "Token":
				r.Token = v
			case "System":
				r.System = v == "true"
			case "Exclusive":
				r.Exclusive = v == "true"
			case "Insecure":
				r.Insecure = v == "true"
			}
		}, func(k, v string) kindOf {
			switch k {
			case "":
				r.Keyservers = append(r.Keyservers, Keyserver{})
				ks = &r.Keyservers[len(r.Keyservers)-1]
				return keyserverKinds
			case "URI":
				ks.URI = v
			case "Skip":
				ks.Skip = v == "true"
			case "External":
				ks.External = v == "true"
			case "Insecure":
				ks.Insecure = v == "true"
			}
			return nil
		})
		if !ok {
			return nil, false
		}
		p.add(m, p.scalar("!!str", name, l.no, col), v)
	}
	return m, len(cfg.Remotes) > 0
}
