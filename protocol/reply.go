package protocol

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/docker/docker-credential-helpers/credentials"
)

// writeList serves list as credentials.List does, and writes the same
// bytes: json.NewEncoder(w).Encode of the map, one Write. encoding/json
// gets there through reflection, sorting reflect.Values and escaping
// every string byte by byte: three of the eleven million instructions of
// a list of 1,000 logins (callgrind). Here the keys come sorted from
// Helper.listed, and a string needs escaping only when it holds a byte
// outside printable ASCII or one of " \ < > &; such a string is encoded
// by encoding/json itself, so its escapes are json's by construction.
// TestWriteList_sameBytesAsEncodingJSON holds the whole reply to
// encoding/json's.
func writeList(h credentials.Helper, w io.Writer) error {
	var listed []listEntry
	if hh, ok := h.(Helper); ok {
		var err error
		if listed, err = hh.listed(); err != nil {
			return err
		}
	} else {
		accts, err := h.List()
		if err != nil {
			return err
		}
		if accts == nil {
			_, err = io.WriteString(w, "null\n")
			return err
		}
		listed = sortedEntries(accts)
	}
	n := len("{}\n")
	for _, e := range listed {
		n += len(e.key) + len(e.user) + len(`"":"",`) // escapes may still grow it
	}
	_, err := w.Write(appendListReply(make([]byte, 0, n), listed))
	return err
}

// writeGet serves get as credentials.Get does, step for step (the same
// scanner joins the input's lines, the same trim, the same errors, a write
// error ignored), and writes the same bytes: json.NewEncoder(w).Encode of
// the Credentials. encoding/json's first use of that type builds its
// encoder by reflection: 85,000 instructions, a fifteenth of a get over 10
// logins (callgrind). TestWriteGet_sameAsCredentialsGet holds it to
// credentials.Get.
func writeGet(h credentials.Helper, r io.Reader, w io.Writer) error {
	scanner := bufio.NewScanner(r)
	var in bytes.Buffer
	for scanner.Scan() {
		in.Write(scanner.Bytes())
	}
	if err := scanner.Err(); err != nil && err != io.EOF {
		return err
	}
	serverURL := strings.TrimSpace(in.String())
	if len(serverURL) == 0 {
		return credentials.NewErrCredentialsMissingServerURL()
	}
	username, secret, err := h.Get(serverURL)
	if err != nil {
		return err
	}
	b := make([]byte, 0, len(`{"ServerURL":"","Username":"","Secret":""}`+"\n")+len(serverURL)+len(username)+len(secret))
	b = append(b, `{"ServerURL":`...)
	b = appendJSONString(b, serverURL)
	b = append(b, `,"Username":`...)
	b = appendJSONString(b, username)
	b = append(b, `,"Secret":`...)
	b = appendJSONString(b, secret)
	_, _ = w.Write(append(b, "}\n"...))
	return nil
}

// sortedEntries is the map's entries in encoding/json's order: by key,
// byte by byte.
func sortedEntries(accts map[string]string) []listEntry {
	out := make([]listEntry, 0, len(accts))
	for k, v := range accts {
		out = append(out, listEntry{k, v})
	}
	slices.SortFunc(out, func(a, b listEntry) int { return strings.Compare(a.key, b.key) })
	return out
}

// appendListReply appends the JSON object of listed (sorted by key, keys
// distinct) and a newline, as json.Encoder.Encode writes a map.
func appendListReply(b []byte, listed []listEntry) []byte {
	b = append(b, '{')
	for i, e := range listed {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, e.key)
		b = append(b, ':')
		b = appendJSONString(b, e.user)
	}
	return append(b, "}\n"...)
}

// appendJSONString appends s as encoding/json writes a string with HTML
// escaping (the Encoder's default).
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
