package personaldata

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/opossum-go/opossum/store"
)

// NormalizeEmail trims spaces and lowers the case of an address, as the
// CourseManagement sample does, so that "Ada@Example.com " and
// "ada@example.com" are one address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// EmailTag links an event to an email address without naming it: the
// tag's value is the hex of HMAC-SHA256(tagKey, NormalizeEmail(email)).
// The same address gives the same tag, so "is this address taken?" is
// still one tag query; the address cannot be read back from the tag, and
// without tagKey (kept outside the store) nobody can test guesses against
// it, as they could against a plain SHA-256.
//
//workbook:todo step 1: hmac.New(sha256.New, tagKey), write the normalized address, and tag EmailKey with the hex of the sum.
func EmailTag(tagKey []byte, email string) store.Tag {
	mac := hmac.New(sha256.New, tagKey)
	mac.Write([]byte(NormalizeEmail(email)))
	return store.NewTag(EmailKey, hex.EncodeToString(mac.Sum(nil)))
}
