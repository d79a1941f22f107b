import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, test } from "vitest";
import { Coordinator as CoordinatorClass } from "../../durable-objects/coordinator/coordinator";
import type { Coordinator } from "../../durable-objects/coordinator/coordinator";
import { parseServes, productionMode } from "../../durable-objects/config";
import { genesisInfo } from "../../durable-objects/core";
import { slotNs, slotOf } from "../../src/consensus/schedule";
import { DEV_PRODUCER_SECRETS, nodeConfig, shardIndexFromName, shardName, validatorName, type NodeEnv } from "../../durable-objects/env";
import { DEV_PRODUCERS } from "../../src/genesis/dev-keys";
import { DEV_ADMIN_PUBKEY } from "../../src/genesis/index";
import { newChain, nodeEnv, setProduction, tick } from "./helpers";
import { makeTx, nowNs } from "./txs";
import { allShards, shard } from "../../workers/lib/nodes";
import type { Env } from "../../workers/env";

const base = { SHARD: nodeEnv.SHARD, COORDINATOR: nodeEnv.COORDINATOR } as NodeEnv;
/** A production node's own genesis (keys nobody publishes; these two are just well-formed). */
const OWN = ["4yG5QbfkcKGzNKC7d6bmgqNDXxrAwnFDvqGjaN3CAd3A", "7bc9ZzvM7PR1bPLJ1hSDnEEHX7pVvC1MqBbP5M6nGwbj"];
const prod = { ...base, GENESIS_PRODUCER_KEYS: OWN[0], GENESIS_ADMIN_KEY: OWN[1] } as NodeEnv;

