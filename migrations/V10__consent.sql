-- Consent before reach (docs/SECURITY.md, "Consent before reach, blocking, member cap,
-- pagination"): users block users.

-- `blocker` blocked `blocked`: the blocked user cannot message the blocker in their direct
-- chat (nor the blocker them), cannot start one, cannot add the blocker to chats, and does not
-- see the blocker's presence.
CREATE TABLE user_blocks (
    blocker_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
-- "Who blocked me?" (presence fan-out, adds, sends) goes by the blocked side.
CREATE INDEX user_blocks_blocked ON user_blocks (blocked_id, blocker_id);
