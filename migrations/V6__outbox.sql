-- The transactional outbox (docs/RELIABILITY.md): every stored change that others must hear
-- about is recorded here in the same transaction (or statement) as the change itself. The
-- writer announces it right after commit and deletes the row; rows a writer did not finish
-- (it timed out, crashed or lost the database) become due after a lease and are announced by
-- the scheduled drainer. Announcements are at least once; clients de-duplicate.
CREATE TABLE outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What to announce: `service::announce::Change` as JSON (ids; the rest is loaded).
    change     jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The drainer may take the row from this time on (the writer's lease, `OUTBOX_LEASE_SECS`);
    -- each attempt of the drainer pushes it further out.
    due_at     timestamptz NOT NULL,
    attempts   integer NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due_at ON outbox (due_at);
