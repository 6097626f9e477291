package yamlstore

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// fastParse decodes the layout Apptainer, SingularityCE and remoteyaml
// write (block style, plain scalars, whole-line comments) without yaml.v3,
// which costs about 8 µs per login: a credential helper is started once per
// lookup, so decoding is most of its run time. It builds the same Config
// and a node tree with the same kinds, values, lines and columns yaml.v3
// would give, so the line edits work on it unchanged. Anything it does not
// recognise, including every error, makes it give up (ok == false) and
// the caller uses yaml.v3; FuzzFastParse checks both agree.
func fastParse(data []byte) (cfg Config, root *yaml.Node, ok bool) {
	return fastParseMode(data, true)
}

// fastDecode is fastParse for readers: no node tree, a fraction of the
// allocations.
func fastDecode(data []byte) (Config, bool) {
	cfg, _, ok := fastParseMode(data, false)
	return cfg, ok
}

func fastParseMode(data []byte, nodes bool) (cfg Config, root *yaml.Node, ok bool) {
	if len(data) > MaxSize {
		return Config{}, nil, false
	}
	p := fparser{nodes: nodes}
	if !p.split(string(data)) || len(p.lines) == 0 {
		return Config{}, nil, false
	}
	root, ok = p.root(&cfg)
	if !ok || p.i != len(p.lines) {
		return Config{}, nil, false
	}
	return cfg, root, true
}

type fline struct {
	no, ind int    // 1-based line number, indentation in bytes
	s       string // the text after the indentation, trailing spaces cut
}

type fparser struct {
	lines []fline
	i     int
	nodes bool        // build the node tree too
	slab  []yaml.Node // nodes are carved from chunks: one allocation per 256
}

func (p *fparser) newNode() *yaml.Node {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]yaml.Node, 0, 256)
	}
	p.slab = p.slab[:len(p.slab)+1]
	return &p.slab[len(p.slab)-1]
}

func (p *fparser) split(s string) bool {
	p.lines = make([]fline, 0, strings.Count(s, "\n")+1)
	no := 0
	for len(s) > 0 {
		no++
		var l string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			l, s = s[:i], s[i+1:]
		} else {
			l, s = s, ""
		}
		for i := 0; i < len(l); i++ {
			// Printable ASCII only: yaml.v3 refuses control characters even
			// in comments, and treats some Unicode as line breaks.
			if l[i] < 0x20 || l[i] > 0x7e {
				return false
			}
		}
		t := strings.TrimLeft(l, " ")
		if t == "" || t[0] == '#' {
			continue
		}
		p.lines = append(p.lines, fline{no, len(l) - len(t), strings.TrimRight(t, " ")})
	}
	return true
}

func (p *fparser) peek() (fline, bool) {
	if p.i < len(p.lines) {
		return p.lines[p.i], true
	}
	return fline{}, false
}

// kv splits "key: value" or "key:" found at byte column col of line l.
func kv(l fline, off int) (key, val string, valCol int, ok bool) {
	s := l.s[off:]
	c := strings.IndexByte(s, ':')
	if c <= 0 || !plainKey(s[:c]) {
		return "", "", 0, false
	}
	key, rest := s[:c], s[c+1:]
	if rest == "" {
		return key, "", 0, true
	}
	if rest[0] != ' ' {
		return "", "", 0, false
	}
	val = strings.TrimLeft(rest, " ")
	return key, val, l.ind + off + c + 1 + (len(rest) - len(val)), val != ""
}

var (
	special = []string{"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", "<<"}
)

func plainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.') {
			return false
		}
	}
	return k[0] != '-' && k[0] != '.' && !isSpecial(k) && !numberLike(k)
}

