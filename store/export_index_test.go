package store

// ForceIDHash makes the index hash every event id with h until restore is
// called; the specs use it to put several ids onto one hash.
func ForceIDHash(h func(EventID) uint32) (restore func()) {
	old := idHash
	idHash = h
	return func() { idHash = old }
}
