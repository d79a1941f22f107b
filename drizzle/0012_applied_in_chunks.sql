-- The ids of the cross-shard receipts a height applied, each once (durable-objects/shard/applied.ts):
-- in the chunk row, so a receipt costs no row more where it lands; NULL once pruned. The table of ids
-- wrote two rows per receipt and two more at its prune at LIB.
DROP TABLE `receipts_applied`;--> statement-breakpoint
ALTER TABLE `chunks` ADD `applied` text;
