/**
 * The loop of bench/exec-speed.ts, and of bench/exec-ab.ts, which bundles it once per tree of the
 * code (this file is copied into an older tree) and runs the bundles in turns in one process. Per
 * round: N transfers, then N contract calls (bench/vm.ts `put`), from 50 senders, as a chunk build
 * runs them (checkpoint, `executeTx`, release, the receipt's JSON and hash; per 200 txs the write
 * set, its JSON and the state tree's update); process CPU µs per tx, and the roots, which both
 * trees must give alike.
 */
import { base58Encode } from "../src/codec/base58";
import { sha3 } from "../src/crypto/sha3";
import { ShardState } from "../src/executor/guard";
import { executeTx } from "../src/executor/index";
import { poolOrder } from "../src/pool/index";
import { shardOf } from "../src/sharding/placement";
import { MemoryStore } from "../src/state/memory-store";
import { PagedNodes, StateTree } from "../src/state/tree";
import { txHash } from "../src/tx/bytes";
import { receiptBytes, txBytes, FULL } from "../src/tx/index";
import type { Tx } from "../src/tx/types";
import { receiptToJson } from "../src/tx/view";
import { loadVm } from "../src/vm/index";
import { act, Chain, fakeKey, makeTx } from "../test/unit/executor/helpers";
import { contractJson } from "../test/unit/vm/helpers";
import { CODE, INFO } from "./vm";

const SENDERS = 50;
const CHUNK = 200;
let chain: Chain, store: MemoryStore, tree: StateTree, id: string;
let N = 1000;
/** The shard this chunk build is shard 0 of (a key for names with several: TxContext.ord), and its senders' names, all at home there. */
let place = { index: 0, count: 1 };
let names: string[] = [];
export async function setup(txs: number, shards = 1) {
  N = txs;
  place = { index: 0, count: shards };
  names = [];
  for (let k = 0; names.length < SENDERS; k++) if (shardOf(`bench${k}`, shards) === 0) names.push(`bench${k}`);
  await loadVm();
  chain = new Chain();
  const d = chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(CODE, INFO.abi)])], { gasLimit: 4_000_000n }));
  id = (JSON.parse(d.returns[0]) as string[])[0];
  for (const [k, name] of names.entries()) chain.newAccount(name, fakeKey(k + 1), "1000000", 100_000n, "20000");
  store = chain.store;
  tree = new StateTree(new PagedNodes(new MemoryStore()));
  tree.update(store.keys().map((k) => [k, store.get(k)!] as const));
}
/** A tx with its id, full size and pool key, as admission and the pool index hand them to the build. */
type Made = { tx: Tx; key: { hash: string; size: number; ord: string } };
function made(tx: Tx): Made {
  const hash = base58Encode(txHash(tx));
  return { tx, key: { hash, size: txBytes(tx, FULL).length, ord: poolOrder(tx, hash) } };
}
const sender = (i: number) => ({ publisher: names[i % SENDERS], key: fakeKey((i % SENDERS) + 1) });
let roots: string[] = [];
/** CPU µs per tx of a chunk-build-like run of `txs`. */
function run(txs: Made[], round: number): number {
  const block = { ...chain.block(), number: BigInt(round + 2), shard: place };
  const c0 = process.cpuUsage();
  let state = new ShardState(store, place);
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
      roots.push(Buffer.from(tree.update(writes)).toString("hex"));
      state = new ShardState(store, place);
    }
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / txs.length;
}
/** Round `r` (each round signs new txs): µs per transfer and per call, the roots of its chunks. */
export function round(r: number): { transfer: number; call: number; roots: string[] } {
  roots = [];
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
  const transfer = run(transfers, 2 * r);
  const call = run(calls, 2 * r + 1);
  return { transfer, call, roots };
}
