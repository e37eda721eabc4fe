-- Landlord search finds a term anywhere in a landlord's search_text (LIKE
-- '%term%'), which no B-tree index can answer: the list walked the agency's
-- landlords in name order until it had a page, so a rare term, or one whose
-- matches sort late, read every landlord of the agency. A trigram full-text
-- index answers "which landlords contain this substring" directly; the list
-- then sorts just those. It is a pre-filter: the LIKE still decides.
--
-- The index's rows are keyed by landlord_search_keys.key, an INTEGER PRIMARY
-- KEY, which VACUUM keeps (it may renumber the implicit rowid of landlords,
-- whose key is a UUID). Triggers keep both in step with every writer (no
-- foreign key here: the delete trigger must still find the key it removes).
CREATE TABLE landlord_search_keys (
    key         INTEGER PRIMARY KEY,
    landlord_id BLOB NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE landlord_search USING fts5(search_text, tokenize = 'trigram');

INSERT INTO landlord_search_keys (landlord_id) SELECT id FROM landlords;
INSERT INTO landlord_search (rowid, search_text)
    SELECT k.key, l.search_text FROM landlords l JOIN landlord_search_keys k ON k.landlord_id = l.id;

CREATE TRIGGER landlord_search_insert AFTER INSERT ON landlords BEGIN
    INSERT INTO landlord_search_keys (landlord_id) VALUES (new.id);
    INSERT INTO landlord_search (rowid, search_text) VALUES (last_insert_rowid(), new.search_text);
END;
CREATE TRIGGER landlord_search_update AFTER UPDATE OF search_text ON landlords BEGIN
    UPDATE landlord_search SET search_text = new.search_text
        WHERE rowid = (SELECT key FROM landlord_search_keys WHERE landlord_id = new.id);
END;
CREATE TRIGGER landlord_search_delete AFTER DELETE ON landlords BEGIN
    DELETE FROM landlord_search WHERE rowid = (SELECT key FROM landlord_search_keys WHERE landlord_id = old.id);
    DELETE FROM landlord_search_keys WHERE landlord_id = old.id;
END;

-- An edit or an anonymisation removes the old text's entries from the index at
-- once, rather than leaving them to a later merge: no trace of what an
-- anonymised landlord was called stays searchable inside the index.
INSERT INTO landlord_search (landlord_search, rank) VALUES ('secure-delete', 1);