describe("node configuration", () => {
  test("wrangler.toml vars", () => {
    expect(nodeConfig(nodeEnv)).toMatchObject({ chainId: 1020, shardCount: 1, dev: true, production: "interval", producerSecrets: [DEV_PRODUCER_SECRETS[0]] });
  });

  test("the public dev producer key only in dev mode; a PRODUCER_SECRET wins", () => {
    expect(nodeConfig({ ...prod, DEV: "false" }).producerSecrets).toEqual([]);
    expect(nodeConfig({ ...prod }).producerSecrets).toEqual([]);
    expect(nodeConfig({ ...base, DEV: "true" }).producerSecrets).toEqual([DEV_PRODUCER_SECRETS[0]]);
    // A dev node holds every dev producer of its genesis; GENESIS_PRODUCERS is capped at the four dev keys.
    expect(nodeConfig({ ...base, DEV: "true", GENESIS_PRODUCERS: "4" }).producerSecrets).toEqual([...DEV_PRODUCER_SECRETS]);
    expect(nodeConfig({ ...base, DEV: "true", GENESIS_PRODUCERS: "9" }).genesis.producers.length).toBe(4);
    expect(nodeConfig({ ...prod, DEV: "false", PRODUCER_SECRET: " abc " }).producerSecrets).toEqual(["abc"]);
    expect(nodeConfig({ ...base, DEV: "true", PRODUCER_SECRET: "a, b,," }).producerSecrets).toEqual(["a", "b"]);
    expect(nodeConfig({ ...prod, PEERS: "http://a/, https://b" }).peers).toEqual(["http://a", "https://b"]);
    expect(nodeConfig({ ...prod, BLOCK_PRODUCTION: "on-tx", BLOCK_INTERVAL_MS: "250" })).toMatchObject({
      production: "on-tx",
      genesis: { blockIntervalMs: 250 },
    });
    expect(nodeConfig({ ...prod, SHARD_COUNT: "x" })).toMatchObject({ genesis: { blockIntervalMs: 500 }, shardCount: 1 });
  });

  test("a network's own genesis producers and admin key; malformed keys refused", () => {
    const keys = [DEV_PRODUCERS[2].pubkey, DEV_PRODUCERS[3].pubkey];
    const own = nodeConfig({ ...base, DEV: "true", GENESIS_PRODUCER_KEYS: keys.join(" , "), GENESIS_ADMIN_KEY: DEV_PRODUCERS[1].pubkey });
    expect(own.genesis.producers).toEqual([
      { id: "producer000", pubkey: keys[0] },
      { id: "producer001", pubkey: keys[1] },
    ]);
    expect(own.genesis.adminKey).toBe(DEV_PRODUCERS[1].pubkey);
    // Its producers are not the dev ones: a dev node does not fall back to the public dev keys.
    expect(own.producerSecrets).toEqual([]);
    expect(nodeConfig({ ...base, DEV: "true" }).genesis.adminKey).toBe(DEV_ADMIN_PUBKEY);
    expect(() => nodeConfig({ ...base, DEV: "true", GENESIS_PRODUCER_KEYS: "not-a-key!" })).toThrow(/invalid genesis key "not-a-key!"/);
    expect(() => nodeConfig({ ...base, DEV: "true", GENESIS_PRODUCER_KEYS: `${keys[0]},${keys[0]}` })).toThrow(/names a key twice/);
    expect(() => nodeConfig({ ...base, DEV: "true", GENESIS_ADMIN_KEY: "0OIl" })).toThrow(/invalid genesis key/);
  });

  test('production (DEV not "true") never starts a chain on the public dev keys', () => {
    const missing = /DEV is not "true" \(production\): set GENESIS_PRODUCER_KEYS and GENESIS_ADMIN_KEY/;
    expect(() => nodeConfig({ ...base })).toThrow(missing);
    expect(() => nodeConfig({ ...base, DEV: "false", GENESIS_PRODUCER_KEYS: OWN[0] })).toThrow(missing);
    expect(() => nodeConfig({ ...base, DEV: "TRUE", GENESIS_ADMIN_KEY: OWN[1] })).toThrow(missing);
    expect(() => nodeConfig({ ...prod, GENESIS_PRODUCER_KEYS: `${OWN[0]},${DEV_PRODUCERS[1].pubkey}` })).toThrow(
      `genesis key ${DEV_PRODUCERS[1].pubkey} is a public dev key`,
    );
    expect(() => nodeConfig({ ...prod, GENESIS_ADMIN_KEY: DEV_ADMIN_PUBKEY })).toThrow(`genesis key ${DEV_ADMIN_PUBKEY} is a public dev key`);
    expect(() => nodeConfig({ ...prod, PRODUCER_SECRET: DEV_PRODUCER_SECRETS[2] })).toThrow("PRODUCER_SECRET holds a public dev producer secret");
    expect(nodeConfig(prod)).toMatchObject({
      dev: false,
      producerSecrets: [],
      genesis: { adminKey: OWN[1], producers: [{ id: "producer000", pubkey: OWN[0] }] },
    });
  });

  test("BLOCK_PRODUCTION: on-demand unless interval, on-tx or manual", () => {
    expect(productionMode({ BLOCK_PRODUCTION: "manual" })).toBe("manual");
    expect(productionMode({ BLOCK_PRODUCTION: " on-tx " })).toBe("on-tx");
    expect(productionMode({ BLOCK_PRODUCTION: "interval" })).toBe("interval");
    expect(productionMode({})).toBe("on-demand");
    expect(productionMode({ BLOCK_PRODUCTION: "sometimes" })).toBe("on-demand");
  });

  test("HEARTBEAT_MS: the chain's heartbeat, 10 minutes unless set; 0 is a block every slot; malformed refused", () => {
    expect(nodeConfig(prod).genesis.heartbeatMs).toBe(600_000);
    expect(nodeConfig({ ...prod, HEARTBEAT_MS: "0" }).genesis.heartbeatMs).toBe(0);
    expect(nodeConfig({ ...prod, HEARTBEAT_MS: " 2000 " }).genesis.heartbeatMs).toBe(2000);
    expect(() => nodeConfig({ ...prod, HEARTBEAT_MS: "1.5" })).toThrow(/invalid HEARTBEAT_MS "1.5"/);
    expect(() => nodeConfig({ ...prod, HEARTBEAT_MS: "-1" })).toThrow(/invalid HEARTBEAT_MS/);
  });

  test("SHARD_GROUPS: a genesis setting from 1 to SHARD_COUNT (1 leaves the genesis as before); SERVES: all or shard indexes", () => {
    const four = { ...prod, SHARD_COUNT: "4" } as NodeEnv;
    expect(nodeConfig(four).genesis.groups).toBeUndefined();
    expect(genesisInfo(nodeConfig(four).genesis).consensus.shardGroups).toBeUndefined();
    expect(nodeConfig({ ...four, SHARD_GROUPS: " 1 " }).genesis.groups).toBeUndefined();
    expect(genesisInfo(nodeConfig({ ...four, SHARD_GROUPS: "2" }).genesis).consensus.shardGroups).toBe(2);
    expect(() => nodeConfig({ ...four, SHARD_GROUPS: "5" })).toThrow(
      'invalid SHARD_GROUPS "5": shard groups must be a whole number from 1 to the shard count 4, not 5',
    );
    for (const bad of ["0", "x", "1.5", "", "-2"])
      expect(() => nodeConfig({ ...four, SHARD_GROUPS: bad })).toThrow(`invalid SHARD_GROUPS ${JSON.stringify(bad)}`);
    expect(parseServes(undefined, 4)).toEqual([0, 1, 2, 3]);
    expect(parseServes("all", 4)).toEqual([0, 1, 2, 3]);
    expect(parseServes(" 3, 0 ,3", 4)).toEqual([0, 3]);
    expect(() => nodeConfig({ ...four, SERVES: "0,1" })).not.toThrow();
    for (const bad of ["4", "0,", "a", "-1", "01"])
      expect(() => nodeConfig({ ...four, SERVES: bad })).toThrow(`invalid SERVES ${JSON.stringify(bad)}: "all" or shard indexes below SHARD_COUNT 4`);
  });

  test("holds: a node without a producer key serving some shards of a grouped chain holds those only", () => {
    const grouped = { ...prod, SHARD_COUNT: "4", SHARD_GROUPS: "2" } as NodeEnv;
    expect(nodeConfig({ ...grouped, SERVES: "2,0" }).holds).toEqual([0, 2]);
    expect(nodeConfig({ ...grouped, SERVES: "all" }).holds).toBeNull();
    expect(nodeConfig({ ...grouped, SERVES: "0,2", PRODUCER_SECRET: DEV_PRODUCER_SECRETS[1], DEV: "true" }).holds).toBeNull();
    expect(nodeConfig({ ...grouped, SHARD_GROUPS: "1", SERVES: "0,2" }).holds).toBeNull();
    // A dev node's default is every dev producer key of its genesis, but not when it serves part of a grouped chain.
    const dev = { ...base, DEV: "true", SHARD_COUNT: "4", SHARD_GROUPS: "2" } as NodeEnv;
    expect(nodeConfig(dev)).toMatchObject({ holds: null, producerSecrets: [DEV_PRODUCER_SECRETS[0]] });
    expect(nodeConfig({ ...dev, SERVES: "0,1" })).toMatchObject({ holds: [0, 1], producerSecrets: [] });
    // Shard 0 keeps base.iost, which every node checks its genesis values against.
    expect(() => nodeConfig({ ...grouped, SERVES: "1,3" })).toThrow('invalid SERVES "1,3": a node holding part of the shards holds shard 0');
  });

  test("the edge of a holding node never opens another shard's object", () => {
    const env = { ...nodeEnv, SHARD_COUNT: "4", SHARD_GROUPS: "2", SERVES: "0,2", PRODUCER_SECRET: undefined } as unknown as Env;
    expect(() => shard(env, 1)).toThrow("shard 1 is not held by this node (it holds 0, 2)");
    expect(() => shard(env, 2)).not.toThrow();
    expect(allShards(env)).toHaveLength(2);
    // A producer key, one group or SERVES "all": every shard, as before.
    for (const other of [{ PRODUCER_SECRET: DEV_PRODUCER_SECRETS[0] }, { SHARD_GROUPS: "1" }, { SERVES: "all" }]) {
      expect(allShards({ ...env, ...other } as Env)).toHaveLength(4);
      expect(() => shard({ ...env, ...other } as Env, 1)).not.toThrow();
    }
  });

  test("object names carry the shard id", () => {
    expect(shardName("coordinator", 0)).toBe("shard-0");
    expect(shardName("t1:coordinator", 2)).toBe("t1:shard-2");
    expect(shardIndexFromName("shard-3")).toBe(3);
    expect(shardIndexFromName("t1:shard-12")).toBe(12);
    expect(validatorName("coordinator", "KEY")).toBe("KEY");
    expect(validatorName("t1:coordinator", "KEY")).toBe("t1:KEY");
  });
});

