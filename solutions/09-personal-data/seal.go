package personaldata

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
)

// ErrUnreadable means sealed text cannot be opened: the key is not the one
// it was sealed with, or the text was changed.
var ErrUnreadable = errors.New("the sealed text cannot be opened with this key")

// Seal encrypts plaintext with key (KeySize bytes) with AES-GCM and returns
// the base64 of a fresh random nonce followed by the ciphertext: sealing
// the same text twice gives two different results, so equal names do not
// show as equal ciphertexts.
//
//workbook:todo step 2: aes.NewCipher(key), cipher.NewGCM, a random nonce of gcm.NonceSize(); return base64 of nonce followed by gcm.Seal.
func Seal(key []byte, plaintext string) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	nonce := make([]byte, gcm.NonceSize())
	rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(gcm.Seal(nonce, nonce, []byte(plaintext), nil)), nil
}

// Open decrypts what Seal returned. It fails with ErrUnreadable when the
// key is another one or the text was changed: GCM authenticates, it never
// returns garbage.
//
//workbook:todo step 2: decode the base64, split the nonce (gcm.NonceSize()) from the ciphertext, gcm.Open; any failure wraps ErrUnreadable.
func Open(key []byte, sealed string) (string, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("open: %w", err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", fmt.Errorf("open: %w", err)
	}
	data, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(data) < gcm.NonceSize() {
		return "", fmt.Errorf("open: %w", ErrUnreadable)
	}
	plain, err := gcm.Open(nil, data[:gcm.NonceSize()], data[gcm.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("open: %w", ErrUnreadable)
	}
	return string(plain), nil
}
