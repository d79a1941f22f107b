/**
 * The fixture of the fault tests of a four-node network (issue #7 "How it is checked";
 * faults.test.ts, faults-partitions.test.ts, faults-shards.test.ts): nodes are
 * stopped, restarted, wiped and cut off, and after each step the safety
 * invariants are checked on the nodes that run:
 *  - all agree on every block at or below the lowest LIB (finalChainDiff);
 *  - a finalized block never changes: every LIB any node reports is recorded
 *    (height → hash) for the whole run by a FinalityWatch, which flags a
 *    different hash at a recorded height or a LIB going back;
 *  - at a moment all have one head, balances of a fixed set of accounts and
 *    the iost supply are the same on every node.
 * One network per describe, reused step after step (the steps build on each
 * other's state); one shard for the stop/partition steps, two shards for the
 * tx and wipe steps (cross-shard state must agree too).
 * Production conditions: on-demand production (the default: no block while
 * nothing is pending), link delays and late, doubled alarms (harness
 * `productionTiming`). A step that needs the chain to move sends txs, as a used
 * network does (`Fixture.busy`); each step starts from a resting network, so the
 * nodes must also find each other again after a fault with no traffic to help.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { Algorithm, connect, KeyPair, newAccountTx, post, signTx, txJson, type Client } from "../e2e/helpers/sdk";
import {
  allInfo,
  blockHash,
  chainInfo,
  type ChainInfo,
  FinalityWatch,
  finalChainDiff,
  getJson,
  headStates,
  productionTiming,
  startNetwork,
  waitFor,
  type NetNode,
  type Network,
} from "./harness";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Final blocks after a cut link within which both its ends must have made one: six rounds of the four producers. */
export const CUT_BLOCKS = 24;

/** Everything a step needs about one running network. */
export class Fixture {
  net!: Network;
  watch!: FinalityWatch;
  client!: Client;
  accounts: string[] = [];
  private quiet?: () => Promise<void>;
  private memo = 0;

  async start(vars: Record<string, string>): Promise<void> {
    this.net = await startNetwork({ nodes: 4, vars, timing: productionTiming() });
    this.watch = new FinalityWatch(this.net.nodes);
    this.watch.start();
    this.client = await connect(this.net.nodes[0].url);
    this.busy();
    await waitFor("every node past LIB 3", async () => (await allInfo(this.net.nodes)).every((i) => i.lib >= 3), 90_000);
    await this.rest();
  }

  async stop(): Promise<void> {
    await this.rest();
    await this.watch?.stop();
    await this.net?.stop();
  }

  /**
   * Keeps the chain moving until rest(): on demand, blocks come only with txs, so a small
   * admin → producer000 transfer goes to each running node in turn, one every 250 ms (about two
   * per slot). A refused or unanswered send is skipped: the step waits for blocks, not for these.
   */
  busy(): void {
    if (this.quiet) return;
    let on = true;
    const loop = (async () => {
      for (let i = 0; on; i++) {
        const node = this.net.nodes[i % this.net.nodes.length];
        if (node.running) await this.send(node, this.client.iost.transfer("iost", "admin", "producer000", "0.01", `busy ${++this.memo}`)).catch(() => {});
        await sleep(250);
      }
    })();
    this.quiet = async () => {
      on = false;
      await loop;
    };
  }

  /** Stops busy()'s txs; the producers finalize what is pending and rest. */
  async rest(): Promise<void> {
    const quiet = this.quiet;
    this.quiet = undefined;
    await quiet?.();
  }

  /**
   * Every node running and every link healed, all on one head: where each step
   * starts (so one failed step does not fail the ones after it). Without txs:
   * a node back from a fault must find the resting others' head itself.
   */
  async restore(): Promise<void> {
    await this.rest();
    this.net.healAll();
    await Promise.all(this.net.nodes.filter((n) => !n.running).map((n) => n.start()));
    await this.converged([0, 1, 2, 3], 60_000);
  }

  nodes(indexes: readonly number[] = [0, 1, 2, 3]): NetNode[] {
    return indexes.map((i) => this.net.nodes[i]);
  }

  /** Signs `tx` as admin and posts it to `node`; returns the hash the node answers. */
  async send(node: NetNode, tx: any): Promise<string> {
    signTx(this.client, tx, this.client.admin);
    return this.post(node, txJson(tx));
  }

  async post(node: NetNode, body: string): Promise<string> {
    const r = await post(node.url, "/sendTx", body);
    if (r.status !== 200) throw new Error(`sendTx to node ${node.index}: HTTP ${r.status} ${r.text}`);
    return String(r.body.hash);
  }

  /**
   * Waits until every node has `hash` in a final block, the same block on all;
   * returns its number (getTxByHash gives the number of irreversible txs only).
   */
  async included(hash: string, indexes?: readonly number[]): Promise<number> {
    return waitFor(
      `tx ${hash} in one block on every node`,
      async () => {
        const found = await Promise.all(this.nodes(indexes).map((n) => getJson(`${n.url}/getTxByHash/${hash}`)));
        // A pooled tx answers status PENDING, block_number -1.
        if (found.some((f) => f.status !== 200 || f.body.status === "PENDING" || Number(f.body.block_number) < 1)) return undefined;
        const numbers = new Set(found.map((f) => String(f.body.block_number)));
        return numbers.size === 1 ? Number([...numbers][0]) : undefined;
      },
      40_000,
    );
  }

  /** The receipt of `hash` on `node`, once it has one (IOST answers receipts of irreversible txs only). */
  async receipt(node: NetNode, hash: string): Promise<any> {
    return waitFor(
      `receipt of ${hash} on node ${node.index}`,
      async () => {
        const r = await getJson(`${node.url}/getTxReceiptByTxHash/${hash}`);
        return r.status === 200 ? r.body : undefined;
      },
      30_000,
    );
  }