describe("block interval: one source, the chain's genesis", () => {
  test("BLOCK_INTERVAL_MS is a genesis setting: the slots and the alarm both follow it; a malformed value is refused", () => {
    const spec = nodeConfig({ ...prod, BLOCK_INTERVAL_MS: " 250 " }).genesis;
    const { consensus } = genesisInfo(spec);
    expect(consensus.blockIntervalNs).toBe(250_000_000n);
    expect(slotNs(consensus)).toBe(250_000_000n * BigInt(consensus.blocksPerSlot));
    expect(genesisInfo(nodeConfig(prod).genesis).consensus.blockIntervalNs).toBe(500_000_000n);
    for (const bad of ["-1", "0", "x", "1.5", "", "1e3", "1000000000"]) {
      expect(() => nodeConfig({ ...prod, BLOCK_INTERVAL_MS: bad })).toThrow(`invalid BLOCK_INTERVAL_MS ${JSON.stringify(bad)}: a whole number of milliseconds`);
    }
  });

  test("the chain stores its interval at genesis; the alarm and the slots use it", async () => {
    const c = newChain("interval");
    await tick(c, 2);
    const stored = await c.shard.read("getContractStorage", "base.iost", "blockIntervalNs", "");
    expect(stored).toMatchObject({ data: "500000000" });
    const b1 = (await c.coord.storedBlock(1))!;
    const b2 = (await c.coord.storedBlock(2))!;
    // One producer, one block per slot: consecutive blocks sit in distinct 500 ms slots.
    const sched = genesisInfo(nodeConfig(nodeEnv).genesis).consensus;
    expect(sched).toMatchObject({ blockIntervalNs: 500_000_000n, blocksPerSlot: 1 });
    expect(slotOf(BigInt(b2.time), sched)).toBeGreaterThan(slotOf(BigInt(b1.time), sched));
    // The real alarm after a block re-arms for the next slot: head time + the chain's 500 ms (or now, when late).
    await abortAllDurableObjects(); // a fresh instance: tick() stretched the last one's interval
    const armed = await runInDurableObject(c.coordStub, async (obj, state) => {
      const inst = obj as unknown as { alarm(): Promise<void>; intervalMs: number; headBlock(): { time: string } };
      await state.storage.deleteAlarm();
      await inst.alarm();
      const done = Date.now();
      const at = await state.storage.getAlarm();
      await state.storage.deleteAlarm();
      return { at: at!, done, head: Number(BigInt(inst.headBlock().time) / 1_000_000n), intervalMs: inst.intervalMs };
    });
    expect(armed.intervalMs).toBe(500);
    expect(armed.at).toBeGreaterThanOrEqual((Math.floor(armed.head / 500) + 1) * 500); // the next 500 ms slot at the earliest
    expect(armed.at).toBeLessThanOrEqual(Math.max(armed.head + 500, armed.done));
  });

  test("a node whose BLOCK_INTERVAL_MS disagrees with its chain's genesis refuses with the reason and produces nothing", async () => {
    const c = newChain("mismatch");
    await tick(c);
    const reason =
      "refusing to serve this chain: its genesis set blockIntervalNs 500000000, this node's config 250000000 (BLOCK_INTERVAL_MS is 250, the chain's 500); every node of a network must use the chain's genesis values";
    const seen = await runInDurableObject(c.coordStub, async (_inst, state) => {
      const other = new CoordinatorClass(state, { ...nodeEnv, BLOCK_INTERVAL_MS: "250" }) as unknown as Coordinator;
      const chainInfo = await other.chainInfo().then(
        () => "served",
        (e: Error) => e.message,
      );
      const produce = await other.produce(true).then(
        () => "produced",
        (e: Error) => e.message,
      );
      return { chainInfo, produce };
    });
    expect(seen).toEqual({ chainInfo: reason, produce: reason });
    expect((await c.coord.status()).head).toBe(1);
    // The refused instance's alarm ends without re-arming.
    const rearmed = await runInDurableObject(c.coordStub, async (_inst, state) => {
      await state.storage.deleteAlarm();
      await (new CoordinatorClass(state, { ...nodeEnv, BLOCK_INTERVAL_MS: "250" }) as unknown as Coordinator).alarm();
      return state.storage.getAlarm();
    });
    expect(rearmed).toBeNull();
    // The node with the chain's value serves on.
    await tick(c);
    expect((await c.coord.status()).head).toBe(2);
  });

  test("a node whose SHARD_GROUPS disagrees with its chain's genesis (absent: 1) refuses to serve", async () => {
    const c = newChain("groups-mismatch");
    await tick(c);
    const seen = await runInDurableObject(c.coordStub, async (_inst, state) => {
      const other = new CoordinatorClass(state, { ...nodeEnv, SHARD_COUNT: "2", SHARD_GROUPS: "2" }) as unknown as Coordinator;
      return other.chainInfo().then(
        () => "served",
        (e: Error) => e.message,
      );
    });
    expect(seen).toBe(
      "refusing to serve this chain: its genesis set shardGroups 1, this node's config 2; every node of a network must use the chain's genesis values",
    );
  });
});

