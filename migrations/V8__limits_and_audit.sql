-- Abuse resistance (docs/SECURITY.md): rate limits that hold across every function instance,
-- and an audit log of security events.

-- One row per limited thing (`login:ip:203.0.113.7`, `send:<user id>`, ...). The limiter is
-- GCRA: `tat` is the theoretical arrival time of the next request; a request is let through
-- when, after adding its cost, `tat` is at most one period ahead of now. One upsert decides
-- and records it (`repo::limits`), so concurrent requests on many instances share the bucket.
-- A row whose `tat` is in the past means the bucket is full; the sweeper deletes those.
CREATE TABLE rate_limits (
    key text PRIMARY KEY,
    tat timestamptz NOT NULL
);
CREATE INDEX rate_limits_tat ON rate_limits (tat);

-- Security events: who did what to whom, when, from where. Never a secret, a token or a
-- message's text. Ids are plain uuids (no foreign keys): the record outlives the account.
CREATE TABLE audit_events (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    event     text NOT NULL,
    -- The account that acted (NULL: someone not signed in, e.g. a failed sign-in).
    actor_id  uuid,
    -- The account acted upon, when another (an added member, a blocked user).
    target_id uuid,
    chat_id   uuid,
    source_ip inet,
    detail    jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_target ON audit_events (target_id, at);
