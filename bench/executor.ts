/**
 * Where a transfer's CPU time goes in a shard's chunk build, step by step (issue #17 item 2,
 * BENCHMARKS.md "Shard executor"): the steps chunk-build.ts runs per tx that are not SQLite —
 * decoding the pool's bytes, the executor on the shard's state overlay, the receipt's JSON and
 * its hash — and the chunk's commit (write set, log JSON, state root), on a genesis state in
 * memory. The SQLite side (statements, rows) is measured inside workerd by
 * test/workers/executor-profile.test.ts, the whole build by `npm run bench` (bench/run.ts).
 *
 *   npx tsx bench/executor.ts [--txs 900] [--rounds 8]
 *
 * One process, process CPU time per step, best of the rounds after the first (JIT warm-up).
 */
import { base58Decode, base58Encode } from "../src/codec/base58";
import { sha3 } from "../src/crypto/sha3";
import { ShardState } from "../src/executor/guard";
import { executeTx } from "../src/executor/index";
import { applyGenesis, DEV_ADMIN_GAS_PLEDGE, DEV_ADMIN_PUBKEY, devGenesis } from "../src/genesis/index";
import { MemoryStore } from "../src/state/memory-store";
import { PagedNodes, StateTree } from "../src/state/tree";
import { decodeTx, FULL, receiptBytes, txBytes, txId } from "../src/tx/index";
import { receiptToJson } from "../src/tx/view";
import { ED25519, type Tx } from "../src/tx/types";
import { option } from "./lib";

const SEC = 1_000_000_000n;

/** CPU µs of `run`. */
function cpu(run: () => void): number {
  const t = process.cpuUsage();
  run();
  const d = process.cpuUsage(t);
  return d.user + d.system;
}

function transfer(i: number, time: bigint): Tx {
  return {
    time,
    expiration: time + 90n * SEC,
    gasRatio: 100n,
    gasLimit: 2_000_000n, // 20,000 gas: a transfer uses about 7,600
    delay: 0n,
    chainId: 1020,
    signers: [],
    actions: [{ contract: "token.iost", actionName: "transfer", data: JSON.stringify(["iost", "admin", "producer000", "1", `b${i}`]) }],
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher: "admin",
    // Execution does not verify signatures (the edge did): any 64 bytes under the admin's key.
    publisherSigs: [{ algorithm: ED25519, sig: new Uint8Array(64), pubkey: base58Decode(DEV_ADMIN_PUBKEY) }],
  };
}

export type Profile = Record<string, number>;

/** µs per tx of each step, best round. */
export function profileExecutor(n: number, rounds: number): Profile {
  const config = { ...devGenesis(), adminGasPledge: DEV_ADMIN_GAS_PLEDGE }; // as a dev node's genesis: gas for every round
  const store = new MemoryStore();
  applyGenesis(store, config);
  const best: Profile = {};
  for (let r = 0; r < rounds; r++) {
    const time = config.time + BigInt(r + 1) * 10n * SEC;
    const block = { chainId: 1020, number: BigInt(r + 1), time, parentHash: "p", witness: "producer000", shard: { index: 0, count: 1 } };
    const pool = Array.from({ length: n }, (_, i) => {
      const tx = transfer(i, time - SEC);
      return { tx, bytes: txBytes(tx, FULL), hash: txId(tx) };
    });
    const state = new ShardState(store, { index: 0, count: 1 });
    const steps: Profile = {};
    const add = (k: string, us: number) => {
      steps[k] = (steps[k] ?? 0) + us;
    };
    pool.forEach((p, i) => {
      // Every other tx as the build ran before admission's decoded txs reached it.
      const old = i % 2 === 0;
      let tx!: Tx;
      if (old)
        add(
          "decode [before]",
          cpu(() => {
            tx = decodeTx(p.bytes);
          }),
        );
      else tx = p.tx;
      let receipt!: ReturnType<typeof receiptOf>;
      add(
        old ? "execute: id decoded, tx encoded again [before]" : "execute: id and size given [now]",
        cpu(() => {
          state.watch();
          state.checkpoint();
          receipt = receiptOf(executeTx(state, tx, old ? base58Decode(p.hash) : { hash: p.hash, size: p.bytes.length }, block));
          state.release();
        }),
      );
      add(
        "receipt JSON",
        cpu(() => void JSON.stringify(receiptToJson(receipt))),
      );
      add(
        "receipt hash",
        cpu(() => void base58Encode(sha3(receiptBytes(receipt)))),
      );
    });
    add(
      "chunk commit",
      cpu(() => {
        const writes = state.writes();
        JSON.stringify(writes);
        state.commit();
        new StateTree(new PagedNodes(new MemoryStore())).update(writes);
      }),
    );
    if (r === 0) continue; // JIT warm-up
    // A [before]/[now] step ran for half the txs.
    for (const [k, v] of Object.entries(steps)) best[k] = Math.min(best[k] ?? Infinity, v / (k.endsWith("]") ? n / 2 : n));
  }
  return best;
}

function receiptOf(r: ReturnType<typeof executeTx>) {
  if ("dropped" in r) throw new Error(`bench transfer dropped: ${r.dropped}`);
  return r.receipt;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const p = profileExecutor(option("txs", 900), option("rounds", 8));
  const sum = (skip: string) => Object.entries(p).reduce((a, [k, v]) => (k.endsWith(skip) ? a : a + v), 0);
  console.log("| step (CPU, Node) | µs per transfer |\n| --- | --- |");
  for (const [k, v] of Object.entries(p)) console.log(`| ${k} | ${v.toFixed(1)} |`);
  console.log(`| **total, before** | ${sum("[now]").toFixed(1)} |\n| **total, now** | ${sum("[before]").toFixed(1)} |`);
}
