/**
 * Shard groups (issue #18, docs/VALIDATOR.md "Shard groups"): the same short workload on a small
 * network with 1 group and with `groups` groups, one after the other, each figure per node beside
 * its 1-group counterpart as a ratio:
 *   - stored bytes of each shard object (the runtime's `sql.databaseSize`, /dev/status cost meter)
 *     and the rows each wrote during the workload per transfer;
 *   - chunks each node re-executed (its shards' `work.chunks`), chunks of peers' blocks it checked
 *     by witness (`coordinator.witnessChecks.chunks`) and peers' drafts of its own blocks' chunks it
 *     checked by witness and took (`coordinator.groupChunks.taken`) per block;
 *   - bytes of each /p2p/witness answer a node took in (read off the link proxies), and requests
 *     per chunk checked;
 *   - send → final of a transfer whose receiver lives on another shard of the sender's group, and
 *     of one whose receiver lives in the other group: until the node answers its receipt (the tx
 *     and the receiver's credit final), one transfer at a time.
 * With groups a producer applies only its groups' shards and shard 0, so the storage, rows and
 * re-execution rows fall with the group count, and the check by witness replaces the rest.
 */
import { cpus, loadavg } from "node:os";
import { shardOf } from "../src/sharding/placement";
import { startNetwork, type Network } from "../test/network/harness";
import { action, awaitReceipts, makeSenders, percentile, pool, rpc, sendTx, serverNow, setupSenders, signedTx, type Signer, TRANSFER_GAS } from "./lib";

export interface GroupsOptions {
  nodes: number;
  shards: number;
  /** The group count compared with 1. */
  groups: number;
  /** Transfers of the workload, round robin over the senders, each paying the next. */
  txs: number;
  senders: number;
  concurrency: number;
  /** Transfers one at a time for each latency row. */
  probes: number;
}

/** What one node's /dev/status says that this section reads. */
export interface NodeSample {
  head: number;
  /**
   * Chunks checked by witness so far, blocks not endorsed because one failed, the last such failure, and blocks not endorsed
   * because no peer served a chunk's witness (none with one group: the counters are absent then).
   */
  checked: number;
  refused: number;
  lastRefusal: string | null;
  unserved: number;
  /** Peers' drafts of its blocks' chunks it took so far, each checked by witness before (0 with one group). */
  taken: number;
  /** Per shard, in shard order: chunks executed (built or applied), stored bytes, rows written. */
  executed: number[];
  bytes: number[];
  rowsWritten: number[];
}

/** A node's /dev/status body as this section reads it. */
export function nodeSample(status: any, shards: number): NodeSample {
  const meters = new Map<number, { bytes: number; rowsWritten: number }>();
  for (const o of status.cost.objects as { object: string; bytes: number; rowsWritten: number }[]) {
    const m = /shard-(\d+)$/.exec(o.object);
    if (m !== null) meters.set(Number(m[1]), o);
  }
  const perShard = Array.from({ length: shards }, (_, i) => {
    const m = meters.get(i);
    const s = (status.shards as { shard: number; work: { chunks: number } }[]).find((x) => x.shard === i);
    if (m === undefined || s === undefined) throw new Error(`/dev/status has no shard ${i} (of ${shards})`);
    return { executed: s.work.chunks, bytes: m.bytes, rowsWritten: m.rowsWritten };
  });
  return {
    head: status.coordinator.head,
    checked: status.coordinator.witnessChecks?.chunks ?? 0,
    refused: status.coordinator.witnessChecks?.refused ?? 0,
    lastRefusal: status.coordinator.witnessChecks?.last ?? null,
    unserved: status.coordinator.witnessChecks?.unserved ?? 0,
    taken: status.coordinator.groupChunks?.taken ?? 0,
    executed: perShard.map((s) => s.executed),
    bytes: perShard.map((s) => s.bytes),
    rowsWritten: perShard.map((s) => s.rowsWritten),
  };
}

/** One /p2p/witness answer a node took in: its bytes and the chunk it is of. */
export interface WitnessSeen {
  node: number;
  bytes: number;
  shard: number | null;
  height: number | null;
  /** An answer that is no witness: its message (or its first 100 characters). */
  error: string | null;
}

