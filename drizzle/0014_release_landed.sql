-- A tx's receipt waits for the chunks landing the writes its home's releases carried to other shards (docs/SHARDING.md
-- "Receipts after every write landed"): the height they land at, NULL when none.
ALTER TABLE `tx_index` ADD `visible` integer;