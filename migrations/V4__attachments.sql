-- Attachments: files uploaded straight to S3 with presigned URLs, checked by the media worker
-- and shown in messages.
--   pending     presigned, not yet completed by the uploader (removed after 24 hours)
--   processing  uploaded and completed; a media job is queued
--   ready       the worker checked it (and made a thumbnail for images)
--   rejected    the worker refused it (the object is deleted)
CREATE TABLE attachments (
    id            uuid PRIMARY KEY,
    chat_id       uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    uploader_id   uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Set when a message carries it; a message carries at most 10, each only once.
    message_id    uuid REFERENCES messages (id) ON DELETE SET NULL,
    position      smallint,
    filename      text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    content_type  text NOT NULL,
    size          bigint NOT NULL CHECK (size > 0),
    status        text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'processing', 'ready', 'rejected')),
    object_key    text NOT NULL,
    thumbnail_key text,
    width         integer CHECK (width > 0),
    height        integer CHECK (height > 0),
    -- Why the worker refused it (for logs and support; not shown to other members).
    reject_reason text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    processed_at  timestamptz,
    CONSTRAINT attachments_message_has_position CHECK ((message_id IS NULL) = (position IS NULL))
);
-- A message's attachments, in the order they were sent.
CREATE UNIQUE INDEX attachments_message_position_key ON attachments (message_id, position);
-- The sweeper's scan for uploads never completed.
CREATE INDEX attachments_pending_created ON attachments (created_at) WHERE status = 'pending';
CREATE INDEX attachments_chat ON attachments (chat_id);
CREATE INDEX attachments_uploader ON attachments (uploader_id);
