-- Files you can trust (issue 16, item 3).
--
-- A message that is deleted takes its files with it: the delete marks its attachments
-- discarded in the same transaction, then their objects (original and thumbnail) and rows are
-- removed; the attachments sweeper finishes what a failed removal left.
ALTER TABLE attachments ADD COLUMN discarded_at timestamptz;
CREATE INDEX attachments_discarded ON attachments (discarded_at) WHERE discarded_at IS NOT NULL;

-- The sweeper removes every upload no message carries after 24 hours, completed or not (it
-- used to remove only the never-completed ones).
DROP INDEX attachments_pending_created;
CREATE INDEX attachments_unsent_created ON attachments (created_at) WHERE message_id IS NULL;

-- Uploads checked and queued but never finished (the job was lost): the sweeper queues them
-- again.
CREATE INDEX attachments_processing_completed ON attachments (completed_at)
    WHERE status = 'processing';
