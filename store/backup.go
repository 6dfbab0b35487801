package store

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store/vfs"
)

// BackupResult describes a backup.
type BackupResult struct {
	// Head is the last position the backup holds: the head when the
	// backup began. The backup holds exactly the events 1..Head.
	Head Position
	// Events is the number of event files copied (Head).
	Events int
	// Bytes is the size of the copied event files.
	Bytes int64
}

// Backup copies the store into destDir, a folder that must not exist or be
// empty, while other goroutines and processes keep appending (a hot
// backup). The copy is a consistent prefix of the log: Backup reads the
// committed head when it begins and copies the manifest and the event
// files up to it, which are never rewritten by an append. (AddTags may
// replace some of them meanwhile; each is copied whole, before or after.)
// It checks every file it copies (a damaged one fails the backup with a
// *CorruptionError rather than copying it), writes a head file for the
// copied head and an index snapshot built from the copied files, and
// writes the manifest last: a folder without a manifest is never taken
// for a store, so an interrupted backup cannot be opened by mistake.
// Unless the handle runs with NoSync, the backup is durable when Backup
// returns. Projection read models are not copied: they are derived data,
// rebuilt from the events.
//
// The backup opens with Open and passes VerifyDir. Backup works on
// read-only handles and holds no lock. On failure it removes what it
// created. Errors: ErrClosed, *CorruptionError, ctx.Err(), I/O errors,
// and an error if destDir exists and is not an empty folder, or lies
// inside the store folder.
func (s *FileStore) Backup(ctx context.Context, destDir string) (BackupResult, error) {
	ctx, span := s.tel.start(ctx, "backup")
	d := &dirSink{fsys: s.fs, root: destDir, noSync: s.opts.NoSync}
	var res BackupResult
	err := s.insideStore(destDir)
	if err == nil {
		res, err = s.backup(ctx, d)
		if err != nil {
			d.abort()
		}
	}
	span.SetAttributes(AttrHead.Int64(int64(res.Head)), AttrEventCount.Int(res.Events))
	end(span, err)
	return res, err
}

// insideStore refuses a backup folder inside the store folder.
func (s *FileStore) insideStore(dest string) error {
	src, err1 := filepath.Abs(s.l.dir)
	dst, err2 := filepath.Abs(dest)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("store: backup to %s: %w", dest, err)
	}
	if rel, err := filepath.Rel(src, dst); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("store: backup to %s: the folder is inside the store %s", dest, s.l.dir)
	}
	return nil
}

// BackupArchive writes the same backup as Backup to w as a gzip-compressed
// tar archive. Its entries are relative to the store folder (opossum.json,
// head, events/..., index/snapshot.bin), the manifest last: extract it into
// an empty folder (tar -xzf backup.tar.gz -C restored) to get a store. On
// failure the archive is left unfinished, and BackupArchive returns the
// error; the caller discards what w received.
func (s *FileStore) BackupArchive(ctx context.Context, w io.Writer) (BackupResult, error) {
	ctx, span := s.tel.start(ctx, "backup")
	gz := gzip.NewWriter(w)
	t := &tarSink{tw: tar.NewWriter(gz), now: s.opts.Now()}
	res, err := s.backup(ctx, t)
	if err == nil {
		err = errors.Join(t.tw.Close(), gz.Close())
	}
	span.SetAttributes(AttrHead.Int64(int64(res.Head)), AttrEventCount.Int(res.Events))
	end(span, err)
	return res, err
}

// backupSink receives the files of a backup. Paths are slash-separated
// and relative to the store folder.
type backupSink interface {
	begin() error
	mkdir(rel string) error
	file(rel string, data []byte) error
	// finish writes the head file and the manifest, the manifest last,
	// after everything before it is durable.
	finish(head, manifest []byte) error
}

