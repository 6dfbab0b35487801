package courseapp

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// NilID is the all-zero UUID. It is a well-formed identifier that names
// nothing; inputs that must name something reject it.
const NilID = "00000000-0000-0000-0000-000000000000"

// NewID returns a new random identifier: a version 4 UUID in its
// canonical form, lower case with hyphens (8-4-4-4-12 hexadecimal digits).
// Every entity of the domain is named by one, and tags carry it verbatim.
func NewID() string {
	var b [16]byte
	// crypto/rand.Read never returns an error: it crashes the program when
	// the system's random source fails.
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// ParseID returns s as an identifier in canonical form (lower case), and
// whether s is a UUID in the 8-4-4-4-12 hexadecimal form at all. Tags
// compare exactly, so every identifier is canonicalised before it is used
// in a tag or a query.
func ParseID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return "", false
			}
		default:
			if !isHex(c) {
				return "", false
			}
		}
	}
	return strings.ToLower(s), true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
