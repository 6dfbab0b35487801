//go:build !linux

package store

import "os"

func syncAll(string) error { return errUnsupported }

func dataSync(f *os.File) error { return f.Sync() }