/** A /p2p/witness body as the link proxy forwarded it to `node` (an error answer counts too: it crossed the link). */
export function witnessSeen(node: number, body: string): WitnessSeen {
  const bytes = Buffer.byteLength(body);
  let w: { shard?: unknown; height?: unknown; message?: unknown };
  try {
    w = JSON.parse(body);
  } catch {
    return { node, bytes, shard: null, height: null, error: body.slice(0, 100) };
  }
  if (typeof w.shard === "number" && typeof w.height === "number") return { node, bytes, shard: w.shard, height: w.height, error: null };
  return { node, bytes, shard: null, height: null, error: typeof w.message === "string" ? w.message : body.slice(0, 100) };
}

/**
 * The answers that were no witness, by message with its numbers as `#`, most frequent first, each
 * with its first answer as it came: "3 × shard-#: no state witness of height # (first: shard-1: … 40 …)".
 */
export function errorKinds(seen: readonly WitnessSeen[]): string[] {
  const kinds = new Map<string, { n: number; first: string }>();
  for (const w of seen) {
    if (w.error === null) continue;
    const kind = w.error.replace(/\d+/g, "#");
    const k = kinds.get(kind);
    if (k === undefined) kinds.set(kind, { n: 1, first: w.error });
    else k.n++;
  }
  return [...kinds].sort((a, b) => b[1].n - a[1].n || (a[0] < b[0] ? -1 : 1)).map(([m, k]) => `${k.n} × ${m} (first: ${k.first})`);
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** Min, median (the lower of the middle two) and max; null for none. */
export function spread(xs: readonly number[]): Spread | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1] };
}

/** One node's figures over the workload (between two samples). */
export interface NodeFigures {
  blocks: number;
  /** Of them, blocks another node produced: the ones whose unheld chunks it checks by witness. */
  peerBlocks: number;
  executedPerBlock: number;
  checkedPerBlock: number;
  /** Peers' drafts of its own blocks' chunks checked by witness and taken, per block. */
  takenPerBlock: number;
  /** Blocks it did not endorse because a chunk failed its check by witness, and the last one's reason; because no peer served a chunk's witness. */
  refused: number;
  lastRefusal: string | null;
  unserved: number;
  /** /p2p/witness requests it sent per chunk it checked; null when it checked none. */
  requestsPerCheck: number | null;
  /**
   * Bytes of the witnesses it took in, of chunks that carried txs and of quiet ones (receipts in, or
   * nothing); answers that were no witness (an error: the peer lacks the block) apart.
   */
  witnessBytes: { loaded: Spread | null; quiet: Spread | null };
  notWitness: number;
  /** Per shard: stored bytes after, rows written during the workload per transfer of it (a block's own rows included). */
  bytes: number[];
  rowsPerTx: number[];
}

/**
 * `node`'s figures between `before` and `after`: `peerBlocks` of the blocks between them were
 * produced by another node; `requests` /p2p/witness requests it sent and `seen` the answers it
 * took in (every node's) over the same span; `txs` the txs of each chunk (`shard/height`) seen.
 */
export function nodeFigures(
  before: NodeSample,
  after: NodeSample,
  o: { transfers: number; peerBlocks: number; requests: number; seen: readonly WitnessSeen[]; txs: ReadonlyMap<string, number>; node: number },
): NodeFigures {
  const blocks = after.head - before.head;
  if (blocks <= 0) throw new Error(`node ${o.node}: no block between the samples (head ${before.head} → ${after.head})`);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const checked = after.checked - before.checked;
  const witnesses = o.seen.filter((w) => w.node === o.node && w.shard !== null);
  return {
    blocks,
    peerBlocks: o.peerBlocks,
    executedPerBlock: (sum(after.executed) - sum(before.executed)) / blocks,
    checkedPerBlock: checked / blocks,
    takenPerBlock: (after.taken - before.taken) / blocks,
    refused: after.refused - before.refused,
    lastRefusal: after.refused > before.refused ? after.lastRefusal : null,
    unserved: after.unserved - before.unserved,
    requestsPerCheck: checked === 0 ? null : o.requests / checked,
    witnessBytes: {
      loaded: spread(witnesses.filter((w) => (o.txs.get(`${w.shard}/${w.height}`) ?? 0) > 0).map((w) => w.bytes)),
      quiet: spread(witnesses.filter((w) => (o.txs.get(`${w.shard}/${w.height}`) ?? 0) === 0).map((w) => w.bytes)),
    },
    notWitness: o.seen.filter((w) => w.node === o.node && w.shard === null).length,
    bytes: after.bytes,
    rowsPerTx: after.rowsWritten.map((r, i) => (r - before.rowsWritten[i]) / o.transfers),
  };
}

