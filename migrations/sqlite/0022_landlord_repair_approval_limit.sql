-- The most a repair quote may cost before it waits for the landlord's own
-- approval in their portal (seed 002's work orders), in pence; £250.00 unless
-- the agency agrees another figure with the landlord.
ALTER TABLE landlords ADD COLUMN repair_approval_limit_pence BIGINT NOT NULL DEFAULT 25000
    CHECK (repair_approval_limit_pence >= 0);
