package importer

import (
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/setup"
)

// PutBack puts every login import moved out of a file of tools back into
// that file, from store (setup.PutBack): called by setup --undo, which
// points those tools back at their own files, so that no login is left
// only where they no longer look. store keeps its copy.
func PutBack(env setup.Env, store *credstore.Store, tools []string) ([]setup.Change, error) {
	where := store.File.Path
	if store.Secrets == credstore.InKeyring {
		where = "the OS keyring"
	}
	return setup.PutBack(env, tools, where, func(uri string) (json.RawMessage, bool, error) {
		l, err := store.Get(func(u string) int {
			if u == uri {
				return 1
			}
			return 0
		})
		if errors.Is(err, credstore.ErrNotFound) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		return authsEntry(l.Username, l.Secret), true, nil
	})
}

// authsEntry is the "auths" member docker login writes for the login, the
// form credential() reads.
func authsEntry(user, secret string) json.RawMessage {
	e := map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))}
	if user == credstore.TokenUser {
		e = map[string]string{"identitytoken": secret}
	}
	b, _ := json.Marshal(e)
	return b
}
