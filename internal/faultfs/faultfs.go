// Package faultfs is a vfs.FS for fault-injection tests. It wraps the
// operating system's file system (vfs.OSFS) over a real folder and can
//
//   - fail the n-th operation of a kind (write, sync, rename, ...) with an
//     injected error (FailNth);
//   - make the n-th write short: write half the bytes, then fail (ShortWriteNth);
//   - simulate a power cut (Cut, CutRandom, CutAtNth): it tracks what each
//     operation made durable and, on a cut, rewrites the real folder to what
//     a machine that lost power would find after a reboot.
//
// # The durability model
//
// The model follows POSIX and Linux, strictly (the weakest file system the
// store must survive, not ext4's friendlier habits):
//
//   - Writing a file changes only its current content. File.Sync (the store
//     implements it with fdatasync) makes the file's content and size
//     durable, but not its name: a new file whose folder was never synced
//     disappears in a cut even if its data was synced.
//   - Creating, removing and renaming change a folder's current entries.
//     SyncDir (fsync of the folder) makes that folder's entries durable; it
//     does not make the folder's own entry in its parent durable, nor the
//     content of the files it names. A folder created by MkdirAll disappears,
//     with everything in it, unless its parent is synced.
//   - SyncAll (syncfs) makes everything durable: every file's content and
//     every folder's entries.
//   - A file whose name is durable but whose content was never synced comes
//     back empty (or with the content of its last sync).
//
// Everything under the root when New is called counts as durable. Files
// created outside the FS (the store's flock file) are left alone by a cut.
//
// After a cut the FS is dead: every operation fails with ErrPoweredOff, and
// open files refuse to read or write, like the processes of a machine that
// lost power. Reopen the folder through a new FS (or vfs.OSFS) to model
// the reboot.
package faultfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/opossum-go/opossum/store/vfs"
)

// Kind is a kind of file-system operation.
type Kind string

// The kinds of operations the FS counts and can fail.
const (
	OpOpenFile Kind = "openfile" // FS.OpenFile
	OpRead     Kind = "read"     // FS.ReadFile, File.Read, File.ReadAt
	OpWrite    Kind = "write"    // File.Write, File.WriteAt
	OpSync     Kind = "sync"     // File.Sync (fdatasync)
	OpClose    Kind = "close"    // File.Close
	OpRename   Kind = "rename"   // FS.Rename
	OpRemove   Kind = "remove"   // FS.Remove
	OpMkdir    Kind = "mkdir"    // FS.MkdirAll
	OpReadDir  Kind = "readdir"  // FS.ReadDir
	OpStat     Kind = "stat"     // FS.Stat
	OpSyncDir  Kind = "syncdir"  // FS.SyncDir (fsync of a folder)
	OpSyncAll  Kind = "syncall"  // FS.SyncAll (syncfs)
	// OpAny matches every kind in FailNth and CutAtNth.
	OpAny Kind = "any"
)

// Kinds lists every kind an operation can have (OpAny excluded).
var Kinds = []Kind{OpOpenFile, OpRead, OpWrite, OpSync, OpClose, OpRename, OpRemove, OpMkdir, OpReadDir, OpStat, OpSyncDir, OpSyncAll}

var (
	// ErrInjected is the error of an injected failure. The returned errors
	// are *fs.PathError values wrapping it.
	ErrInjected = errors.New("faultfs: injected error")
	// ErrPoweredOff is returned by every operation after a power cut.
	ErrPoweredOff = errors.New("faultfs: power is off")
)

type action int

const (
	actFail action = iota + 1
	actShort
	actCut
	actCutRandom
)

// rule is one armed fault: act on the n-th operation of kind.
type rule struct {
	kind  Kind
	n     int
	act   action
	seed  uint64 // for a random cut
	seen  int
	fired bool
}

// node is a file or a folder of the model.
type node struct {
	dir  bool
	path string // current path; "" once unlinked
	// files
	durable []byte // the content a cut restores
	// folders
	cur    map[string]*node // entries as they are now
	durDir map[string]*node // entries a cut restores
	known  map[string]bool  // names ever seen; a cut touches only these
	dirty  bool             // written since its content was last made durable
}

// FS is a vfs.FS over a real folder with fault injection and power cuts.
// Its methods are safe for concurrent use; operations are serialised.
type FS struct {
	inner vfs.FS
	root  string

	mu     sync.Mutex
	top    *node
	rules  []*rule
	counts map[Kind]int
	trace  []string
	dead   bool
	cutErr error
	// noRealSync skips the real fsync calls; see SetRealSync.
	noRealSync bool
}

