-- Version 1: the event log, its head and its indexes.
-- {{schema}} is replaced by the quoted schema name of the store.

-- One row per event. position is assigned by the append that holds the
-- head row's lock, so positions are gap-free and commit in order.
CREATE TABLE {{schema}}.events (
	position    bigint      PRIMARY KEY,
	id          uuid        NOT NULL UNIQUE,
	batch       bigint      NOT NULL,  -- position of the first event of its append
	type        text        NOT NULL,
	tags        text[]      NOT NULL,  -- "key:value", in the order appended
	data        json        NOT NULL,  -- the payload as written (json, not jsonb: key order kept)
	metadata    jsonb       NOT NULL,  -- timestamp, correlationId, causationId, extra
	appended_at timestamptz NOT NULL DEFAULT transaction_timestamp()
);

-- Type queries, and ReadLast of one type, walk this index.
CREATE INDEX events_type ON {{schema}}.events (type, position);

-- "Carries all of these tags" is tags @> array[...], answered by GIN.
-- Without fastupdate: the pending list it would keep is searched
-- linearly, and the newest events are the ones conditions look at.
CREATE INDEX events_tags ON {{schema}}.events USING gin (tags) WITH (fastupdate = off);

-- The last committed position. Every append locks this one row first: the
-- lock serialises appends (and their condition checks) across connections,
-- processes and hosts, and is held until the append commits.
CREATE TABLE {{schema}}.head (
	one      boolean PRIMARY KEY DEFAULT true CHECK (one),
	position bigint  NOT NULL
);
INSERT INTO {{schema}}.head (position) VALUES (0);
