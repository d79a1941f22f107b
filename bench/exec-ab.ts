/**
 * `npx tsx bench/exec-ab.ts <rev A> [<rev B>] [--pairs 10] [--txs 1000] [--shards 1]`: the CPU per transfer and per
 * contract call of two trees of the code (git revisions; B by default the work tree), measured in
 * turns in one Node process, so that a shared machine's load swings hit both alike: each tree's
 * bench/exec-ab-loop.ts (this tree's copy) is bundled with esbuild and imported, and the pairs of
 * rounds alternate A B, B A, … after a warm-up pair. Prints each pair and the medians of B ÷ A (min–max);
 * stops if the two trees' state roots differ. `--shards N`: the build is shard 0 of N, its txs' accounts all at home.
 */
import { abFolder, bundleAt } from "./ab";
import { option } from "./lib";

type Loop = {
  setup(txs: number, shards: number): Promise<void>;
  round(r: number): { transfer: number; call: number; roots: string[] };
};

const revs = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"));
if (revs.length < 1 || revs.length > 2) throw new Error("usage: bench/exec-ab.ts <rev A> [<rev B>] [--pairs N] [--txs N] [--shards N]");
const PAIRS = option("pairs", 10);
const TXS = option("txs", 1000);
const SHARDS = option("shards", 1);
const out = abFolder("exec-ab-");

/** The loop bundled from `rev`'s tree (undefined: the work tree), set up. */
async function bundle(rev: string | undefined, name: string): Promise<Loop> {
  const loop = await bundleAt<Loop>(out, "exec-ab-loop.ts", rev, name, ["@jitl/*", "quickjs-emscripten-core", "*.wasm"]);
  await loop.setup(TXS, SHARDS);
  return loop;
}

const a = await bundle(revs[0], "a");
const b = await bundle(revs[1], "b");
const ratios = { transfer: [] as number[], call: [] as number[] };
for (let p = 0; p <= PAIRS; p++) {
  const ra = p % 2 === 0 ? a.round(p) : undefined;
  const rb = b.round(p);
  const A = ra ?? a.round(p);
  if (A.roots.join() !== rb.roots.join()) throw new Error(`pair ${p}: the state roots differ`);
  if (p === 0) continue; // JIT warm-up
  ratios.transfer.push(rb.transfer / A.transfer);
  ratios.call.push(rb.call / A.call);
  const f = (x: number) => x.toFixed(1);
  console.log(`pair ${p}: µs per transfer A ${f(A.transfer)} B ${f(rb.transfer)}, per call A ${f(A.call)} B ${f(rb.call)}`);
}
const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
const span = (x: number[]) => `${median(x).toFixed(3)} (${Math.min(...x).toFixed(2)}–${Math.max(...x).toFixed(2)})`;
console.log(`B ÷ A, medians of ${PAIRS} pairs: transfer ${span(ratios.transfer)}, call ${span(ratios.call)}`);
