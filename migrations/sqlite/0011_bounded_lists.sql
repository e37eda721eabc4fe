-- Bounded back-office lists (the inbox and Portal access a page at a time).
-- The inbox orders threads by their newest message: each token keeps the time of
-- its newest message, written with every message, so a page is an index range
-- instead of an aggregate over every message of the agency.
ALTER TABLE landlord_portal_tokens ADD COLUMN last_message_at TEXT;
UPDATE landlord_portal_tokens SET last_message_at =
    (SELECT MAX(m.created_at) FROM landlord_messages m WHERE m.token_id = landlord_portal_tokens.id);
CREATE INDEX landlord_portal_tokens_inbox ON landlord_portal_tokens (org_id, last_message_at DESC, id);
-- Portal access: active tokens first, then by landlord name.
CREATE INDEX landlord_portal_tokens_list ON landlord_portal_tokens (org_id, is_active, landlord_name, id);
-- Unread counts of one thread.
CREATE INDEX landlord_messages_thread_unread ON landlord_messages (token_id, sender_type, is_read);
-- The dashboard's counts by status, read from an index instead of every row.
CREATE INDEX landlords_org_status ON landlords (org_id, status);
CREATE INDEX properties_org_status ON properties (org_id, status);
CREATE INDEX tenancies_org_status ON tenancies (org_id, status);
