-- A deleted subscription's open deliveries end as 'cancelled' and stay in the delivery log for the
-- retention period, like delivered ones; pruning finds the old ones by this index.
CREATE INDEX deliveries_cancelled_by_age ON deliveries (updated_at) WHERE status = 'cancelled';
