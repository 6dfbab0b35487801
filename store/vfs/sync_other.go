//go:build !linux

package vfs

import (
	"errors"
	"os"
)

func syncAll(string) error { return errors.ErrUnsupported }

func dataSync(f *os.File) error { return f.Sync() }
