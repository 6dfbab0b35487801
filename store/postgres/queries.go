package postgres

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/opossum-go/opossum/store"
)

// queries holds the SQL of one schema.
type queries struct {
	events, head string // quoted table names
	channel      string // the NOTIFY channel of the store's commits
	lockHead     string
	insert       string
	setHead      string
	notify       string
	selectHead   string
	byID         string
	findIDs      string
	loadBatch    string
}

// columns are the columns scanEvent reads, in its order.
const columns = `position, id::text, type, tags, data::text, metadata::text`

func newQueries(schema string) queries {
	q := queries{
		events:  pgx.Identifier{schema, "events"}.Sanitize(),
		head:    pgx.Identifier{schema, "head"}.Sanitize(),
		channel: "opossum:" + schema,
	}
	q.lockHead = `SELECT position FROM ` + q.head + ` FOR UPDATE`
	q.setHead = `UPDATE ` + q.head + ` SET position = $1`
	q.selectHead = `SELECT position FROM ` + q.head
	q.notify = `SELECT pg_notify($1, $2)`
	q.byID = `SELECT position FROM ` + q.events + ` WHERE id = $1`
	q.findIDs = `SELECT id::text, position FROM ` + q.events + ` WHERE id = ANY($1::uuid[])`
	q.loadBatch = `SELECT ` + columns + `, batch FROM ` + q.events + ` WHERE position BETWEEN $1 AND $2 ORDER BY position`
	// One statement inserts a whole group: parallel arrays, one element
	// per event; the tags of an event travel as a JSON array of strings.
	q.insert = `INSERT INTO ` + q.events + ` (position, id, batch, type, tags, data, metadata)
SELECT p, i, b, ty,
	ARRAY(SELECT t.v FROM jsonb_array_elements_text(tg::jsonb) WITH ORDINALITY AS t(v, n) ORDER BY t.n),
	d::json, m::jsonb
FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(p, i, b, ty, tg, d, m)`
	return q
}

// where renders the condition selecting q's matches, appending its
// arguments to args: types with = or = ANY (the (type, position) index),
// tags with @> (the GIN index), items OR-ed.
func where(q store.Query, args *[]any) string {
	if q.IsAll() {
		return "TRUE"
	}
	items := q.QueryItems()
	parts := make([]string, len(items))
	for i, it := range items {
		if slices.ContainsFunc(it.Tags, func(t store.Tag) bool { return strings.Contains(t.Key, ":") }) {
			// No stored tag has such a key, and "key:value" would be
			// ambiguous: the item matches nothing.
			parts[i] = "FALSE"
			continue
		}
		var c []string
		switch len(it.Types) {
		case 0:
		case 1:
			*args = append(*args, it.Types[0])
			c = append(c, fmt.Sprintf("type = $%d", len(*args)))
		default:
			*args = append(*args, it.Types)
			c = append(c, fmt.Sprintf("type = ANY($%d::text[])", len(*args)))
		}
		if len(it.Tags) > 0 {
			*args = append(*args, tagStrings(it.Tags))
			c = append(c, fmt.Sprintf("tags @> $%d::text[]", len(*args)))
		}
		parts[i] = strings.Join(c, " AND ")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "((" + strings.Join(parts, ") OR (") + "))"
}

// tagStrings renders tags as "key:value": unambiguous, since keys never
// contain ':'.
func tagStrings(tags []store.Tag) []string {
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.String()
	}
	return out
}

// lastMatch renders the query for the highest position after $1 matching q.
func (q queries) lastMatch(cond store.Query, after store.Position) (string, []any) {
	args := []any{int64(after)}
	return `SELECT position FROM ` + q.events + ` WHERE position > $1 AND ` + where(cond, &args) +
		orderBy(cond, true) + ` LIMIT 1`, args
}

// orderBy renders the ORDER BY of a read of q. For a query with tags it
// orders by the expression position + 0, which no index provides: with a
// LIMIT, the planner would otherwise walk the primary key from the newest
// event and test each for the tags, expecting a match soon, and a rare
// or new tag (an entity's events, an email never registered) costs a walk
// through the whole table. Ordered by the expression, it takes the
// matches from the GIN index and sorts them: the cost follows the number
// of matches, not of events.
func orderBy(q store.Query, desc bool) string {
	by := " ORDER BY position"
	if slices.ContainsFunc(q.QueryItems(), func(it store.QueryItem) bool { return len(it.Tags) > 0 }) {
		by += " + 0"
	}
	if desc {
		by += " DESC"
	}
	return by
}

// row is one event encoded for the insert.
type row struct {
	tags, data, metadata string
}

func encode(e *store.Event) (row, error) {
	tags, err := json.Marshal(tagStrings(e.Tags))
	if err != nil {
		return row{}, fmt.Errorf("postgres: encode tags: %w", err)
	}
	md, err := json.Marshal(e.Metadata)
	if err != nil {
		return row{}, fmt.Errorf("postgres: encode metadata: %w", err)
	}
	return row{tags: string(tags), data: string(e.Data), metadata: string(md)}, nil
}

// scanEvent reads one row of columns, and then into extra the columns
// that follow them.
func scanEvent(r pgx.Row, extra ...any) (store.StoredEvent, error) {
	var (
		p        int64
		id, typ  string
		tags     []string
		data, md string
	)
	if err := r.Scan(append([]any{&p, &id, &typ, &tags, &data, &md}, extra...)...); err != nil {
		return store.StoredEvent{}, err
	}
	e := store.StoredEvent{Position: store.Position(p)}
	var err error
	if e.ID, err = store.ParseEventID(id); err != nil {
		return store.StoredEvent{}, fmt.Errorf("postgres: event %d id: %w", p, err)
	}
	e.Type, e.Data = typ, json.RawMessage(data)
	if len(tags) > 0 {
		e.Tags = make([]store.Tag, len(tags))
		for i, s := range tags {
			t, err := store.ParseTag(s)
			if err != nil {
				return store.StoredEvent{}, fmt.Errorf("postgres: event %d: %w", p, err)
			}
			e.Tags[i] = t
		}
	}
	if err := json.Unmarshal([]byte(md), &e.Metadata); err != nil {
		return store.StoredEvent{}, fmt.Errorf("postgres: event %d metadata: %w", p, err)
	}
	return e, nil
}
