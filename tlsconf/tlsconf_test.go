package tlsconf

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testCA is a CA with a server certificate for 127.0.0.1 and a client
// certificate, as PEM.
type testCA struct {
	caPEM                 []byte
	serverCert            tls.Certificate
	clientCert, clientKey []byte
	pool                  *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "tlsconf test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := func(serial int64, usage x509.ExtKeyUsage, ip net.IP) ([]byte, []byte) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "leaf"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, KeyUsage: x509.KeyUsageDigitalSignature}
		if ip != nil {
			tmpl.IPAddresses = []net.IP{ip}
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalECPrivateKey(k)
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb})
	}
	ca := &testCA{caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), pool: x509.NewCertPool()}
	ca.pool.AddCert(caCert)
	sc, sk := leaf(2, x509.ExtKeyUsageServerAuth, net.ParseIP("127.0.0.1"))
	if ca.serverCert, err = tls.X509KeyPair(sc, sk); err != nil {
		t.Fatal(err)
	}
	ca.clientCert, ca.clientKey = leaf(3, x509.ExtKeyUsageClientAuth, nil)
	return ca
}

// server runs HTTPS with the CA's server certificate; requireClient asks
// for a client certificate of the CA.
func (ca *testCA) server(t *testing.T, requireClient bool) string {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{ca.serverCert}}
	if requireClient {
		srv.TLS.ClientAuth, srv.TLS.ClientCAs = tls.RequireAndVerifyClientCert, ca.pool
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "https://")
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSources_Config(t *testing.T) {
	ca := newTestCA(t)
	tests := []struct {
		name          string
		requireClient bool
		// files are written under root with HOST replaced by the server's
		// host:port: home/..., etc/docker/..., etc/containers/..., ca.pem.
		files      map[string][]byte
		caFile     bool
		wantErr    string // from Config
		wantDialOK bool
	}{
		{name: "nothing: unknown authority"},
		{name: "--ca-file", caFile: true, wantDialOK: true},
		{name: "~/.docker/certs.d", files: map[string][]byte{"home/.docker/certs.d/HOST/ca.crt": ca.caPEM}, wantDialOK: true},
		{name: "/etc/docker/certs.d", files: map[string][]byte{"etc/docker/certs.d/HOST/my-ca.crt": ca.caPEM}, wantDialOK: true},
		{name: "~/.config/containers/certs.d", files: map[string][]byte{"home/.config/containers/certs.d/HOST/ca.crt": ca.caPEM}, wantDialOK: true},
		{name: "/etc/containers/certs.d", files: map[string][]byte{"etc/containers/certs.d/HOST/ca.crt": ca.caPEM}, wantDialOK: true},
		{name: "another host's directory is not used", files: map[string][]byte{"home/.docker/certs.d/127.0.0.1/ca.crt": ca.caPEM}},
		{name: "only *.crt are CAs", files: map[string][]byte{"home/.docker/certs.d/HOST/ca.pem": ca.caPEM}},
		{name: "client certificate pair", requireClient: true,
			files:      map[string][]byte{"home/.docker/certs.d/HOST/ca.crt": ca.caPEM, "home/.docker/certs.d/HOST/me.cert": ca.clientCert, "home/.docker/certs.d/HOST/me.key": ca.clientKey},
			wantDialOK: true},
		{name: "client certificate required, none", requireClient: true, files: map[string][]byte{"home/.docker/certs.d/HOST/ca.crt": ca.caPEM}},
		{name: "malformed CA file names it", files: map[string][]byte{"home/.docker/certs.d/HOST/ca.crt": []byte("not pem")}, wantErr: "ca.crt holds no PEM certificate"},
		{name: "key without its cert", files: map[string][]byte{"home/.docker/certs.d/HOST/me.key": ca.clientKey}, wantErr: "me.key has no me.cert beside it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host := ca.server(t, tt.requireClient)
			root := t.TempDir()
			for p, data := range tt.files {
				write(t, filepath.Join(root, strings.ReplaceAll(p, "HOST", host)), data)
			}
			s := Sources{Home: filepath.Join(root, "home"), SystemDirs: []string{filepath.Join(root, "etc/docker/certs.d"), filepath.Join(root, "etc/containers/certs.d")}}
			if tt.caFile {
				s.CAFile = filepath.Join(root, "ca.pem")
				write(t, s.CAFile, ca.caPEM)
			}
			// The base's own roots (here: none but the system's) are kept.
			cfg, _, err := s.Config(nil, host)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Config: %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			conn, err := tls.Dial("tcp", host, cfg)
			if err == nil {
				// TLS 1.3 reports a refused client certificate on the first read.
				_, err = conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
				if err == nil {
					_, err = conn.Read(make([]byte, 1))
				}
				conn.Close()
			}
			if got := err == nil; got != tt.wantDialOK {
				t.Errorf("TLS connection error %v, want success %v", err, tt.wantDialOK)
			}
		})
	}
}

func TestSources_ConfigKeepsBaseRoots(t *testing.T) {
	ca := newTestCA(t)
	host := ca.server(t, false)
	base := &tls.Config{RootCAs: ca.pool}
	cfg, _, err := Sources{CAFile: writeTemp(t, ca.caPEM)}.Config(base, host)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RootCAs == base.RootCAs {
		t.Error("Config added to the caller's pool instead of a copy")
	}
	conn, err := tls.Dial("tcp", host, cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

func writeTemp(t *testing.T, data []byte) string {
	p := filepath.Join(t.TempDir(), "ca.pem")
	write(t, p, data)
	return p
}

func TestSources_Roots(t *testing.T) {
	got := Sources{Home: "/h", SystemDirs: DefaultSystemDirs}.Roots()
	want := []string{"/h/.docker/certs.d", "/etc/docker/certs.d", "/h/.config/containers/certs.d", "/etc/containers/certs.d"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Roots() = %v, want %v", got, want)
	}
}
