package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opossum-go/opossum/store"
	"github.com/opossum-go/opossum/store/projection"
)

var cmdProjections = &command{
	name: "projections", args: "STORE [ACTION [ARGUMENTS]]", min: 1, max: -1,
	summary: "list, read and correct the read models of the projections",
	help: `Works on the projections' read models kept under STORE/projections (or
--projections). The actions:

  list                      every projection: generation, version, checkpoint,
                            read models, interrupted rebuild (the default)
  get NAME KEY              one read model as JSON
  all NAME                  every read model of NAME, one JSON object a line
  query NAME TAG...         the read models of NAME carrying every key:value TAG
  checkpoint NAME POSITION  set the checkpoint: the next start continues after
                            POSITION (at most the store's head)
  save NAME KEY FILE        replace or create a read model with the JSON state
                            in FILE (- for standard input); --tag sets its tags,
                            which are kept otherwise
  delete NAME KEY           delete a read model
  rebuild NAME              mark NAME for a rebuild on the application's next start

list, get, all and query only read, and work while the application runs.
checkpoint, save, delete and rebuild need the application stopped: they
take the projections' lock and fail with exit code 3 while a runner holds
it; a running application offers the same operations in its API.`,
	flags: func(fs *flag.FlagSet) runner {
		var (
			dir    string
			asJSON bool
			tags   stringList
		)
		fs.StringVar(&dir, "projections", "", "folder of the projections' read models (default STORE/projections)")
		fs.BoolVar(&asJSON, "json", false, "list: print as JSON")
		fs.Var(&tags, "tag", "save: a key:value tag of the read model (repeatable)")
		return func(ctx context.Context, e *env, args []string) error {
			if err := isFolder(args[0]); err != nil {
				return err
			}
			if dir == "" {
				dir = filepath.Join(args[0], "projections")
			}
			action, rest := "list", args[1:]
			if len(rest) > 0 {
				action, rest = rest[0], rest[1:]
			}
			need := func(n int, what string) error {
				if len(rest) != n {
					return usageErr("%s needs %s", action, what)
				}
				return nil
			}
			var err error
			switch action {
			case "list":
				if err = need(0, "no arguments"); err == nil {
					err = listProjections(e, dir, asJSON)
				}
			case "get":
				if err = need(2, "NAME KEY"); err == nil {
					err = getReadModel(e, dir, rest[0], rest[1])
				}
			case "all":
				if err = need(1, "NAME"); err == nil {
					err = printReadModels(ctx, e, dir, rest[0], nil)
				}
			case "query":
				if len(rest) < 2 {
					return usageErr("query needs NAME TAG...")
				}
				var want []store.Tag
				for _, s := range rest[1:] {
					t, err := store.ParseTag(s)
					if err != nil {
						return usageErr("%v", err)
					}
					want = append(want, t)
				}
				err = printReadModels(ctx, e, dir, rest[0], want)
			case "checkpoint":
				if err = need(2, "NAME POSITION"); err == nil {
					err = saveCheckpoint(ctx, e, args[0], dir, rest[0], rest[1])
				}
			case "save":
				if err = need(3, "NAME KEY FILE"); err == nil {
					err = saveReadModel(e, dir, rest[0], rest[1], rest[2], tags)
				}
			case "delete":
				if err = need(2, "NAME KEY"); err == nil {
					err = withFolder(dir, func(f *projection.Folder) error { return f.DeleteReadModel(rest[0], rest[1]) })
				}
				if err == nil {
					fmt.Fprintf(e.stdout, "deleted %s %q\n", rest[0], rest[1])
				}
			case "rebuild":
				if err = need(1, "NAME"); err == nil {
					err = withFolder(dir, func(f *projection.Folder) error { return f.RequestRebuild(rest[0]) })
				}
				if err == nil {
					fmt.Fprintf(e.stdout, "%s is rebuilt when the application starts next\n", rest[0])
				}
			default:
				return usageErr("unknown action %q", action)
			}
			return projectionErr(err)
		}
	},
}

