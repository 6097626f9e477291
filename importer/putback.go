package importer

import (
	"encoding/base64"
	"encoding/json"
	"errors"

	"github.com/remoteyaml/remoteyaml/atomicfile"
	"github.com/remoteyaml/remoteyaml/credstore"
	"github.com/remoteyaml/remoteyaml/setup"
)

// PutBack puts every login import moved out of a file whose tool no longer
// asks the helper for it back into that file, from store (setup.PutBack):
// called by setup --undo, which points the tools back at their own files,
// so that no login is left only where they no longer look. store keeps its
// copy.
func PutBack(env setup.Env, store *credstore.Store) ([]setup.Change, error) {
	where := store.File.Path
	if store.Secrets == credstore.InKeyring {
		where = "the OS keyring"
	}
	return setup.PutBack(env, where, func(uri string) (json.RawMessage, bool, error) {
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
	}, func(im setup.Imported) bool {
		// As import decided it could take the login: the tool asks the
		// helper for it through that file (or the drop-in).
		data, _, err := atomicfile.ReadFile(im.Path)
		if err != nil {
			return true // unreadable: keep the record, undo again once fixed
		}
		var f authFile
		if len(data) > 0 {
			if f, err = parseAuthFile(im.Path, data); err != nil {
				return true
			}
		}
		asks, _ := helperFor(env, Source{Tool: im.Tool, Path: im.Path}, f, im.Key)
		return asks
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
