package projection_test

import (
	"encoding/json"
	"os"
	"path/filepath"

	. "github.com/onsi/gomega"

	"github.com/opossum-go/opossum/store"
)

// checkpointDoc mirrors checkpoint.json, read independently of the package.
type checkpointDoc struct {
	Format     int            `json:"format"`
	Projection string         `json:"projection"`
	Version    int            `json:"version"`
	Position   store.Position `json:"position"`
	Complete   bool           `json:"complete"`
	Clean      bool           `json:"clean"`
	Updated    string         `json:"updated"`
}

func readCheckpoint(gen string) checkpointDoc {
	b, err := os.ReadFile(filepath.Join(gen, "checkpoint.json"))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	var c checkpointDoc
	ExpectWithOffset(1, json.Unmarshal(b, &c)).To(Succeed())
	return c
}

func writeCheckpoint(gen string, c checkpointDoc) {
	b, err := json.Marshal(c)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, os.WriteFile(filepath.Join(gen, "checkpoint.json"), b, 0o644)).To(Succeed())
}

func readCurrent(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "current"))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	var c struct{ Generation string }
	ExpectWithOffset(1, json.Unmarshal(b, &c)).To(Succeed())
	return c.Generation
}

func removeFile(p string) error { return os.Remove(p) }