/** `value` as a multiple of its 1-group counterpart: "1.02×", "—" when there is no counterpart to divide by. */
export function times(value: number | null, base: number | null): string {
  if (value === null || base === null || base === 0 || !Number.isFinite(value / base)) return "—";
  return `${(value / base).toFixed(2)}×`;
}

/** A run of the workload with some group count. */
export interface RunFigures {
  groups: number;
  nodes: NodeFigures[];
  /** Send → receiver's credit final (ms), one transfer at a time: receiver on another shard of the sender's group, in another group. */
  sameGroup: number[];
  otherGroup: number[];
  /** What the answers that were no witness said (`errorKinds`). */
  errors: string[];
  /** The workload's first send → its last receipt answered, ms. */
  workloadMs: number;
  load: { before: number; after: number };
}

const kb = (x: number) => `${(x / 1024).toFixed(1)} KiB`;
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1));
const msText = (x: number) => `${Math.round(x).toLocaleString("en-US")} ms`;
const spreadText = (s: Spread | null) =>
  s === null ? "—" : `${s.min.toLocaleString("en-US")} / ${s.median.toLocaleString("en-US")} / ${s.max.toLocaleString("en-US")}`;

/** The section's Markdown: one row per figure per node, the 1-group run, the grouped run and their ratio. */
export function groupsTable(one: RunFigures, many: RunFigures): string[] {
  const g = `${many.groups} groups`;
  const lines = [`| node | measure | 1 group | ${g} | ratio |`, "|---|---|---|---|---|"];
  const row = (node: string, measure: string, a: string, b: string, r: string) => lines.push(`| ${node} | ${measure} | ${a} | ${b} | ${r} |`);
  const total = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
  one.nodes.forEach((a, i) => {
    const b = many.nodes[i];
    const n = `${i}`;
    row(n, "stored bytes per shard object (0 / 1 / …)", a.bytes.map(kb).join(" / "), b.bytes.map(kb).join(" / "), times(total(b.bytes), total(a.bytes)));
    row(
      n,
      "rows written per transfer per shard object",
      a.rowsPerTx.map(num).join(" / "),
      b.rowsPerTx.map(num).join(" / "),
      times(total(b.rowsPerTx), total(a.rowsPerTx)),
    );
    row(n, "blocks in the workload (of them by other nodes)", `${a.blocks} (${a.peerBlocks})`, `${b.blocks} (${b.peerBlocks})`, times(b.blocks, a.blocks));
    row(n, "chunks re-executed per block", num(a.executedPerBlock), num(b.executedPerBlock), times(b.executedPerBlock, a.executedPerBlock));
    const checked = (f: NodeFigures) => `${num(f.checkedPerBlock)} (${f.peerBlocks === 0 ? "—" : num((f.checkedPerBlock * f.blocks) / f.peerBlocks)})`;
    row(n, "chunks checked by witness per block (per block by another node)", checked(a), checked(b), times(b.checkedPerBlock, a.checkedPerBlock));
    row(n, "peers' drafts of its blocks' chunks checked by witness and taken, per block", num(a.takenPerBlock), num(b.takenPerBlock), "");
    row(n, "blocks not endorsed: a chunk failed its check by witness", String(a.refused), String(b.refused), "");
    row(n, "blocks not endorsed yet: no peer served a chunk's witness", String(a.unserved), String(b.unserved), "");
    row(n, "witness bytes per chunk with txs taken in, min / median / max", spreadText(a.witnessBytes.loaded), spreadText(b.witnessBytes.loaded), "");
    const quiet = (f: NodeFigures) => `${spreadText(f.witnessBytes.quiet)}${f.notWitness === 0 ? "" : ` (+${f.notWitness} answers no witness)`}`;
    row(n, "witness bytes per quiet chunk (no tx: receipts in, or nothing) taken in, min / median / max", quiet(a), quiet(b), "");
    row(
      n,
      "/p2p/witness requests per chunk checked",
      a.requestsPerCheck === null ? "—" : num(a.requestsPerCheck),
      b.requestsPerCheck === null ? "—" : num(b.requestsPerCheck),
      "",
    );
  });
  const p = (xs: number[], q: number) =>
    xs.length === 0
      ? null
      : percentile(
          [...xs].sort((x, y) => x - y),
          q,
        );
  // Summed over the nodes: which node made which blocks, and which ran a height twice, evens out.
  const all = (r: RunFigures, f: (n: NodeFigures) => number) => total(r.nodes.map(f));
  const rows = (n: NodeFigures) => total(n.rowsPerTx);
  row("all", "rows written per transfer by the shard objects of every node", num(all(one, rows)), num(all(many, rows)), times(all(many, rows), all(one, rows)));
  const runs = (n: NodeFigures) => n.executedPerBlock;
  row("all", "chunks re-executed per block by every node", num(all(one, runs)), num(all(many, runs)), times(all(many, runs), all(one, runs)));
  const checks = (n: NodeFigures) => n.checkedPerBlock;
  row("all", "chunks checked by witness per block by every node", num(all(one, checks)), num(all(many, checks)), times(all(many, checks), all(one, checks)));
  const drafts = (n: NodeFigures) => n.takenPerBlock;
  row("all", "peers' drafts checked by witness and taken per block by every node", num(all(one, drafts)), num(all(many, drafts)), "");
  row("all", "workload, first send → last receipt", msText(one.workloadMs), msText(many.workloadMs), times(many.workloadMs, one.workloadMs));
  const lat = (xs: number[]) => (xs.length === 0 ? "—" : `${msText(p(xs, 50)!)} / ${msText(p(xs, 100)!)}`);
  row(
    "0",
    "send → credit final, receiver on another shard of the sender's group, p50 / max",
    lat(one.sameGroup),
    lat(many.sameGroup),
    times(p(many.sameGroup, 50), p(one.sameGroup, 50)),
  );
  row(
    "0",
    "send → credit final, receiver in the other group, p50 / max",
    lat(one.otherGroup),
    lat(many.otherGroup),
    times(p(many.otherGroup, 50), p(one.otherGroup, 50)),
  );
  const added = (r: RunFigures) => {
    const s = p(r.sameGroup, 50);
    const o = p(r.otherGroup, 50);
    return s === null || o === null ? "—" : msText(o - s);
  };
  row("0", "added latency of a cross-group receiver (p50 other − p50 same)", added(one), added(many), "");
  return lines;
}