describe("coordinator behaviour", () => {
  test('"on-tx": no block while the mempool is empty, the alarm idles until wake()', async () => {
    const c = newChain("noempty");
    await setProduction(c, "on-tx");
    const produced = await runInDurableObject(c.coordStub, async (obj, state) => {
      const inst = obj as unknown as Coordinator;
      await state.storage.setAlarm(Date.now() + 3_600_000);
      return inst.produce();
    });
    expect(produced).toBe(false);
    expect(await runDurableObjectAlarm(c.coordStub)).toBe(true); // the armed alarm runs, produces nothing…
    expect(await runDurableObjectAlarm(c.coordStub)).toBe(false); // …and does not re-arm
    expect((await c.coord.status()).head).toBe(0);
    const { hash, bytes } = makeTx();
    await c.shard.submitTx(bytes, hash);
    await tick(c); // tick() keeps the stretched config; "on-tx" stays in this instance
    expect((await c.coord.status()).head).toBe(1);
    expect(await c.shard.getTxReceipt(hash)).toMatchObject({ status_code: "SUCCESS" });
  });

  test("a coordinator restarted after persisting its job builds that height at that time", async () => {
    const c = newChain("resume");
    await tick(c);
    const time = (nowNs() + 2_000_000n).toString();
    await runInDurableObject(c.coordStub, (_obj, state) => {
      state.storage.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES ('producing', ?)", JSON.stringify({ height: 2, time }));
    });
    await abortAllDurableObjects();
    await tick(c);
    const b2 = (await c.coord.storedBlock(2))!;
    expect(b2.time).toBe(time);
    expect(b2.parentHash).toBe((await c.coord.storedBlock(1))!.hash);
    // a stale job (height already built) is ignored
    await runInDurableObject(c.coordStub, (_obj, state) => {
      state.storage.sql.exec("INSERT INTO coordinator_meta (key, value) VALUES ('producing', ?)", JSON.stringify({ height: 2, time: "5" }));
    });
    await tick(c);
    const b3 = (await c.coord.storedBlock(3))!;
    expect(BigInt(b3.time)).toBeGreaterThan(BigInt(b2.time));
  });

  test("nodeInfo reports the pool size and server time", async () => {
    const c = newChain("nodeinfo");
    const { hash, bytes } = makeTx();
    await c.shard.submitTx(bytes, hash);
    const info = (await c.coord.nodeInfo()) as Record<string, unknown>;
    expect(info.tx_pool_size).toBe("1");
    expect(info.mode).toBe("ModeNormal");
    expect(BigInt(info.server_time as string)).toBeGreaterThan(0n);
  });
});
