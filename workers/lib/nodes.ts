/**
 * Addressing the node's Durable Objects (ARCHITECTURE.md §5): shard `shard-<i>`
 * holds the accounts with `first 4 bytes of sha3(name) mod N == i`; one
 * coordinator named `coordinator`.
 */
import type { CoordinatorApi, ShardApi } from "../../durable-objects/api";
import { sha3, utf8 } from "../../src/crypto/sha3";
import type { Env } from "../env";

export function shardCount(env: Env): number {
  const n = Number(env.SHARD_COUNT ?? "1");
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export function shardIndexOf(name: string, count: number): number {
  if (count === 1) return 0;
  const h = sha3(utf8(name));
  const first = ((h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]) >>> 0;
  return first % count;
}

export function shard(env: Env, index: number): ShardApi {
  return env.SHARD.getByName(`shard-${index}`);
}

/** Home shard of an account (or of a contract placed with its deployer). */
export function homeShard(env: Env, account: string): ShardApi {
  return shard(env, shardIndexOf(account, shardCount(env)));
}

export function allShards(env: Env): ShardApi[] {
  return Array.from({ length: shardCount(env) }, (_, i) => shard(env, i));
}

export function coordinator(env: Env): CoordinatorApi {
  return env.COORDINATOR.getByName("coordinator");
}
