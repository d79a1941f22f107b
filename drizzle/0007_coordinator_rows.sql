CREATE TABLE `coordinator_meta_new` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `coordinator_meta_new` SELECT `key`, `value` FROM `coordinator_meta` WHERE `key` NOT IN ('finality_gen', 'head', 'vote_state', 'vote_last');--> statement-breakpoint
INSERT INTO `coordinator_meta_new` SELECT 'vote', json_object('state', json(s.`value`), 'last', json(l.`value`)) FROM `coordinator_meta` s, `coordinator_meta` l WHERE s.`key` = 'vote_state' AND l.`key` = 'vote_last';--> statement-breakpoint
DROP TABLE `coordinator_meta`;--> statement-breakpoint
ALTER TABLE `coordinator_meta_new` RENAME TO `coordinator_meta`;--> statement-breakpoint
CREATE TABLE `finality_blocks_new` (
	`hash` text PRIMARY KEY NOT NULL,
	`height` integer NOT NULL,
	`parent` text NOT NULL,
	`witnesses` text NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `finality_blocks_new` SELECT `hash`, `height`, `parent`, `witnesses` FROM `finality_blocks`;--> statement-breakpoint
DROP TABLE `finality_blocks`;--> statement-breakpoint
ALTER TABLE `finality_blocks_new` RENAME TO `finality_blocks`;--> statement-breakpoint
DROP INDEX `finality_votes_producer`;--> statement-breakpoint
CREATE TABLE `finality_votes_new` (
	`hash` text NOT NULL,
	`producer` text NOT NULL,
	`height` integer NOT NULL,
	`json` text NOT NULL,
	PRIMARY KEY(`hash`, `producer`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `finality_votes_new` SELECT `hash`, `producer`, `height`, `json` FROM `finality_votes`;--> statement-breakpoint
DROP TABLE `finality_votes`;--> statement-breakpoint
ALTER TABLE `finality_votes_new` RENAME TO `finality_votes`;
