-- Landlord search finds a term anywhere in a landlord's search_text (LIKE
-- '%term%'), which no B-tree index can answer: the list walked the agency's
-- landlords in name order until it had a page, so a rare term, or one whose
-- matches sort late, read every landlord of the agency. A trigram index
-- answers LIKE '%term%' (three characters or more) directly, and the planner
-- then sorts just the matching rows. pg_trgm ships with PostgreSQL and is a
-- trusted extension: the database's owner may create it without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX landlords_search_trgm ON landlords USING gin (search_text gin_trgm_ops);
