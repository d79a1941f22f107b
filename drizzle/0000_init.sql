CREATE TABLE `blocks` (
	`number` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`json` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blocks_hash_unique` ON `blocks` (`hash`);--> statement-breakpoint
CREATE TABLE `chunks` (
	`height` integer PRIMARY KEY NOT NULL,
	`time` text NOT NULL,
	`state_root` text NOT NULL,
	`json` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `coordinator_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `events` (
	`height` integer NOT NULL,
	`seq` integer NOT NULL,
	`topic` text NOT NULL,
	`contract` text NOT NULL,
	`data` text NOT NULL,
	`time` text NOT NULL,
	PRIMARY KEY(`height`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `mempool` (
	`hash` text PRIMARY KEY NOT NULL,
	`bytes` blob NOT NULL,
	`publisher` text NOT NULL,
	`time` text NOT NULL,
	`expiration` text NOT NULL,
	`gas_limit` integer NOT NULL,
	`ord` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `mempool_ord` ON `mempool` (`ord`);--> statement-breakpoint
CREATE INDEX `mempool_expiration` ON `mempool` (`expiration`);--> statement-breakpoint
CREATE TABLE `shard_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `state_kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tx_index` (
	`hash` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`height` integer,
	`idx` integer,
	`bytes` blob NOT NULL,
	`receipt` text,
	`message` text DEFAULT '' NOT NULL,
	`gas_ratio` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tx_index_height` ON `tx_index` (`height`,`idx`);--> statement-breakpoint
CREATE TABLE `undo` (
	`height` integer NOT NULL,
	`key` text NOT NULL,
	`prev` text,
	PRIMARY KEY(`height`, `key`)
);
