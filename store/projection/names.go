package projection

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// File and folder names for keys and tags.
//
// encodeName maps any string to a file name, injectively, and so that two
// different strings never map to names that differ only in letter case:
// the lower-case letters a-z, the digits, '-' and '_' stand for themselves,
// '.' too except at the start, every other byte becomes %XX with upper-case
// hexadecimal digits. Keys are therefore safe on case-insensitive file
// systems (macOS, Windows) and never collide the way "sanitised" names do:
//
//	c-42        -> c-42
//	Alice       -> %41lice
//	a/b         -> a%2Fb
//	""          -> ~
//
// Names longer than maxName bytes are cut and suffixed with "~" and a
// SHA-256 digest of the whole string; '~' never occurs otherwise except as
// the name of the empty string, so such names cannot collide with others.
// Files always store the full key; the name is only an address.

const (
	maxName    = 160
	hashedKeep = 100
)

func encodeName(s string) string {
	if s == "" {
		return "~"
	}
	var b strings.Builder
	b.Grow(len(s))
	const hexdig = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexdig[c>>4])
			b.WriteByte(hexdig[c&15])
		}
	}
	n := b.String()
	if len(n) <= maxName {
		return n
	}
	sum := sha256.Sum256([]byte(s))
	cut := n[:hashedKeep]
	// Do not cut an escape in half.
	if i := strings.LastIndexByte(cut, '%'); i >= hashedKeep-2 {
		cut = cut[:i]
	}
	return cut + "~" + hex.EncodeToString(sum[:16])
}
