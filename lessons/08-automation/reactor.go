package automation

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/store"
)

// Reactor invoices enrollments. It remembers in a checkpoint file the
// position of the last enrollment it handled, and moves it only after the
// enrollment was handled: a reactor that stops in between handles that
// enrollment again at its next run, which IssueInvoice makes harmless.
// That is at-least-once delivery, made exactly-once in effect.
type Reactor struct {
	// Store holds the enrollments and receives the invoices.
	Store store.EventStore
	// Checkpoint is the checkpoint file; a missing file means position 0.
	Checkpoint string
	// Handled, when set, is called after each enrollment was handled and
	// before the checkpoint moves past it. The specs use it to stop a
	// reactor at the worst moment.
	Handled func(enrollment store.StoredEvent)
}

// Run handles every StudentEnrolledToCourse event after the checkpoint, in
// position order, and returns how many it handled once it reached the last
// one. For each: IssueInvoice; on ErrPoison, Refuse instead (the reactor
// never stops at a poison event); then Handled, then the checkpoint moves
// to the enrollment's position. Any other error stops the run, with the
// checkpoint at the last enrollment handled.
func (r *Reactor) Run(ctx context.Context) (int, error) {
	// TODO: LoadCheckpoint, read the enrollments store.After it, and for each:
	// IssueInvoice (Refuse on ErrPoison), call Handled if set, SaveCheckpoint.
	panic("TODO: implement Reactor.Run (lessons/08-automation/reactor.go:40) — README step 2")
}

// LoadCheckpoint reads the position in a checkpoint file; a missing file
// is position 0.
func LoadCheckpoint(path string) (store.Position, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("checkpoint: %w", err)
	}
	n, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return store.Position(n), nil
}

// SaveCheckpoint writes a position to a checkpoint file atomically: a
// reader sees the old position or the new one, never a part.
func SaveCheckpoint(path string, p store.Position) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".checkpoint-*")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := fmt.Fprintf(tmp, "%d\n", p); err != nil {
		tmp.Close()
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
