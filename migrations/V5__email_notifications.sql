-- E-mail notifications for offline members (docs/EMAIL.md). The opt-out itself is
-- users.email_notifications (V1). One row per user and chat that has had a notification due:
-- it makes duplicated or redelivered jobs harmless and limits mail to one per window.
CREATE TABLE email_notifications (
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    chat_id        uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    -- When a job was last put on the queue; a message that arrives while that job is still
    -- waiting out its delay needs no job of its own (the worker mails about everything unread).
    queued_at      timestamptz,
    -- Every message up to this seq has been mailed about (or settled without mail).
    notified_seq   bigint NOT NULL DEFAULT 0 CHECK (notified_seq >= 0),
    -- The last mail handed to SES (or refused by it for good): the start of the window.
    last_sent_at   timestamptz,
    -- The claim of the worker that is sending now: its id, since when, and the seq its mail
    -- covers. A claim older than the lease is "in doubt" and is settled as sent.
    sending_id     uuid,
    sending_since  timestamptz,
    sending_upto   bigint,
    -- A job deferred to the end of the window is on the queue for this time.
    deferred_until timestamptz,
    -- The last permanent rejection by SES (bad address, unverified sender, ...).
    failed_at      timestamptz,
    failure        text,
    PRIMARY KEY (user_id, chat_id),
    CONSTRAINT email_notifications_claim_whole CHECK (
        (sending_id IS NULL) = (sending_since IS NULL)
        AND (sending_id IS NULL) = (sending_upto IS NULL)
    )
);
-- Deleting a chat cascades here.
CREATE INDEX email_notifications_chat_id ON email_notifications (chat_id);
