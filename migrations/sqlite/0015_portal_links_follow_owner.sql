-- A landlord portal shows a property only while that landlord owns it. Until
-- now a property moved to another landlord stayed linked to the old
-- landlord's portal; those links go (a property edit now removes them in
-- its own transaction).
DELETE FROM landlord_portal_properties
WHERE NOT EXISTS (
    SELECT 1 FROM landlord_portal_tokens t JOIN properties p ON p.landlord_id = t.landlord_id
    WHERE t.id = landlord_portal_properties.token_id AND p.id = landlord_portal_properties.property_id
);
