CREATE TABLE `validator_signed` (
	`height` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`witness` text NOT NULL,
	`time` text NOT NULL,
	`signature` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `blocks` ADD `witnesses` text;