/**
 * A probe pair for the `groups`-group layout (shard s in group s mod G): a sender, a receiver on
 * another shard of its group, one in another group; the first sender that has both, else null.
 */
export function probePair(names: readonly string[], shards: number, groups: number): { from: string; same: string; other: string } | null {
  const at = names.map((n) => shardOf(n, shards));
  for (let i = 0; i < names.length; i++) {
    const same = names.find((_, j) => at[j] !== at[i] && at[j] % groups === at[i] % groups);
    const other = names.find((_, j) => at[j] % groups !== at[i] % groups);
    if (same !== undefined && other !== undefined) return { from: names[i], same, other };
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Txs of each shard's chunk (`shard/height`) of the blocks `heights` on `url`'s chain, by their publishers' shards (shard 0's base tx left out). */
async function chunkTxs(url: string, heights: Iterable<number>, shards: number): Promise<Map<string, number>> {
  const txs = new Map<string, number>();
  for (const h of heights) {
    const { status, json } = await rpc(url, `/getBlockByNumber/${h}/true`);
    if (status !== 200) throw new Error(`${url} block ${h}: ${JSON.stringify(json)}`);
    for (const tx of json.block.transactions as { publisher: string }[]) {
      if (tx.publisher === "base.iost") continue;
      const key = `${shardOf(tx.publisher, shards)}/${h}`;
      txs.set(key, (txs.get(key) ?? 0) + 1);
    }
  }
  return txs;
}

/** Blocks `from`+1 … `to` of `url`'s chain not produced by `pubkey`. */
async function peerBlocks(url: string, pubkey: string, from: number, to: number): Promise<number> {
  let n = 0;
  for (let h = from + 1; h <= to; h++) {
    const { status, json } = await rpc(url, `/getBlockByNumber/${h}/false`);
    if (status !== 200) throw new Error(`${url} block ${h}: ${JSON.stringify(json)}`);
    if (json.block.witness !== pubkey) n++;
  }
  return n;
}

async function statusOf(url: string, shards: number): Promise<NodeSample> {
  return nodeSample((await rpc(url, "/dev/status")).json, shards);
}

/**
 * One transfer of 1 iost sent to `url`: ms from the send until `url` answers its receipt, which it
 * does once the tx and the receiver's credit are final (docs/SHARDING.md: two blocks after the
 * sender's for a credit to another shard).
 */
async function sendToFinal(urls: readonly string[], from: Signer, to: string, memo: string): Promise<number> {
  const tx = signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to, "1", memo])], await serverNow(urls[0]));
  const start = performance.now();
  const { status, json } = await sendTx(urls[0], tx.body);
  if (status !== 200) throw new Error(`probe ${memo} rejected: ${JSON.stringify(json)}`);
  for (let k = 0; ; k++) {
    // The node sent to first; with groups, rotation may move the sender's home off it: each node in turn.
    const r = await rpc(urls[k % urls.length], `/getTxReceiptByTxHash/${tx.hash}`);
    if (r.status === 200) {
      if (r.json.status_code !== "SUCCESS") throw new Error(`probe ${memo} failed: ${r.json.status_code} ${r.json.message}`);
      return performance.now() - start;
    }
    if (performance.now() - start > 60_000) throw new Error(`probe ${memo}: no receipt after 60 s (${JSON.stringify(r.json)})`);
    await sleep(20);
  }
}

