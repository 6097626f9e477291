package yamlstore

import (
	"reflect"
	"testing"
)

// sameConfig must agree with the slow, obviously right comparison on every
// real file, and see a change to any field of any type, including fields
// added to the schema later (they are found by reflection).
func TestSameConfig(t *testing.T) {
	slow := func(a, b Config) bool { return reflect.DeepEqual(normalize(a), normalize(b)) }
	for name, data := range fixtures(t) {
		cfg, err := DecodeStrict(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !sameConfig(cfg, cloneConfig(cfg)) || !sameConfig(cfg, normalize(cfg)) {
			t.Errorf("%s: a copy differs", name)
		}
		for i, changed := range variants(cfg) {
			if got, want := sameConfig(cfg, changed), slow(cfg, changed); got != want {
				t.Errorf("%s, variant %d: sameConfig %v, DeepEqual %v", name, i, got, want)
			}
			if got, want := sameConfig(changed, cfg), slow(changed, cfg); got != want {
				t.Errorf("%s, variant %d (swapped): sameConfig %v, DeepEqual %v", name, i, got, want)
			}
		}
	}
	if sameConfig(Config{Credentials: []Credential{}}, Config{}) != true {
		t.Error("nil and empty Credentials differ")
	}
}

// variants returns copies of c with one field changed each: every field of
// the Config, of each remote, keyserver and credential.
func variants(c Config) []Config {
	var out []Config
	change := func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "x")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		}
	}
	structFields := func(mk func() (Config, reflect.Value)) {
		_, s := mk()
		for f := 0; f < s.NumField(); f++ {
			k := s.Field(f).Kind()
			if k != reflect.String && k != reflect.Bool {
				continue
			}
			cp, s := mk()
			change(s.Field(f))
			out = append(out, cp)
		}
	}
	structFields(func() (Config, reflect.Value) { cp := cloneConfig(c); return cp, reflect.ValueOf(&cp).Elem() })
	for name, r := range c.Remotes {
		if r == nil {
			continue
		}
		structFields(func() (Config, reflect.Value) {
			cp := cloneConfig(c)
			return cp, reflect.ValueOf(cp.Remotes[name]).Elem()
		})
		for i := range r.Keyservers {
			structFields(func() (Config, reflect.Value) {
				cp := cloneConfig(c)
				return cp, reflect.ValueOf(&cp.Remotes[name].Keyservers[i]).Elem()
			})
		}
		cp := cloneConfig(c)
		cp.Remotes[name].Keyservers = append(cp.Remotes[name].Keyservers, Keyserver{URI: "k"})
		out = append(out, cp)
		cp = cloneConfig(c)
		delete(cp.Remotes, name)
		out = append(out, cp)
	}
	for i := range c.Credentials {
		structFields(func() (Config, reflect.Value) {
			cp := cloneConfig(c)
			return cp, reflect.ValueOf(&cp.Credentials[i]).Elem()
		})
	}
	cp := cloneConfig(c)
	cp.Credentials = append(cp.Credentials, Credential{URI: "docker://new"})
	out = append(out, cp)
	cp = cloneConfig(c)
	if cp.Remotes == nil {
		cp.Remotes = map[string]*Remote{}
	}
	cp.Remotes["new"] = &Remote{}
	out = append(out, cp)
	return out
}
