-- Consent before reach (docs/SECURITY.md, "Chat requests"): a direct chat or a group add from
-- someone one shares no chat with is a request until the one asked accepts it.

-- `user_id` is asked into `chat_id` by `requested_by`. Not a member until accepted: no
-- message, typing, presence, receipt or notification mail reaches them (every one of those
-- paths reads chat_members only), and they cannot read or write the chat. Accepting moves the
-- row into chat_members. A declined request stays, so that asking again changes nothing and
-- mails nobody; the one who asked is not told.
CREATE TABLE chat_requests (
    chat_id      uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    declined_at  timestamptz,
    -- When the one "X wants to chat" mail of this request went out (at most one, ever).
    mailed_at    timestamptz,
    PRIMARY KEY (chat_id, user_id),
    CHECK (user_id <> requested_by)
);
-- "My requests" in the chat list.
CREATE INDEX chat_requests_user ON chat_requests (user_id, chat_id);
-- "Did this person ask me before?" (the mail decision) and account deletion.
CREATE INDEX chat_requests_requested_by ON chat_requests (requested_by, user_id);
