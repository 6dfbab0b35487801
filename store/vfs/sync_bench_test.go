package vfs

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// BenchmarkSyncStrategy measures the ways to make a group of new small
// files durable on this disk. syncfs is the fastest for large groups on a
// quiet disk, but it also flushes other programs' data, so the file store
// uses parallel fdatasyncs (vfs.Sync) for any group; see docs/durability.md.
// Run: go test -run '^$' -bench SyncStrategy ./store/vfs/
func BenchmarkSyncStrategy(b *testing.B) {
	data := make([]byte, 400)
	for _, k := range []int{1, 4, 16, 64} {
		for _, mode := range []string{"fsync-each", "fsync-parallel", "syncfs"} {
			if k == 1 && mode != "fsync-each" {
				continue
			}
			b.Run(fmt.Sprintf("files=%d/%s", k, mode), func(b *testing.B) {
				dir := b.TempDir()
				n := 0
				create := func() *os.File {
					n++
					f, err := os.OpenFile(filepath.Join(dir, fmt.Sprint(n)), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := f.Write(data); err != nil {
						b.Fatal(err)
					}
					return f
				}
				for b.Loop() {
					switch mode {
					case "fsync-each":
						for range k {
							f := create()
							if err := dataSync(f); err != nil {
								b.Fatal(err)
							}
							f.Close()
						}
					case "fsync-parallel":
						var wg sync.WaitGroup
						files := make([]*os.File, k)
						for i := range files {
							files[i] = create()
						}
						for _, f := range files {
							wg.Go(func() {
								if err := dataSync(f); err != nil {
									b.Error(err)
								}
								f.Close()
							})
						}
						wg.Wait()
					case "syncfs":
						for range k {
							create().Close()
						}
						if err := syncAll(dir); err != nil {
							b.Skip("syncfs:", err)
						}
						continue
					}
					if err := syncDir(dir); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(k*b.N)/b.Elapsed().Seconds(), "files/s")
			})
		}
	}
}
