package yamlstore

import (
	"errors"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// This file holds the line edits: changes expressed as replaced, inserted
// and deleted lines of the original text, found through the line and column
// numbers of the go-yaml v4 node tree. Anything outside the block layout that
// Apptainer, SingularityCE and people write returns errLayout, and the
// caller falls back to editing the node tree.

var errLayout = errors.New("layout not handled by line edits")

// text is the file split into lines, each keeping its line break.
type text struct {
	lines []string
	eol   string
	size  int // bytes in all lines
}

func splitText(src []byte) text {
	t := text{eol: "\n", size: len(src)}
	s := string(src)
	t.lines = make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			t.lines = append(t.lines, s)
			break
		}
		t.lines = append(t.lines, s[:i+1])
		s = s[i+1:]
	}
	if len(t.lines) > 0 && strings.HasSuffix(t.lines[0], "\r\n") {
		t.eol = "\r\n"
	}
	return t
}

// edit replaces lines [from, to) with repl; from == to inserts.
type edit struct {
	from, to int
	repl     []string
}

func (t text) apply(edits []edit) []byte {
	// Edits come from disjoint regions; order them by position.
	for i := 1; i < len(edits); i++ {
		for j := i; j > 0 && less(edits[j], edits[j-1]); j-- {
			edits[j], edits[j-1] = edits[j-1], edits[j]
		}
	}
	var b strings.Builder
	grow := t.size
	for _, e := range edits {
		for _, r := range e.repl {
			grow += len(r) + len(t.eol)
		}
	}
	b.Grow(grow)
	pos := 0
	emit := func(line string) {
		b.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			b.WriteString(t.eol)
		}
	}
	for _, e := range edits {
		for ; pos < e.from; pos++ {
			emit(t.lines[pos])
		}
		for _, r := range e.repl {
			b.WriteString(r + t.eol)
		}
		if e.to > pos {
			pos = e.to
		}
	}
	for ; pos < len(t.lines); pos++ {
		if pos == len(t.lines)-1 {
			b.WriteString(t.lines[pos]) // keep a missing final newline missing
		} else {
			emit(t.lines[pos])
		}
	}
	return []byte(b.String())
}

func less(a, b edit) bool {
	if a.from != b.from {
		return a.from < b.from
	}
	return a.to < b.to // an insertion goes before a replacement at the same line
}

func blankOrComment(line string) bool {
	s := strings.TrimLeft(line, " \t")
	s = strings.TrimRight(s, " \t\r\n")
	return s == "" || s[0] == '#'
}

// lastContent is the last line in [from, to) that is not blank or a comment:
// trailing comments belong to whatever follows.
func (t text) lastContent(from, to int) int {
	for i := to - 1; i >= from; i-- {
		if !blankOrComment(t.lines[i]) {
			return i
		}
	}
	return from
}

// docEnd is the line where the first document ends: the next "---" or "..."
// marker after line start, or the end of the text.
func (t text) docEnd(start int) int {
	for i := start + 1; i < len(t.lines); i++ {
		l := strings.TrimRight(t.lines[i], "\r\n")
		if l == "---" || l == "..." || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "... ") {
			return i
		}
	}
	return len(t.lines)
}

// byteCol converts go-yaml v4's 1-based rune column to a byte offset in line.
func byteCol(line string, col int) int {
	off := 0
	for n := 1; n < col && off < len(line); n++ {
		_, size := utf8.DecodeRuneInString(line[off:])
		off += size
	}
	return off
}

// valueSpan finds the bytes of a single-line scalar in its line.
func (t text) valueSpan(n *yaml.Node) (line, start, end int, ok bool) {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || n.Line < 1 || n.Line > len(t.lines) {
		return 0, 0, 0, false
	}
	line = n.Line - 1
	l := strings.TrimRight(t.lines[line], "\r\n")
	start = byteCol(l, n.Column)
	if start >= len(l) {
		return 0, 0, 0, false
	}
	switch n.Style {
	case 0:
		if n.Value == "" || !strings.HasPrefix(l[start:], n.Value) {
			return 0, 0, 0, false
		}
		return line, start, start + len(n.Value), true
	case yaml.SingleQuotedStyle:
		for i := start + 1; i < len(l); i++ {
			if l[i] == '\'' {
				if i+1 < len(l) && l[i+1] == '\'' {
					i++
					continue
				}
				return line, start, i + 1, true
			}
		}
	case yaml.DoubleQuotedStyle:
		for i := start + 1; i < len(l); i++ {
			switch l[i] {
			case '\\':
				i++
			case '"':
				return line, start, i + 1, true
			}
		}
	}
	return 0, 0, 0, false
}

// replaceValue is the edit that puts v in place of scalar n.
func (t text) replaceValue(n *yaml.Node, v string) (edit, error) {
	line, start, end, ok := t.valueSpan(n)
	if !ok {
		return edit{}, errLayout
	}
	l := t.lines[line]
	nl := l[:start] + v + l[end:]
	return edit{from: line, to: line + 1, repl: []string{strings.TrimRight(nl, "\r\n")}}, nil
}

// block is a block mapping or sequence found in the text.
func isBlock(n *yaml.Node, kind yaml.Kind) bool {
	return n != nil && n.Kind == kind && n.Style&yaml.FlowStyle == 0
}

// pairEnds gives, for each key of block mapping m, the last line of its pair.
func (t text) pairEnds(m *yaml.Node, end int) []int {
	ends := make([]int, len(m.Content)/2)
	for i := range ends {
		next := end
		if 2*i+2 < len(m.Content) {
			next = m.Content[2*i+2].Line - 1
		}
		ends[i] = t.lastContent(m.Content[2*i].Line-1, next)
	}
	return ends
}

// seqLayout gives the line of each item's dash in block sequence s, or
// errLayout unless every item is a block mapping starting on its dash line.
func (t text) seqLayout(s *yaml.Node) (starts []int, err error) {
	for _, it := range s.Content {
		if !isBlock(it, yaml.MappingNode) || len(it.Content) == 0 {
			return nil, errLayout
		}
		l := t.lines[it.Line-1]
		kc := byteCol(l, it.Column)
		d := strings.LastIndexByte(l[:kc], '-')
		if d < 0 || strings.TrimLeft(l[:d], " ") != "" || strings.TrimSpace(l[d+1:kc]) != "" {
			return nil, errLayout
		}
		starts = append(starts, it.Line-1)
	}
	return starts, nil
}

func mappingValue(m *yaml.Node, key string) (k, v *yaml.Node, i int) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil, -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1], i / 2
		}
	}
	return nil, nil, -1
}
