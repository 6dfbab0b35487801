package store

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkIndexMemory builds the in-memory index of 1,000,000 events with
// two tags each (an entity tag shared by 10 events, a group tag shared by
// 10,000; ten types) and reports the heap it holds, per event. The figure
// is what a file store of that size keeps in memory besides its caches.
func BenchmarkIndexMemory(b *testing.B) {
	const n = 1_000_000
	types := make([]string, 10)
	for i := range types {
		types[i] = fmt.Sprintf("Type%d", i)
	}
	var perEvent float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		x := newIndex()
		for i := range n {
			// Fresh strings per event, as decoding event files makes them:
			// the index keeps those of the first event with each tag.
			tags := []Tag{NewTag("entity", fmt.Sprintf("e-%d", i%(n/10))), NewTag("group", fmt.Sprintf("g-%d", i%100))}
			x.add(Position(i+1), &Event{ID: NewEventID(), Type: types[i%10], Tags: tags})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(x)
		perEvent = float64(after.HeapAlloc-before.HeapAlloc) / n
	}
	b.ReportMetric(perEvent, "bytes/event")
}
