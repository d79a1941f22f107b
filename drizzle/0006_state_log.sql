-- Rows written per tx and per block (docs/COST.md "What the target needs"): the runtime bills one
-- row written per table row and per index entry an insert, update or delete touches. Undo data and
-- events become one row per height; the pool, the replay keys and the tx index lose their rowid
-- (their text primary key was a second b-tree, one more row per write) and the pool its two
-- secondary indexes. Existing rows are carried over.
CREATE TABLE `event_log` (
	`height` integer PRIMARY KEY NOT NULL,
	`time` text NOT NULL,
	`json` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `undo_log` (
	`height` integer PRIMARY KEY NOT NULL,
	`json` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `undo_log` (`height`, `json`)
	SELECT `height`, json_group_array(json_array(`key`, `prev`)) FROM (SELECT * FROM `undo` ORDER BY `height`, `key`) GROUP BY `height`;
--> statement-breakpoint
INSERT INTO `event_log` (`height`, `time`, `json`)
	SELECT `height`, MIN(`time`), json_group_array(json_object('topic', `topic`, 'contract', `contract`, 'data', `data`))
	FROM (SELECT * FROM `events` ORDER BY `height`, `seq`) GROUP BY `height`;
--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
DROP TABLE `undo`;--> statement-breakpoint
DROP INDEX `mempool_ord`;--> statement-breakpoint
DROP INDEX `mempool_expiration`;--> statement-breakpoint
CREATE TABLE `mempool_new` (
	`hash` text PRIMARY KEY NOT NULL,
	`bytes` blob NOT NULL,
	`publisher` text NOT NULL,
	`time` text NOT NULL,
	`expiration` text NOT NULL,
	`gas_limit` integer NOT NULL,
	`ord` text NOT NULL,
	`received_at` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `mempool_new` SELECT `hash`, `bytes`, `publisher`, `time`, `expiration`, `gas_limit`, `ord`, `received_at` FROM `mempool`;--> statement-breakpoint
DROP TABLE `mempool`;--> statement-breakpoint
ALTER TABLE `mempool_new` RENAME TO `mempool`;--> statement-breakpoint
CREATE TABLE `tx_keys_new` (
	`key` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `tx_keys_new` SELECT `key`, `hash` FROM `tx_keys`;--> statement-breakpoint
DROP TABLE `tx_keys`;--> statement-breakpoint
ALTER TABLE `tx_keys_new` RENAME TO `tx_keys`;--> statement-breakpoint
CREATE TABLE `tx_index_new` (
	`hash` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`height` integer,
	`idx` integer,
	`bytes` blob NOT NULL,
	`receipt` text,
	`message` text DEFAULT '' NOT NULL,
	`gas_ratio` integer NOT NULL,
	`pending` integer DEFAULT 0 NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `tx_index_new` SELECT `hash`, `status`, `height`, `idx`, `bytes`, `receipt`, `message`, `gas_ratio`, `pending` FROM `tx_index`;--> statement-breakpoint
DROP TABLE `tx_index`;--> statement-breakpoint
ALTER TABLE `tx_index_new` RENAME TO `tx_index`;--> statement-breakpoint
CREATE INDEX `tx_index_height` ON `tx_index` (`height`,`idx`);
