CREATE TABLE `tx_keys` (
	`key` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL
);
