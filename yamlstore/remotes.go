package yamlstore

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// This file holds the edits that copy system remotes into the user file
// (package sysremote): add or refresh a remote, set Active. Like the other
// edits they change only the lines concerned where the layout allows it,
// and fall back to the node tree otherwise.

// PutRemote makes the named remote hold r: a new remote is inserted where
// the real programs' sorted order puts it, an existing one is replaced.
func (d *Document) PutRemote(name string, r Remote) error {
	if err := d.ensureTree(); err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("a remote needs a name")
	}
	for k, v := range map[string]string{"remote name": name, "URI": r.URI, "Token": r.Token} {
		if err := checkValue(k, v); err != nil {
			return err
		}
	}
	old, exists := d.cfg.Remotes[name]
	if exists && old != nil && reflect.DeepEqual(normalize(Config{Remotes: map[string]*Remote{name: old}}), normalize(Config{Remotes: map[string]*Remote{name: &r}})) {
		return nil
	}
	want := cloneConfig(d.cfg)
	if want.Remotes == nil {
		want.Remotes = map[string]*Remote{}
	}
	cp := r
	want.Remotes[name] = &cp
	lines := func() ([]byte, error) { return d.lineAddRemote(name, r) }
	if exists {
		lines = func() ([]byte, error) { return nil, errLayout }
	}
	return d.apply(want, lines, func(root *yaml.Node) error { return treePutRemote(root, name, r) })
}

// SetActive makes name the Active remote.
func (d *Document) SetActive(name string) error {
	if err := d.ensureTree(); err != nil {
		return err
	}
	if err := checkValue("Active", name); err != nil {
		return err
	}
	if d.cfg.Active == name {
		return nil
	}
	want := cloneConfig(d.cfg)
	want.Active = name
	return d.apply(want,
		func() ([]byte, error) { return d.lineSetActive(name) },
		func(root *yaml.Node) error { return treeSetActive(root, name) })
}

func (d *Document) lineSetActive(name string) ([]byte, error) {
	t := splitText(d.src)
	if _, _, err := d.rootLayout(t); err != nil {
		return nil, err
	}
	val, err := scalar(name)
	if err != nil {
		return nil, err
	}
	k, v, _ := mappingValue(d.root, "Active")
	if k != nil {
		e, err := t.replaceValue(v, val)
		if err != nil {
			return nil, err
		}
		return t.apply([]edit{e}), nil
	}
	first := d.root.Content[0]
	line := strings.Repeat(" ", byteCol(t.lines[first.Line-1], first.Column)) + "Active: " + val
	return t.apply([]edit{{first.Line - 1, first.Line - 1, []string{line}}}), nil
}

// lineAddRemote inserts a remote without keyservers into a block-mapping
// Remotes, indented like the remotes already there.
func (d *Document) lineAddRemote(name string, r Remote) ([]byte, error) {
	if len(r.Keyservers) > 0 {
		return nil, errLayout
	}
	t := splitText(d.src)
	_, ends, err := d.rootLayout(t)
	if err != nil {
		return nil, err
	}
	_, remotes, ri := mappingValue(d.root, "Remotes")
	if !isBlock(remotes, yaml.MappingNode) || len(remotes.Content) == 0 {
		return nil, errLayout
	}
	first := remotes.Content[0]
	keyCol := byteCol(t.lines[first.Line-1], first.Column)
	body := remotes.Content[1]
	if !isBlock(body, yaml.MappingNode) || len(body.Content) == 0 || body.Content[0].Line == first.Line {
		return nil, errLayout
	}
	fieldCol := byteCol(t.lines[body.Content[0].Line-1], body.Content[0].Column)
	if fieldCol <= keyCol {
		return nil, errLayout
	}
	key, err := scalar(name)
	if err != nil {
		return nil, err
	}
	pad, fpad := strings.Repeat(" ", keyCol), strings.Repeat(" ", fieldCol)
	out := []string{pad + key + ":"}
	if r.URI != "" {
		uri, err := scalar(r.URI)
		if err != nil {
			return nil, err
		}
		out = append(out, fpad+"URI: "+uri)
	}
	if r.Token != "" {
		tok, err := scalar(r.Token)
		if err != nil {
			return nil, err
		}
		out = append(out, fpad+"Token: "+tok)
	}
	out = append(out, fpad+"System: "+strconv.FormatBool(r.System), fpad+"Exclusive: "+strconv.FormatBool(r.Exclusive))
	if r.Insecure {
		out = append(out, fpad+"Insecure: true")
	}
	pairEnds := t.pairEnds(remotes, ends[ri]+1)
	// Before the first remote that sorts after it; the real programs write
	// remotes sorted, and a hand-made order is kept as it is.
	at := pairEnds[len(pairEnds)-1] + 1
	for i := 0; i < len(remotes.Content); i += 2 {
		if remotes.Content[i].Value > name {
			if i == 0 {
				at = remotes.Content[0].Line - 1
			} else {
				at = pairEnds[i/2-1] + 1
			}
			break
		}
	}
	return t.apply([]edit{{at, at, out}}), nil
}