async function run(o: GroupsOptions, groups: number): Promise<RunFigures> {
  const loadBefore = loadavg()[0];
  const net: Network = await startNetwork({
    nodes: o.nodes,
    proxied: true,
    vars: { SHARD_COUNT: String(o.shards), SHARD_GROUPS: String(groups), BLOCK_PRODUCTION: "interval" },
  });
  try {
    const seen: WitnessSeen[] = [];
    let recording = false;
    // Observe every witness answer crossing a link to the asking node, unchanged.
    for (let from = 0; from < o.nodes; from++)
      for (let to = 0; to < o.nodes; to++) {
        if (from === to) continue;
        const asker = from;
        net.link(from, to).rewrite("/p2p/witness", (body) => {
          if (recording) seen.push(witnessSeen(asker, body));
          return body;
        });
      }
    const asked = (node: number) => net.nodes.reduce((sum, _, to) => sum + (to === node ? 0 : (net.link(node, to).paths.get("/p2p/witness") ?? 0)), 0);

    const senders = makeSenders(o.senders);
    await setupSenders(net.nodes[0].url, senders, o.concurrency);
    const before = await Promise.all(net.nodes.map((n) => statusOf(n.url, o.shards)));
    const requestsBefore = net.nodes.map((_, i) => asked(i));
    recording = true;

    // The workload: each sender pays the next (mostly cross-shard), sent to the nodes in turn.
    const now = await serverNow(net.nodes[0].url);
    const start = performance.now();
    const byNode: string[][] = net.nodes.map(() => []);
    await pool(Array.from({ length: o.txs }), o.concurrency, async (_, i) => {
      const from = senders[i % senders.length];
      const to = senders[(i + 1) % senders.length];
      const stamp = now + BigInt(Math.floor(performance.now() - start)) * 1_000_000n + BigInt(i);
      const tx = signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to.name, "0.01", `g${i}`])], stamp, undefined, TRANSFER_GAS);
      const node = i % net.nodes.length;
      byNode[node].push(tx.hash);
      const { status, json } = await sendTx(net.nodes[node].url, tx.body);
      if (status !== 200) throw new Error(`workload transfer to node ${node} rejected: ${JSON.stringify(json)}`);
    });
    // The node a tx was sent to first: with groups, one applying the tx's home answers it.
    /** Every node's URL, from node `node` on. */
    const rotated = (node: number) => [...net.nodes.slice(node), ...net.nodes.slice(0, node)].map((n) => n.url);
    await Promise.all(byNode.map((hashes, node) => awaitReceipts(rotated(node), hashes, 8, 180_000)));
    const workloadMs = performance.now() - start;
    const after = await Promise.all(net.nodes.map((n) => statusOf(n.url, o.shards)));
    const requests = net.nodes.map((_, i) => asked(i) - requestsBefore[i]);
    recording = false;

    // Latency, one transfer at a time, the two kinds in turn; the grouped layout's pair in both runs, so each row times the same transfers.
    const pair = probePair(
      senders.map((s) => s.name),
      o.shards,
      o.groups,
    );
    if (pair === null) throw new Error(`no sender with receivers in its group and in another among ${o.senders} senders: raise --groups-senders`);
    const from = senders.find((s) => s.name === pair.from)!;
    const sameGroup: number[] = [];
    const otherGroup: number[] = [];
    // On a node applying the sender's home (its group's this epoch): only such a node answers the tx's receipt.
    const home = shardOf(pair.from, o.shards);
    const holds = await Promise.all(net.nodes.map(async (n) => (await rpc(n.url, "/getShardInfo")).json.holds as number[] | null));
    const first = Math.max(
      0,
      holds.findIndex((h) => h === null || h.length === 0 || h.includes(home)),
    );
    const urls = rotated(first);
    for (let k = 0; k < o.probes; k++) {
      sameGroup.push(await sendToFinal(urls, from, pair.same, `same${k}`));
      otherGroup.push(await sendToFinal(urls, from, pair.other, `other${k}`));
    }
    const txs = await chunkTxs(net.nodes[0].url, new Set(seen.flatMap((w) => (w.height === null ? [] : [w.height]))), o.shards);
    return {
      groups,
      nodes: await Promise.all(
        net.nodes.map(async (n, i) =>
          nodeFigures(before[i], after[i], {
            transfers: o.txs,
            peerBlocks: await peerBlocks(n.url, n.pubkey, before[i].head, after[i].head),
            requests: requests[i],
            seen,
            txs,
            node: i,
          }),
        ),
      ),
      sameGroup,
      otherGroup,
      errors: errorKinds(seen),
      workloadMs,
      load: { before: loadBefore, after: loadavg()[0] },
    };
  } finally {
    await net.stop();
  }
}

export async function groupsBench(o: GroupsOptions): Promise<void> {
  const started = performance.now();
  const one = await run(o, 1);
  const many = await run(o, o.groups);
  console.log(
    `\n## Shard groups (bench/groups.ts) — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, load average ${one.load.before.toFixed(1)} → ${many.load.after.toFixed(1)}, ${Math.round((performance.now() - started) / 1000)} s\n`,
  );
  console.log(
    `${o.nodes} nodes, ${o.shards} shards, interval production; ${o.txs} transfers from ${o.senders} senders (each pays the next), ${o.concurrency} in flight, sent to the nodes in turn; then ${o.probes} transfers of each latency kind one at a time to node 0\n`,
  );
  for (const line of groupsTable(one, many)) console.log(line);
  for (const r of [one, many]) {
    if (r.errors.length > 0) console.log(`\n${r.groups} group(s), /p2p/witness answers that were no witness: ${r.errors.join("; ")}`);
    r.nodes.forEach((f, i) => {
      if (f.lastRefusal !== null) console.log(`\n${r.groups} group(s), node ${i}, last block not endorsed: ${f.lastRefusal}`);
    });
  }
}
