-- Only pruning reads deliveries by age, and only delivered ones. The index on (status, updated_at)
-- held every row, so PostgreSQL, planning the outcome UPDATE on a table it had never analysed
-- (autovacuum off, or a server under load before its first autoanalyze), could choose it for
-- "status = 'pending'" and keep that generic plan: each outcome then walked every pending row,
-- and at 1,000 events/s to 10 webhooks delivery stalled within a minute. This one holds delivered
-- rows only, so no pending-row query can use it, and a new pending row costs one index entry less.
DROP INDEX deliveries_by_age;
CREATE INDEX deliveries_delivered_by_age ON deliveries (updated_at) WHERE status = 'delivered';
