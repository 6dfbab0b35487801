package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFloor measures the raw floor of this disk, the reference for the
// durable append figures: what one durable event costs at least.
//
//   - kind=file-fsync: create a small file, write it, fsync it, fsync its
//     folder (what a file-per-event store must do per commit);
//   - kind=file-fdatasync: the same with fdatasync, which the file store
//     uses for a single new file;
//   - kind=file-nosync: create, write and close a small file without any
//     sync, the floor of the no-sync append;
//   - kind=log: append a record to one open log file and fdatasync it (what
//     a write-ahead log such as SQLite's pays per commit).
func BenchmarkFloor(b *testing.B) {
	data := payload(1)
	data = append(data, make([]byte, 400-len(data))...) // the size of an event file
	for _, kind := range []string{"file-fsync", "file-fdatasync", "file-nosync"} {
		b.Run("kind="+kind, func(b *testing.B) {
			b.ReportAllocs()
			dir := b.TempDir()
			n := 0
			for b.Loop() {
				n++
				f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%012d.json", n)), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := f.Write(data); err != nil {
					b.Fatal(err)
				}
				switch kind {
				case "file-fsync":
					err = f.Sync()
				case "file-fdatasync":
					err = dataSync(f)
				}
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
				if kind == "file-nosync" {
					continue
				}
				if err := syncDir(dir); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, 1)
		})
	}
	b.Run("kind=log", func(b *testing.B) {
		b.ReportAllocs()
		f, err := os.OpenFile(filepath.Join(b.TempDir(), "log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		for b.Loop() {
			if _, err := f.Write(data); err != nil {
				b.Fatal(err)
			}
			if err := dataSync(f); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, 1)
	})
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// reportRate reports events/s for a benchmark whose op handled perOp events.
func reportRate(b *testing.B, perOp int) {
	if s := b.Elapsed().Seconds(); s > 0 {
		b.ReportMetric(float64(b.N*perOp)/s, "events/s")
	}
}

// floorOp creates file n in dir with os.OpenFile, writes data and, when
// durable, fdatasyncs it and fsyncs the folder (opened for that): the least
// a file-per-event store does per durable event, the per-file floor.
func floorOp(dir string, n int, data []byte, durable bool) error {
	f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("%012d.json", n)), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if durable {
		if err := dataSync(f); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	if durable {
		return syncDir(dir)
	}
	return nil
}
