CREATE TABLE `receipts_applied` (
	`id` text PRIMARY KEY NOT NULL,
	`height` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `receipts_out` (
	`height` integer NOT NULL,
	`seq` integer NOT NULL,
	`to_shard` integer NOT NULL,
	`json` text NOT NULL,
	PRIMARY KEY(`height`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `receipts_out_target` ON `receipts_out` (`to_shard`,`height`);--> statement-breakpoint
ALTER TABLE `tx_index` ADD `pending` integer DEFAULT 0 NOT NULL;