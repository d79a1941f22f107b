/**
 * `npx tsx bench/vm-steps.ts [calls]`: where a contract call's CPU goes, in one Node process, on
 * the protocol core with state in memory (no Durable Object, no SQLite): the bench's storage-write
 * call (bench/vm.ts `put`) through the executor (`executeTx`: tx checks, gas, RAM, the VM, the
 * receipt), and the VM alone (`runSandbox` with a host that answers at once). Process CPU time
 * per call, best of 6 batches; what the executor adds is the difference. BENCHMARKS.md "Contract VM".
 */
import { executeTx } from "../src/executor/index";
import { txHash } from "../src/tx/bytes";
import { loadVm } from "../src/vm/index";
import { loadContract } from "../src/vm/contract";
import { runSandbox } from "../src/vm/sandbox";
import { act, Chain, fakeKey, makeTx } from "../test/unit/executor/helpers";
import { contractJson } from "../test/unit/vm/helpers";
import { CODE, INFO } from "./vm";

const N = Number(process.argv[2] ?? 1000);
const SENDERS = 50;

/** CPU µs per run of `f` over N items, best of 6 batches. */
function cpu(f: (i: number) => void): number {
  let best = Infinity;
  for (let b = 0; b < 6; b++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) f(i);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / N);
  }
  return best;
}

await loadVm();
const chain = new Chain();
const d = chain.receipt(makeTx([act("system.iost", "setCode", [contractJson(CODE, INFO.abi)])], { gasLimit: 4_000_000n }));
const id = (JSON.parse(d.returns[0]) as string[])[0];
for (let k = 0; k < SENDERS; k++) chain.newAccount(`bench${k}`, fakeKey(k + 1), "1000", 100_000n, "20000");
const txs = Array.from({ length: N }, (_, i) =>
  makeTx([act(id, "put", [`v${i}`])], { time: chain.time + BigInt(i), publisher: `bench${i % SENDERS}`, key: fakeKey((i % SENDERS) + 1), gasLimit: 600_000n }),
);
const hashes = txs.map(txHash);
const exec = cpu((i) => {
  const r = executeTx(chain.state, txs[i], hashes[i], chain.block());
  if ("dropped" in r || r.receipt.statusCode !== "SUCCESS") throw new Error(JSON.stringify("dropped" in r ? r.dropped : r.receipt.message));
});
const code = loadContract(chain.state, id)!.code;
// The executor's form (contract.ts): a factory of the call's function, compiled once into the image.
const fn = (v: string) => `() => { const obj = new module.exports(); let rs = obj["put"](${v}); return "" + rs; }`;
const call = fn('"v"');
const factory = { source: `(a) => ${fn("a")}`, values: ["v"] };
const tx = JSON.stringify({ publisher: "bench0", hash: "h" });
const vm = cpu(() => {
  const r = runSandbox({ code, call, factory, budget: 1_000_000, txJson: tx, blockJson: "{}", host: () => null });
  if (r.error) throw r.error;
});
console.log(`| storage-write call through the executor | ${exec.toFixed(0)} µs | ${Math.round(1e6 / exec).toLocaleString("en-US")} calls/s |`);
console.log(`| the VM alone (runSandbox, instant host)   | ${vm.toFixed(0)} µs | |`);
console.log(`| the executor around it                    | ${(exec - vm).toFixed(0)} µs | |`);
