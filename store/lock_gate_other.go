//go:build unix && !linux

package store

// Without open-file-description locks there is no gate: waiters queue in
// flock(2) alone.
func (f *lockFile) tryGate() (bool, error) { return true, nil }
func (f *lockFile) gate() error            { return nil }
func (f *lockFile) ungate() error          { return nil }

// gateTaken cannot tell whether another lock call waits: a parked lock
// would never learn of it, so nothing parks here.
func (f *lockFile) gateTaken() (bool, error) { return true, nil }

const canPark = false
