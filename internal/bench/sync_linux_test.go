//go:build linux

package bench

import (
	"os"

	"golang.org/x/sys/unix"
)

// dataSync is fdatasync(2), retried on EINTR.
func dataSync(f *os.File) error {
	for {
		if err := unix.Fdatasync(int(f.Fd())); err != unix.EINTR {
			return err
		}
	}
}
