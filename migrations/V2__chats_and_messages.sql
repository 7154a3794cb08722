-- Chats, their members and their messages.

CREATE TABLE chats (
    id               uuid PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('direct', 'group')),
    title            text,
    created_by       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- For direct chats: the two member ids, smaller first. Unique, so concurrent creation of
    -- the same pair's chat yields one chat.
    direct_key       text,
    -- The seq of the newest message; bumped under the row lock inside each send.
    last_seq         bigint NOT NULL DEFAULT 0,
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chats_direct_has_key CHECK ((kind = 'direct') = (direct_key IS NOT NULL)),
    CONSTRAINT chats_group_has_title CHECK ((kind = 'group') = (title IS NOT NULL))
);
CREATE UNIQUE INDEX chats_direct_key_key ON chats (direct_key);
CREATE INDEX chats_created_by ON chats (created_by);

CREATE TABLE chat_members (
    chat_id       uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('owner', 'member')),
    last_read_seq bigint NOT NULL DEFAULT 0 CHECK (last_read_seq >= 0),
    joined_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, user_id)
);
-- "My chats" and the membership check of every chat route.
CREATE INDEX chat_members_user_id ON chat_members (user_id, chat_id);

CREATE TABLE messages (
    id                uuid PRIMARY KEY,
    chat_id           uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq               bigint NOT NULL CHECK (seq > 0),
    sender_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_message_id uuid NOT NULL,
    body              text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    edited_at         timestamptz,
    deleted_at        timestamptz
);
-- History paging is keyset on (chat_id, seq); unique, so a seq is never given twice.
CREATE UNIQUE INDEX messages_chat_seq_key ON messages (chat_id, seq);
-- Idempotent sends: a sender's client_message_id names one message.
CREATE UNIQUE INDEX messages_sender_client_id_key ON messages (sender_id, client_message_id);
