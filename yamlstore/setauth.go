package yamlstore

import (
	"fmt"

	"go.yaml.in/yaml/v4"
)

// SetAuth sets the Auth of the i-th Credentials entry and touches no other
// entry: unlike PutCredential it applies no same-login rule, so moving a
// secret between remote.yaml and the keyring never merges two logins of
// one host (docker://host and docker://host/team, or older duplicates).
// An empty auth removes the key, as the real programs omit it when empty.
func (d *Document) SetAuth(i int, auth string) error {
	if err := d.ensureTree(); err != nil {
		return err
	}
	if i < 0 || i >= len(d.cfg.Credentials) {
		return fmt.Errorf("no Credentials entry %d (the file has %d)", i, len(d.cfg.Credentials))
	}
	if err := checkValue("Auth", auth); err != nil {
		return err
	}
	c := d.cfg.Credentials[i]
	if c.Auth == auth {
		return nil
	}
	c.Auth = auth
	want := cloneConfig(d.cfg)
	want.Credentials[i] = c
	return d.apply(want,
		func() ([]byte, error) { return d.linePut(c, []int{i}) },
		func(root *yaml.Node) error { return treePut(root, c, []int{i}) })
}
