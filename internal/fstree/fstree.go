// Package fstree describes a folder tree so that specs can tell whether
// anything under it was written.
package fstree

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Describe returns, for every file and folder under dir (by path relative
// to dir), its mode, size and modification time, and for a file a hash of
// its content. Two equal descriptions mean nothing under dir was written.
func Describe(dir string) (map[string]string, error) {
	t := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		desc := fmt.Sprintf("%s %d %s", fi.Mode(), fi.Size(), fi.ModTime().Format(time.RFC3339Nano))
		if !d.IsDir() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " " + hex.EncodeToString(sum[:])
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		t[rel] = desc
		return nil
	})
	return t, err
}
