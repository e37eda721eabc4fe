-- What in an email opens something (a portal or invite link, a sign-in code),
-- one per line: kept only until the email is sent, when every occurrence in
-- its subject and bodies is replaced and this is emptied, so neither the
-- database nor a backup of it holds a live secret of a delivered email.
ALTER TABLE email_outbox ADD COLUMN secrets TEXT NOT NULL DEFAULT '';
