-- Accounts people can trust (docs/ACCOUNTS.md): sessions that end, verified e-mail, password
-- reset, and account deletion that keeps other people's chats whole.

-- A session is one sign-in: the family of its refresh tokens, and the `sid` of every access
-- token it issued. Rotation and revocation lock this row (SELECT ... FOR UPDATE), so a token
-- reuse and a concurrent rotation of the same family are serialised.
CREATE TABLE sessions (
    id         uuid PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- The families that exist become sessions (a family with no live token is revoked).
INSERT INTO sessions (id, user_id, created_at, revoked_at)
SELECT family_id, (array_agg(user_id))[1], min(created_at),
       CASE WHEN bool_or(revoked_at IS NULL) THEN NULL ELSE now() END
FROM refresh_tokens GROUP BY family_id;

ALTER TABLE refresh_tokens
    ADD CONSTRAINT refresh_tokens_family_id_fkey
    FOREIGN KEY (family_id) REFERENCES sessions (id) ON DELETE CASCADE;

-- Tickets and sockets belong to the session that asked for them: revoking it refuses the
-- ticket and closes the socket. (Rows from before this migration have none; a ticket without
-- a session is refused, and such sockets end within API Gateway's 2 hours.)
ALTER TABLE ws_tickets ADD COLUMN session_id uuid REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX ws_tickets_session_id ON ws_tickets (session_id);
ALTER TABLE connections ADD COLUMN session_id uuid REFERENCES sessions (id) ON DELETE CASCADE;
CREATE INDEX connections_session_id ON connections (session_id);

-- E-mail verification and deletion. Accounts from before verification existed start
-- unverified: nobody proved those mailboxes (the banner in the app asks them to).
-- A deleted account stays as a tombstone (`deleted_at`), so its messages keep their sender.
ALTER TABLE users
    ADD COLUMN email_verified_at timestamptz,
    ADD COLUMN deleted_at timestamptz;

-- Single-use tokens mailed to the account's address: verification (24 h) and password reset
-- (1 h). Stored as SHA-256 digests; `email` is the address the token was sent to, so a token
-- proves that address only.
CREATE TABLE account_tokens (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset')),
    email      text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
-- The newest token of a purpose (the resend interval), and the sweeper.
CREATE INDEX account_tokens_user_purpose ON account_tokens (user_id, purpose, created_at);
CREATE INDEX account_tokens_expires_at ON account_tokens (expires_at);

-- What removing a users row would do. Accounts are deleted as tombstones, never removed, but
-- the schema must not let a removal take other people's data with it:
--   chats.created_by   CASCADE deleted the creator's groups with everyone's messages: SET NULL
--   messages.sender_id CASCADE deleted messages from others' chats: RESTRICT
--   attachments.uploader_id CASCADE deleted files of others' chats: RESTRICT
-- chat_members, connections, refresh_tokens, ws_tickets, sessions, account_tokens and
-- email_notifications are the user's own and stay CASCADE; the outbox holds no user key.
ALTER TABLE chats ALTER COLUMN created_by DROP NOT NULL;
ALTER TABLE chats DROP CONSTRAINT chats_created_by_fkey,
    ADD CONSTRAINT chats_created_by_fkey
    FOREIGN KEY (created_by) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey,
    ADD CONSTRAINT messages_sender_id_fkey
    FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE RESTRICT;
ALTER TABLE attachments DROP CONSTRAINT attachments_uploader_id_fkey,
    ADD CONSTRAINT attachments_uploader_id_fkey
    FOREIGN KEY (uploader_id) REFERENCES users (id) ON DELETE RESTRICT;
