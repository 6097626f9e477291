package yamlstore

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Apptainer writes sequence items four columns deeper than their key.
const apptainerIndent = 4

// scalar renders v as go-yaml v4 would write it (plain where that is safe,
// quoted otherwise), on one line.
func scalar(v string) (string, error) { return styled(v, 0) }

// styled renders v in the given quoting style, so that a replaced value
// keeps the quotes its author chose.
func styled(v string, style yaml.Style) (string, error) {
	out, err := yaml.Marshal(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style})
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(string(out), "\n")
	if strings.Contains(s, "\n") {
		return "", errLayout
	}
	return s, nil
}

func renderItem(dash, key int, c Credential) ([]string, error) {
	uri, err := scalar(c.URI)
	if err != nil {
		return nil, err
	}
	lines := []string{strings.Repeat(" ", dash) + "-" + strings.Repeat(" ", key-dash-1) + "URI: " + uri}
	if c.Auth != "" {
		auth, err := scalar(c.Auth)
		if err != nil {
			return nil, err
		}
		lines = append(lines, strings.Repeat(" ", key)+"Auth: "+auth)
	}
	return append(lines, strings.Repeat(" ", key)+"Insecure: "+strconv.FormatBool(c.Insecure)), nil
}

// rootLayout checks that the document is a block mapping and returns where
// it ends and where each of its pairs ends.
func (d *Document) rootLayout(t text) (end int, ends []int, err error) {
	if !isBlock(d.root, yaml.MappingNode) || len(d.root.Content) == 0 {
		return 0, nil, errLayout
	}
	end = t.docEnd(d.root.Content[0].Line - 1)
	return end, t.pairEnds(d.root, end), nil
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// itemCols returns the byte columns of an item's dash and of its keys.
func (t text) itemCols(it *yaml.Node) (dash, key int) {
	l := t.lines[it.Line-1]
	key = byteCol(l, it.Column)
	return strings.LastIndexByte(l[:key], '-'), key
}

// newSeqCols chooses where the dash and keys of a first Credentials item go:
// like the file's other sequences (Keyservers), else Apptainer's layout.
func (d *Document) newSeqCols(t text, rootCol int) (dash, key int) {
	_, remotes, _ := mappingValue(d.root, "Remotes")
	if isBlock(remotes, yaml.MappingNode) {
		for i := 1; i < len(remotes.Content); i += 2 {
			k, ks, _ := mappingValue(remotes.Content[i], "Keyservers")
			if isBlock(ks, yaml.SequenceNode) && len(ks.Content) > 0 && isBlock(ks.Content[0], yaml.MappingNode) {
				if _, err := t.seqLayout(ks); err == nil {
					kd, kk := t.itemCols(ks.Content[0])
					off := kd - byteCol(t.lines[k.Line-1], k.Column)
					if off >= 0 {
						return rootCol + off, rootCol + off + (kk - kd)
					}
				}
			}
		}
	}
	return rootCol + apptainerIndent, rootCol + apptainerIndent + 2
}

func (d *Document) credentialsBlock(t text, c Credential) ([]string, error) {
	rootCol := 0
	if d.root != nil && d.root.Kind == yaml.MappingNode && len(d.root.Content) > 0 {
		k := d.root.Content[0]
		rootCol = byteCol(t.lines[k.Line-1], k.Column)
	}
	dash, key := d.newSeqCols(t, rootCol)
	item, err := renderItem(dash, key, c)
	if err != nil {
		return nil, err
	}
	return append([]string{strings.Repeat(" ", rootCol) + "Credentials:"}, item...), nil
}

// credentialsSeq finds the Credentials pair of a block-mapping root.
func (d *Document) credentialsSeq(t text) (k, v *yaml.Node, pairEnd int, starts []int, err error) {
	_, ends, err := d.rootLayout(t)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	k, v, i := mappingValue(d.root, "Credentials")
	if k == nil {
		return nil, nil, ends[len(ends)-1], nil, nil
	}
	if isNull(v) || (v.Kind == yaml.SequenceNode && len(v.Content) == 0) {
		if v.Line != k.Line || ends[i] != k.Line-1 {
			return nil, nil, 0, nil, errLayout
		}
		return k, v, ends[i], nil, nil
	}
	if !isBlock(v, yaml.SequenceNode) {
		return nil, nil, 0, nil, errLayout
	}
	starts, err = t.seqLayout(v)
	return k, v, ends[i], starts, err
}

// itemEnd is the last line of item j: trailing comments go with what follows.
func (t text) itemEnd(starts []int, j, pairEnd int) int {
	if j+1 < len(starts) {
		return t.lastContent(starts[j], starts[j+1])
	}
	return pairEnd
}

// linePut returns the edited text and, when the edit stays within one item
// of the Credentials sequence (replaced in place, or a new one after the
// last), the span of whole items it changed, for acceptSpan.
func (d *Document) linePut(c Credential, matches []int) ([]byte, *span, error) {
	t := splitText(d.src)
	if isNull(d.root) {
		block, err := d.credentialsBlock(t, c)
		if err != nil {
			return nil, nil, err
		}
		return t.apply([]edit{{len(t.lines), len(t.lines), block}}), nil, nil
	}
	k, v, pairEnd, starts, err := d.credentialsSeq(t)
	if err != nil {
		return nil, nil, err
	}
	if len(starts) == 0 {
		block, err := d.credentialsBlock(t, c)
		if err != nil {
			return nil, nil, err
		}
		if k == nil {
			return t.apply([]edit{{pairEnd + 1, pairEnd + 1, block}}), nil, nil
		}
		return t.apply([]edit{{k.Line - 1, pairEnd + 1, block}}), nil, nil
	}
	dash, _ := t.itemCols(v.Content[0])
	if len(matches) == 0 {
		last := len(starts) - 1
		end := t.itemEnd(starts, last, pairEnd)
		edits, err := t.oneItem(v.Content[last], starts[last], end, Credential{}, c, false)
		if err != nil {
			return nil, nil, err
		}
		// The span takes in the last item too, so that it starts at an
		// item's dash in the old text as well as in the new.
		sp := &span{from: t.offset(starts[last]), to: t.offset(end + 1), dash: dash, index: last, items: 1}
		return t.apply(edits), sp, nil
	}
	first := matches[0]
	end := t.itemEnd(starts, first, pairEnd)
	edits, err := t.oneItem(v.Content[first], starts[first], end, d.cfg.Credentials[first], c, true)
	if err != nil {
		return nil, nil, err
	}
	if len(matches) == 1 {
		// itemEdits changes lines of [start, end] only, or inserts at end+1.
		sp := &span{from: t.offset(starts[first]), to: t.offset(end + 1), dash: dash, index: first, items: 1}
		return t.apply(edits), sp, nil
	}
	for _, j := range matches[1:] {
		edits = append(edits, edit{starts[j], t.itemEnd(starts, j, pairEnd) + 1, nil})
	}
	return t.apply(edits), nil, nil
}

// seqPut is linePut for a document that knows where its Credentials items
// sit (d.seq) and has no node tree: the same edit of one item, replaced in
// place (one match) or a new one after the last, found by parsing that
// item's lines alone with the fast parser's own item code. The span runs
// from the item's dash line to the next item's (or to what follows the
// sequence), so comments after it stay where they were.
func (d *Document) seqPut(c Credential, matches []int) ([]byte, *span, error) {
	ix := d.seq
	j := len(ix.starts) - 1
	if len(matches) == 1 {
		j = matches[0]
	}
	if len(matches) > 1 || j < 0 || j >= len(d.cfg.Credentials) {
		return nil, nil, errLayout
	}
	from, to := ix.starts[j], ix.end
	if j+1 < len(ix.starts) {
		to = ix.starts[j+1]
	}
	sub := d.src[from:to]
	p := fparser{src: string(sub), data: sub, nodes: true}
	var got []Credential
	seq, ok := p.items(0, credentialItem(&got))
	if _, more := p.peek(); !ok || more || p.bad || len(seq.Content) != 1 || got[0] != d.cfg.Credentials[j] {
		return nil, nil, errLayout
	}
	t := splitText(sub)
	edits, err := t.oneItem(seq.Content[0], 0, t.lastContent(0, len(t.lines)), d.cfg.Credentials[j], c, len(matches) == 1)
	if err != nil {
		return nil, nil, err
	}
	mid := t.apply(edits)
	out := make([]byte, 0, len(d.src)-len(sub)+len(mid))
	out = append(append(append(out, d.src[:from]...), mid...), d.src[to:]...)
	return out, &span{from: from, to: to, dash: ix.dash, index: j, items: 1}, nil
}

// oneItem is the edit of a store that touches one Credentials item, it, on
// lines [start, end]: replace rewrites it from old to c (itemEdits); else
// c goes in as a new item right after it, at its columns. linePut and
// seqPut both edit through it, so they write the same bytes.
func (t text) oneItem(it *yaml.Node, start, end int, old, c Credential, replace bool) ([]edit, error) {
	if replace {
		return t.itemEdits(it, start, end, old, c)
	}
	dash, key := t.itemCols(it)
	item, err := renderItem(dash, key, c)
	if err != nil {
		return nil, err
	}
	return []edit{{end + 1, end + 1, item}}, nil
}

// itemEdits rewrites only the fields of one item that change, so comments
// beside its other fields stay; an item it cannot edit field by field is
// rewritten whole, at its own columns.
func (t text) itemEdits(m *yaml.Node, start, end int, old, c Credential) ([]edit, error) {
	dash, key := t.itemCols(m)
	whole := func() ([]edit, error) {
		item, err := renderItem(dash, key, c)
		return []edit{{start, end + 1, item}}, err
	}
	type field struct {
		name, val  string
		literal    bool // a bool, written as is; strings are rendered as YAML scalars
		omit, diff bool
	}
	fields := []field{
		{"URI", c.URI, false, false, old.URI != c.URI},
		{"Auth", c.Auth, false, c.Auth == "", old.Auth != c.Auth},
		{"Insecure", strconv.FormatBool(c.Insecure), true, false, old.Insecure != c.Insecure},
	}
	// render writes f's value; a replaced string keeps the quotes of the
	// value it replaces.
	render := func(f field, style yaml.Style) (string, error) {
		if f.literal {
			return f.val, nil
		}
		return styled(f.val, style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle))
	}
	ends := t.pairEnds(m, end+1)
	var edits []edit
	prevEnd := -1
	for _, f := range fields {
		k, v, i := mappingValue(m, f.name)
		switch {
		case k != nil && f.omit:
			if k.Line-1 == start || ends[i] != k.Line-1 {
				return whole()
			}
			edits = append(edits, edit{k.Line - 1, k.Line, nil})
		case k != nil:
			if f.diff {
				val, err := render(f, v.Style)
				if err != nil {
					return whole()
				}
				e, err := t.replaceValue(v, val)
				if err != nil {
					return whole()
				}
				edits = append(edits, e)
			}
			prevEnd = ends[i]
		case !f.omit:
			if prevEnd < 0 {
				return whole()
			}
			val, err := render(f, 0)
			if err != nil {
				return nil, err
			}
			edits = append(edits, edit{prevEnd + 1, prevEnd + 1, []string{strings.Repeat(" ", key) + f.name + ": " + val}})
		}
	}
	return edits, nil
}

