package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/opossum-go/opossum/internal/explorer"
)

var cmdUI = &command{
	name: "ui", args: "STORE", min: 1, max: 1,
	summary: "explore the store in a web browser (read-only, live)",
	help: `Serves the Opossum Explorer on 127.0.0.1 and prints its address: a web
page with the timeline of the store (batches, types, tags), each event as
stored, a query builder that shows which item of a DCB query matched each
event, an append-condition check, the projections' read models and their
lag. New events of any process appear as they are committed. The page and
its JSON endpoints are described in docs/explorer.md. It only reads: the
store is opened read-only. A PostgreSQL store is named by its connection
URL (postgres://...); it has no files and no read models to show. Ctrl-C
stops it.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var port int
		sf.register(fs, false)
		fs.IntVar(&port, "port", 0, "port to serve on, on 127.0.0.1 (0: a free one)")
		return func(ctx context.Context, e *env, args []string) error {
			if port < 0 || port > 65535 {
				return usageErr("--port must be from 0 to 65535, not %d", port)
			}
			s, err := e.openEvents(ctx, args[0], &sf)
			if err != nil {
				return err
			}
			defer s.Close()
			return explorer.Serve(ctx, explorer.New(s, nil), port, func(url string) {
				fmt.Fprintf(e.stdout, "Opossum Explorer on %s (read-only; Ctrl-C stops it)\n", url)
			})
		}
	},
}
