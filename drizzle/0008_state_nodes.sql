-- The authenticated state's tree (docs/STATE.md "Authenticated state"): one row per page of
-- nodes. WITHOUT ROWID: a new page is one row written, not two (its text key would be a second
-- b-tree). A store from before has no tree: the shard builds it once from state_kv at start.
CREATE TABLE `state_nodes` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
) WITHOUT ROWID;
