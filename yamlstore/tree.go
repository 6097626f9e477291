package yamlstore

import (
	"strconv"

	"go.yaml.in/yaml/v4"
)

// The tree edits below are the fallback for layouts the line edits do not
// handle. They change the node tree, which go-yaml v4 then re-encodes: content,
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

// nodeIndexes maps indexes of Config.Credentials to items of the sequence
// node: decoding skips null items ("-" alone), so the two can differ.
func nodeIndexes(seq *yaml.Node, idx []int) []int {
	var nodes []int
	for n, item := range seq.Content {
		if !isNull(item) {
			nodes = append(nodes, n)
		}
	}
	out := make([]int, 0, len(idx))
	for _, i := range idx {
		if i < len(nodes) {
			out = append(out, nodes[i])
		}
	}
	return out
}

// nullsExplicit writes empty nulls as "null": go-yaml v4 would re-encode an
// empty null in flow style as an empty quoted string, which is no null.
func nullsExplicit(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" {
		n.Value = "null"
	}
	for _, c := range n.Content {
		nullsExplicit(c)
	}
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
	nodes := nodeIndexes(v, matches)
	v.Content[nodes[0]] = credentialNode(c)
	return treeRemoveItems(root, v, nodes[1:])
}

func treeRemove(root *yaml.Node, idx []int) error {
	_, v, _ := mappingValue(root, "Credentials")
	if v == nil || v.Kind != yaml.SequenceNode {
		return errLayout
	}
	return treeRemoveItems(root, v, nodeIndexes(v, idx))
}

// treeRemoveItems removes the items at node indexes idx; with the last
// non-null item gone, the Credentials key goes too.
func treeRemoveItems(root, seq *yaml.Node, idx []int) error {
	seq.Content = withoutIndexes(seq.Content, idx)
	if len(nodeIndexes(seq, []int{0})) == 0 {
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
