package appending

import "github.com/opossum-go/opossum/store"

// OpenStore opens the event store kept in the folder dir, creating the
// folder and an empty store when it does not exist yet. The store is
// durable: once an append has returned, its events survive a crash.
func OpenStore(dir string) (*store.FileStore, error) {
	// TODO: open a file store in dir with the default, durable options.
	panic("TODO: implement OpenStore (lessons/01-append/open.go:10) — README step 5")
}
