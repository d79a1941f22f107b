/**
 * `npx tsx bench/exec-speed.ts [--txs 2000] [--rounds 5]`: transfers and contract calls (bench/vm.ts
 * `put`, a storage write) executed as a chunk build runs them, in one Node process on a dev genesis
 * in memory: per tx the executor (checkpoint, `executeTx`, release), the receipt's JSON and hash;
 * per 200 txs the chunk's commit (write set, its JSON, the state tree's update). No SQLite. Process CPU µs per tx,
 * best of the rounds after the first; the figure to compare between two trees of the code.
 * The loop is bench/exec-ab-loop.ts's, which bench/exec-ab.ts runs for two trees in turns.
 */
import { round, setup } from "./exec-ab-loop";
import { option } from "./lib";

const ROUNDS = option("rounds", 5);
await setup(option("txs", 2000));
const best = { transfer: Infinity, call: Infinity };
for (let r = 0; r <= ROUNDS; r++) {
  const { transfer, call } = round(r);
  if (r === 0) continue; // JIT warm-up
  best.transfer = Math.min(best.transfer, transfer);
  best.call = Math.min(best.call, call);
}
console.log(`transfer ${best.transfer.toFixed(1)} µs/tx  call ${best.call.toFixed(1)} µs/tx`);
