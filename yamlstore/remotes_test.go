package yamlstore

import "testing"

func TestDocument_PutRemoteSetActive(t *testing.T) {
	sys := Remote{URI: "cloud.example.org", System: true}
	tests := []struct {
		name, in, want string
	}{
		{"sorted in, the file's indent and comments kept",
			"# my remotes\nRemotes:\n  alpha:\n    URI: a # first\n    System: false\n    Exclusive: false\n  zeta:\n    URI: z\n    System: false\n    Exclusive: false\n",
			"# my remotes\nActive: Cloud\nRemotes:\n  Cloud:\n    URI: cloud.example.org\n    System: true\n    Exclusive: false\n  alpha:\n    URI: a # first\n    System: false\n    Exclusive: false\n  zeta:\n    URI: z\n    System: false\n    Exclusive: false\n"},
		{"Active replaced in place, Credentials untouched",
			"Active: zeta\nRemotes:\n    zeta:\n        URI: z\n        System: false\n        Exclusive: false\nCredentials:\n    - URI: docker://r\n      Insecure: false\n",
			"Active: Cloud\nRemotes:\n    Cloud:\n        URI: cloud.example.org\n        System: true\n        Exclusive: false\n    zeta:\n        URI: z\n        System: false\n        Exclusive: false\nCredentials:\n    - URI: docker://r\n      Insecure: false\n"},
		{"flow style falls back to the tree", "{Remotes: {}}\n", ""},
		{"empty file", "", "Active: Cloud\nRemotes:\n    Cloud:\n        URI: cloud.example.org\n        System: true\n        Exclusive: false\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := d.PutRemote("Cloud", sys); err != nil {
				t.Fatal(err)
			}
			if err := d.SetActive("Cloud"); err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && string(d.Bytes()) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", d.Bytes(), tt.want)
			}
			cfg, err := DecodeStrict(d.Bytes())
			if err != nil || cfg.Active != "Cloud" || cfg.Remotes["Cloud"] == nil || cfg.Remotes["Cloud"].URI != sys.URI || !cfg.Remotes["Cloud"].System {
				t.Errorf("decodes to %+v, %v", cfg, err)
			}
			before := string(d.Bytes())
			if err := d.PutRemote("Cloud", sys); err != nil || string(d.Bytes()) != before {
				t.Errorf("putting the same remote again changed the file (err %v)", err)
			}
		})
	}
}

func TestDocument_SetRemoteInsecure(t *testing.T) {
	tests := []struct {
		name, in, want string
		insecure       bool
	}{
		{"added after Exclusive, comments and the other remote kept",
			"# mine\nRemotes:\n    lib:\n        URI: //h:8080 # port\n        Token: t\n        System: false\n        Exclusive: false\n    z:\n        URI: z\n        System: false\n        Exclusive: false\n",
			"# mine\nRemotes:\n    lib:\n        URI: //h:8080 # port\n        Token: t\n        System: false\n        Exclusive: false\n        Insecure: true\n    z:\n        URI: z\n        System: false\n        Exclusive: false\n", true},
		{"replaced in place",
			"Remotes:\n  lib:\n    URI: h\n    Insecure: false\n    System: false\n    Exclusive: false\n",
			"Remotes:\n  lib:\n    URI: h\n    Insecure: true\n    System: false\n    Exclusive: false\n", true},
		{"after URI when it is the only key before", "Remotes:\n    lib:\n        URI: h\n", "Remotes:\n    lib:\n        URI: h\n        Insecure: true\n", true},
		{"flow style falls back to the tree", "{Remotes: {lib: {URI: h, System: false, Exclusive: false}}}\n", "", true},
		{"already so: unchanged", "Remotes:\n    lib:\n        URI: h\n        Insecure: true\n", "Remotes:\n    lib:\n        URI: h\n        Insecure: true\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := d.SetRemoteInsecure("lib", tt.insecure); err != nil {
				t.Fatal(err)
			}
			if tt.want != "" && string(d.Bytes()) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", d.Bytes(), tt.want)
			}
			cfg, err := DecodeStrict(d.Bytes())
			if err != nil || cfg.Remotes["lib"] == nil || cfg.Remotes["lib"].Insecure != tt.insecure || cfg.Remotes["lib"].URI == "" {
				t.Errorf("decodes to %+v, %v", cfg, err)
			}
		})
	}
	d, _ := Parse([]byte("Remotes:\n    a:\n        URI: h\n"))
	if err := d.SetRemoteInsecure("none", true); err == nil {
		t.Errorf("no error for a remote that is not there")
	}
}
