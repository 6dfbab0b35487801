package projection

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/vfs"
)

// On-disk layout of one projection (see the package documentation):
//
//	<dir>/<name>/current                  which generation readers use
//	<dir>/<name>/g000003/checkpoint.json  position, version, state of the generation
//	<dir>/<name>/g000003/.readers         lock shared by readers in other processes
//	<dir>/<name>/g000003/state/<key>.json one read model
//	<dir>/<name>/g000003/deleted/<key>.json tombstone of a deleted read model
//	<dir>/<name>/g000003/tags/<tag key>/<tag value>/<key>  empty marker file
const (
	currentName    = "current"
	checkpointName = "checkpoint.json"
	stateDir       = "state"
	deletedDir     = "deleted"
	tagsDir        = "tags"
	lockName       = ".lock"
	readersName    = ".readers"
	genPrefix      = "g"
	fileExt        = ".json"
)

// formatVersion is the layout version written into every current and
// checkpoint file. Wire format: readers refuse newer versions.
const formatVersion = 1

func genName(n uint64) string { return fmt.Sprintf("%s%06d", genPrefix, n) }

// parseGenName returns the number of a generation folder name.
func parseGenName(s string) (uint64, bool) {
	if len(s) < 2 || !strings.HasPrefix(s, genPrefix) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[1:], 10, 64)
	if err != nil || n == 0 || genName(n) != s {
		return 0, false
	}
	return n, true
}

// Meta is the metadata kept with every read model.
type Meta struct {
	// Created is the timestamp of the event that created the instance.
	Created time.Time `json:"created"`
	// Updated is the timestamp of the last event applied to the instance.
	Updated time.Time `json:"updated"`
	// Version counts the events applied to the instance since it was
	// created: 1 after the first.
	Version uint64 `json:"version"`
	// Position is the position of the last event applied to the instance.
	// The runner never applies an event at or below it again.
	Position store.Position `json:"position"`
	// Size is the size in bytes of the state's JSON (the file's "data"),
	// as last written; 0 in files written before sizes were recorded.
	Size int `json:"size"`
}

// stateFile is the JSON document of one read model.
type stateFile struct {
	Key      string          `json:"key"`
	Metadata Meta            `json:"metadata"`
	Tags     []store.Tag     `json:"tags"`
	Data     json.RawMessage `json:"data"`
}

// tombstone is the JSON document left for a deleted read model until the
// checkpoint passes its position.
type tombstone struct {
	Key      string         `json:"key"`
	Position store.Position `json:"position"`
	Deleted  time.Time      `json:"deleted"`
}

// checkpointFile is the JSON document of a generation's checkpoint.
type checkpointFile struct {
	Format     int            `json:"format"`
	Projection string         `json:"projection"`
	Version    int            `json:"version"`
	Position   store.Position `json:"position"`
	// Complete is false while the generation is being rebuilt.
	Complete bool `json:"complete"`
	// Clean is true when the last writer stopped in an orderly way. A
	// false value on start means the tag index and tombstones are checked
	// and repaired from the state files.
	Clean   bool      `json:"clean"`
	Updated time.Time `json:"updated"`
	// Protected is true when the generation's files are written read-only
	// (Options.WriteProtect).
	Protected bool `json:"protected,omitempty"`
}

// currentFile names the generation readers use: the single commit point
// of a rebuild.
type currentFile struct {
	Format     int       `json:"format"`
	Generation string    `json:"generation"`
	Version    int       `json:"version"`
	Switched   time.Time `json:"switched"`
}

func encodeJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	return dec.Decode(v)
}

func readJSON(fsys vfs.FS, path string, v any) error {
	b, err := fsys.ReadFile(path)
	if err != nil {
		return err
	}
	if err := decodeJSON(b, v); err != nil {
		return &CorruptionError{Path: path, Err: err}
	}
	return nil
}

