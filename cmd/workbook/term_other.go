//go:build !linux

package main

import (
	"errors"
	"io"
	"os"
)

// rawKeys is not supported here: keys count once Enter is pressed.
func rawKeys(*os.File) (func(), error) {
	return nil, errors.New("single-key input is not supported on this system")
}

// isTerminal reports false: without a portable check, output is plain.
func isTerminal(io.Writer) bool { return false }
