/**
 * State witnesses (docs/STATE.md "State witnesses", issue #18): the size of a chunk's witness for
 * N transfers, N contract calls and N transfers to accounts of another shard (with the proof of the
 * receipts they send, src/sharding/receipt-proof.ts), as one multiproof and as one proof per key, and the time to
 * check the chunk from it (verify the witness, re-execute, root after the writes) against the time
 * of the stateful run (execute on the state, root on the full tree), on a genesis state padded with
 * `--keys` token balances, in memory. The shard's stateful run adds SQLite on top
 * (test/workers/executor-profile.test.ts); the witness check has none.
 *
 *   npx tsx bench/witness.ts [--keys 10000] [--rounds 3]
 *
 * One process; wall ms, best of the rounds, and their ratio. `npm run bench -- --only witness` runs it too.
 */
import { bytesToHex } from "@noble/hashes/utils.js";
import { base58Decode } from "../src/codec/base58";
import { ShardState } from "../src/executor/guard";
import { executeTx } from "../src/executor/index";
import { applyShardGenesis } from "../src/genesis/shards";
import { applyGenesis, DEV_ADMIN_GAS_PLEDGE, DEV_ADMIN_PUBKEY, devGenesis } from "../src/genesis/index";
import { MemoryStore } from "../src/state/memory-store";
import type { Store } from "../src/state/store";
import { PagedNodes, StateTree } from "../src/state/tree";
import { buildWitness, openWitness, witnessBytes } from "../src/state/witness";
import { txId } from "../src/tx/index";
import { ED25519, type Tx } from "../src/tx/types";
import { sentProof } from "../src/sharding/receipt-proof";
import type { CrossReceipt } from "../src/sharding/receipts";
import { loadVm } from "../src/vm/index";
import { option } from "./lib";

const SEC = 1_000_000_000n;
const PLACE = { index: 0, count: 1 };
/** Two shards: admin on 0, producer000 and foundation (the transfers' payees) on 1. */
const SPLIT = { index: 0, count: 2 };
const CODE = `class Box {
  init() {}
  put(k, v) { storage.put(k, v); return "ok"; }
}
module.exports = Box;`;
const INFO = { lang: "javascript", version: "1.0.0", abi: [{ name: "put", args: ["string", "string"], amountLimit: [] }] };

function txOf(actions: Tx["actions"], time: bigint, gasLimit = 2_000_000n): Tx {
  return {
    time,
    expiration: time + 90n * SEC,
    gasRatio: 100n,
    gasLimit,
    delay: 0n,
    chainId: 1020,
    signers: [],
    actions,
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher: "admin",
    // Execution does not verify signatures (the edge did): any 64 bytes under the admin's key.
    publisherSigs: [{ algorithm: ED25519, sig: new Uint8Array(64), pubkey: base58Decode(DEV_ADMIN_PUBKEY) }],
  };
}

