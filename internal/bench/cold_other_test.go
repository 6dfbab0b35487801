//go:build !linux

package bench

import "errors"

// dropCaches reports that this system has no way the benchmarks know to
// drop the page cache.
func dropCaches(...string) (string, error) {
	return "", errors.New("dropping the page cache is implemented on Linux only")
}