// isSpecial reports a word YAML resolves to a bool, a null or a merge key.
func isSpecial(v string) bool {
	if len(v) > 5 {
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
	// yaml.v3 drops underscores before it resolves a number (YAML 1.1).
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

// plainString reports whether v is a plain scalar that yaml.v3 would
// decode into a string field as exactly v.
func plainString(v string) bool {
	if v == "" {
		return false
	}
	if c := v[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/') {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:/@+=- ", c) >= 0) {
			return false
		}
	}
	if isSpecial(v) {
		return false
	}
	return !strings.Contains(v, ": ") && !strings.HasSuffix(v, ":") && !numberLike(v)
}

func (p *fparser) scalar(tag, v string, line, col int) *yaml.Node {
	if !p.nodes {
		return nil
	}
	n := p.newNode()
	*n = yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: line, Column: col + 1}
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
func (p *fparser) fields(col int, inItem bool, kinds map[string]byte, set func(k, v string), nested func(k, v string) map[string]byte) (*yaml.Node, bool) {
	m := p.node(yaml.MappingNode, "!!map")
	var seenArr [8]string // a handful of keys: an array beats a map
	seen := seenArr[:0]
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
		key, val, vcol, ok := kv(l, off)
		kind := kinds[key]
		if !ok || kind == 0 || contains(seen, key) {
			return nil, false
		}
		seen = append(seen, key)
		if first {
			if p.nodes {
				m.Line, m.Column = l.no, col+1
			}
			first = false
		}
		k := p.scalar("!!str", key, l.no, col)
		p.i++
		var v *yaml.Node
		switch kind {
		case 's':
			if !plainString(val) {
				return nil, false
			}
			v = p.scalar("!!str", val, l.no, vcol)
			set(key, val)
		case 'b':
			if val != "true" && val != "false" {
				return nil, false
			}
			v = p.scalar("!!bool", val, l.no, vcol)
			set(key, val)
		case 'q':
			if val != "" {
				return nil, false
			}
			if v, ok = p.items(col, nested); !ok {
				return nil, false
			}
		}
		p.add(m, k, v)
	}
	return m, !first
}

// items parses a block sequence of mappings whose dashes sit at a column at
// least parentCol (YAML lets a sequence share its key's indentation). item
// is called with an empty key when an item starts, and returns the item's
// schema then; after that it receives each field.
func (p *fparser) items(parentCol int, item func(k, v string) map[string]byte) (*yaml.Node, bool) {
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
		rest := l.s[2:]
		key := l.ind + 2 + len(rest) - len(strings.TrimLeft(rest, " "))
		kinds := item("", "")
		m, ok := p.fields(key, true, kinds, func(k, v string) { item(k, v) }, nil)
		if !ok {
			return nil, false
		}
		p.add(s, m)
	}
	return s, dash >= 0
}

var (
	keyserverKinds  = map[string]byte{"URI": 's', "Skip": 'b', "External": 'b', "Insecure": 'b'}
	credentialKinds = map[string]byte{"URI": 's', "Auth": 's', "Insecure": 'b'}
	remoteKinds     = map[string]byte{"URI": 's', "Token": 's', "System": 'b', "Exclusive": 'b', "Insecure": 'b', "Keyservers": 'q'}
)

func (p *fparser) root(cfg *Config) (*yaml.Node, bool) {
	root := p.node(yaml.MappingNode, "!!map")
	seen := map[string]bool{}
	for {
		l, more := p.peek()
		if !more {
			break
		}
		key, val, vcol, ok := kv(l, 0)
		if l.ind != 0 || !ok || seen[key] {
			return nil, false
		}
		seen[key] = true
		if len(seen) == 1 && p.nodes {
			root.Line, root.Column = l.no, 1
		}
		k := p.scalar("!!str", key, l.no, 0)
		p.i++
		var v *yaml.Node
		switch key {
		case "Active":
			if !plainString(val) {
				return nil, false
			}
			cfg.Active = val
			v = p.scalar("!!str", val, l.no, vcol)
		case "Remotes":
			if val != "" {
				return nil, false
			}
			if v, ok = p.remotes(cfg); !ok {
				return nil, false
			}
		case "Credentials":
			var cur *Credential
			if val != "" {
				return nil, false
			}
			v, ok = p.items(0, func(k, v string) map[string]byte {
				switch k {
				case "":
					cfg.Credentials = append(cfg.Credentials, Credential{})
					cur = &cfg.Credentials[len(cfg.Credentials)-1]
					return credentialKinds
				case "URI":
					cur.URI = v
				case "Auth":
					cur.Auth = v
				case "Insecure":
					cur.Insecure = v == "true"
				}
				return nil
			})
			if !ok {
				return nil, false
			}
		default:
			return nil, false
		}
		p.add(root, k, v)
	}
	return root, len(seen) > 0
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
		name, val, _, ok := kv(l, 0)
		if !ok || val != "" || cfg.Remotes[name] != nil {
			return nil, false
		}
		p.i++
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
		}, func(k, v string) map[string]byte {
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

func contains(s []string, v string) bool {
	for _, e := range s {
		if e == v {
			return true
		}
	}
	return false
}
