/**
 * `npm run bench -- --only cost` (docs/COST.md): what a node and a 4-node testnet cost on
 * Cloudflare, from the runtime's own counters (/dev/cost: durable-objects/meter.ts,
 * workers/lib/usage.ts). Each runs idle, then at 1 and at 10 transfers/s (senders on every
 * shard, so many transfers are cross-shard), for a measured stretch each; the counters'
 * growth over a stretch, scaled to a day and to 30, is priced with bench/bill.ts.
 *
 * What it leaves out: Worker CPU time (not counted; 30 M ms a month are included), requests
 * clients would make to read (the load only sends), and the bench's own /dev/cost reads.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../scripts/node";
import { startNetwork } from "../test/network/harness";
import { freeQuotaUse, monthlyBill, OBJECT_GB, perDay, PRICES_CHECKED, type DailyUsage } from "./bill";
import { action, makeSenders, rpc, serverNow, setupSenders, signedTx, type Signer } from "./lib";

export interface CostOptions {
  idleSeconds: number;
  loadSeconds: number;
  /** Shards per node of the testnet (the single node runs wrangler.toml's default). */
  netShards: number;
}

interface Span {
  calls: number;
  txs: number;
  rowsRead: number;
  rowsWritten: number;
}

interface Meter {
  object: string;
  requests: number;
  rowsRead: number;
  rowsWritten: number;
  activeMs: number;
  bytes: number;
  spans: Record<string, { empty: Span; loaded: Span }>;
}

interface Cost {
  edge: { requests: number; p2pRequests: number; objectCalls: number; routes: Record<string, { requests: number; objectCalls: number }> };
  objects: Meter[];
}

