/**
 * Producers holding their groups' shards only (issue #18 items 2 to 4, docs/VALIDATOR.md "Shard
 * groups"): three producers, four shards in two groups, an epoch of 20 blocks at a block every
 * 500 ms. Each coordinator's objects apply the shards its rotation plan keeps (its groups' this
 * epoch, the next's once fixed, the last's for the grace, and shard 0) and drop the others; their
 * chunks are checked by witness, taken from their group for its own blocks, and their reads go to
 * peers with proofs. Every node agrees on the final blocks and on balances read from any node; a
 * dropped shard's object keeps its marker row only; a producer that changes group syncs its new
 * shards and the chain keeps finalizing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, expectSuccess, type Client } from "../e2e/helpers/sdk";
import { allInfo, balancesAgree, chainInfo, finalChainDiff, getJson, startNetwork, waitFor, type Network } from "./harness";

/** Homes (src/sharding/placement.ts, four shards): admin 0, producer000 1, producer002 2, foundation 3. */
const ACCOUNTS = ["admin", "foundation", "producer000", "producer002"];

interface Plan {
  epoch: number;
  now: number[];
  keep: number[];
  drop: number[];
  synced: { shard: number; epoch: number; head: number }[];
}
interface ShardStatus {
  shard: number;
  head: number;
  dropped?: true;
}

describe("shard groups: a producer holds and runs only its groups' shards and shard 0", () => {
  let net: Network;
  let client: Client;

  beforeAll(async () => {
    net = await startNetwork({ nodes: 3, vars: { SHARD_COUNT: "4", SHARD_GROUPS: "2", HEARTBEAT_MS: "0", BLOCK_INTERVAL_MS: "500" } });
    client = await connect(net.nodes[0].url);
  }, 200_000);
  afterAll(async () => {
    await net?.stop();
  }, 60_000);

  const status = async (i: number) => {
    const body = (await getJson(`${net.nodes[i].url}/dev/status`)).body;
    const bytes = new Map<string, number>((body.cost.objects as { object: string; bytes: number }[]).map((o) => [o.object, o.bytes]));
    return { plan: (body.coordinator.rotation ?? null) as Plan | null, shards: body.shards as ShardStatus[], bytes, coordinator: body.coordinator };
  };
  const traffic = async (memo: string) => {
    for (const to of ACCOUNTS.slice(1)) await expectSuccess(client, client.iost.transfer("iost", "admin", to, "1", `${memo}-${to}`));
  };
  const allFinal = async (label: string) => {
    const head = Math.max(...(await allInfo(net.nodes)).map((i) => i.head));
    await waitFor(label, async () => (await allInfo(net.nodes)).every((i) => i.lib >= head), 60_000, 500);
  };

  it("each producer's objects apply its kept shards only, the others dropped to their marker; blocks and balances agree", async () => {
    // Each node, once its plan drops a shard: its dropped objects hold the marker row only, at head 0.
    const samples = await Promise.all(
      net.nodes.map((_, i) =>
        waitFor(
          `node ${i} dropped the shards its plan does not keep`,
          async () => {
            const s = await status(i);
            return s.plan !== null && s.plan.drop.length > 0 && s.plan.drop.every((d) => s.shards[d].dropped === true) ? s : null;
          },
          90_000,
          500,
        ),
      ),
    );
    for (const [i, s] of samples.entries()) {
      const plan = s.plan!;
      expect(plan.keep).toContain(0);
      for (const st of s.shards) {
        const bytes = [...s.bytes.entries()].find(([name]) => name.endsWith(`shard-${st.shard}`))?.[1];
        if (plan.keep.includes(st.shard)) expect(st.dropped, `node ${i} shard ${st.shard}`).toBeUndefined();
        else {
          // Two pages: the marker row alone (docs/VALIDATOR.md "Joining or rotating onto a shard").
          expect(st, `node ${i} shard ${st.shard}`).toMatchObject({ head: 0, dropped: true });
          expect(bytes, `node ${i} shard ${st.shard}'s SQLite bytes`).toBeLessThanOrEqual(8192);
        }
      }
      console.log(`node ${i} at block ${s.coordinator.head}: keeps ${plan.keep.join(",")} (now ${plan.now.join(",")}), dropped ${plan.drop.join(",")}`);
    }
    await traffic("held");
    await allFinal("every node final past the transfers");
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    expect(await balancesAgree(net.nodes, ACCOUNTS)).toEqual([]);
    for (const [i, s] of (await Promise.all(net.nodes.map((_, j) => status(j)))).entries()) {
      console.log(
        `node ${i}: witness checks ${JSON.stringify(s.coordinator.witnessChecks)}; chunks of other groups ${JSON.stringify(s.coordinator.groupChunks)}`,
      );
      expect(s.coordinator.witnessChecks.chunks).toBeGreaterThan(0);
    }
  });

  it("rotation moves every node to another group at least once; it syncs what it takes on and the chain keeps finalizing", async () => {
    const seen = net.nodes.map(() => new Map<number, string>());
    const moved = () => seen.every((m) => new Set(m.values()).size > 1);
    await waitFor(
      "every node's producer in another group in a later epoch",
      async () => {
        const all = await Promise.all(net.nodes.map((_, i) => status(i)));
        all.forEach((s, i) => s.plan !== null && seen[i].set(s.plan.epoch, s.plan.now.join(",")));
        if (moved()) return true;
        await traffic(`rotate-${Date.now()}`);
        return false;
      },
      90_000,
      1_000,
    );
    const lib = (await chainInfo(net.nodes[0])).lib;
    await traffic("after");
    await allFinal("every node final after the moves");
    expect((await chainInfo(net.nodes[0])).lib).toBeGreaterThan(lib);
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    expect(await balancesAgree(net.nodes, ACCOUNTS)).toEqual([]);
    const after = await Promise.all(net.nodes.map((_, i) => status(i)));
    for (const [i, s] of after.entries()) {
      console.log(`node ${i}: groups by epoch ${JSON.stringify(Object.fromEntries(seen[i]))}; synced ${JSON.stringify(s.plan!.synced)}`);
      // A shard taken on is synced (a snapshot at LIB checked against its root, then the blocks since) before its first duty.
      expect(s.plan!.synced.length).toBeGreaterThan(0);
    }
    expect(Math.max(...[...seen[0].keys()])).toBeGreaterThanOrEqual(2);
  });
});
