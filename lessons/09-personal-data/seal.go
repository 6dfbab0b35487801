package personaldata

import (
	"errors"
)

// ErrUnreadable means sealed text cannot be opened: the key is not the one
// it was sealed with, or the text was changed.
var ErrUnreadable = errors.New("the sealed text cannot be opened with this key")

// Seal encrypts plaintext with key (KeySize bytes) with AES-GCM and returns
// the base64 of a fresh random nonce followed by the ciphertext: sealing
// the same text twice gives two different results, so equal names do not
// show as equal ciphertexts.
func Seal(key []byte, plaintext string) (string, error) {
	// TODO: aes.NewCipher(key), cipher.NewGCM, a random nonce of
	// gcm.NonceSize(); return base64 of nonce followed by gcm.Seal.
	panic("TODO: implement Seal (lessons/09-personal-data/seal.go:18) — README step 2")
}

// Open decrypts what Seal returned. It fails with ErrUnreadable when the
// key is another one or the text was changed: GCM authenticates, it never
// returns garbage.
func Open(key []byte, sealed string) (string, error) {
	// TODO: decode the base64, split the nonce (gcm.NonceSize()) from the
	// ciphertext, gcm.Open; any failure wraps ErrUnreadable.
	panic("TODO: implement Open (lessons/09-personal-data/seal.go:27) — README step 2")
}
