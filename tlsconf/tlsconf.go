// Package tlsconf builds the TLS client configuration remote-login uses for
// one server: the roots the caller already trusts (the system pool, which
// honours SSL_CERT_FILE), plus the server's per-host certificate directory
// as Docker and the containers tools (podman, skopeo, buildah) read it, plus
// a CA file the user names. It only adds trust; it never removes any.
//
// A per-host directory is named HOST[:PORT], exactly as the registry is
// written in an image reference, and is looked up under, in order:
//
//	~/.docker/certs.d/           (Docker, rootless)
//	/etc/docker/certs.d/         (Docker, and containers/image)
//	~/.config/containers/certs.d/ (containers/image, rootless)
//	/etc/containers/certs.d/     (containers/image)
//
// In every directory found, *.crt files are CA certificates and each
// NAME.cert with its NAME.key is a client certificate, as both tools read
// them (containers-certs.d(5)).
package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultSystemDirs are the system-wide certs.d roots; tests pass their own.
var DefaultSystemDirs = []string{"/etc/docker/certs.d", "/etc/containers/certs.d"}

// Sources says where trust comes from. The zero value adds nothing.
type Sources struct {
	// Home is the user's home directory; empty skips the user roots.
	Home string
	// SystemDirs are the system certs.d roots, DefaultSystemDirs in use.
	SystemDirs []string
	// CAFile is a PEM file of CA certificates added to the pool (--ca-file).
	CAFile string
}

// Roots lists the certs.d roots in the order they are read.
func (s Sources) Roots() []string {
	var roots []string
	if s.Home != "" {
		roots = append(roots, filepath.Join(s.Home, ".docker", "certs.d"))
	}
	if len(s.SystemDirs) > 0 {
		roots = append(roots, s.SystemDirs[0])
	}
	if s.Home != "" {
		roots = append(roots, filepath.Join(s.Home, ".config", "containers", "certs.d"))
	}
	if len(s.SystemDirs) > 1 {
		roots = append(roots, s.SystemDirs[1:]...)
	}
	return roots
}

// Loaded is what Config added, for messages.
type Loaded struct {
	Files []string // every CA and client certificate file read
}

// Config returns base (nil: an empty config, which means the system roots)
// with the CAs and client certificates for host (HOST[:PORT]) added. base
// is not changed. An unreadable or malformed file is an error naming it:
// a CA the user put in place and that is silently skipped would only
// reappear as an "unknown authority" error far from its cause.
func (s Sources) Config(base *tls.Config, host string) (*tls.Config, Loaded, error) {
	var loaded Loaded
	cfg := &tls.Config{}
	if base != nil {
		cfg = base.Clone()
	}
	var pems [][]byte
	var pemFiles []string
	if s.CAFile != "" {
		b, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, loaded, fmt.Errorf("reading --ca-file: %w", err)
		}
		pems, pemFiles = append(pems, b), append(pemFiles, s.CAFile)
	}
	if host != "" && !strings.ContainsAny(host, `/\`) && host != "." && host != ".." {
		for _, root := range s.Roots() {
			dir := filepath.Join(root, host)
			entries, err := os.ReadDir(dir)
			if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) && strings.HasPrefix(root, "/etc/") {
				// A system directory this user may not read is not theirs
				// to fix; Docker and podman skip it too.
				continue
			}
			if err != nil {
				return nil, loaded, fmt.Errorf("reading %s: %w", dir, err)
			}
			names := make([]string, 0, len(entries))
			for _, e := range entries {
				names = append(names, e.Name())
			}
			sort.Strings(names)
			for _, name := range names {
				p := filepath.Join(dir, name)
				switch filepath.Ext(name) {
				case ".crt":
					b, err := os.ReadFile(p)
					if err != nil {
						return nil, loaded, fmt.Errorf("reading %s: %w", p, err)
					}
					pems, pemFiles = append(pems, b), append(pemFiles, p)
				case ".cert":
					key := strings.TrimSuffix(p, ".cert") + ".key"
					pair, err := tls.LoadX509KeyPair(p, key)
					if err != nil {
						return nil, loaded, fmt.Errorf("client certificate %s with %s: %w", p, filepath.Base(key), err)
					}
					cfg.Certificates = append(cfg.Certificates, pair)
					loaded.Files = append(loaded.Files, p)
				case ".key":
					if _, err := os.Stat(strings.TrimSuffix(p, ".key") + ".cert"); err != nil {
						return nil, loaded, fmt.Errorf("%s has no %s beside it: a client key needs its certificate", p, strings.TrimSuffix(name, ".key")+".cert")
					}
				}
			}
		}
	}
	if len(pems) == 0 {
		return cfg, loaded, nil
	}
	pool := cfg.RootCAs
	if pool == nil {
		sys, err := x509.SystemCertPool()
		if err != nil || sys == nil {
			sys = x509.NewCertPool()
		}
		pool = sys
	} else {
		pool = pool.Clone()
	}
	for i, b := range pems {
		if !pool.AppendCertsFromPEM(b) {
			return nil, loaded, fmt.Errorf("%s holds no PEM certificate", pemFiles[i])
		}
		loaded.Files = append(loaded.Files, pemFiles[i])
	}
	cfg.RootCAs = pool
	return cfg, loaded, nil
}
