package store

import (
	"errors"
	"fmt"
	"io/fs"
)

// tornBatch says where a walk over whole batches stopped, and why: the
// file at At does not continue the log.
type tornBatch struct {
	// At is the position of the file that stopped the walk.
	At Position
	// Open is the batch the walk was inside at At; zero when At was to
	// start a batch.
	Open batchRange
	// Err is read's error for At (missing, unreadable or damaged), or nil
	// when the file records Found, a batch that does not fit.
	Err   error
	Found batchRange
}

func (t *tornBatch) Error() string {
	switch {
	case t.Err != nil && t.Open.First != 0 && errors.Is(t.Err, fs.ErrNotExist):
		return fmt.Sprintf("position %d of batch %d..%d is missing: %v", t.At, t.Open.First, t.Open.Last, t.Err)
	case t.Err != nil:
		return fmt.Sprintf("position %d: %v", t.At, t.Err)
	case t.Open.First == 0:
		return fmt.Sprintf("batch %d..%d does not start at position %d", t.Found.First, t.Found.Last, t.At)
	default:
		return fmt.Sprintf("batch %d..%d inside batch %d..%d", t.Found.First, t.Found.Last, t.Open.First, t.Open.Last)
	}
}

func (t *tornBatch) Unwrap() error { return t.Err }

// walkBatches is the one walk over whole batches, shared by recovery, the
// read-only Open and the verifier. It reads the event files from position
// from on with read, which returns the batch a file records, and calls
// whole with the range of each whole batch: every file of it present,
// readable, and recording that batch, which starts where the previous one
// ended. It stops at the first file that continues no batch and returns
// the last position of the last whole batch (from-1 when none) with a
// *tornBatch saying why, or nil when that file is missing where a batch
// would start: the clean end of the log. It also stops when whole returns
// false.
func walkBatches(from Position, read func(Position) (batchRange, error), whole func(batchRange) bool) (Position, error) {
	good := from - 1
	var open batchRange
	for p := from; ; p++ {
		br, err := read(p)
		switch {
		case err != nil && open.First == 0 && errors.Is(err, fs.ErrNotExist):
			return good, nil
		case err != nil:
			return good, &tornBatch{At: p, Open: open, Err: err}
		case open.First == 0 && br.First != p, open.First != 0 && br != open:
			return good, &tornBatch{At: p, Open: open, Found: br}
		}
		open = br
		if p == br.Last {
			good, open = p, batchRange{}
			if !whole(br) {
				return good, nil
			}
		}
	}
}

// indexBatches indexes the whole batches after the index head
// (walkBatches) and returns where the walk stopped: the new index head,
// and nil or the *tornBatch that stopped it. The caller holds syncMu, or
// is Open.
func (s *FileStore) indexBatches() (Position, error) {
	var batch []StoredEvent
	read := func(p Position) (batchRange, error) {
		e, br, err := s.readEvent(p)
		if err == nil {
			batch = append(batch, e)
		}
		return br, err
	}
	return walkBatches(s.idx.head+1, read, func(batchRange) bool {
		s.mu.Lock()
		for _, e := range batch {
			s.idx.add(e.Position, &e.Event)
		}
		s.mu.Unlock()
		s.sinceSnap.Add(int64(len(batch)))
		batch = batch[:0]
		return true
	})
}
