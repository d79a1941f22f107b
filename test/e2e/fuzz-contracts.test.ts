/**
 * Fuzzing the contract VM of a running node: grammar-built programs (loops,
 * recursion, string and array growth, deep nesting, builtins that allocate or
 * iterate, throws, storage writes and events of large values) and random
 * mutations of them, deployed with system.iost/setCode and called at the
 * largest gas limit. Every tx must end with a receipt that charged gas
 * (success or an error) or an IOST-style refusal, and the chain must keep
 * producing; afterwards a transfer reaches finality and iost is conserved.
 * docs/SECURITY.md "Execution". Replay a failure with FUZZ_SEED=<seed>.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { expectCharged, expectConserved, expectProducing, fundedAccount, receiptOf, replayHint, submit, transferToFinality } from "./helpers/adversary";
import { uniqueName } from "./helpers/sdk";
import { useNode } from "./helpers/node";

// Every slot (not the default on-demand): a head that keeps moving is the liveness these attacks must not break.
const node = useNode({ vars: { DEV: "true", BLOCK_PRODUCTION: "interval" } });
let attacker: any;
/** What the runs came to (status code or "refused" → count): printed, and proof the property was exercised. */
const seen = new Map<string, number>();
const tally = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);

beforeAll(async () => {
  // 5,000 IOST pledged: 500,000,000 gas at once, room for every call at 4,000,000.
  attacker = await fundedAccount(node.client, uniqueName("cfz"), { iost: "1000", pledge: 5_000, ram: 200_000 });
});

const size = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(1_000, 65_536, 1e6, 2e6, 3e6, 1e8));
/** Mostly shallow; sometimes deep enough to hit parser and injector recursion (issue item 8). */
const depth = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 64 }) }, { weight: 1, arbitrary: fc.integer({ min: 500, max: 2_000 }) });

/** Expressions that allocate, iterate or nest, many of them through builtins. */
const expr: fc.Arbitrary<string> = fc.oneof(
  size.map((n) => `"m".repeat(${n})`),
  fc.constantFrom(
    "s",
    "a",
    "x",
    "s.length",
    "a.length",
    "JSON.stringify(a)",
    "s + s",
    "a.concat(a, a)",
    "a.map((v) => v)",
    "Object.keys(a)",
    "JSON.parse(JSON.stringify(a))",
    "Object.assign({}, a)",
  ),
  size.map((n) => `[...new Array(${n}).keys()].length`),
  size.map((n) => `new Array(${n}).join("x").split("").length`),
  size.map((n) => `Math.max.apply(null, { length: ${n} })`),
  size.map((n) => `String.fromCharCode.apply(null, { length: ${n} }).length`),
  size.map((n) => `Object.getOwnPropertyDescriptors("d".repeat(${n}))`),
  size.map((n) => `Math.min.apply.call(Math.min, null, { length: ${n} })`),
  size.map((n) => `Math.min.bind.apply(Math.min, { length: ${n} })()`),
  size.map((n) => `new BigNumber(7).pow(${n}).toString().length`),
  size.map((n) => `s.concat("p".repeat(${n})).length`),
  depth.map((d) => "(".repeat(d) + "1" + ")".repeat(d)),
  depth.map((d) => "[".repeat(d) + "]".repeat(d)),
  depth.map((d) => "- ".repeat(d) + "1"),
);

/** Statements, nested up to a few levels of loops and blocks. */
const stmt: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    expr.map((e) => `x = ${e};`),
    expr.map((e) => `a.push(${e});`),
    fc.constantFrom("s += s;", "a.push(a.slice());", "a = a.concat(a);", "x = r(x + 100000);", "r(1e9);"),
    expr.map((e) => `storage.put("k" + a.length, String(${e}));`),
    expr.map((e) => `blockchain.event(String(${e}));`),
    expr.map((e) => `throw ${e};`),
    expr.map((e) => `throw new Error(String(${e}));`),
    fc.tuple(size, tie("s")).map(([n, body]) => `for (let i = 0; i < ${n}; i++) { ${body} }`),
    tie("s").map((body) => `while (true) { ${body} }`),
    fc.tuple(tie("s"), tie("s")).map(([p, q]) => `{ ${p} ${q} }`),
    fc.tuple(depth, tie("s")).map(([d, body]) => "{".repeat(d) + body + "}".repeat(d)),
    tie("s").map((body) => `try { ${body} } catch (e) { x = String(e).length; }`),
  ),
})).s;