var _ vfs.FS = (*FS)(nil)

// New returns an FS over the OS file system that tracks durability under
// root, an existing folder. Everything under root now counts as durable.
func New(root string) (*FS, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("faultfs: %s is not a folder", abs)
	}
	f := &FS{inner: vfs.OSFS(), root: abs, counts: map[Kind]int{}}
	f.top, err = scan(abs)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// scan builds a durable model of the tree at path.
func scan(path string) (*node, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return &node{path: path, durable: b}, nil
	}
	n := newDir(path)
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 || !(e.Type().IsRegular() || e.IsDir()) {
			continue
		}
		c, err := scan(filepath.Join(path, e.Name()))
		if err != nil {
			return nil, err
		}
		n.cur[e.Name()], n.durDir[e.Name()], n.known[e.Name()] = c, c, true
	}
	return n, nil
}

func newDir(path string) *node {
	return &node{dir: true, path: path, cur: map[string]*node{}, durDir: map[string]*node{}, known: map[string]bool{}}
}

// SetRealSync says whether Sync, SyncDir and SyncAll also make the real
// calls (the default) or only update the model. What survives a simulated
// cut depends on the model alone, so tests that only ever lose power
// through Cut may turn the real calls off: they cost most of the time of
// a fault-injection loop and prove nothing more there.
func (f *FS) SetRealSync(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noRealSync = !on
}

// Root returns the folder the FS tracks.
func (f *FS) Root() string { return f.root }

// FailNth arms a fault: the n-th operation of kind (counted from now; OpAny
// counts every operation) fails with an error wrapping ErrInjected and does
// nothing. Each armed fault fires once.
func (f *FS) FailNth(kind Kind, n int) { f.arm(&rule{kind: kind, n: n, act: actFail}) }

// ShortWriteNth arms a short write: the n-th write from now writes the
// first half of its bytes and then fails with an error wrapping ErrInjected.
func (f *FS) ShortWriteNth(n int) { f.arm(&rule{kind: OpWrite, n: n, act: actShort}) }

// CutAtNth arms a power cut: instead of doing the n-th operation of kind
// (counted from now; OpAny counts every operation), the FS cuts the power
// as Cut does, and the operation fails with ErrPoweredOff.
func (f *FS) CutAtNth(kind Kind, n int) { f.arm(&rule{kind: kind, n: n, act: actCut}) }

// CutRandomAtNth is CutAtNth with the random cut of CutRandom.
func (f *FS) CutRandomAtNth(kind Kind, n int, seed uint64) {
	f.arm(&rule{kind: kind, n: n, act: actCutRandom, seed: seed})
}

func (f *FS) arm(r *rule) {
	if r.n < 1 {
		panic("faultfs: n starts at 1")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = append(f.rules, r)
}

// Disarm removes every armed fault.
func (f *FS) Disarm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Fired reports whether every armed fault has fired (false when none is armed).
func (f *FS) Fired() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.rules) == 0 {
		return false
	}
	for _, r := range f.rules {
		if !r.fired {
			return false
		}
	}
	return true
}

// Count returns how many operations of kind were attempted since New
// (OpAny: of every kind).
func (f *FS) Count(kind Kind) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if kind == OpAny {
		n := 0
		for _, c := range f.counts {
			n += c
		}
		return n
	}
	return f.counts[kind]
}

// Trace returns the most recent operations, oldest first, for failure
// messages.
func (f *FS) Trace() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.trace)
}

// CutErr returns the error of a power cut armed with CutAtNth, if
// rewriting the folder failed.
func (f *FS) CutErr() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cutErr
}

// Dead reports whether the power was cut.
func (f *FS) Dead() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dead
}

// begin accounts for an operation; the caller holds mu. It returns the
// error the operation must fail with, and whether it must be short.
func (f *FS) begin(kind Kind, path string) (short bool, err error) {
	if f.dead {
		return false, &fs.PathError{Op: string(kind), Path: path, Err: ErrPoweredOff}
	}
	f.counts[kind]++
	what := string(kind) + " " + f.rel(path)
	var hit *rule
	for _, r := range f.rules {
		if r.fired || (r.kind != kind && r.kind != OpAny) {
			continue
		}
		r.seen++
		if r.seen == r.n {
			r.fired = true
			if hit == nil {
				hit = r
			}
		}
	}
	if hit == nil {
		f.note(what)
		return false, nil
	}
	switch hit.act {
	case actFail:
		f.note(what + " -> injected failure")
		return false, &fs.PathError{Op: string(kind), Path: path, Err: ErrInjected}
	case actShort:
		f.note(what + " -> short write")
		return true, nil
	case actCutRandom:
		f.note(fmt.Sprintf("%s -> power cut (random, seed %d)", what, hit.seed))
		f.cutErr = f.cutLocked(newRand(hit.seed))
	default:
		f.note(what + " -> power cut")
		f.cutErr = f.cutLocked(nil)
	}
	return false, &fs.PathError{Op: string(kind), Path: path, Err: ErrPoweredOff}
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }

func (f *FS) note(s string) {
	const keep = 400
	if len(f.trace) == keep {
		copy(f.trace, f.trace[1:])
		f.trace = f.trace[:keep-1]
	}
	f.trace = append(f.trace, s)
}

func (f *FS) rel(path string) string {
	if r, err := filepath.Rel(f.root, path); err == nil {
		return r
	}
	return path
}

func abs(name string) string {
	if a, err := filepath.Abs(name); err == nil {
		return a
	}
	return filepath.Clean(name)
}

// lookup returns the model node at path, or nil when it is not tracked.
func (f *FS) lookup(path string) *node {
	r, err := filepath.Rel(f.root, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return nil
	}
	n := f.top
	if r == "." {
		return n
	}
	for _, part := range strings.Split(r, string(filepath.Separator)) {
		if n == nil || !n.dir {
			return nil
		}
		n = n.cur[part]
	}
	return n
}

func (f *FS) parentOf(path string) (*node, string) {
	p := f.lookup(filepath.Dir(path))
	if p == nil || !p.dir {
		return nil, ""
	}
	return p, filepath.Base(path)
}

// OpenFile implements vfs.FS.
func (f *FS) OpenFile(name string, flag int, perm os.FileMode) (vfs.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := abs(name)
	if _, err := f.begin(OpOpenFile, path); err != nil {
		return nil, err
	}
	_, statErr := os.Lstat(path)
	inner, err := f.inner.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	n := f.lookup(path)
	if n != nil && flag&os.O_TRUNC != 0 {
		n.dirty = true
	}
	if statErr != nil && flag&os.O_CREATE != 0 {
		if p, base := f.parentOf(path); p != nil {
			n = &node{path: path, dirty: true}
			if old := p.cur[base]; old != nil {
				old.path = ""
			}
			p.cur[base], p.known[base] = n, true
		}
	}
	return &file{fs: f, inner: inner, node: n, path: path}, nil
}

// ReadFile implements vfs.FS.
func (f *FS) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.begin(OpRead, abs(name)); err != nil {
		return nil, err
	}
	return f.inner.ReadFile(name)
}

// Rename implements vfs.FS.
func (f *FS) Rename(oldpath, newpath string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	o, n := abs(oldpath), abs(newpath)
	if _, err := f.begin(OpRename, o); err != nil {
		return err
	}
	if err := f.inner.Rename(oldpath, newpath); err != nil {
		return err
	}
	op, obase := f.parentOf(o)
	np, nbase := f.parentOf(n)
	var moved *node
	if op != nil {
		moved = op.cur[obase]
		delete(op.cur, obase)
	}
	if np == nil {
		if moved != nil {
			setPath(moved, "")
		}
		return nil
	}
	if moved == nil {
		// Renamed in from outside the tracked tree: a new file whose
		// content was never synced here.
		moved = &node{dirty: true}
		if fi, err := os.Lstat(n); err == nil && fi.IsDir() {
			moved = newDir("")
		}
	}
	if old := np.cur[nbase]; old != nil && old != moved {
		setPath(old, "")
	}
	np.cur[nbase], np.known[nbase] = moved, true
	setPath(moved, n)
	return nil
}

// setPath records a node's new path (and its children's, for a folder).
func setPath(n *node, path string) {
	n.path = path
	if n.dir {
		for name, c := range n.cur {
			if path == "" {
				setPath(c, "")
			} else {
				setPath(c, filepath.Join(path, name))
			}
		}
	}
}

// Remove implements vfs.FS.
func (f *FS) Remove(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := abs(name)
	if _, err := f.begin(OpRemove, path); err != nil {
		return err
	}
	if err := f.inner.Remove(name); err != nil {
		return err
	}
	if p, base := f.parentOf(path); p != nil {
		if n := p.cur[base]; n != nil {
			setPath(n, "")
		}
		delete(p.cur, base)
	}
	return nil
}

