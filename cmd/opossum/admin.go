package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/opossum-go/opossum/internal/cli"
	"github.com/opossum-go/opossum/store"
)

var cmdStats = &command{
	name: "stats", args: "STORE", min: 1, max: 1,
	summary: "count events by type and tag; sizes and head",
	help: `Prints the store's head, the number and size of its event files, the
size of its index snapshot, the number of events of each type and, per tag
key, how many events carry it and with how many values (--values lists
every key:value). --json prints it all as one JSON object.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var asJSON, values bool
		sf.register(fs, false)
		fs.BoolVar(&asJSON, "json", false, "print as JSON")
		fs.BoolVar(&values, "values", false, "list the number of events of every tag key:value")
		return func(ctx context.Context, e *env, args []string) error {
			if isPostgres(args[0]) {
				return e.postgresStats(ctx, args[0], asJSON, values)
			}
			s, err := e.open(args[0], &sf, false)
			if err != nil {
				return err
			}
			defer s.Close()
			st, err := s.Stats(ctx)
			if err != nil {
				return err
			}
			var m struct {
				Format    int       `json:"format"`
				CreatedAt time.Time `json:"createdAt"`
			}
			if b, err := os.ReadFile(filepath.Join(s.Dir(), "opossum.json")); err == nil {
				_ = json.Unmarshal(b, &m)
			}
			c := countTags(st.Tags)
			if asJSON {
				return printJSON(e.stdout, struct {
					Dir       string    `json:"dir"`
					Format    int       `json:"format"`
					CreatedAt time.Time `json:"createdAt"`
					store.Stats
					TagKeys map[string]*keyStat `json:"tagKeys"`
					Tags    map[string]int      `json:"tags,omitempty"`
				}{s.Dir(), m.Format, m.CreatedAt, st, c.keys, c.values(values)})
			}
			w := e.stdout
			fmt.Fprintf(w, "store        %s\n", s.Dir())
			fmt.Fprintf(w, "format       %d, created %s\n", m.Format, m.CreatedAt.Format(time.RFC3339))
			fmt.Fprintf(w, "head         %d\n", st.Head)
			fmt.Fprintf(w, "event files  %d in %d shard folder(s), %s\n", st.EventFiles, st.ShardFolders, bytesText(st.EventBytes))
			fmt.Fprintf(w, "snapshot     %s\n", bytesText(st.SnapshotBytes))
			fmt.Fprintf(w, "packs        %d, %s\n", st.Packs, bytesText(st.PackBytes))
			c.print(w, st.Types, values)
			return nil
		}
	},
}

// tagCounts are the counts stats prints per tag and per tag key.
type tagCounts struct {
	tags map[string]int // events per key:value
	keys map[string]*keyStat
}

type keyStat struct {
	Events int `json:"events"`
	Values int `json:"values"`
}

func countTags(tags map[store.Tag]int) tagCounts {
	c := tagCounts{tags: map[string]int{}, keys: map[string]*keyStat{}}
	for t, n := range tags {
		c.tags[t.String()] = n
		k := c.keys[t.Key]
		if k == nil {
			k = &keyStat{}
			c.keys[t.Key] = k
		}
		k.Events += n
		k.Values++
	}
	return c
}

// values returns the counts per tag key:value when asked for, nil
// otherwise: tag values can be personal data.
func (c tagCounts) values(asked bool) map[string]int {
	if !asked {
		return nil
	}
	return c.tags
}

// print prints the counts by type, by tag key and (values) by tag, each
// list lined up whatever the width of its names.
func (c tagCounts) print(w io.Writer, types map[string]int, values bool) {
	list := func(title string, n int, rows [][]string) {
		text, _ := align(rows, nil, "  ")
		fmt.Fprintf(w, "%-12s %d\n%s", title, n, text)
	}
	var rows [][]string
	for _, t := range byCount(types) {
		rows = append(rows, []string{t, strconv.Itoa(types[t])})
	}
	list("types", len(types), rows)
	rows = nil
	for _, k := range sortedKeys(c.keys) {
		rows = append(rows, []string{k, fmt.Sprintf("%d events, %d values", c.keys[k].Events, c.keys[k].Values)})
	}
	list("tag keys", len(c.keys), rows)
	if values {
		rows = nil
		for _, t := range byCount(c.tags) {
			rows = append(rows, []string{t, strconv.Itoa(c.tags[t])})
		}
		list("tags", len(c.tags), rows)
	}
}

func printJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// byCount returns the keys of m by descending count, then by name.
func byCount(m map[string]int) []string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	return keys
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

var cmdCheck = &command{
	name: "check", args: "STORE", min: 1, max: 1,
	summary: "verify a store: files, positions, batches, index, checkpoints",
	help: `Verifies the store without opening it (so it also checks a store that
does not open) and without writing anything: every event file up to the
head parses and holds its position, positions are complete and batches fit
together, nothing but a commit in progress or a crashed writer's tail lies
after the head, the index snapshot agrees with the event files, and no
projection checkpoint (under STORE/projections, or --projections) is ahead
of the head. Prints each finding with its file; exits with 4 when any is
damage, 0 when there is none (findings that recovery repairs by itself,
such as a torn tail, are printed as notes).`,
	flags: func(fs *flag.FlagSet) runner {
		var asJSON bool
		var projections string
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
		fs.StringVar(&projections, "projections", "", "folder of the projections' read models (default STORE/projections)")
		return func(ctx context.Context, e *env, args []string) error {
			dir := args[0]
			if err := isFolder(dir); err != nil {
				return err
			}
			if projections == "" {
				projections = filepath.Join(dir, "projections")
			}
			cps, notes := projectionCheckpoints(projections)
			rep, err := store.VerifyDir(ctx, dir, cps...)
			if err != nil {
				return err
			}
			rep.Problems = append(rep.Problems, notes...)
			if asJSON {
				b, err := json.MarshalIndent(rep, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "%s\n", b)
			} else {
				printReport(e, rep, len(cps))
			}
			if rep.Damaged() {
				return &codeError{code: exitDamaged}
			}
			return nil
		}
	},
}

func printReport(e *env, rep store.Report, checkpoints int) {
	w := e.stdout
	damage := 0
	for _, p := range rep.Problems {
		label := "note  "
		if p.Damage {
			label = "DAMAGE"
			damage++
		}
		fmt.Fprintf(w, "%s %s\n", label, p)
	}
	summary := fmt.Sprintf("%s: head %d, %d event files, %d projection checkpoints checked", rep.Dir, rep.Head, rep.EventFiles, checkpoints)
	switch {
	case damage > 0:
		fmt.Fprintf(w, "%s: DAMAGED (%d problems, %d notes)\n", summary, damage, len(rep.Problems)-damage)
	case len(rep.Problems) > 0:
		fmt.Fprintf(w, "%s: ok (%d notes)\n", summary, len(rep.Problems))
	default:
		fmt.Fprintf(w, "%s: ok\n", summary)
	}
}

var cmdBackup = &command{
	name: "backup", args: "STORE DEST", min: 2, max: 2,
	summary: "copy the store (hot) to a folder or a .tar.gz",
	help: `Copies the store while other processes may be writing to it: the events up
to the head when the backup begins, the manifest, a head file and a fresh
index snapshot. DEST is a new (or empty) folder, a new file ending in
.tar.gz or .tgz, or - for a tar.gz on stdout. A folder backup is verified
after it is written. Projection read models are not copied; they are
rebuilt from the events.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs, false)
		return func(ctx context.Context, e *env, args []string) error {
			s, err := e.open(args[0], &sf, false)
			if err != nil {
				return err
			}
			defer s.Close()
			dest := args[1]
			var res store.BackupResult
			switch {
			case dest == "-" && cli.IsTerminal(e.stdout):
				return usageErr("refusing to write a gzip archive to a terminal: redirect stdout (opossum backup STORE - > backup.tar.gz) or give a file name")
			case dest == "-":
				res, err = s.BackupArchive(ctx, e.stdout)
			case strings.HasSuffix(dest, ".tar.gz") || strings.HasSuffix(dest, ".tgz"):
				res, err = backupArchiveFile(ctx, s, dest)
			default:
				res, err = s.Backup(ctx, dest)
				if err == nil {
					rep, verr := store.VerifyDir(ctx, dest)
					if verr != nil {
						return fmt.Errorf("verify the backup: %w", verr)
					}
					if rep.Damaged() {
						printReport(e, rep, 0)
						return &codeError{code: exitDamaged, err: errors.New("the backup does not verify")}
					}
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "backed up positions 1..%d (%d events, %s of event files) to %s\n", res.Head, res.Events, bytesText(res.Bytes), dest)
			return nil
		}
	},
}

