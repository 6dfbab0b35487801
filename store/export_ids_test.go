package store

// HoldCommits makes the committer of s wait, once it has a group, until
// release is called; the specs use it to queue appends into one group.
func HoldCommits(s *FileStore) (release func()) {
	s.syncMu.Lock()
	return s.syncMu.Unlock
}

// QueuedAppends returns the number of appends waiting for the committer.
func QueuedAppends(s *FileStore) int { return len(s.reqs) }