  /** Waits until `node` has `hash` in a block above `from` (final or not); returns the block number. */
  async packed(node: NetNode, hash: string, from: number): Promise<number> {
    return waitFor(
      `tx ${hash} in a block of node ${node.index}`,
      async () => {
        const head = (await chainInfo(node)).head;
        for (let n = head; n > from; n--) if ((await this.occurrences(node, n, n, [hash]))[0] > 0) return n;
        return undefined;
      },
      20_000,
      500,
    );
  }

  /** How often each of `hashes` occurs in `node`'s blocks from..to. */
  async occurrences(node: NetNode, from: number, to: number, hashes: readonly string[]): Promise<number[]> {
    const counts = hashes.map(() => 0);
    for (let n = from; n <= to; n++) {
      const { status, body } = await getJson(`${node.url}/getBlockByNumber/${n}/true`);
      if (status !== 200) throw new Error(`block ${n} on node ${node.index}: HTTP ${status}`);
      for (const tx of body.block.transactions ?? []) {
        const i = hashes.indexOf(tx.hash);
        if (i >= 0) counts[i]++;
      }
    }
    return counts;
  }

  /** Creates an account (ed25519, 1 KB RAM, 10 IOST gas pledge) through `node`. */
  async newAccount(node: NetNode, name: string): Promise<void> {
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    const hash = await this.send(node, newAccountTx(this.client, name, kp.B58PubKey(), kp.B58PubKey(), 1024, 10));
    await this.included(hash);
    expect((await this.receipt(node, hash)).status_code).toBe("SUCCESS");
    this.accounts.push(name);
  }

  /** Admin's, the producers' and the test accounts' balances, then the supply, on each node at one head. */
  async expectSameState(indexes: readonly number[]): Promise<void> {
    const tracked = ["admin", "producer000", "producer001", "producer002", "producer003", ...this.accounts];
    const states = await headStates(this.nodes(indexes), tracked);
    for (let i = 1; i < states.length; i++)
      expect(states[i].values, `node ${indexes[i]} vs node ${indexes[0]} at head ${states[0].head}`).toEqual(states[0].values);
  }

  /** The invariants after every step, on the running nodes `indexes`. */
  async invariants(indexes: readonly number[], sameHead = true): Promise<void> {
    const nodes = this.nodes(indexes);
    await this.watch.poll();
    expect(this.watch.violations).toEqual([]);
    expect(await finalChainDiff(nodes)).toEqual([]);
    // Every final block recorded so far is on each node's chain: the highest one at or below
    // the lowest LIB settles it (a block hash covers its parent).
    const low = Math.min(...(await allInfo(nodes)).map((i) => i.lib));
    const highest = this.watch.highest(low);
    expect(highest).toBeDefined();
    for (const n of nodes) expect(await blockHash(n, highest![0]), `node ${n.index} at final block ${highest![0]}`).toBe(highest![1]);
    if (sameHead) await this.expectSameState(indexes);
  }

  /**
   * Chain infos of `indexes` once their LIBs stood still for two seconds: after a cut, what was
   * under way crosses slow links and late alarms (seconds on a loaded machine) before LIB stalls.
   */
  async settled(indexes: readonly number[]): Promise<ChainInfo[]> {
    let prev = "";
    let since = Date.now();
    return waitFor(
      `LIBs of nodes ${indexes.join(",")} standing still`,
      async () => {
        const infos = await allInfo(this.nodes(indexes));
        const libs = infos.map((i) => i.lib).join(",");
        if (libs !== prev) [prev, since] = [libs, Date.now()];
        return Date.now() - since >= 2_000 ? infos : undefined;
      },
      30_000,
      500,
    );
  }

  /**
   * Waits until `node` rests asking nobody (/dev/status coordinator.sync): every peer heard and no
   * wake before the next minute, so only a peer's push brings it news.
   */
  async deaf(node: NetNode): Promise<void> {
    await waitFor(
      `node ${node.index} resting, asking nobody`,
      async () => {
        const s = (await getJson(`${node.url}/dev/status`)).body.coordinator.sync;
        return s.unheard.length === 0 && s.alarm !== null && s.alarm > Date.now() + 60_000;
      },
      30_000,
      500,
    );
  }

  /** Waits until the nodes `indexes` report one head hash. */
  async converged(indexes: readonly number[] = [0, 1, 2, 3], timeoutMs = 40_000): Promise<void> {
    await waitFor(
      `nodes ${indexes.join(",")} on one head`,
      async () => new Set((await allInfo(this.nodes(indexes))).map((i) => i.headHash)).size === 1,
      timeoutMs,
      100,
    );
  }

  /** Witnesses of `node`'s blocks from..to. */
  async witnesses(node: NetNode, from: number, to: number): Promise<string[]> {
    const out: string[] = [];
    for (let n = from; n <= to; n++) {
      const { status, body } = await getJson(`${node.url}/getBlockByNumber/${n}/false`);
      if (status !== 200) throw new Error(`block ${n} on node ${node.index}: HTTP ${status}`);
      out.push(String(body.block.witness));
    }
    return out;
  }
}

/** A describe's network of four nodes with `vars`, started before its steps with the accounts `accounts` made (through node i), stopped after. */
export function useFixture(vars: Record<string, string>, accounts: readonly (readonly [node: number, name: string])[]): Fixture {
  const f = new Fixture();
  beforeAll(async () => {
    await f.start(vars);
    for (const [i, name] of accounts) await f.newAccount(f.net.nodes[i], name);
  }, 180_000);
  afterAll(() => f.stop(), 60_000);
  return f;
}