// backupArchiveFile writes a tar.gz backup to a new file, through a
// temporary file beside it, so that a failed backup leaves no archive.
func backupArchiveFile(ctx context.Context, s *store.FileStore, dest string) (store.BackupResult, error) {
	if _, err := os.Lstat(dest); err == nil {
		return store.BackupResult{}, &codeError{code: exitUsage, err: fmt.Errorf("%s exists; give a new file", dest)}
	}
	f, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.tmp")
	if err != nil {
		return store.BackupResult{}, err
	}
	tmp := f.Name()
	res, err := s.BackupArchive(ctx, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, dest)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return res, err
}

var cmdAddTags = &command{
	name: "add-tags", args: "STORE", min: 1, max: 1,
	summary: "add tags to the past events of a type",
	help: `Adds tags to every stored event of --type: fixed ones (--tag key:value)
and ones whose value comes from the event's data (--tag-from key=field,
with dots for nested fields: --tag-from studentId=student.id; an event
without the field, or with a null, object or array there, gets no such
tag). Additive only: tags an event already has are not added again, no tag
is removed. Runs under the store's writer lock; appends of other processes
wait meanwhile. --dry-run counts what would change and writes nothing.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		var typ string
		var fixed, from stringList
		var dryRun bool
		sf.register(fs, true)
		fs.StringVar(&typ, "type", "", "the event type to tag (required)")
		fs.Var(&fixed, "tag", "a key:value tag to add (repeatable)")
		fs.Var(&from, "tag-from", "a key=field tag whose value is the event's data field (repeatable)")
		fs.BoolVar(&dryRun, "dry-run", false, "count what would change without writing")
		return func(ctx context.Context, e *env, args []string) error {
			if typ == "" {
				return usageErr("--type is required")
			}
			if len(fixed) == 0 && len(from) == 0 {
				return usageErr("give at least one --tag or --tag-from")
			}
			tagsFor, err := tagFunc(fixed, from)
			if err != nil {
				return err
			}
			if dryRun {
				s, err := e.open(args[0], &sf, false)
				if err != nil {
					return err
				}
				defer s.Close()
				res, err := dryAddTags(ctx, s, typ, tagsFor)
				if err != nil {
					return err
				}
				fmt.Fprintf(e.stdout, "dry run: %s: %d events, %d would change, %d tags would be added\n", typ, res.EventsProcessed, res.EventsChanged, res.TagsAdded)
				return nil
			}
			s, err := e.open(args[0], &sf, true)
			if err != nil {
				return err
			}
			res, err := s.AddTags(ctx, typ, tagsFor)
			if cerr := s.Close(); err == nil {
				err = cerr
			}
			fmt.Fprintf(e.stdout, "%s: %d events, %d changed, %d tags added\n", typ, res.EventsProcessed, res.EventsChanged, res.TagsAdded)
			return err
		}
	},
}

var cmdPack = &command{
	name: "pack", args: "STORE", min: 1, max: 1,
	summary: "pack whole shards, for fast cold reads",
	help: `Writes a pack for every whole shard of 10,000 events that has none yet:
a copy of the shard's event files in one file (packs/ in the store), which
reads then use instead of the files, so that reading many events from a
cold disk costs far fewer reads. Packs are derived data: the event files
stay the truth, and deleting packs/ loses nothing. Packs written before
add-tags are not used after it; run pack again. Safe beside the appends of
other processes.`,
	flags: func(fs *flag.FlagSet) runner {
		var sf storeFlags
		sf.register(fs, true)
		return func(ctx context.Context, e *env, args []string) error {
			s, err := e.open(args[0], &sf, true)
			if err != nil {
				return err
			}
			res, err := s.Pack(ctx)
			if cerr := s.Close(); err == nil {
				err = cerr
			}
			fmt.Fprintf(e.stdout, "%d shard(s) packed (%d events, %s), %d already packed, %d stale file(s) removed\n",
				res.Packed, res.Events, bytesText(res.Bytes), res.Kept, res.Removed)
			return err
		}
	},
}

// tagFunc builds the tag function of add-tags.
func tagFunc(fixed, from []string) (func(store.StoredEvent) []store.Tag, error) {
	var tags []store.Tag
	for _, s := range fixed {
		t, err := parseTagFlag(s)
		if err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	type fromField struct {
		key  string
		path []string
	}
	var fields []fromField
	for _, s := range from {
		k, f, ok := strings.Cut(s, "=")
		if !ok || f == "" {
			return nil, usageErr("--tag-from %q: want key=field", s)
		}
		if _, err := store.ParseTag(k + ":x"); err != nil {
			return nil, err
		}
		fields = append(fields, fromField{key: k, path: strings.Split(f, ".")})
	}
	return func(e store.StoredEvent) []store.Tag {
		out := append([]store.Tag(nil), tags...)
		if len(fields) == 0 {
			return out
		}
		var data any
		if json.Unmarshal(e.Data, &data) != nil {
			return out
		}
		for _, f := range fields {
			if v, ok := field(data, f.path); ok {
				out = append(out, store.NewTag(f.key, v))
			}
		}
		return out
	}, nil
}

// field returns the text of a scalar at path in a decoded JSON value.
func field(v any, path []string) (string, bool) {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[p]; !ok {
			return "", false
		}
	}
	switch x := v.(type) {
	case string:
		return x, true
	case float64, bool:
		b, _ := json.Marshal(x)
		return string(b), true
	}
	return "", false
}

// dryAddTags counts what AddTags would do, reading only.
func dryAddTags(ctx context.Context, s *store.FileStore, typ string, tagsFor func(store.StoredEvent) []store.Tag) (store.AddTagsResult, error) {
	var res store.AddTagsResult
	for ev, err := range s.Read(ctx, store.Types(typ)) {
		if err != nil {
			return res, err
		}
		res.EventsProcessed++
		var fresh []store.Tag
		for _, t := range tagsFor(ev) {
			if _, err := store.ParseTag(t.String()); err != nil {
				return res, fmt.Errorf("event %d: %w", ev.Position, err)
			}
			seen := ev.HasTag(t)
			for _, f := range fresh {
				seen = seen || f == t
			}
			if !seen {
				fresh = append(fresh, t)
			}
		}
		if len(fresh) > 0 {
			res.EventsChanged++
			res.TagsAdded += len(fresh)
		}
	}
	return res, nil
}

var cmdDeleteStore = &command{
	name: "delete-store", args: "STORE", min: 1, max: 1,
	summary: "delete a store folder for good (asks first)",
	help: `Deletes the store folder and everything in it, for good. It asks for
confirmation on stdin (type yes) unless --yes is given, and refuses (exit
3) while any program has the store open or is writing to it, unless
--force is given. Only a store folder (one holding opossum.json) is ever
deleted.`,
	flags: func(fs *flag.FlagSet) runner {
		var yes, force bool
		fs.BoolVar(&yes, "yes", false, "do not ask for confirmation")
		fs.BoolVar(&force, "force", false, "delete even while other programs use the store (they will fail)")
		return func(ctx context.Context, e *env, args []string) error {
			dir := args[0]
			if err := isFolder(dir); err != nil {
				return err
			}
			abs, _ := filepath.Abs(dir)
			if !yes {
				count := "an unknown number of events"
				if s, err := store.Open(dir, &store.Options{ReadOnly: true}); err == nil {
					if h, err := s.Head(ctx); err == nil {
						count = fmt.Sprintf("%d events", h)
					}
					s.Close()
				}
				fmt.Fprintf(e.stderr, "Delete the store %s (%s) for good? Type yes to confirm: ", abs, count)
				line, _ := e.stdin.ReadString('\n')
				if strings.TrimSpace(line) != "yes" {
					fmt.Fprintln(e.stderr)
					return &codeError{code: exitNotConfirmed, err: errors.New("not confirmed; nothing was deleted")}
				}
			}
			if err := store.DeleteStore(dir, force); err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "deleted %s\n", abs)
			return nil
		}
	},
}

// projectionCheckpoints reads the checkpoints of the projections kept in
// dir, as store/projection lays them out: <name>/<generation>/checkpoint.json
// with the position it covers. Files it cannot read become notes.
func projectionCheckpoints(dir string) ([]store.Checkpoint, []store.Problem) {
	var cps []store.Checkpoint
	var notes []store.Problem
	names, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil
	}
	for _, n := range names {
		if !n.IsDir() || strings.HasPrefix(n.Name(), ".") {
			continue
		}
		gens, _ := os.ReadDir(filepath.Join(dir, n.Name()))
		for _, g := range gens {
			path := filepath.Join(dir, n.Name(), g.Name(), "checkpoint.json")
			b, err := os.ReadFile(path)
			if errors.Is(err, fs.ErrNotExist) || !g.IsDir() {
				continue
			}
			var c struct {
				Position *store.Position `json:"position"`
			}
			if err == nil {
				err = json.Unmarshal(b, &c)
			}
			if err == nil && c.Position == nil {
				err = errors.New("no position")
			}
			if err != nil {
				notes = append(notes, store.Problem{Kind: "projection", Path: path, Detail: fmt.Sprintf("unreadable checkpoint (%v); the projection rebuilds", err)})
				continue
			}
			cps = append(cps, store.Checkpoint{Name: n.Name() + "/" + g.Name(), Path: path, Position: *c.Position})
		}
	}
	return cps, notes
}