/** What a stretch added up to over every node. */
export interface Measured {
  label: string;
  seconds: number;
  /** Blocks the nodes made, a fork's losing blocks included: each was paid for. */
  blocks: number;
  /** Transfers the nodes accepted (a block counts each once, a fork's twin block again). */
  txs: number;
  workerRequests: number;
  p2pRequests: number;
  objectRequests: number;
  rowsRead: number;
  rowsWritten: number;
  activeMs: number;
  storedBytes: number;
  addedBytes: number;
  /** Rows written and requests by kind of object (coordinator, validators, shard 0, the other shards), over every node. */
  byKind: Record<string, { rowsWritten: number; requests: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function costOf(urls: string[]): Promise<Cost[]> {
  return Promise.all(
    urls.map(async (u) => {
      for (let tries = 1; ; tries++) {
        try {
          const { status, json } = await rpc(u, "/dev/cost");
          if (status === 200) return json as Cost;
          throw new Error(JSON.stringify(json));
        } catch (err) {
          if (tries >= 3) throw new Error(`${u}/dev/cost: ${String(err)}`);
          await sleep(1000);
        }
      }
    }),
  );
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const KINDS = ["coordinator", "validators", "shard 0", "other shards"];
const kindOf = (object: string) =>
  object.startsWith("validator:") ? "validators" : /shard-0$/.test(object) ? "shard 0" : /shard-\d+$/.test(object) ? "other shards" : "coordinator";
const blocksOf = (m: Meter[]) => sum(m.map((o) => (o.spans.block ? o.spans.block.empty.calls + o.spans.block.loaded.calls : 0)));
/** The bench's own /dev/cost reads, which the edge counts like any request. */
const ownReads = (c: Cost) => c.edge.routes["/dev/cost"]?.requests ?? 0;

function difference(label: string, seconds: number, before: Cost[], after: Cost[]): Omit<Measured, "txs"> {
  // In-memory counters restart with their object: a stretch with a restart undercounts.
  const restarted = after.some(
    (c, i) =>
      c.objects.some((o) => o.requests < (before[i].objects.find((b) => b.object === o.object)?.requests ?? 0)) || c.edge.requests < before[i].edge.requests,
  );
  if (restarted) console.warn(`cost bench: ${label}: an object or an isolate restarted during the stretch; its figures undercount`);
  const all = (cs: Cost[]) => cs.flatMap((c) => c.objects);
  const total = (cs: Cost[], f: (m: Meter) => number) => sum(all(cs).map(f));
  const d = (f: (m: Meter) => number) => total(after, f) - total(before, f);
  const edge = (f: (c: Cost) => number) => sum(after.map(f)) - sum(before.map(f));
  return {
    label,
    seconds,
    blocks: blocksOf(all(after)) - blocksOf(all(before)),
    workerRequests: edge((c) => c.edge.requests - ownReads(c)),
    p2pRequests: edge((c) => c.edge.p2pRequests),
    objectRequests: d((m) => m.requests),
    rowsRead: d((m) => m.rowsRead),
    rowsWritten: d((m) => m.rowsWritten),
    activeMs: d((m) => m.activeMs),
    storedBytes: total(after, (m) => m.bytes),
    addedBytes: d((m) => m.bytes),
    byKind: Object.fromEntries(
      KINDS.map((k) => {
        const of = (cs: Cost[], f: (m: Meter) => number) =>
          sum(
            all(cs)
              .filter((m) => kindOf(m.object) === k)
              .map(f),
          );
        return [
          k,
          {
            rowsWritten: of(after, (m) => m.rowsWritten) - of(before, (m) => m.rowsWritten),
            requests: of(after, (m) => m.requests) - of(before, (m) => m.requests),
          },
        ];
      }),
    ),
  };
}

export function daily(m: Measured): DailyUsage {
  return perDay({ ...m, objectGbSeconds: (m.activeMs / 1000) * OBJECT_GB }, m.seconds);
}

/** Transfers at `rate`/s for `seconds`, each from a random sender to another, to the nodes in turn; how many were accepted. */
async function load(urls: string[], senders: Signer[], rate: number, seconds: number): Promise<number> {
  const start = performance.now();
  const t0 = await serverNow(urls[0]);
  const sends: Promise<void>[] = [];
  let refused = 0;
  for (let i = 0; i < rate * seconds; i++) {
    const at = (i * 1000) / rate;
    const wait = start + at - performance.now();
    if (wait > 0) await sleep(wait);
    const from = senders[i % senders.length];
    const to = senders[(i * 7 + 3) % senders.length];
    const time = t0 + BigInt(Math.round((performance.now() - start) * 1e6));
    const tx = signedTx(from, [action("token.iost", "transfer", ["iost", from.name, to === from ? "admin" : to.name, "0.01", `c${i}`])], time);
    sends.push(
      rpc(urls[i % urls.length], "/sendTx", tx.body).then(
        ({ status }) => {
          if (status !== 200) refused++;
        },
        () => {
          refused++; // a node that restarted mid-request answers no JSON
        },
      ),
    );
  }
  await Promise.all(sends);
  if (refused > 0) console.warn(`cost bench: ${refused} of ${rate * seconds} transfers refused`);
  return rate * seconds - refused;
}

/** A stretch of `seconds` while `work` runs; `work` answers how many txs it had accepted. */
async function stretch(label: string, urls: string[], seconds: number, work: () => Promise<number>): Promise<Measured> {
  const before = await costOf(urls);
  const start = performance.now();
  const [txs] = await Promise.all([work(), sleep(seconds * 1000)]);
  const after = await costOf(urls);
  return { ...difference(label, (performance.now() - start) / 1000, before, after), txs };
}

async function scenarios(name: string, urls: string[], senders: Signer[], o: CostOptions): Promise<Measured[]> {
  const out: Measured[] = [];
  out.push(await stretch(`${name}, idle`, urls, o.idleSeconds, async () => 0));
  for (const rate of [1, 10]) out.push(await stretch(`${name}, ${rate} tx/s`, urls, o.loadSeconds, () => load(urls, senders, rate, o.loadSeconds)));
  return out;
}

const int = (x: number) => Math.round(x).toLocaleString("en-US");
const usd = (x: number) => `$${x < 10 ? x.toFixed(2) : int(x)}`;
const pct = (x: number) => `${x < 0.1 ? (x * 100).toFixed(2) : int(x * 100)} %`;

/** Rows written per tx beyond what the same blocks would write empty. */
function marginal(idle: Measured, busy: Measured): string {
  if (busy.txs === 0 || idle.blocks === 0 || busy.blocks === 0) return "–";
  return int(((busy.rowsWritten / busy.blocks - idle.rowsWritten / idle.blocks) * busy.blocks) / busy.txs);
}

export function report(rows: Measured[]): void {
  console.log(`\nCost of a node on Cloudflare — measured ${new Date().toISOString().slice(0, 10)}, prices of ${PRICES_CHECKED} (bench/bill.ts)\n`);
  console.log(
    "| run | s | blocks | txs | rows written / block | rows read / block | DO requests / block | rows written / tx (marginal) | Worker requests / s (/p2p) | stored MB (+MB/day) |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const m of rows) {
    const idle = rows.find((r) => r.label === m.label.replace(/, .*$/, ", idle"))!;
    const b = Math.max(1, m.blocks);
    const perTx = m.txs > 0 ? `${int(m.rowsWritten / m.txs)} (${marginal(idle, m)})` : "–";
    const d = daily(m);
    console.log(
      `| ${m.label} | ${int(m.seconds)} | ${m.blocks} | ${m.txs} | ${int(m.rowsWritten / b)} | ${int(m.rowsRead / b)} | ${(m.objectRequests / b).toFixed(1)} | ${perTx} | ${(m.workerRequests / m.seconds).toFixed(1)} (${(m.p2pRequests / m.seconds).toFixed(1)}) | ${(m.storedBytes / 1e6).toFixed(1)} (+${int(d.storedBytesPerDay / 1e6)}) |`,
    );
  }
  console.log("\nPer block, by kind of object (rows written / DO requests):\n");
  console.log(`| run | ${KINDS.join(" | ")} |`);
  console.log(`|---|${KINDS.map(() => "---|").join("")}`);
  for (const m of rows) {
    const b = Math.max(1, m.blocks);
    console.log(`| ${m.label} | ${KINDS.map((k) => `${int(m.byKind[k].rowsWritten / b)} / ${(m.byKind[k].requests / b).toFixed(1)}`).join(" | ")} |`);
  }
  console.log("\nA month (30 days) on Workers Paid, $5 minimum included:\n");
  console.log("| run | Worker requests | DO requests | DO duration | rows read | rows written | storage | total / month |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const m of rows) {
    const b = monthlyBill(daily(m));
    const l = b.lines;
    console.log(
      `| ${m.label} | ${usd(l.workerRequests)} | ${usd(l.objectRequests)} | ${usd(l.objectGbSeconds)} | ${usd(l.rowsRead)} | ${usd(l.rowsWritten)} | ${usd(l.storedGbMonths)} | **${usd(b.total)}** |`,
    );
  }
  console.log("\nShare of each Workers Free daily quota one day uses (storage: after 30 days, of 5 GB):\n");
  console.log("| run | Worker requests | DO requests | DO duration | rows read | rows written | storage | fits |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const m of rows) {
    const q = freeQuotaUse(daily(m));
    const fits = Object.values(q).every((x) => x <= 1) ? "yes" : "no";
    console.log(
      `| ${m.label} | ${pct(q.workerRequests)} | ${pct(q.objectRequests)} | ${pct(q.objectGbSeconds)} | ${pct(q.rowsRead)} | ${pct(q.rowsWritten)} | ${pct(q.storedGb)} | ${fits} |`,
    );
  }
}

export async function costBench(o: CostOptions): Promise<void> {
  const rows: Measured[] = [];
  const dir = mkdtempSync(join(tmpdir(), "iost-edge-cost-"));
  const node = await startNode({ persist: dir });
  try {
    const senders = makeSenders(16);
    await setupSenders(node.url, senders, 8);
    rows.push(...(await scenarios("node", [node.url], senders, o)));
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const net = await startNetwork({ nodes: 4, proxied: false, vars: { SHARD_COUNT: String(o.netShards) } });
  try {
    // An on-demand network makes no block until a tx: funding the senders is its first work.
    const senders = makeSenders(16);
    await setupSenders(net.nodes[0].url, senders, 8);
    rows.push(
      ...(await scenarios(
        "4-node testnet",
        net.nodes.map((n) => n.url),
        senders,
        o,
      )),
    );
  } finally {
    await net.stop();
  }
  report(rows);
}
