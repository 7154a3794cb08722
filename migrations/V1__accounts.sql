-- Accounts, sessions (refresh-token families) and single-use WebSocket tickets.

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL,
    password_hash       text NOT NULL,
    display_name        text NOT NULL,
    email_notifications boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz,
    CONSTRAINT users_email_lowercase CHECK (email = lower(email))
);
-- E-mails are stored lower-cased, so a plain unique index makes them unique in any case.
CREATE UNIQUE INDEX users_email_key ON users (email);
-- User search: case-insensitive display-name prefix.
CREATE INDEX users_display_name_prefix ON users (lower(display_name) text_pattern_ops);

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);

CREATE TABLE ws_tickets (
    ticket_hash bytea PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX ws_tickets_user_id ON ws_tickets (user_id);
CREATE INDEX ws_tickets_expires_at ON ws_tickets (expires_at);
