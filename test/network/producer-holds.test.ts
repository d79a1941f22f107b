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
import type { ShardStatus } from "../../durable-objects/api";
import { describe, expect, it } from "vitest";
import { expectSuccess, type Client } from "../e2e/helpers/sdk";
import {
  allInfo,
  balancesAgree,
  chainInfo,
  finalChainDiff,
  getJson,
  GROUPS_VARS,
  rotationStatus,
  shardObjects,
  waitFor,
  type Network,
  useNetwork,
} from "./harness";

/** Homes (src/sharding/placement.ts, four shards): admin 0, producer000 1, producer002 2, foundation 3. */
const ACCOUNTS = ["admin", "foundation", "producer000", "producer002"];
/** MAX_PROOF_DEPTH: how far below their LIB peers serve what a block-by-block follow needs; a node further behind leaps. */
const DEPTH = 64;

describe("shard groups: a producer holds and runs only its groups' shards and shard 0", () => {
  let net: Network;
  let client: Client;
  useNetwork({ nodes: 3, vars: GROUPS_VARS }, (n, c) => {
    net = n;
    client = c;
  });

  const status = async (i: number) => {
    const { plan, shards, body } = await rotationStatus(net.nodes[i]);
    const bytes = new Map<string, number>((body.cost.objects as { object: string; bytes: number }[]).map((o) => [o.object, o.bytes]));
    return { plan, shards, bytes, coordinator: body.coordinator };
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
    // Chance, not time, decides when: each epoch's shuffle puts one of the three producers alone in a group, so every
    // node has moved once each has been that one, which takes 5.5 epochs on average and more than 9 in 8% of runs (a CI
    // run timed out after 90 s). The test waits for up to EPOCHS epochs (all moved in 99.99% of runs); the time limit
    // only guards a chain that stops.
    const EPOCHS = 30;
    const epochs = () => new Set(seen.flatMap((m) => [...m.keys()])).size;
    await waitFor(
      "every node's producer in another group in a later epoch",
      async () => {
        const all = await Promise.all(net.nodes.map((_, i) => status(i)));
        all.forEach((s, i) => s.plan !== null && seen[i].set(s.plan.epoch, s.plan.now.join(",")));
        if (moved() || epochs() >= EPOCHS) return true;
        await traffic(`rotate-${Date.now()}`);
        return false;
      },
      EPOCHS * 15_000,
      1_000,
    );
    expect(moved(), `groups by epoch ${JSON.stringify(seen.map((m) => Object.fromEntries(m)))}`).toBe(true);
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
  }, 600_000);

  it("a producer wiped with the chain past block 64 leaps: it makes and syncs only the shards its plan keeps, agrees with the others and produces again", async () => {
    await waitFor(`node 0 final past block ${DEPTH + 4}`, async () => (await chainInfo(net.nodes[0])).lib > DEPTH + 4, 120_000, 500);
    // A producer each of whose kept shards another one holds too: its group's only producer, wiped, would take that group's
    // state with it, which no node could give back (the chain stops once its placeholders run out).
    const W = await waitFor(
      "a producer whose kept shards another one holds too",
      async () => {
        const all = await Promise.all(net.nodes.map((_, i) => status(i)));
        const holds = (j: number, x: number) =>
          all[j].plan?.keep.includes(x) === true && all[j].shards.some((y) => y.shard === x && y.dropped === undefined && y.syncing === undefined);
        const i = all.findIndex((a, k) => a.plan?.keep.every((x) => all.some((_, j) => j !== k && holds(j, x))));
        return i >= 0 ? i : null;
      },
      60_000,
      500,
    );
    const node = net.nodes[W];
    // Chain reads from another node.
    const ref = net.nodes[(W + 1) % net.nodes.length];
    const { head } = await chainInfo(ref);
    await node.wipe();
    // Its shard objects as it catches up (/dev/status asks only the shard objects it made).
    const atGenesis: number[] = [];
    await waitFor(
      `the wiped producer final past block ${head}, its shards synced`,
      async () => {
        const objects = shardObjects(node).length;
        const info = await chainInfo(node);
        if (info.head === 0) atGenesis.push(objects);
        if (info.lib < head) return false;
        // Its LIB rises with the leap's headers, before its shards are synced at it; the leap lists them synced only once the
        // other shards' replay windows are filled after that (a run read it in between: shards at LIB, none listed).
        const { shards, plan } = await status(W);
        const held = shards.filter((x) => x.dropped === undefined);
        return held.every((x) => x.syncing === undefined && x.head >= head) && plan?.synced.some((x) => x.shard === 0) === true;
      },
      120_000,
      200,
    );
    const objects = shardObjects(node).length;
    const s = await status(W);
    const plan = s.plan!;
    const synced = [...new Set(plan.synced.map((x) => x.shard))].sort();
    console.log(
      `wiped node ${W} final past ${head}: ${objects} shard objects (${atGenesis.join(",")} at genesis), synced ${JSON.stringify(plan.synced)}, keeps ${plan.keep.join(",")}; shards ${JSON.stringify(s.shards)}`,
    );
    // Before its leap, shard 0's genesis alone (the consensus shard, kept in every epoch); then only what a plan kept, each synced from a
    // snapshot at a final block (the leap's plan, then rotation's), not replayed from genesis.
    expect(atGenesis.length).toBeGreaterThan(0);
    expect(Math.max(...atGenesis)).toBeLessThanOrEqual(1);
    expect(synced).toContain(0);
    // Every object it made is a synced shard, one rotation is syncing as the files were read (its object made before it is
    // listed synced), or a dropped marker: a catch-up that spans an epoch change (a loaded CI run) makes the shards a plan kept
    // for the next epoch, which the epoch's own plan then drops.
    const accounted = new Set([...synced, ...(s.shards as ShardStatus[]).filter((x) => x.syncing !== undefined || x.dropped === true).map((x) => x.shard)]);
    expect(objects).toBe(accounted.size);
    // The others: never made (/dev/status does not ask them) or dropped to their marker.
    expect(plan.unmade.filter((i) => synced.includes(i))).toEqual([]);
    for (const x of s.shards as ShardStatus[])
      if (!plan.keep.includes(x.shard)) expect(x, `node ${W} shard ${x.shard}`).toMatchObject({ head: 0, dropped: true });
    expect(s.shards.length + plan.unmade.length).toBe(4);
    for (const x of s.shards as ShardStatus[]) if (plan.keep.includes(x.shard)) expect(x.work.chunks, `node ${W} shard ${x.shard}`).toBeLessThan(x.head);
    // Three producers: no block is final without its endorsement, so LIB rising past its catch-up shows it endorses again.
    const caught = (await chainInfo(ref)).head;
    // Meanwhile the chain never went a round without a block (a block a slot of 500 ms; its own slot, one in three, missed:
    // a gap of 2). A catch-up holding up both others would leave gaps of 4 and more. One of them late for its slot is a gap
    // of 3: once in a clean CI run (stop 35: gaps 2,1,2,3,1), slot after slot with other tests' work on the machine (gaps
    // 2,3,1,2,3,3,3,3,2 with a sweep and another worktree's tests beside the network files, whose three files at a time
    // already put nine or more nodes on two cores).
    const times: bigint[] = [];
    for (let n = head; n <= caught; n++) times.push(BigInt((await getJson(`${ref.url}/getBlockByNumber/${n}/false`)).body.block.time));
    const slots = times.map((t) => t / 500_000_000n);
    const gaps = slots.slice(1).map((x, k) => Number(x - slots[k]));
    expect(Math.max(...gaps), `slot gaps ${gaps.join(",")}`).toBeLessThanOrEqual(3);
    await traffic("wiped");
    await allFinal("every node final past the wiped producer's catch-up");
    expect((await chainInfo(ref)).lib).toBeGreaterThan(caught);
    expect(await finalChainDiff(net.nodes)).toEqual([]);
    expect(await balancesAgree(net.nodes, ACCOUNTS)).toEqual([]);
    // It makes blocks in its slots again.
    await waitFor(
      "a final block of the wiped producer after its catch-up",
      async () => {
        const lib = (await chainInfo(ref)).lib;
        for (let n = caught + 1; n <= lib; n++) if ((await getJson(`${ref.url}/getBlockByNumber/${n}/false`)).body.block.witness === node.pubkey) return true;
        return false;
      },
      60_000,
      1_000,
    );
  });
});