func readState(fsys vfs.FS, path string) (stateFile, error) {
	var f stateFile
	if err := readJSON(fsys, path, &f); err != nil {
		return f, err
	}
	if len(f.Data) == 0 || f.Metadata.Position == 0 {
		return f, &CorruptionError{Path: path, Err: errors.New("no data or no position")}
	}
	return f, nil
}

func readTombstone(fsys vfs.FS, path string) (tombstone, error) {
	var t tombstone
	if err := readJSON(fsys, path, &t); err != nil {
		return t, err
	}
	if t.Position == 0 {
		return t, &CorruptionError{Path: path, Err: errors.New("no position")}
	}
	return t, nil
}

func readCheckpoint(fsys vfs.FS, path string) (checkpointFile, error) {
	var c checkpointFile
	if err := readJSON(fsys, path, &c); err != nil {
		return c, err
	}
	if c.Format > formatVersion {
		return c, &CorruptionError{Path: path, Err: fmt.Errorf("format %d is newer than %d", c.Format, formatVersion)}
	}
	return c, nil
}

func readCurrent(fsys vfs.FS, path string) (currentFile, error) {
	var c currentFile
	if err := readJSON(fsys, path, &c); err != nil {
		return c, err
	}
	if c.Format > formatVersion {
		return c, &CorruptionError{Path: path, Err: fmt.Errorf("format %d is newer than %d", c.Format, formatVersion)}
	}
	if _, ok := parseGenName(c.Generation); !ok {
		return c, &CorruptionError{Path: path, Err: fmt.Errorf("bad generation %q", c.Generation)}
	}
	return c, nil
}

// writeJSONAtomic encodes v and writes it with writeFile.
func writeJSONAtomic(fsys vfs.FS, path string, v any, noSync, protect bool) error {
	b, err := encodeJSON(v)
	if err != nil {
		return fmt.Errorf("projection: encode %s: %w", path, err)
	}
	return writeFile(fsys, path, b, noSync, protect)
}

// writeFile writes a read-model file with the store's durable-write helper
// (temporary file, fsync unless noSync, rename, folder fsync) and, with
// protect, makes it read-only (Options.WriteProtect).
func writeFile(fsys vfs.FS, path string, b []byte, noSync, protect bool) error {
	if err := vfs.WriteFileAtomic(fsys, path, b, noSync); err != nil {
		return err
	}
	if !protect {
		return nil
	}
	return chmod(fsys, path, protectedMode)
}

// protectedMode is the mode of a write-protected read-model file.
const protectedMode os.FileMode = 0o444

// chmod changes a file's mode through fsys when it can (the operating
// system's file system, or one with a Chmod method); a test file system
// without modes is left alone.
func chmod(fsys vfs.FS, path string, mode os.FileMode) error {
	if c, ok := fsys.(interface {
		Chmod(string, os.FileMode) error
	}); ok {
		return c.Chmod(path, mode)
	}
	if fsys == vfs.OSFS() {
		return os.Chmod(path, mode)
	}
	return nil
}

// writable reports whether a file's mode lets anyone write it.
func writable(mode os.FileMode) bool { return mode.Perm()&0o222 != 0 }

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// removeAll removes path and everything below it through fsys. A missing
// path is not an error.
func removeAll(fsys vfs.FS, path string) error {
	st, err := fsys.Stat(path)
	if err != nil {
		if isNotExist(err) {
			return nil
		}
		return err
	}
	if st.IsDir() {
		ents, err := fsys.ReadDir(path)
		if err != nil && !isNotExist(err) {
			return err
		}
		for _, e := range ents {
			if err := removeAll(fsys, filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := fsys.Remove(path); err != nil && !isNotExist(err) {
		return err
	}
	return nil
}

// createEmpty creates an empty file (a tag marker) if it does not exist.
func createEmpty(fsys vfs.FS, path string) error {
	f, err := fsys.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return f.Close()
}
