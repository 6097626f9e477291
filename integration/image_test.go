package integration

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// testImage is a one-layer image in an OCI image layout, made without network.
type testImage struct {
	layout   string // OCI layout directory
	tag      string // ref name in index.json
	digest   string // manifest digest
	fileName string // the one file in the layer
	content  string // its content
}

const (
	mediaManifest = "application/vnd.oci.image.manifest.v1+json"
	mediaConfig   = "application/vnd.oci.image.config.v1+json"
	mediaLayer    = "application/vnd.oci.image.layer.v1.tar+gzip"
)

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func makeTestImage(dir, marker string) (*testImage, error) {
	img := &testImage{layout: dir, tag: "v1", fileName: "hello.txt",
		content: "hello from remoteyaml integration " + marker + "\n"}

	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	if err := tw.WriteHeader(&tar.Header{Name: img.fileName, Mode: 0o644, Size: int64(len(img.content)),
		ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(tw, img.content); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	var gzBuf bytes.Buffer
	gz := gzip.NewWriter(&gzBuf)
	if _, err := gz.Write(tarBuf.Bytes()); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	layer := gzBuf.Bytes()

	config, err := json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"config":       map[string]any{},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{digestOf(tarBuf.Bytes())}},
	})
	if err != nil {
		return nil, err
	}
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     mediaManifest,
		"config":        map[string]any{"mediaType": mediaConfig, "digest": digestOf(config), "size": len(config)},
		"layers":        []any{map[string]any{"mediaType": mediaLayer, "digest": digestOf(layer), "size": len(layer)}},
	})
	if err != nil {
		return nil, err
	}
	img.digest = digestOf(manifest)
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.index.v1+json",
		"manifests": []any{map[string]any{
			"mediaType":   mediaManifest,
			"digest":      img.digest,
			"size":        len(manifest),
			"annotations": map[string]string{"org.opencontainers.image.ref.name": img.tag},
		}},
	})
	if err != nil {
		return nil, err
	}

	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		return nil, err
	}
	for _, b := range [][]byte{layer, config, manifest} {
		if err := os.WriteFile(filepath.Join(blobs, digestOf(b)[len("sha256:"):]), b, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), index, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		return nil, err
	}
	return img, nil
}

// layoutFile reads fileName from the single image in an OCI layout written by
// a client's pull (skopeo oci:, regctl ocidir://, crane --format=oci).
func layoutFile(dir, fileName string) (string, error) {
	idx, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		return "", err
	}
	var index struct {
		Manifests []struct {
			Digest string `json:"digest"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(idx, &index); err != nil {
		return "", err
	}
	if len(index.Manifests) == 0 {
		return "", fmt.Errorf("%s: empty index.json", dir)
	}
	blob := func(d string) ([]byte, error) {
		return os.ReadFile(filepath.Join(dir, "blobs", "sha256", d[len("sha256:"):]))
	}
	mb, err := blob(index.Manifests[0].Digest)
	if err != nil {
		return "", err
	}
	var m struct {
		Layers []struct {
			Digest string `json:"digest"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		return "", err
	}
	for _, l := range m.Layers {
		lb, err := blob(l.Digest)
		if err != nil {
			return "", err
		}
		if s, err := fileInTarGz(bytes.NewReader(lb), fileName); err == nil {
			return s, nil
		}
	}
	return "", fmt.Errorf("%s not found in %s", fileName, dir)
}

func fileInTarGz(r io.Reader, name string) (string, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return "", err
	}
	return fileInTar(gz, name)
}

func fileInTar(r io.Reader, name string) (string, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err != nil {
			return "", fmt.Errorf("%s not in tar: %w", name, err)
		}
		if filepath.Clean(h.Name) == name {
			b, err := io.ReadAll(tr)
			return string(b), err
		}
	}
}
