package postgres

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"time"
)

// newID returns a time-ordered UUID (version 7, RFC 9562) in text form:
// 48 bits of Unix milliseconds, then random bits.
func newID() string {
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], uint64(time.Now().UnixMilli())<<16)
	_, _ = rand.Read(u[6:])
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
