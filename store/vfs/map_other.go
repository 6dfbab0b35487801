//go:build !unix

package vfs

// MapShared reports that f cannot be mapped: write with WriteAt.
func MapShared(f File, n int) (m []byte, ok bool, err error) { return nil, false, nil }

// Unmap does nothing: nothing is ever mapped here.
func Unmap(m []byte) error { return nil }

// StoreMapped is never called here: nothing is ever mapped.
func StoreMapped(m, b []byte) bool { return false }
