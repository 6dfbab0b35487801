package store

import "time"

// SyncEachMax is the most files a group may have to be always synced file
// by file, and SyncRetryEvery how many large groups in a row use the
// cheaper strategy before one tries the other (see groupSync).
const (
	SyncEachMax    = syncEachMax
	SyncRetryEvery = syncRetryEvery
)

// SetSyncCosts makes the handle observe, for each large group it commits
// from now, the cost per file that syncfs (for a group synced with one
// syncfs) or perFile (for one synced file by file) returns at that moment,
// instead of the time the group took.
func SetSyncCosts(s *FileStore, syncfs, perFile func() time.Duration) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.gsync.cost = func(st syncStrategy, files int, _ time.Duration) time.Duration {
		if st == syncAll {
			return syncfs() * time.Duration(files)
		}
		return perFile() * time.Duration(files)
	}
}
