package appending

import "github.com/opossum-go/opossum/store"

// OpenStore opens the event store kept in the folder dir, creating the
// folder and an empty store when it does not exist yet. The store is
// durable: once an append has returned, its events survive a crash.
//
//workbook:todo step 5: open a file store in dir with the default, durable options.
func OpenStore(dir string) (*store.FileStore, error) {
	return store.Open(dir, nil)
}
