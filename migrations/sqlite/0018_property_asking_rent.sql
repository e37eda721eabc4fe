-- The rent a property is advertised at, in pence a month (for offers and
-- let-agreed work); empty until the agent sets it.
ALTER TABLE properties ADD COLUMN asking_rent_pence BIGINT CHECK (asking_rent_pence IS NULL OR asking_rent_pence > 0);