func remoteNode(r Remote) (*yaml.Node, error) {
	var n yaml.Node
	if err := n.Encode(&r); err != nil {
		return nil, err
	}
	return &n, nil
}

func treePutRemote(root *yaml.Node, name string, r Remote) error {
	n, err := remoteNode(r)
	if err != nil {
		return err
	}
	_, remotes, _ := mappingValue(root, "Remotes")
	if remotes == nil {
		root.Content = append(root.Content, str("Remotes"), &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"})
		remotes = root.Content[len(root.Content)-1]
	}
	if remotes.Kind != yaml.MappingNode {
		*remotes = yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	}
	remotes.Style &^= yaml.FlowStyle
	if _, v, _ := mappingValue(remotes, name); v != nil {
		*v = *n
		return nil
	}
	at := len(remotes.Content)
	for i := 0; i < len(remotes.Content); i += 2 {
		if remotes.Content[i].Value > name {
			at = i
			break
		}
	}
	remotes.Content = append(remotes.Content[:at], append([]*yaml.Node{str(name), n}, remotes.Content[at:]...)...)
	return nil
}

func treeSetActive(root *yaml.Node, name string) error {
	if _, v, _ := mappingValue(root, "Active"); v != nil {
		*v = *str(name)
		return nil
	}
	root.Content = append([]*yaml.Node{str("Active"), str(name)}, root.Content...)
	return nil
}

// SetRemoteInsecure sets a remote's Insecure, the key `remote add
// --insecure` writes: with it Apptainer and SingularityCE reach the
// remote's discovery over plain http. Only the line concerned changes: the
// value where the key is, else a new line after the last of URI, Token,
// System and Exclusive (where yaml.Marshal puts it).
func (d *Document) SetRemoteInsecure(remote string, insecure bool) error {
	if err := d.ensureTree(); err != nil {
		return err
	}
	r, ok := d.cfg.Remotes[remote]
	if !ok || r == nil {
		return fmt.Errorf("%w %q", ErrNoRemote, remote)
	}
	if r.Insecure == insecure {
		return nil
	}
	want := cloneConfig(d.cfg)
	want.Remotes[remote].Insecure = insecure
	return d.apply(want,
		func() ([]byte, error) { return d.lineSetRemoteInsecure(remote, insecure) },
		func(root *yaml.Node) error { return treeSetRemoteInsecure(root, remote, insecure) })
}

// insecureAfter are the remote keys yaml.Marshal writes before Insecure.
var insecureAfter = []string{"URI", "Token", "System", "Exclusive"}

func (d *Document) lineSetRemoteInsecure(remote string, insecure bool) ([]byte, error) {
	t, r, fieldEnds, err := d.remoteFields(remote)
	if err != nil {
		return nil, err
	}
	val := strconv.FormatBool(insecure)
	if _, v, _ := mappingValue(r, "Insecure"); v != nil {
		e, err := t.replaceValue(v, val)
		if err != nil {
			return nil, err
		}
		return t.apply([]edit{e}), nil
	}
	first := r.Content[0]
	if first.Line-1 >= len(t.lines) {
		return nil, errLayout
	}
	at := -1
	for _, k := range insecureAfter {
		if kn, _, ki := mappingValue(r, k); kn != nil && fieldEnds[ki]+1 > at {
			at = fieldEnds[ki] + 1
		}
	}
	if at < 0 {
		return nil, errLayout
	}
	line := strings.Repeat(" ", byteCol(t.lines[first.Line-1], first.Column)) + "Insecure: " + val
	return t.apply([]edit{{at, at, []string{line}}}), nil
}

func treeSetRemoteInsecure(root *yaml.Node, remote string, insecure bool) error {
	_, remotes, _ := mappingValue(root, "Remotes")
	_, r, _ := mappingValue(remotes, remote)
	if r == nil || r.Kind != yaml.MappingNode {
		return errLayout
	}
	v := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(insecure)}
	if _, old, _ := mappingValue(r, "Insecure"); old != nil {
		*old = *v
		return nil
	}
	at := 0
	for _, k := range insecureAfter {
		if _, _, ki := mappingValue(r, k); ki >= 0 && 2*(ki+1) > at {
			at = 2 * (ki + 1)
		}
	}
	r.Content = append(r.Content[:at], append([]*yaml.Node{str("Insecure"), v}, r.Content[at:]...)...)
	return nil
}
