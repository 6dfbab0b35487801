package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/store"
)

// BenchmarkPostgresTagIndex measures the two forms store/postgres could
// keep tags in for "events carrying all of these tags", on 100,000 fixture
// events (see fixtureEvent), in one run: layout=array is what the store
// does (tags text[] with a GIN index without its pending list, tags @>
// array[...]), layout=table a tag table (tag, position) with a B-tree
// primary key, intersected per tag. docs/postgres.md has the figures. Queries: the 10 events of one entity tag; the 10 of an entity tag
// and a group tag together; ReadLast of a group tag (1,000 events carry
// it); and the append of 100 events (each with two tags), which pays for
// the index.
func BenchmarkPostgresTagIndex(b *testing.B) {
	skipWithoutPostgres(b, kindPostgres)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgServer.srv.ConnString(""))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	const n = 100_000
	setup := `
DROP SCHEMA IF EXISTS tagindex CASCADE;
CREATE SCHEMA tagindex;
CREATE TABLE tagindex.arr (position bigint PRIMARY KEY, type text NOT NULL, tags text[] NOT NULL, data json NOT NULL);
CREATE INDEX ON tagindex.arr USING gin (tags) WITH (fastupdate = off);
CREATE TABLE tagindex.tab (position bigint PRIMARY KEY, type text NOT NULL, tags text[] NOT NULL, data json NOT NULL);
CREATE TABLE tagindex.tab_tags (tag text NOT NULL, position bigint NOT NULL, PRIMARY KEY (tag, position));`
	if _, err := conn.Exec(ctx, setup); err != nil {
		b.Fatal(err)
	}
	// Fill both layouts with the same events, in chunks.
	for from := 0; from < n; from += 1000 {
		if err := fill(ctx, conn, from, 1000, n); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, `ANALYZE tagindex.arr; ANALYZE tagindex.tab; ANALYZE tagindex.tab_tags`); err != nil {
		b.Fatal(err)
	}
	entity, group := store.NewTag("entity", "e-7").String(), store.NewTag("group", "g-7").String()
	queries := []struct{ name, arr, tab string }{
		{"query=tag",
			`SELECT position, type, tags, data::text FROM tagindex.arr WHERE tags @> ARRAY['` + entity + `'] ORDER BY position`,
			`SELECT e.position, e.type, e.tags, e.data::text FROM tagindex.tab_tags t JOIN tagindex.tab e USING (position) WHERE t.tag = '` + entity + `' ORDER BY e.position`},
		{"query=two-tags",
			`SELECT position, type, tags, data::text FROM tagindex.arr WHERE tags @> ARRAY['` + entity + `','` + group + `'] ORDER BY position`,
			`SELECT e.position, e.type, e.tags, e.data::text FROM tagindex.tab e WHERE e.position IN (SELECT position FROM tagindex.tab_tags WHERE tag = '` + entity + `' INTERSECT SELECT position FROM tagindex.tab_tags WHERE tag = '` + group + `') ORDER BY e.position`},
		{"query=readlast-group-tag",
			`SELECT position FROM tagindex.arr WHERE tags @> ARRAY['` + group + `'] ORDER BY position DESC LIMIT 1`,
			`SELECT position FROM tagindex.tab_tags WHERE tag = '` + group + `' ORDER BY position DESC LIMIT 1`},
	}
	for _, q := range queries {
		for _, l := range []struct{ layout, sql string }{{"array", q.arr}, {"table", q.tab}} {
			b.Run(q.name+"/layout="+l.layout, func(b *testing.B) {
				for b.Loop() {
					rows, err := conn.Query(ctx, l.sql)
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					if err := rows.Err(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
	for _, layout := range []string{"array", "table"} {
		b.Run("append=100/layout="+layout, func(b *testing.B) {
			next := n
			for b.Loop() {
				if err := fillOne(ctx, conn, layout, next, 100, n); err != nil {
					b.Fatal(err)
				}
				next += 100
			}
			reportRate(b, 100)
		})
	}
}

// fill inserts fixture events from..from+count-1 into both layouts.
func fill(ctx context.Context, conn *pgx.Conn, from, count, n int) error {
	for _, layout := range []string{"array", "table"} {
		if err := fillOne(ctx, conn, layout, from, count, n); err != nil {
			return err
		}
	}
	return nil
}

// fillOne inserts fixture events into one layout, in one transaction.
func fillOne(ctx context.Context, conn *pgx.Conn, layout string, from, count, n int) error {
	pos, types, tagsJSON, data := make([]int64, count), make([]string, count), make([]string, count), make([]string, count)
	var tagPos []int64
	var tagVals []string
	for i := range count {
		e := fixtureEvent(from+i, n)
		p := int64(from + i + 1)
		pos[i], types[i], data[i] = p, e.Type, string(e.Data)
		tagsJSON[i] = fmt.Sprintf(`["%s","%s"]`, e.Tags[0], e.Tags[1])
		for _, t := range e.Tags {
			tagPos, tagVals = append(tagPos, p), append(tagVals, t.String())
		}
	}
	table := map[string]string{"array": "tagindex.arr", "table": "tagindex.tab"}[layout]
	batch := &pgx.Batch{}
	batch.Queue("BEGIN")
	batch.Queue(`INSERT INTO `+table+` SELECT p, t, ARRAY(SELECT jsonb_array_elements_text(g::jsonb)), d::json FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS u(p, t, g, d)`, pos, types, tagsJSON, data)
	if layout == "table" {
		batch.Queue(`INSERT INTO tagindex.tab_tags SELECT * FROM unnest($1::text[], $2::bigint[])`, tagVals, tagPos)
	}
	batch.Queue("COMMIT")
	return conn.SendBatch(ctx, batch).Close()
}
