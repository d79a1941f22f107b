-- The height that must be final before a tx's receipt shows (docs/SHARDING.md "Receipts after every write landed"): the
-- one landing what it sent other shards with no settle to come back; NULL when none.
ALTER TABLE `tx_index` ADD `visible` integer;