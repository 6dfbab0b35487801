package vfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// SyncEachMax is the most files Sync makes durable one by one; more get
// one SyncAll. BenchmarkSyncStrategy measures both on the machine at hand
// (see docs/durability.md): up to about eight files, parallel fdatasyncs
// are faster than a syncfs, beyond that syncfs wins.
const SyncEachMax = 8

// Sync makes the files at paths durable (their content and size), then
// the entries of the folders dirs. It is the one sync policy of the store
// and its projections: up to SyncEachMax files get an fdatasync each, in
// parallel, and each folder an fsync; more files get one SyncAll of the
// file system holding root, which covers the folders too. Where SyncAll is
// unsupported (errors.ErrUnsupported), the files and folders are synced one
// by one whatever their number. A folder's own name in its parent is an
// entry of the parent: list the parent in dirs when the folder is new.
func Sync(fsys FS, root string, paths, dirs []string) error {
	if len(paths) > SyncEachMax {
		err := fsys.SyncAll(root)
		if err == nil {
			return nil
		}
		if !errors.Is(err, errors.ErrUnsupported) {
			return fmt.Errorf("vfs: syncfs %s: %w", root, err)
		}
	}
	return syncEach(fsys, paths, dirs)
}

// SyncTree makes every file and folder below dir durable, dir included:
// one SyncAll where the file system has it, otherwise the file-by-file
// syncs of Sync over the whole tree.
func SyncTree(fsys FS, dir string) error {
	err := fsys.SyncAll(dir)
	if err == nil {
		return nil
	}
	if !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("vfs: syncfs %s: %w", dir, err)
	}
	var paths []string
	dirs := []string{dir}
	for i := 0; i < len(dirs); i++ {
		entries, err := fsys.ReadDir(dirs[i])
		if err != nil {
			return fmt.Errorf("vfs: list %s: %w", dirs[i], err)
		}
		for _, e := range entries {
			p := filepath.Join(dirs[i], e.Name())
			if e.IsDir() {
				dirs = append(dirs, p)
			} else if e.Type().IsRegular() {
				paths = append(paths, p)
			}
		}
	}
	return syncEach(fsys, paths, dirs)
}

// syncEach fdatasyncs the files at paths in parallel, then fsyncs the
// folders dirs.
func syncEach(fsys FS, paths, dirs []string) error {
	errs := make([]error, len(paths))
	if len(paths) == 1 {
		errs[0] = syncFile(fsys, paths[0])
	} else {
		var wg sync.WaitGroup
		sem := make(chan struct{}, SyncEachMax)
		for i, p := range paths {
			sem <- struct{}{}
			wg.Go(func() {
				errs[i] = syncFile(fsys, p)
				<-sem
			})
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, d := range dirs {
		if err := fsys.SyncDir(d); err != nil {
			return fmt.Errorf("vfs: sync folder %s: %w", d, err)
		}
	}
	return nil
}

func syncFile(fsys FS, path string) error {
	f, err := fsys.OpenFile(path, os.O_RDONLY, 0)
	if err != nil {
		return fmt.Errorf("vfs: open %s: %w", path, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("vfs: sync %s: %w", path, err)
	}
	return nil
}
