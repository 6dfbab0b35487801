package vfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// SyncParallel is the most fdatasyncs Sync runs at once, and a commit of
// the store that syncs its group file by file.
const SyncParallel = 16

// Sync makes the files at paths durable (their content and size), then
// the entries of the folders dirs: each file gets an fdatasync, at most
// SyncParallel at a time, then each folder an fsync, whatever the number
// of files. It never syncs the whole file system, which would also flush
// whatever other programs wrote to it (see docs/durability.md). A folder's
// own name in its parent is an entry of the parent: list the parent in
// dirs when the folder is new.
func Sync(fsys FS, paths, dirs []string) error {
	return syncEach(fsys, paths, dirs)
}

// TrySyncAll makes every file and folder of the file system holding path
// durable with one SyncAll. It reports false, and no error, where the file
// system has no SyncAll (errors.ErrUnsupported): the caller then syncs what
// it needs file by file.
func TrySyncAll(fsys FS, path string) (bool, error) {
	err := fsys.SyncAll(path)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errors.ErrUnsupported):
		return false, nil
	default:
		return false, fmt.Errorf("vfs: syncfs %s: %w", path, err)
	}
}

// SyncTree makes every file and folder below dir durable, dir included:
// one SyncAll where the file system has it (it is for whole trees written
// at once, such as a rebuilt projection), otherwise the file-by-file syncs
// of Sync over the whole tree.
func SyncTree(fsys FS, dir string) error {
	if synced, err := TrySyncAll(fsys, dir); synced || err != nil {
		return err
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

// syncEach fdatasyncs the files at paths, at most SyncParallel at a time,
// then fsyncs the folders dirs.
func syncEach(fsys FS, paths, dirs []string) error {
	errs := make([]error, len(paths))
	if len(paths) == 1 {
		errs[0] = syncFile(fsys, paths[0])
	} else {
		var wg sync.WaitGroup
		sem := make(chan struct{}, SyncParallel)
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
