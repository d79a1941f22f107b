/**
 * `npx tsx bench/intake-ab.ts <rev A> [<rev B>] [--pairs 30] [--txs 1000]`: the edge's own CPU per /sendTx
 * (bench/intake-ab-loop.ts: parse, CheckBadTx, VerifySelf and its verify, the id and the replay key) of two trees
 * of the code, in turns in one Node process as bench/exec-ab.ts runs the chunk build's. Prints each pair and the
 * median of B ÷ A (min–max); stops if the two trees' ids or replay keys differ.
 */
import { abFolder, bundleAt } from "./ab";
import { option } from "./lib";

type Loop = {
  setup(txs: number, now: bigint): Promise<void>;
  round(): Promise<{ us: number; ids: string }>;
};

const revs = process.argv.slice(2).filter((a, i, all) => !a.startsWith("--") && !all[i - 1]?.startsWith("--"));
if (revs.length < 1 || revs.length > 2) throw new Error("usage: bench/intake-ab.ts <rev A> [<rev B>] [--pairs N] [--txs N]");
const PAIRS = option("pairs", 30);
const TXS = option("txs", 1000);
const out = abFolder("intake-ab-");
const now = BigInt(Date.now()) * 1_000_000n;

/** The loop bundled from `rev`'s tree (undefined: the work tree), set up. */
async function bundle(rev: string | undefined, name: string): Promise<Loop> {
  const loop = await bundleAt<Loop>(out, "intake-ab-loop.ts", rev, name, ["*.wasm"]);
  await loop.setup(TXS, now);
  return loop;
}

const a = await bundle(revs[0], "a");
const b = await bundle(revs[1], "b");
const ratios: number[] = [];
for (let p = 0; p <= PAIRS; p++) {
  const ra = p % 2 === 0 ? await a.round() : undefined;
  const rb = await b.round();
  const A = ra ?? (await a.round());
  if (A.ids !== rb.ids) throw new Error(`pair ${p}: the ids or replay keys differ`);
  if (p === 0) continue; // JIT warm-up
  ratios.push(rb.us / A.us);
  console.log(`pair ${p}: µs per /sendTx A ${A.us.toFixed(1)} B ${rb.us.toFixed(1)}`);
}
const sorted = [...ratios].sort((p, q) => p - q);
console.log(`B ÷ A, median of ${PAIRS} pairs: ${sorted[sorted.length >> 1].toFixed(3)} (${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)})`);
