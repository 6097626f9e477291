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
