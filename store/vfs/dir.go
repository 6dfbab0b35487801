package vfs

import (
	"os"
	"path/filepath"
)

// Dir is an open folder that new files are created in by name and whose
// entries are made durable with one Sync. The store keeps one open for the
// shard folder it appends to: creating an event file then resolves one
// name rather than a whole path, and syncing the folder opens nothing.
type Dir interface {
	// Create creates the file name in the folder for writing, with
	// permissions 0644; it fails with an error matching fs.ErrExist when
	// the name is taken. The file's Sync makes its data and size durable;
	// its name is durable after the folder's Sync.
	Create(name string) (File, error)
	// Sync makes the folder's entries durable (fsync of the folder).
	Sync() error
	// Close releases the folder.
	Close() error
}

// DirOpener is an FS that opens folders itself. OSFS is one on Linux,
// where it creates files with openat(2) relative to the folder and without
// the bookkeeping of os.OpenFile.
type DirOpener interface {
	OpenDir(path string) (Dir, error)
}

// OpenDir opens the folder at path of fsys: with fsys's own OpenDir when it
// is a DirOpener, otherwise as a Dir that creates a file with
// fsys.OpenFile(filepath.Join(path, name), ...) and syncs with
// fsys.SyncDir(path), so that a wrapping FS (one that injects faults or
// simulates a power cut) sees every operation.
func OpenDir(fsys FS, path string) (Dir, error) {
	if d, ok := fsys.(DirOpener); ok {
		return d.OpenDir(path)
	}
	return pathDir{fsys: fsys, path: path}, nil
}

// pathDir is the portable Dir: operations on paths through an FS.
type pathDir struct {
	fsys FS
	path string
}

func (d pathDir) Create(name string) (File, error) {
	return d.fsys.OpenFile(filepath.Join(d.path, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
}

func (d pathDir) Sync() error  { return d.fsys.SyncDir(d.path) }
func (d pathDir) Close() error { return nil }
