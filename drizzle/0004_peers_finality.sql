CREATE TABLE `finality_blocks` (
	`hash` text PRIMARY KEY NOT NULL,
	`height` integer NOT NULL,
	`parent` text NOT NULL,
	`witnesses` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `finality_votes` (
	`hash` text NOT NULL,
	`producer` text NOT NULL,
	`height` integer NOT NULL,
	`json` text NOT NULL,
	PRIMARY KEY(`hash`, `producer`)
);
--> statement-breakpoint
CREATE INDEX `finality_votes_producer` ON `finality_votes` (`producer`,`height`);--> statement-breakpoint
CREATE TABLE `side_blocks` (
	`hash` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL,
	`parent_hash` text NOT NULL,
	`orphan` integer NOT NULL,
	`json` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `side_blocks_parent` ON `side_blocks` (`parent_hash`);