func (s *FileStore) backup(ctx context.Context, sink backupSink) (BackupResult, error) {
	var res BackupResult
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := s.ready(); err != nil {
		return res, err
	}
	manifest, err := s.fs.ReadFile(s.l.manifest())
	if err != nil {
		return res, fmt.Errorf("store: read %s: %w", s.l.manifest(), err)
	}
	s.mu.RLock()
	h := s.idx.head
	s.mu.RUnlock()
	if err := sink.begin(); err != nil {
		return res, err
	}
	for _, d := range []string{eventsDir, indexDir} {
		if err := sink.mkdir(d); err != nil {
			return res, err
		}
	}
	x := newIndex()
	shard := ^uint64(0)
	for p := Position(1); p <= h; p++ {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if sh := shardOf(p); sh != shard {
			shard = sh
			if err := sink.mkdir(path.Join(eventsDir, fmt.Sprintf("%06d", sh))); err != nil {
				return res, err
			}
		}
		src := s.l.event(p)
		b, err := s.fs.ReadFile(src)
		if err != nil {
			return res, &CorruptionError{Path: src, Position: p, Err: err}
		}
		e, _, err := decodeEvent(b, p)
		if err != nil {
			return res, &CorruptionError{Path: src, Position: p, Err: err}
		}
		rel, _ := filepath.Rel(s.l.dir, src)
		if err := sink.file(filepath.ToSlash(rel), b); err != nil {
			return res, err
		}
		x.add(p, &e.Event)
		res.Head = p
		res.Events++
		res.Bytes += int64(len(b))
	}
	if err := sink.file(path.Join(indexDir, snapshotName), x.encodeSnapshot()); err != nil {
		return res, err
	}
	return res, sink.finish(encodeHead(h), manifest)
}

// dirSink writes a backup into a folder.
type dirSink struct {
	fsys    vfs.FS
	root    string
	noSync  bool
	created bool     // the folder did not exist
	written []string // paths written, for the sync fallback and abort
	dirs    []string // folders created
}

func (d *dirSink) begin() error {
	entries, err := d.fsys.ReadDir(d.root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		d.created = true
	case err != nil:
		return fmt.Errorf("store: backup to %s: %w", d.root, err)
	case len(entries) > 0:
		return fmt.Errorf("store: backup to %s: the folder is not empty", d.root)
	}
	if err := d.fsys.MkdirAll(d.root, 0o755); err != nil {
		return fmt.Errorf("store: create %s: %w", d.root, err)
	}
	return nil
}

func (d *dirSink) mkdir(rel string) error {
	p := filepath.Join(d.root, filepath.FromSlash(rel))
	if err := d.fsys.MkdirAll(p, 0o755); err != nil {
		return fmt.Errorf("store: create %s: %w", p, err)
	}
	d.dirs = append(d.dirs, p)
	return nil
}

func (d *dirSink) file(rel string, data []byte) error {
	p := filepath.Join(d.root, filepath.FromSlash(rel))
	f, err := d.fsys.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("store: create %s: %w", p, err)
	}
	d.written = append(d.written, p)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("store: write %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", p, err)
	}
	return nil
}

func (d *dirSink) finish(head, manifest []byte) error {
	if !d.noSync {
		if err := d.sync(); err != nil {
			return err
		}
	}
	if err := vfs.WriteFileAtomic(d.fsys, filepath.Join(d.root, headName), head, d.noSync); err != nil {
		return err
	}
	d.written = append(d.written, filepath.Join(d.root, headName))
	if err := vfs.WriteFileAtomic(d.fsys, filepath.Join(d.root, manifestName), manifest, d.noSync); err != nil {
		return err
	}
	if d.created && !d.noSync {
		parent := filepath.Dir(filepath.Clean(d.root))
		if err := d.fsys.SyncDir(parent); err != nil {
			return fmt.Errorf("store: sync folder %s: %w", parent, err)
		}
	}
	return nil
}

// sync makes the copied files and folders durable, with vfs.Sync.
func (d *dirSink) sync() error {
	if err := vfs.Sync(d.fsys, d.written, append(d.dirs, d.root)); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// abort removes what the backup wrote: the manifest first (if it got that
// far), so that what remains is never taken for a store.
func (d *dirSink) abort() {
	_ = d.fsys.Remove(filepath.Join(d.root, manifestName))
	for i := len(d.written) - 1; i >= 0; i-- {
		_ = d.fsys.Remove(d.written[i])
	}
	for i := len(d.dirs) - 1; i >= 0; i-- {
		_ = d.fsys.Remove(d.dirs[i])
	}
	if d.created {
		_ = d.fsys.Remove(d.root)
	}
}

// tarSink writes a backup as tar entries.
type tarSink struct {
	tw  *tar.Writer
	now time.Time
}

func (t *tarSink) begin() error { return nil }

func (t *tarSink) mkdir(rel string) error {
	return t.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel + "/", Mode: 0o755, ModTime: t.now})
}

func (t *tarSink) file(rel string, data []byte) error {
	if err := t.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: 0o644, Size: int64(len(data)), ModTime: t.now}); err != nil {
		return err
	}
	_, err := t.tw.Write(data)
	return err
}

func (t *tarSink) finish(head, manifest []byte) error {
	if err := t.file(headName, head); err != nil {
		return err
	}
	return t.file(manifestName, manifest)
}
