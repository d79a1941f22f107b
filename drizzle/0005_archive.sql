CREATE TABLE `archived_blocks` (
	`hash` text PRIMARY KEY NOT NULL,
	`number` integer NOT NULL
);