const transfer = (i: number, time: bigint) =>
  txOf(
    [{ contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", i % 2 === 0 ? "producer000" : "foundation", "1", `w${i}`]) }],
    time,
  );

/** `place`'s genesis state with `keys` token balances more, its contract deployed; the block after it. */
function baseState(keys: number, place = PLACE) {
  const config = { ...devGenesis(), adminGasPledge: DEV_ADMIN_GAS_PLEDGE };
  const store = new MemoryStore();
  if (place.count > 1) applyShardGenesis(store, config, place.index, place.count);
  else applyGenesis(store, config);
  for (let i = 0; i < keys; i++) store.put(`m-token.iost-TBfill${i}-iost`, `i${i}@fill${i}`);
  const block = (n: number) => ({
    chainId: 1020,
    number: BigInt(n),
    time: config.time + BigInt(n) * 10n * SEC,
    parentHash: "p",
    witness: "producer000",
    shard: place,
  });
  const deploy = txOf(
    [{ contract: "system.iost", actionName: "setCode", data: JSON.stringify([JSON.stringify({ ID: "", info: INFO, code: CODE })]) }],
    block(1).time - SEC,
    400_000_000n,
  );
  const state = new ShardState(store, place);
  const r = executeTx(state, deploy, txId(deploy), block(1));
  if ("dropped" in r || r.receipt.statusCode !== "SUCCESS") throw new Error(`deploy failed: ${JSON.stringify("dropped" in r ? r.dropped : r.receipt.message)}`);
  state.commit();
  return { store, contract: `Contract${txId(deploy)}`, block: block(2), place };
}

/** A copy of `store` and a tree of it. */
function copy(store: MemoryStore): { store: MemoryStore; tree: StateTree } {
  const out = new MemoryStore();
  for (const k of store.keys()) out.put(k, store.get(k)!);
  const tree = new StateTree(new PagedNodes(new MemoryStore()));
  tree.update(out.keys().map((k) => [k, out.get(k)!] as const));
  return { store: out, tree };
}

interface Figures {
  keys: number;
  bytes: number;
  hashBytes: number;
  perKeyHashBytes: number;
  statefulMs: number;
  statelessMs: number;
  /** JSON bytes of the proof of the receipts the chunk sent to shard 1 (none on one shard). */
  receiptBytes: number;
}

/** One chunk of `txs` run on the state, then checked from its witness: sizes and times. */
function measure(base: ReturnType<typeof baseState>, txs: Tx[], rounds: number): Figures {
  const { place, block } = base;
  const best = { statefulMs: Infinity, statelessMs: Infinity };
  let out: Omit<Figures, "statefulMs" | "statelessMs"> | null = null;
  for (let r = 0; r < rounds; r++) {
    const { store, tree } = copy(base.store);
    const reads = new Set<string>();
    const recording: Store = { get: (k) => (reads.add(k), store.get(k)), put: (k, v) => store.put(k, v), del: (k) => store.del(k) };
    const before = bytesToHex(tree.root());
    let t = performance.now();
    const state = new ShardState(recording, place);
    const sent: CrossReceipt[] = [];
    for (const tx of txs) {
      const res = executeTx(state, tx, txId(tx), block);
      if ("dropped" in res || res.receipt.statusCode !== "SUCCESS")
        throw new Error(`tx failed: ${JSON.stringify("dropped" in res ? res.dropped : res.receipt.message)}`);
      sent.push(...res.outgoing);
    }
    const writes = state.writes();
    // The witness needs the tree before the chunk: its pre-state values are taken first.
    const entries = [...new Set([...reads, ...writes.map(([k]) => k)])].map((k) => [k, store.get(k) ?? null] as const);
    state.commit();
    const after = bytesToHex(tree.update(writes));
    best.statefulMs = Math.min(best.statefulMs, performance.now() - t);

    const fresh = copy(base.store).tree;
    const w = buildWitness(fresh, entries, new Set(writes.filter(([, v]) => v === null).map(([k]) => k)));
    t = performance.now();
    const ws = openWitness(before, w);
    const again = new ShardState(ws, place);
    for (const tx of txs) executeTx(again, tx, txId(tx), block);
    again.commit();
    const root = ws.root();
    best.statelessMs = Math.min(best.statelessMs, performance.now() - t);
    if (root !== after) throw new Error(`stateless root ${root} differs from ${after}`);
    const perKey = entries.reduce((n, [k]) => {
      const p = fresh.prove(k);
      return n + p.siblings.length * 32 + (p.leaf ? 64 : 0);
    }, 0);
    if (place.count > 1 && sent.length !== txs.length) throw new Error(`${sent.length} receipts sent for ${txs.length} cross-shard transfers`);
    const receiptBytes = place.count > 1 ? Buffer.byteLength(JSON.stringify(sentProof(sent, 1))) : 0;
    out = { keys: entries.length, bytes: witnessBytes(w), hashBytes: Buffer.from(w.hashes, "base64").length, perKeyHashBytes: perKey, receiptBytes };
  }
  return { ...out!, ...best };
}

export async function witnessBench(keys: number, rounds: number): Promise<string> {
  await loadVm();
  const base = baseState(keys);
  const t0 = base.block.time - SEC;
  const rows: string[] = [
    `State: genesis + ${keys.toLocaleString("en-US")} balances. Sizes: JSON bytes of the witness; hashes: its 32-byte hashes (one multiproof) against one proof per key.`,
    "",
    "Receipts proof: the JSON bytes of what a cross-shard chunk sent to the other shard, with its proof (receipts, siblings, neighbours).",
    "",
    "| chunk | keys | witness bytes | bytes / tx | hashes (multiproof) | hashes (a proof per key) | receipts proof bytes | stateful ms | stateless ms | stateless / stateful |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const split = baseState(keys, SPLIT);
  const cases: [string, Tx[], typeof base?][] = [];
  for (const n of [1, 10, 100]) cases.push([`${n} transfer${n > 1 ? "s" : ""}`, Array.from({ length: n }, (_, i) => transfer(i, t0 - BigInt(i)))]);
  for (const n of [1, 10, 100]) {
    const calls = Array.from({ length: n }, (_, i) =>
      txOf([{ contract: base.contract, actionName: "put", data: JSON.stringify([`k${i}`, `v${i}`]) }], t0 - BigInt(i), 100_000_000n),
    );
    cases.push([`${n} contract call${n > 1 ? "s" : ""}`, calls]);
  }
  for (const n of [1, 10, 100])
    cases.push([`${n} cross-shard transfer${n > 1 ? "s" : ""}`, Array.from({ length: n }, (_, i) => transfer(i, t0 - BigInt(i))), split]);
  for (const [label, txs, on] of cases) {
    const f = measure(on ?? base, txs, rounds);
    const fmt = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1 });
    rows.push(
      `| ${label} | ${f.keys} | ${fmt(f.bytes)} | ${fmt(f.bytes / txs.length)} | ${fmt(f.hashBytes)} | ${fmt(f.perKeyHashBytes)} | ${on ? fmt(f.receiptBytes) : "–"} | ${fmt(f.statefulMs)} | ${fmt(f.statelessMs)} | ${(f.statelessMs / f.statefulMs).toFixed(2)} |`,
    );
  }
  return rows.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await witnessBench(option("keys", 10_000), option("rounds", 3)));
