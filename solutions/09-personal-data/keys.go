package personaldata

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opossum-go/opossum/store/vfs"
)

// KeySize is the size of a student's key: 32 bytes, for AES-256.
const KeySize = 32

// ErrKeyErased means a student's key is not there: it was erased (or never
// made), so nothing sealed for the student can be read again.
var ErrKeyErased = errors.New("the student's key was erased")

// Keys is a folder of per-student keys, one file per student, kept outside
// the event store: backups, copies and exports of the store never carry
// them. Erasing a student's file is erasing their personal data, in every
// copy of the store at once. Keys is safe for concurrent use by one
// process.
type Keys struct {
	// Dir is the folder of key files; it is created when needed.
	Dir string
}

// path returns the key file of a student; the name is the hex of the id,
// so any id is a safe file name.
func (k *Keys) path(studentID string) string {
	return filepath.Join(k.Dir, hex.EncodeToString([]byte(studentID))+".key")
}

// Key returns the student's key, making a random one when the student has
// none yet. A new key is written (mode 0600, synced) before it is
// returned, so nothing is ever sealed with a key that a crash could lose.
// It is linked into place rather than renamed, so it never replaces a key
// another goroutine or process made first: two callers racing for one
// student get the same key.
func (k *Keys) Key(studentID string) ([]byte, error) {
	key, err := k.Lookup(studentID)
	if !errors.Is(err, ErrKeyErased) {
		return key, err
	}
	key = make([]byte, KeySize)
	rand.Read(key)
	if err := os.MkdirAll(k.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	tmp, err := os.CreateTemp(k.Dir, ".key-*")
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(key)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Link(tmp.Name(), k.path(studentID))
	}
	if errors.Is(err, os.ErrExist) {
		return k.Lookup(studentID) // another goroutine made it first: use theirs
	}
	if err == nil {
		err = vfs.OSFS().SyncDir(k.Dir)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return key, nil
}

// Lookup returns the student's key, or ErrKeyErased when there is none. It
// never makes one: a reader must not bring a key back to life.
func (k *Keys) Lookup(studentID string) ([]byte, error) {
	key, err := os.ReadFile(k.path(studentID))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("student %s: %w", studentID, ErrKeyErased)
	}
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("keys: %s holds %d bytes, not %d", k.path(studentID), len(key), KeySize)
	}
	return key, nil
}

// Erase removes the student's key for good, and syncs the folder, so that
// the key does not come back after a power cut. Erasing a key that is not
// there is not an error. (On a disk that keeps old blocks, a file's
// removal does not wipe its bytes: a real deployment keeps the keys where
// deletion is final, such as a key management service.)
func (k *Keys) Erase(studentID string) error {
	err := os.Remove(k.path(studentID))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil {
		err = vfs.OSFS().SyncDir(k.Dir)
	}
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	return nil
}
