-- getAccount's other shards of a pledger come from its pledge order (state row x-pledges-<pledger>, src/sharding/pledges.ts
-- pledgeShards), which every path of a pledge keeps: the hints a chunk noted for forwarded gas.iost/pledge actions go.
DELETE FROM `shard_meta` WHERE `key` LIKE 'pledged_on:%';