func (d *Document) lineRemove(idx []int) ([]byte, error) {
	t := splitText(d.src)
	k, v, pairEnd, starts, err := d.credentialsSeq(t)
	if err != nil {
		return nil, err
	}
	if k == nil || len(starts) != len(v.Content) {
		return nil, errLayout
	}
	if len(idx) == len(starts) {
		return t.apply([]edit{{k.Line - 1, pairEnd + 1, nil}}), nil
	}
	var edits []edit
	for _, j := range idx {
		edits = append(edits, edit{starts[j], t.itemEnd(starts, j, pairEnd) + 1, nil})
	}
	return t.apply(edits), nil
}

// remoteFields finds the block mapping of a remote for a line edit of one
// of its fields: the file's lines, the remote's node, and the last line of
// each of its fields.
func (d *Document) remoteFields(remote string) (t text, r *yaml.Node, fieldEnds []int, err error) {
	t = splitText(d.src)
	_, ends, err := d.rootLayout(t)
	if err != nil {
		return text{}, nil, nil, err
	}
	_, remotes, ri := mappingValue(d.root, "Remotes")
	if !isBlock(remotes, yaml.MappingNode) {
		return text{}, nil, nil, errLayout
	}
	_, r, i := mappingValue(remotes, remote)
	if !isBlock(r, yaml.MappingNode) || len(r.Content) == 0 {
		return text{}, nil, nil, errLayout
	}
	rEnd := t.pairEnds(remotes, ends[ri]+1)[i]
	return t, r, t.pairEnds(r, rEnd+1), nil
}

func (d *Document) lineSetToken(remote, token string) ([]byte, error) {
	t, r, fieldEnds, err := d.remoteFields(remote)
	if err != nil {
		return nil, err
	}
	val, err := scalar(token)
	if err != nil {
		return nil, err
	}
	tk, tv, ti := mappingValue(r, "Token")
	switch {
	case tk != nil && token == "":
		if fieldEnds[ti] != tk.Line-1 || len(r.Content) == 2 {
			return nil, errLayout
		}
		return t.apply([]edit{{tk.Line - 1, tk.Line, nil}}), nil
	case tk != nil:
		if q, err := styled(token, tv.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle)); err == nil {
			val = q
		}
		e, err := t.replaceValue(tv, val)
		if err != nil {
			return nil, err
		}
		return t.apply([]edit{e}), nil
	}
	first := r.Content[0]
	line := strings.Repeat(" ", byteCol(t.lines[first.Line-1], first.Column)) + "Token: " + val
	at := first.Line - 1
	if uk, _, ui := mappingValue(r, "URI"); uk != nil {
		at = fieldEnds[ui] + 1
	}
	return t.apply([]edit{{at, at, []string{line}}}), nil
}
