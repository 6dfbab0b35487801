package vfs

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// tempSuffix marks temporary files; the store's recovery removes any it
// finds (see IsTemp).
const tempSuffix = ".tmp"

// WriteFileAtomic replaces path with data so that after a crash the file
// holds either its old content or data, never a mix: it writes a temporary
// file in the same folder, syncs it (unless noSync), closes it, renames it
// over path and syncs the folder (unless noSync). On failure the temporary
// file is removed and path is untouched. A nil fsys means OSFS. It is the
// one audited durable-write helper: the store, store/projection and the
// workbook's progress files all write through it.
func WriteFileAtomic(fsys FS, path string, data []byte, noSync bool) (err error) {
	if fsys == nil {
		fsys = OSFS()
	}
	dir := filepath.Dir(path)
	tmp := filepath.Join(dir, fmt.Sprintf(".%s.%08x%s", filepath.Base(path), rand.Uint32(), tempSuffix))
	f, err := fsys.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("vfs: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = fsys.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("vfs: write %s: %w", path, err)
	}
	if !noSync {
		if err = f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("vfs: sync %s: %w", path, err)
		}
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("vfs: close %s: %w", path, err)
	}
	if err = fsys.Rename(tmp, path); err != nil {
		return fmt.Errorf("vfs: rename %s: %w", path, err)
	}
	if !noSync {
		if err = fsys.SyncDir(dir); err != nil {
			// The rename happened; only its durability is in doubt.
			return fmt.Errorf("vfs: sync folder %s: %w", dir, err)
		}
	}
	return nil
}

// IsTemp reports whether a file name (a base name, not a path) is a
// temporary file of WriteFileAtomic: ".<name>.<random>.tmp". Such a file is
// left only by an interrupted write and may be removed.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.HasSuffix(name, tempSuffix)
}
