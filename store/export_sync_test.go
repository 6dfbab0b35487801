package store

import "time"

// SyncEachMax is the most files a group may have to be always synced file
// by file, SyncRetryEvery how many large groups in a row use one strategy
// before one tries the other, and SyncRetryMax the longest that wait
// grows to (see groupSync).
const (
	SyncEachMax    = syncEachMax
	SyncRetryEvery = syncRetryEvery
	SyncRetryMax   = syncRetryMax
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

// PreferSyncfs makes the handle sync its next large groups with syncfs,
// as if a try had found it far cheaper than per-file syncs.
func PreferSyncfs(s *FileStore) {
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.gsync.mean = [2]time.Duration{syncPerFile: time.Hour, syncAll: time.Nanosecond}
	s.gsync.switchTo(syncAll)
}
