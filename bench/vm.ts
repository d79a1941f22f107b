/**
 * Contract VM figures for `npm run bench`, on the bench's running 1-shard node,
 * timed inside workerd by the shard's own chunk-build counters (/dev/status):
 *   - contract calls executed per second by one shard (a small storage write);
 *   - shard time per deploy (system.iost/setCode of a small contract, init included);
 *   - gas per millisecond of a pure JS loop: the slope between a long and an
 *     empty loop, so the per-call costs (context, prelude, contract compile) cancel.
 * Returns the three figures; bench/run.ts sets them in its table.
 */
import { action, adminSigner, awaitReceipts, pool, rpc, serverNow, shardWork, signedTx, type Signer } from "./lib";

export const CODE = `class Bench {
  init() {}
  put(v) { storage.put(tx.publisher, v); return "ok"; }
  loop(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
}
module.exports = Bench;`;
export const INFO = {
  lang: "javascript",
  version: "1.0.0",
  abi: [
    { name: "put", args: ["string"], amountLimit: [] },
    { name: "loop", args: ["number"], amountLimit: [] },
  ],
};
const DEPLOYS = 20;
const LOOPS = 10;
/** About 10 gas per iteration: 80,000 stays under the bench txs' 1,000,000 gas limit. */
const LOOP_N = 80_000;

type SignedTx = ReturnType<typeof signedTx>;

/** Send, wait until irreversible, and return the shard work they took. */
async function executed(url: string, txs: SignedTx[], concurrency: number): Promise<{ txs: number; ms: number }> {
  const before = await shardWork(url);
  await pool(txs, concurrency, async (tx) => {
    const { status, json } = await rpc(url, "/sendTx", tx.body);
    if (status !== 200) throw new Error(`bench tx rejected: ${JSON.stringify(json)}`);
  });
  await awaitReceipts(
    url,
    txs.map((t) => t.hash),
    concurrency,
    300_000,
  );
  const after = await shardWork(url);
  return { txs: after.txs - before.txs, ms: after.ms - before.ms };
}

async function gasOf(url: string, txs: SignedTx[]): Promise<number> {
  let gas = 0;
  for (const t of txs) gas += (await rpc(url, `/getTxReceiptByTxHash/${t.hash}`)).json.gas_usage as number;
  return gas;
}

export interface VmFigures {
  callsPerSec: number;
  deployMs: number;
  gasPerMs: number;
}

export async function vmBench(url: string, senders: Signer[], concurrency: number, calls: number): Promise<VmFigures> {
  const admin = adminSigner();
  let now = await serverNow(url);
  const deploys = Array.from({ length: DEPLOYS }, (_, i) =>
    signedTx(admin, [action("system.iost", "setCode", [JSON.stringify({ ID: "", info: INFO, code: CODE })])], now + BigInt(i)),
  );
  const deployWork = await executed(url, deploys, concurrency);
  const id = "Contract" + deploys[0].hash;

  now = await serverNow(url);
  const puts = Array.from({ length: calls }, (_, i) => signedTx(senders[i % senders.length], [action(id, "put", [`v${i}`])], now + BigInt(i)));
  const callWork = await executed(url, puts, concurrency);

  now = await serverNow(url);
  const loops = (n: number, from: number) => Array.from({ length: LOOPS }, (_, i) => signedTx(admin, [action(id, "loop", [n])], now + BigInt(from + i)));
  const empty = loops(0, DEPLOYS);
  const long = loops(LOOP_N, DEPLOYS + LOOPS);
  const emptyWork = await executed(url, empty, concurrency);
  const longWork = await executed(url, long, concurrency);
  const gasPerMs = ((await gasOf(url, long)) - (await gasOf(url, empty))) / (longWork.ms - emptyWork.ms);

  return { callsPerSec: (callWork.txs * 1000) / callWork.ms, deployMs: deployWork.ms / deployWork.txs, gasPerMs };
}