// MkdirAll implements vfs.FS.
func (f *FS) MkdirAll(name string, perm os.FileMode) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := abs(name)
	if _, err := f.begin(OpMkdir, path); err != nil {
		return err
	}
	var missing []string
	for p := path; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		missing = append(missing, p)
	}
	if err := f.inner.MkdirAll(name, perm); err != nil {
		return err
	}
	for i := len(missing) - 1; i >= 0; i-- {
		p := missing[i]
		if parent, base := f.parentOf(p); parent != nil {
			parent.cur[base], parent.known[base] = newDir(p), true
		}
	}
	return nil
}

// ReadDir implements vfs.FS.
func (f *FS) ReadDir(name string) ([]os.DirEntry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.begin(OpReadDir, abs(name)); err != nil {
		return nil, err
	}
	return f.inner.ReadDir(name)
}

// Stat implements vfs.FS.
func (f *FS) Stat(name string) (os.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.begin(OpStat, abs(name)); err != nil {
		return nil, err
	}
	return f.inner.Stat(name)
}

// SyncDir implements vfs.FS: the folder's current entries become durable.
func (f *FS) SyncDir(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	path := abs(name)
	if _, err := f.begin(OpSyncDir, path); err != nil {
		return err
	}
	if err := f.realSync(func() error { return f.inner.SyncDir(name) }); err != nil {
		return err
	}
	if n := f.lookup(path); n != nil && n.dir {
		n.durDir = clone(n.cur)
	}
	return nil
}

// SyncAll implements vfs.FS: everything becomes durable.
func (f *FS) SyncAll(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.begin(OpSyncAll, abs(name)); err != nil {
		return err
	}
	if err := f.realSync(func() error { return f.inner.SyncAll(name) }); err != nil {
		return err
	}
	return syncTree(f.top)
}

// realSync makes a real sync call unless they are turned off. The caller
// holds mu.
func (f *FS) realSync(call func() error) error {
	if f.noRealSync {
		return nil
	}
	return call()
}

func syncTree(n *node) error {
	if !n.dir {
		if n.path == "" || !n.dirty {
			return nil
		}
		b, err := os.ReadFile(n.path)
		if err != nil {
			return fmt.Errorf("faultfs: model out of step with the disk: %w", err)
		}
		n.durable, n.dirty = b, false
		return nil
	}
	n.durDir = clone(n.cur)
	for _, c := range n.cur {
		if err := syncTree(c); err != nil {
			return err
		}
	}
	return nil
}

