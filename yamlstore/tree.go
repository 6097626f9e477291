package yamlstore

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// The tree edits below are the fallback for layouts the line edits do not
// handle. They change the node tree, which yaml.v3 then re-encodes: content,
// comments and key order survive, spacing and quoting may not.

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func credentialNode(c Credential) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, str("URI"), str(c.URI))
	if c.Auth != "" {
		m.Content = append(m.Content, str("Auth"), str(c.Auth))
	}
	m.Content = append(m.Content, str("Insecure"),
		&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(c.Insecure)})
	return m
}

func dropPair(m *yaml.Node, i int) {
	m.Content = append(m.Content[:2*i], m.Content[2*i+2:]...)
}

func treePut(root *yaml.Node, c Credential, matches []int) error {
	_, v, _ := mappingValue(root, "Credentials")
	if v == nil {
		root.Content = append(root.Content, str("Credentials"), &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"})
		v = root.Content[len(root.Content)-1]
	}
	if v.Kind != yaml.SequenceNode {
		*v = yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	if len(matches) == 0 {
		v.Content = append(v.Content, credentialNode(c))
		return nil
	}
	v.Content[matches[0]] = credentialNode(c)
	return treeRemoveItems(root, v, matches[1:])
}

func treeRemove(root *yaml.Node, idx []int) error {
	_, v, _ := mappingValue(root, "Credentials")
	if v == nil || v.Kind != yaml.SequenceNode {
		return errLayout
	}
	return treeRemoveItems(root, v, idx)
}

func treeRemoveItems(root, seq *yaml.Node, idx []int) error {
	drop := map[int]bool{}
	for _, i := range idx {
		drop[i] = true
	}
	kept := seq.Content[:0:0]
	for i, n := range seq.Content {
		if !drop[i] {
			kept = append(kept, n)
		}
	}
	seq.Content = kept
	if len(kept) == 0 {
		_, _, i := mappingValue(root, "Credentials")
		dropPair(root, i)
	}
	return nil
}

func treeSetToken(root *yaml.Node, remote, token string) error {
	_, remotes, _ := mappingValue(root, "Remotes")
	_, r, _ := mappingValue(remotes, remote)
	if r == nil || r.Kind != yaml.MappingNode {
		return errLayout
	}
	_, tv, ti := mappingValue(r, "Token")
	switch {
	case tv != nil && token == "":
		dropPair(r, ti)
	case tv != nil:
		*tv = *str(token)
	default:
		at := 0
		if _, _, ui := mappingValue(r, "URI"); ui >= 0 {
			at = 2 * (ui + 1)
		}
		r.Content = append(r.Content[:at], append([]*yaml.Node{str("Token"), str(token)}, r.Content[at:]...)...)
	}
	return nil
}