const ret = fc.oneof(expr, fc.constant("x"));
const method = fc
  .tuple(fc.array(stmt, { minLength: 1, maxLength: 4 }), ret)
  .map(([body, r]) => `let s = "x"; let a = []; let x = 0; const r = (n) => (n <= 0 ? 0 : r(n - 1) + 1); ${body.join(" ")} return ${r};`);

function source(methods: string[]): string {
  return `class Fuzz {\n  init() {}\n${methods.map((m, i) => `  m${i}() { ${m} }`).join("\n")}\n}\nmodule.exports = Fuzz;`;
}

/** setCode of `code` with ABIs m0…m(n−1); answers the contract id, or null if the deploy failed. */
async function deploy(code: string, n: number): Promise<string | null> {
  const info = { lang: "javascript", version: "1.0.0", abi: Array.from({ length: n }, (_, i) => ({ name: `m${i}`, args: [], amountLimit: [] })) };
  const tx = node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info, code })]);
  const sent = await submit(node.client, tx, attacker);
  if (sent.hash === undefined) return (tally("setCode refused"), null); // an IOST-style refusal (checked in submit)
  const receipt = await receiptOf(node.url, sent.hash);
  expectCharged(receipt, `setCode of ${code.slice(0, 300)}`);
  tally(`setCode ${receipt.status_code} ${String(receipt.message).slice(-100)}`);
  return receipt.status_code === "SUCCESS" ? JSON.parse(receipt.returns[0])[0] : null;
}

/** Calls every method of a deployed contract at once; each ends with a charged receipt or a refusal. */
async function callAll(id: string, methods: string[]): Promise<void> {
  const sent = await Promise.all(methods.map((_m, i) => submit(node.client, node.client.iost.callABI(id, `m${i}`, []), attacker)));
  await Promise.all(
    sent.map(async (s, i) => {
      if (s.hash === undefined) return tally("call refused");
      const receipt = await receiptOf(node.url, s.hash);
      expectCharged(receipt, `m${i}: ${methods[i].slice(0, 300)}`);
      tally(`call ${receipt.status_code} ${String(receipt.message).slice(-60)}`);
    }),
  );
}

/** Small random edits to a source: a span deleted or duplicated, a token inserted. */
const edit = fc.tuple(
  fc.nat(),
  fc.nat(200),
  fc.constantFrom("", "{", "}", "(", ")", ";", "while (true) {}", "[".repeat(3000), "throw s;", "r(1e9);", "\u0000", "`", "/*"),
);
function mutate(code: string, edits: [number, number, string][]): string {
  let out = code;
  for (const [at, len, token] of edits) {
    const i = at % (out.length + 1);
    out = len % 2 === 0 ? out.slice(0, i) + token + out.slice(i + len) : out.slice(0, i) + out.slice(i, i + len) + out.slice(i);
  }
  return out;
}

describe("contract fuzz at the largest gas limit", () => {
  it("grammar-built programs: every deploy and call ends with a charged receipt; the chain keeps producing", async () => {
    const { seed } = replayHint("fuzz-contracts grammar");
    await fc.assert(
      fc.asyncProperty(fc.array(method, { minLength: 4, maxLength: 4 }), async (methods) => {
        // One contract per method, all at once: a program too deep to deploy spoils only itself.
        await Promise.all(
          methods.map(async (m) => {
            const id = await deploy(source([m]), 1);
            if (id !== null) await callAll(id, [m]);
          }),
        );
        await expectProducing(node.url, 2);
      }),
      { seed, numRuns: 4, endOnFailure: true },
    );
    console.log("[fuzz-contracts] outcomes", Object.fromEntries(seen));
    expect(
      [...seen.keys()].some((k) => k.startsWith("setCode SUCCESS")),
      "a program deployed",
    ).toBe(true);
  });

  it("mutated programs: deploy fails cleanly or the calls end with charged receipts", async () => {
    const { seed } = replayHint("fuzz-contracts mutated");
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(method, { minLength: 2, maxLength: 3 }), fc.array(edit, { minLength: 1, maxLength: 3 })), { minLength: 4, maxLength: 4 }),
        async (programs) => {
          await Promise.all(
            programs.map(async ([methods, edits]) => {
              const id = await deploy(mutate(source(methods), edits), methods.length);
              if (id !== null) await callAll(id, methods);
            }),
          );
          await expectProducing(node.url, 2);
        },
      ),
      { seed, numRuns: 2, endOnFailure: true },
    );
  });

  it("afterwards: the node produces, a transfer reaches finality, iost is conserved", async () => {
    await expectProducing(node.url);
    expect(await transferToFinality(node.client, attacker)).toBeLessThan(20_000);
    await expectConserved(node.url);
  });
});