// projectionErr gives the projection package's errors their exit codes.
func projectionErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, projection.ErrLocked):
		return &codeError{code: exitInUse, err: fmt.Errorf("%w (stop the application, or use its API)", err)}
	case errors.Is(err, projection.ErrNotFound), errors.Is(err, projection.ErrUnknownProjection):
		return &codeError{code: exitNotFound, err: err}
	case errors.Is(err, projection.ErrInvalidOption), errors.Is(err, projection.ErrInvalidTag),
		errors.Is(err, projection.ErrInvalidDefinition), errors.Is(err, projection.ErrNotReady):
		return &codeError{code: exitUsage, err: err}
	case errors.Is(err, projection.ErrCorrupt):
		return &codeError{code: exitDamaged, err: err}
	}
	return err
}

func withFolder(dir string, do func(f *projection.Folder) error) error {
	f, err := projection.OpenFolder(dir, false)
	if err != nil {
		return err
	}
	err = do(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func listProjections(e *env, dir string, asJSON bool) error {
	ps, err := projection.ListProjections(dir)
	if err != nil {
		return err
	}
	if asJSON {
		if ps == nil {
			ps = []projection.Info{}
		}
		return printJSON(e.stdout, ps)
	}
	if len(ps) == 0 {
		fmt.Fprintf(e.stdout, "no projections in %s\n", dir)
		return nil
	}
	fmt.Fprintf(e.stdout, "%-24s %-10s %7s %10s %11s  %s\n", "NAME", "GENERATION", "VERSION", "CHECKPOINT", "READ MODELS", "NOTE")
	for _, p := range ps {
		note := p.Problem
		if p.Problem == "" && !p.Complete {
			note = "rebuilt on the next start"
		}
		if p.Rebuilding != "" {
			note += fmt.Sprintf(" rebuild in %s", p.Rebuilding)
		}
		if len(p.Unprotected) > 0 {
			note += fmt.Sprintf(" write protection removed from %s", strings.Join(p.Unprotected, ", "))
		}
		fmt.Fprintf(e.stdout, "%-24s %-10s %7d %10d %11d  %s\n", p.Name, p.Generation, p.Version, p.Position, p.ReadModels, note)
	}
	return nil
}

// readModelDoc is how a read model is printed.
type readModelDoc struct {
	Key      string          `json:"key"`
	Metadata projection.Meta `json:"metadata"`
	Tags     []store.Tag     `json:"tags"`
	Data     json.RawMessage `json:"data"`
}

func doc(it projection.Item[json.RawMessage]) readModelDoc {
	return readModelDoc{Key: it.Key, Metadata: it.Meta, Tags: it.Tags, Data: it.State}
}

func getReadModel(e *env, dir, name, key string) error {
	m, err := projection.OpenReadModels[json.RawMessage](dir, name)
	if err != nil {
		return err
	}
	it, err := m.Get(key)
	if err != nil {
		return err
	}
	return printJSON(e.stdout, doc(it))
}

func printReadModels(ctx context.Context, e *env, dir, name string, tags []store.Tag) error {
	m, err := projection.OpenReadModels[json.RawMessage](dir, name)
	if err != nil {
		return err
	}
	seq := m.List(ctx)
	if tags != nil {
		seq = m.Query(ctx, tags...)
	}
	for it, err := range seq {
		if err != nil {
			return err
		}
		b, err := json.Marshal(doc(it))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
	}
	return nil
}

func saveCheckpoint(ctx context.Context, e *env, storeDir, dir, name, position string) error {
	p, err := strconv.ParseUint(position, 10, 64)
	if err != nil {
		return usageErr("POSITION %q is not a position", position)
	}
	s, err := e.open(storeDir, &storeFlags{}, false)
	if err != nil {
		return err
	}
	head, err := s.Head(ctx)
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if store.Position(p) > head {
		return usageErr("position %d is beyond the store's head %d", p, head)
	}
	if err := withFolder(dir, func(f *projection.Folder) error { return f.SaveCheckpoint(name, store.Position(p)) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s continues after position %d when the application starts next\n", name, p)
	return nil
}

func saveReadModel(e *env, dir, name, key, file string, tagArgs stringList) error {
	var (
		data []byte
		err  error
	)
	if file == "-" {
		data, err = io.ReadAll(e.stdin)
	} else {
		data, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	var tags []store.Tag
	for _, s := range tagArgs {
		t, err := store.ParseTag(s)
		if err != nil {
			return usageErr("%v", err)
		}
		tags = append(tags, t)
	}
	if err := withFolder(dir, func(f *projection.Folder) error { return f.SaveReadModel(name, key, data, tags) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "saved %s %q\n", name, key)
	return nil
}
