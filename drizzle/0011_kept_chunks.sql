-- A producer of several groups keeps its blocks' chunks of the shards its objects do not apply
-- (durable-objects/coordinator/rotation.ts), with their txs, to serve and push whole blocks: in the
-- block row, so a block costs no row more; NULL when every shard is applied.
ALTER TABLE `blocks` ADD `kept` text;
