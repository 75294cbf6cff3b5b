-- Lanes look deliveries up by status only while they are open (pending, or failed until a resume).
-- Indexing every delivered row by status cost each outcome an index delete and an insert in another
-- part of the tree, and grew the index with the whole retention; this one holds only open rows,
-- so an outcome deletes one entry from pages the same commit's inserts already touched.
-- Queries that use it repeat its condition (SQLite picks a partial index only then).
DROP INDEX deliveries_by_status;
CREATE INDEX deliveries_open ON deliveries (subscription_id, status, sub_seq) WHERE status IN ('pending', 'failed');
