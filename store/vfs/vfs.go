// Package vfs is the narrow file-system seam of the event store: the store
// does all its file I/O through an FS, which defaults to the operating
// system (OSFS), so that tests can substitute one that fails chosen
// operations or simulates a power cut. It also holds the one durable-write
// helper, WriteFileAtomic, that the store, its projections and the
// workbook's progress files use.
package vfs

import (
	"io"
	"os"
)

// FS is the narrow file-system seam the file store does all its I/O
// through. The store's zero Options use OSFS; tests substitute an
// implementation that fails chosen operations or simulates a power cut.
// Paths are OS paths.
type FS interface {
	// OpenFile opens a file like os.OpenFile.
	OpenFile(name string, flag int, perm os.FileMode) (File, error)
	// ReadFile reads a whole file like os.ReadFile.
	ReadFile(name string) ([]byte, error)
	// Rename renames a file like os.Rename.
	Rename(oldpath, newpath string) error
	// Remove removes a file or an empty folder like os.Remove.
	Remove(name string) error
	// MkdirAll creates a folder and its parents like os.MkdirAll.
	MkdirAll(path string, perm os.FileMode) error
	// ReadDir lists a folder like os.ReadDir.
	ReadDir(name string) ([]os.DirEntry, error)
	// Stat describes a file like os.Stat.
	Stat(name string) (os.FileInfo, error)
	// SyncDir makes the entries of a folder durable (fsync of the folder).
	SyncDir(path string) error
	// SyncAll makes every file and folder of the file system holding path
	// durable (syncfs on Linux). It returns errors.ErrUnsupported where the
	// OS has no such call; SyncTree then syncs file by file. A commit of
	// the store uses it only for a large group, and only while it measures
	// it cheaper than syncing file by file.
	SyncAll(path string) error
}

// Writebacker is a File that can start writing its data to the disk
// without waiting for it. OSFS's files are on Linux.
type Writebacker interface {
	StartWriteback() error
}

// StartWriteback starts the write-back of f's data when f is a Writebacker,
// so that syncs of several files that follow share the work of one:
// a journaling file system then allocates all their blocks in one
// transaction and commits it once. It is a hint: it makes nothing durable
// and reports no error, which the Sync that must follow reports.
func StartWriteback(f File) {
	if w, ok := f.(Writebacker); ok {
		_ = w.StartWriteback()
	}
}

// File is an open file of an FS.
type File interface {
	io.Reader
	io.Writer
	io.ReaderAt
	io.WriterAt
	// Sync makes the file's data and size durable.
	Sync() error
	Close() error
}

// OSFS returns the FS of the operating system.
func OSFS() FS { return osFS{} }

type osFS struct{}

func (osFS) OpenFile(name string, flag int, perm os.FileMode) (File, error) {
	f, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return osFile{f}, nil
}

func (osFS) ReadFile(name string) ([]byte, error)       { return readFile(name) }
func (osFS) Rename(o, n string) error                   { return os.Rename(o, n) }
func (osFS) Remove(name string) error                   { return os.Remove(name) }
func (osFS) MkdirAll(p string, perm os.FileMode) error  { return os.MkdirAll(p, perm) }
func (osFS) ReadDir(name string) ([]os.DirEntry, error) { return os.ReadDir(name) }
func (osFS) Stat(name string) (os.FileInfo, error)      { return os.Stat(name) }
func (osFS) SyncDir(path string) error                  { return syncDir(path) }
func (osFS) SyncAll(path string) error                  { return syncAll(path) }
func (f osFile) Sync() error                            { return dataSync(f.File) }

type osFile struct{ *os.File }

func syncDir(path string) error {
	d, err := os.Open(path)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
