/**
 * `npx tsx bench/exec-speed.ts [--txs 2000] [--rounds 5]`: transfers and contract calls (bench/vm.ts
 * `put`, a storage write) executed as a chunk build runs them, in one Node process on a dev genesis
 * in memory: per tx the executor (checkpoint, `executeTx`, release), the receipt's JSON and hash;
 * per 200 txs the chunk's commit (write set, its JSON, the state tree's update). No SQLite. Process CPU µs per tx,
 * best of the rounds after the first; the figure to compare between two trees of the code.
 */
import { base58Encode } from "../src/codec/base58";
import { sha3 } from "../src/crypto/sha3";
import { ShardState } from "../src/executor/guard";
import { executeTx } from "../src/executor/index";
import { MemoryStore } from "../src/state/memory-store";
import { PagedNodes, StateTree } from "../src/state/tree";
import { txHash } from "../src/tx/bytes";
import { receiptBytes, txBytes, FULL } from "../src/tx/index";
import type { Tx } from "../src/tx/types";
import { receiptToJson } from "../src/tx/view";
import { loadVm } from "../src/vm/index";
import { act, Chain, fakeKey, makeTx } from "../test/unit/executor/helpers";
import { contractJson } from "../test/unit/vm/helpers";
import { option } from "./lib";
import { CODE, INFO } from "./vm";

const N = option("txs", 2000);
const ROUNDS = option("rounds", 5);
const SENDERS = 50;
const CHUNK = 200;

await loadVm();
const chain = new Chain();
const d = chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(CODE, INFO.abi)])], { gasLimit: 4_000_000n }));
const id = (JSON.parse(d.returns[0]) as string[])[0];
for (let k = 0; k < SENDERS; k++) chain.newAccount(`bench${k}`, fakeKey(k + 1), "1000000", 100_000n, "20000");
const store: MemoryStore = chain.store;
// The state's tree, kept across chunks as a shard keeps it: a chunk hashes the paths of the keys it wrote.
const tree = new StateTree(new PagedNodes(new MemoryStore()));
tree.update(store.keys().map((k) => [k, store.get(k)!] as const));

type Made = { tx: Tx; key: { hash: string; size: number } };
function made(tx: Tx): Made {
  return { tx, key: { hash: base58Encode(txHash(tx)), size: txBytes(tx, FULL).length } };
}
const sender = (i: number) => ({ publisher: `bench${i % SENDERS}`, key: fakeKey((i % SENDERS) + 1) });

/** CPU µs per tx of a chunk-build-like run of `txs`. */
function run(txs: Made[], round: number): number {
  const block = { ...chain.block(), number: BigInt(round + 2), shard: { index: 0, count: 1 } };
  const c0 = process.cpuUsage();
  let state = new ShardState(store, { index: 0, count: 1 });
  for (let i = 0; i < txs.length; i++) {
    state.watch();
    state.checkpoint();
    const r = executeTx(state, txs[i].tx, txs[i].key, block);
    state.release();
    if ("dropped" in r || r.receipt.statusCode !== "SUCCESS") throw new Error(JSON.stringify("dropped" in r ? r.dropped : r.receipt.message));
    JSON.stringify(receiptToJson(r.receipt));
    base58Encode(sha3(receiptBytes(r.receipt)));
    if ((i + 1) % CHUNK === 0 || i === txs.length - 1) {
      const writes = state.writes();
      JSON.stringify([...writes]);
      state.commit();
      tree.update(writes);
      state = new ShardState(store, { index: 0, count: 1 });
    }
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / txs.length;
}

const best = { transfer: Infinity, call: Infinity };
for (let r = 0; r <= ROUNDS; r++) {
  const t0 = chain.time + BigInt(r) * 1000n;
  const transfers = Array.from({ length: N }, (_, i) =>
    made(
      makeTx([act("token.iost", "transfer", ["iost", sender(i).publisher, "admin", "0.01", `r${r}-${i}`])], {
        ...sender(i),
        time: t0 + BigInt(i),
        gasLimit: 20_000n,
      }),
    ),
  );
  const calls = Array.from({ length: N }, (_, i) => made(makeTx([act(id, "put", [`v${r}-${i}`])], { ...sender(i), time: t0 + BigInt(i), gasLimit: 600_000n })));
  const t = run(transfers, 2 * r);
  const c = run(calls, 2 * r + 1);
  if (r === 0) continue; // JIT warm-up
  best.transfer = Math.min(best.transfer, t);
  best.call = Math.min(best.call, c);
}
console.log(`transfer ${best.transfer.toFixed(1)} µs/tx  call ${best.call.toFixed(1)} µs/tx`);
