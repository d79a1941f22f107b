-- Rows written per tx and per block (docs/COST.md "Rows written"): the runtime bills one row
-- written per table row and per index entry an insert, update or delete touches. A height's undo
-- data, events, state writes and sent cross-shard receipts move into its chunk row (the shard's block log); the pool and the
-- replay keys lose their rowid (their text primary key was a second b-tree, one more row per
-- write) and the pool its two secondary indexes. Existing rows are carried over. (`tx_index`
-- keeps its rowid: a WITHOUT ROWID row over ~1 KB spills to an overflow page of its own, and its
-- rows hold the tx bytes and receipt, kept until archived.)
CREATE TABLE `log_parts` (
	`height` integer NOT NULL,
	`name` text NOT NULL,
	`part` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`height`, `name`, `part`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `chunks` ADD `writes` text;--> statement-breakpoint
ALTER TABLE `chunks` ADD `undo` text;--> statement-breakpoint
ALTER TABLE `chunks` ADD `events` text;--> statement-breakpoint
ALTER TABLE `chunks` ADD `sent` text;--> statement-breakpoint
UPDATE `chunks` SET `sent` = (
	SELECT json_group_array(json(`json`)) FROM (SELECT `json` FROM `receipts_out` WHERE `receipts_out`.`height` = `chunks`.`height` ORDER BY `seq`)
) WHERE `height` IN (SELECT `height` FROM `receipts_out`);
--> statement-breakpoint
DROP TABLE `receipts_out`;--> statement-breakpoint
UPDATE `chunks` SET `undo` = (
	SELECT json_group_array(json_array(`key`, `prev`)) FROM (SELECT `key`, `prev` FROM `undo` WHERE `undo`.`height` = `chunks`.`height` ORDER BY `key`)
) WHERE `height` IN (SELECT `height` FROM `undo`);
--> statement-breakpoint
UPDATE `chunks` SET `events` = (
	SELECT json_group_array(json_object('topic', `topic`, 'contract', `contract`, 'data', `data`))
	FROM (SELECT `topic`, `contract`, `data` FROM `events` WHERE `events`.`height` = `chunks`.`height` ORDER BY `seq`)
) WHERE `height` IN (SELECT `height` FROM `events`);
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
ALTER TABLE `tx_keys_new` RENAME TO `tx_keys`;
