-- SES's Send events settle a notification's claim by its id (docs/EMAIL.md, "The
-- guarantee"): the e-mail events worker looks a claim up by `sending_id` alone. Only claims
-- in flight have one, so the index stays as small as the number of mails being sent.
CREATE UNIQUE INDEX email_notifications_sending_id ON email_notifications (sending_id)
    WHERE sending_id IS NOT NULL;
