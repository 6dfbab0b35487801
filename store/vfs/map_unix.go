//go:build unix

package vfs

import (
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// MapShared maps the first n bytes of f into memory, shared with the file:
// a store into the returned bytes is a write of the file, seen at once by
// every reader of the file in any process and made durable by f's Sync
// like a write, without a system call (and without moving the file's
// modification time at each store, as a write would). ok is false when f
// cannot be mapped: a File of an FS other than OSFS, or a system without
// mmap; write with WriteAt then. The file must be at least n bytes long
// and stay so while it is mapped; see StoreMapped. Release the mapping
// with Unmap.
func MapShared(f File, n int) (m []byte, ok bool, err error) {
	of, isOS := f.(osFile)
	if !isOS || n <= 0 {
		return nil, false, nil
	}
	m, err = unix.Mmap(int(of.Fd()), 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, false, err
	}
	return m, true, nil
}

// Unmap releases a mapping made by MapShared.
func Unmap(m []byte) error { return unix.Munmap(m) }

// StoreMapped copies b into the start of the mapping m. It reports false,
// having stored nothing or part of b, when the file under m was cut shorter
// than m since it was mapped: the store then faults, which would otherwise
// end the process (SIGBUS).
func StoreMapped(m, b []byte) (ok bool) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	copy(m, b)
	return true
}
