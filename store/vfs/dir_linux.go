//go:build linux

package vfs

import (
	"io"
	"io/fs"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// OpenDir implements DirOpener: the folder is held by a descriptor, and
// files are created relative to it with openat(2).
func (osFS) OpenDir(path string) (Dir, error) {
	fd, err := openRetry(func() (int, error) {
		return unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return &fdDir{fd: fd, path: path}, nil
}

// fdDir is a folder held by a descriptor.
type fdDir struct {
	fd   int
	path string
}

// Create is one openat(2): os.OpenFile would add the registration of the
// file with the network poller, which fails for regular files.
func (d *fdDir) Create(name string) (File, error) {
	fd, err := openRetry(func() (int, error) {
		return unix.Openat(d.fd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: filepath.Join(d.path, name), Err: err}
	}
	return &fdFile{fd: fd, dir: d.path, name: name}, nil
}

func (d *fdDir) Sync() error {
	if err := retry(func() error { return unix.Fsync(d.fd) }); err != nil {
		return &fs.PathError{Op: "sync", Path: d.path, Err: err}
	}
	return nil
}

func (d *fdDir) Close() error {
	if err := unix.Close(d.fd); err != nil {
		return &fs.PathError{Op: "close", Path: d.path, Err: err}
	}
	return nil
}

// fdFile is a file held by a bare descriptor: each method is one system
// call (more only for a short write or an interrupted call).
type fdFile struct {
	fd   int
	dir  string // the folder's path and the file's name, for errors
	name string
}

func (f *fdFile) path() string { return filepath.Join(f.dir, f.name) }

func (f *fdFile) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(f.fd, b)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, &fs.PathError{Op: "read", Path: f.path(), Err: err}
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

func (f *fdFile) ReadAt(b []byte, off int64) (int, error) {
	total := 0
	for total < len(b) {
		n, err := unix.Pread(f.fd, b[total:], off+int64(total))
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return total, &fs.PathError{Op: "read", Path: f.path(), Err: err}
		case n == 0:
			return total, io.EOF
		}
		total += n
	}
	return total, nil
}

func (f *fdFile) Write(b []byte) (int, error) {
	total := 0
	for total < len(b) {
		n, err := unix.Write(f.fd, b[total:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return total, &fs.PathError{Op: "write", Path: f.path(), Err: err}
		}
		total += n
	}
	return total, nil
}

func (f *fdFile) WriteAt(b []byte, off int64) (int, error) {
	total := 0
	for total < len(b) {
		n, err := unix.Pwrite(f.fd, b[total:], off+int64(total))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return total, &fs.PathError{Op: "write", Path: f.path(), Err: err}
		}
		total += n
	}
	return total, nil
}

// Sync is fdatasync(2), like the Sync of OSFS's files.
func (f *fdFile) Sync() error {
	if err := retry(func() error { return unix.Fdatasync(f.fd) }); err != nil {
		return &fs.PathError{Op: "sync", Path: f.path(), Err: err}
	}
	return nil
}

func (f *fdFile) Close() error {
	if err := unix.Close(f.fd); err != nil {
		return &fs.PathError{Op: "close", Path: f.path(), Err: err}
	}
	return nil
}

func retry(call func() error) error {
	for {
		if err := call(); err != unix.EINTR {
			return err
		}
	}
}

func openRetry(call func() (int, error)) (int, error) {
	for {
		fd, err := call()
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// StartWriteback implements Writebacker with sync_file_range(2), which
// starts writing the file's dirty pages without waiting for them.
func (f *fdFile) StartWriteback() error {
	if err := retry(func() error { return unix.SyncFileRange(f.fd, 0, 0, unix.SYNC_FILE_RANGE_WRITE) }); err != nil {
		return &fs.PathError{Op: "sync_file_range", Path: f.path(), Err: err}
	}
	return nil
}
