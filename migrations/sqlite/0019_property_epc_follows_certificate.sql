-- A property's EPC rating is its current EPC certificate's (the latest expiry
-- with a rating), so the property page, the portal and the compliance list
-- show one rating. Existing properties take it from their certificates here;
-- the store keeps it so from now on.
UPDATE properties SET epc_rating = (
    SELECT c.epc_rating FROM certificates c
    WHERE c.property_id = properties.id AND c.org_id = properties.org_id AND c.kind = 'epc' AND c.epc_rating IS NOT NULL
    ORDER BY c.expires_on DESC, c.id DESC LIMIT 1
)
WHERE EXISTS (
    SELECT 1 FROM certificates c
    WHERE c.property_id = properties.id AND c.org_id = properties.org_id AND c.kind = 'epc' AND c.epc_rating IS NOT NULL
);
