-- A cross-shard tx's receipt as executed, kept once a settle replaces `receipt` with the combined
-- one: raw blocks serve it, so their receipts rebuild the header's receipt root (docs/SHARDING.md
-- "Receipt JSON"). NULL for every other tx: no byte more for them.
ALTER TABLE `tx_index` ADD `hashed` text;
