package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/opossum-go/opossum/store/importer"
)

var cmdImportOpossum = &command{
	name: "import-opossum", args: "SRC DST", min: 2, max: 2,
	summary: "copy a store of Opossum (.NET) into a new store",
	help: `Reads the Opossum store folder SRC (its .ledger, events/%010d.json files
and Indices/) and writes an equivalent store in DST, a new or empty folder:
every event keeps its position, type, tags, payload and metadata (the
payload's .NET "$type" and the operationId and userId go to the event's
metadata extras). SRC is only read; stop the Opossum application first.
Every event file is checked before anything is written: a damaged one stops
the import, naming it, and DST is not created.

The report lists the events by type, the ledger against the last event file,
and the entries Opossum's indices lacked (events its type and tag queries
did not find) or kept for no event. Projections are not imported: rebuild
them from the events. A gap in the positions is refused unless --renumber.

Exit codes: 1 when DST is not empty or SRC has a gap, 2 when SRC is not an
Opossum store, 4 when a file of SRC is damaged.`,
	flags: func(fs *flag.FlagSet) runner {
		var (
			renumber, asJSON, noSync bool
		)
		fs.BoolVar(&renumber, "renumber", false, "close gaps in the positions instead of refusing them")
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
		fs.BoolVar(&noSync, "no-sync", false, "skip fsync (faster; the new store may lose events on power loss)")
		return func(ctx context.Context, e *env, args []string) error {
			rep, err := importer.Import(ctx, args[0], args[1], &importer.Options{Renumber: renumber, NoSync: noSync})
			switch {
			case errors.Is(err, importer.ErrNotOpossum):
				return &codeError{code: exitNotAStore, err: err}
			case errors.Is(err, importer.ErrDamaged):
				return &codeError{code: exitDamaged, err: err}
			case errors.Is(err, importer.ErrDestination), errors.Is(err, importer.ErrGap):
				return &codeError{code: exitUsage, err: err}
			case err != nil:
				return err
			}
			if asJSON {
				return printJSON(e.stdout, rep)
			}
			w := e.stdout
			fmt.Fprintf(w, "imported %d events from %s into %s in %s; head %d\n", rep.Events, rep.Source, rep.Destination, rep.Took.Round(time.Millisecond), rep.Head)
			fmt.Fprintf(w, "ledger       %d, last event file %d\n", rep.Ledger, rep.LastFile)
			if rep.LastFile > rep.Ledger {
				fmt.Fprintf(w, "             events after the ledger were imported, as Opossum's next append would have shown them\n")
			}
			fmt.Fprintf(w, "types        %d\n", len(rep.Types))
			for _, t := range byCount(rep.Types) {
				fmt.Fprintf(w, "  %-40s %d\n", t, rep.Types[t])
			}
			fmt.Fprintf(w, "indices      %d files compared: %d entries missing, %d naming no event\n", rep.IndexFiles, len(rep.MissingFromIndices), len(rep.StaleInIndices))
			for _, m := range rep.MissingFromIndices {
				fmt.Fprintf(w, "  missing %s\n", m)
			}
			for _, s := range rep.StaleInIndices {
				fmt.Fprintf(w, "  stale   %s\n", s)
			}
			if len(rep.Moved) > 0 {
				fmt.Fprintf(w, "renumbered   %d events\n", len(rep.Moved))
				for _, from := range slices.Sorted(maps.Keys(rep.Moved)) {
					fmt.Fprintf(w, "  %d -> %d\n", from, rep.Moved[from])
				}
			}
			if len(rep.Skipped) > 0 {
				fmt.Fprintf(w, "not imported\n  %s\n", strings.Join(rep.Skipped, "\n  "))
			}
			return nil
		}
	},
}
