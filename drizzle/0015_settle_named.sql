-- The height of the chunk that applied a tx's last settle: its receipt shows once that block is named on the shard,
-- so storage reads right after it see the settle (docs/SHARDING.md "Receipts after every write landed"); NULL: none.
ALTER TABLE `tx_index` ADD `settled_at` integer;