func clone(m map[string]*node) map[string]*node {
	c := make(map[string]*node, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// Cut simulates a power cut now: the real folder is rewritten to what was
// durable, and the FS is dead from then on. Cutting a dead FS does nothing.
func (f *FS) Cut() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dead {
		return nil
	}
	f.note("power cut")
	return f.cutLocked(nil)
}

// CutRandom simulates a power cut after which the disk holds what was
// durable plus a random part of what was not, as a real disk may: each
// folder entry changed since its folder was last synced is kept in its new
// or its old state, and each file written since its last sync holds its
// durable content, its current content, or a torn mix of both (the current
// content up to a random offset and the old one after it). The FS is dead
// afterwards. seed makes it reproducible.
func (f *FS) CutRandom(seed uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dead {
		return nil
	}
	f.note(fmt.Sprintf("power cut (random, seed %d)", seed))
	return f.cutLocked(newRand(seed))
}

// cutLocked rewrites the disk to the durable state (with rng: a random
// mix, see CutRandom) and kills the FS. The caller holds mu.
func (f *FS) cutLocked(rng *rand.Rand) error {
	f.dead = true
	return f.restore(f.root, f.top, rng, map[*node]bool{})
}

func (f *FS) restore(path string, d *node, rng *rand.Rand, done map[*node]bool) error {
	want := d.durDir
	if rng != nil {
		want = clone(d.durDir)
		names := make([]string, 0, len(d.known))
		for name := range d.known {
			names = append(names, name)
		}
		slices.Sort(names) // map order must not change what a seed does
		for _, name := range names {
			if cur := d.cur[name]; cur != d.durDir[name] && rng.IntN(2) == 0 {
				if cur == nil {
					delete(want, name)
				} else {
					want[name] = cur
				}
			}
		}
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if d.known[e.Name()] && want[e.Name()] == nil {
			if err := os.RemoveAll(filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		n, p := want[name], filepath.Join(path, name)
		fi, statErr := os.Lstat(p)
		if n.dir {
			if statErr == nil && !fi.IsDir() {
				if err := os.Remove(p); err != nil {
					return err
				}
			}
			if err := os.MkdirAll(p, 0o755); err != nil {
				return err
			}
			if done[n] {
				continue
			}
			done[n] = true
			if err := f.restore(p, n, rng, done); err != nil {
				return err
			}
			continue
		}
		content := n.durable
		if rng != nil {
			content = tear(n, rng)
		}
		if statErr == nil && fi.IsDir() {
			if err := os.RemoveAll(p); err != nil {
				return err
			}
		}
		if statErr == nil && !fi.IsDir() {
			if cur, err := os.ReadFile(p); err == nil && bytes.Equal(cur, content) {
				continue
			}
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// tear picks what a file holds after a random cut.
func tear(n *node, rng *rand.Rand) []byte {
	if n.path == "" || !n.dirty {
		return n.durable
	}
	cur, err := os.ReadFile(n.path)
	if err != nil || bytes.Equal(cur, n.durable) {
		return n.durable
	}
	switch rng.IntN(3) {
	case 0:
		return n.durable
	case 1:
		return cur
	}
	k := rng.IntN(len(cur) + 1)
	out := append([]byte(nil), cur[:k]...)
	if len(n.durable) > k {
		out = append(out, n.durable[k:]...)
	}
	return out
}

// file is an open file of the FS.
type file struct {
	fs    *FS
	inner vfs.File
	node  *node // nil when untracked
	path  string
}

func (fl *file) Read(p []byte) (int, error) {
	fl.fs.mu.Lock()
	defer fl.fs.mu.Unlock()
	if _, err := fl.fs.begin(OpRead, fl.path); err != nil {
		return 0, err
	}
	return fl.inner.Read(p)
}

func (fl *file) ReadAt(p []byte, off int64) (int, error) {
	fl.fs.mu.Lock()
	defer fl.fs.mu.Unlock()
	if _, err := fl.fs.begin(OpRead, fl.path); err != nil {
		return 0, err
	}
	return fl.inner.ReadAt(p, off)
}

func (fl *file) Write(p []byte) (int, error) {
	fl.fs.mu.Lock()
	defer fl.fs.mu.Unlock()
	short, err := fl.fs.begin(OpWrite, fl.path)
	if err != nil {
		return 0, err
	}
	fl.dirty()
	if short {
		n, err := fl.inner.Write(p[:len(p)/2])
		return n, fl.shortErr(n, len(p), err)
	}
	return fl.inner.Write(p)
}

func (fl *file) WriteAt(p []byte, off int64) (int, error) {
	fl.fs.mu.Lock()
	defer fl.fs.mu.Unlock()
	short, err := fl.fs.begin(OpWrite, fl.path)
	if err != nil {
		return 0, err
	}
	fl.dirty()
	if short {
		n, err := fl.inner.WriteAt(p[:len(p)/2], off)
		return n, fl.shortErr(n, len(p), err)
	}
	return fl.inner.WriteAt(p, off)
}

func (fl *file) dirty() {
	if fl.node != nil {
		fl.node.dirty = true
	}
}

func (fl *file) shortErr(n, want int, err error) error {
	if err != nil {
		return err
	}
	return &fs.PathError{Op: "write", Path: fl.path, Err: fmt.Errorf("%w: short write, %d of %d bytes", ErrInjected, n, want)}
}

// Sync makes the file's content durable (not its name).
func (fl *file) Sync() error {
	fl.fs.mu.Lock()
	defer fl.fs.mu.Unlock()
	if _, err := fl.fs.begin(OpSync, fl.path); err != nil {
		return err
	}
	if err := fl.fs.realSync(fl.inner.Sync); err != nil {
		return err
	}
	if n := fl.node; n != nil && n.path != "" {
		b, err := os.ReadFile(n.path)
		if err != nil {
			return fmt.Errorf("faultfs: model out of step with the disk: %w", err)
		}
		n.durable, n.dirty = b, false
	}
	return nil
}

// Close closes the real file even when the power is off or the close is
// failed on purpose, so that tests do not leak descriptors.
func (fl *file) Close() error {
	fl.fs.mu.Lock()
	defer fl.fs.mu.Unlock()
	_, err := fl.fs.begin(OpClose, fl.path)
	cerr := fl.inner.Close()
	if err != nil {
		return err
	}
	return cerr
}
