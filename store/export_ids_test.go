package store

// HoldCommits makes every commit of s wait until release is called: the
// appends queue, and the committer waits with the first of them; the specs
// use it to queue appends into one group.
func HoldCommits(s *FileStore) (release func()) {
	s.commitMu.Lock()
	return s.commitMu.Unlock
}

// QueuedAppends returns the number of appends waiting for the committer.
func QueuedAppends(s *FileStore) int { return len(s.reqs) }
