-- The state keys a height read and did not write, for its state witness (docs/STATE.md "State
-- witnesses"): in the chunk row, so a chunk costs no row more; NULL once pruned.
ALTER TABLE `chunks` ADD `reads` text;
