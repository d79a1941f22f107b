/**
 * The layers of src/: its folders import one another without a cycle, in the
 * order below, and src/ imports nothing of the node around it (durable-objects/,
 * workers/, scripts/, test/). Type imports count: a type import is how a circle
 * closes unnoticed. The order, lowest first (a folder imports only folders
 * before it):
 *
 * - `.`        amount.ts: fixed-point amounts.
 * - codec      bytes and text: base58, base64, the binary encoder, JSON.
 * - crypto     hashes, keys and signatures (the signature algorithms are here; tx/ re-exports them).
 * - tx         the transaction and receipt model, its bytes, hash and checks.
 * - pool       the mempool's rules: order, expiry, limits (the pool itself is the shard's).
 * - block      headers, blocks, Merkle roots, the peer wire format.
 * - consensus  Proof of Believability's pure rules: parameters, schedule, score, endorsements, LIB.
 * - state      the key-value state, its storage encoding and its root.
 * - sharding   where things live and what crosses shards: placement, receipt types and checks,
 *              the contract directory, what an action receipt carries.
 * - contracts  the native contracts and the host they run on (calls, auth, gas, RAM, balances).
 * - vm         the QuickJS runtime for JavaScript contracts, called through the host.
 * - genesis    the genesis spec and state (whole and split per shard), built by running contracts.
 * - executor   runs txs, base txs, forwarded actions and incoming receipts on a shard's state.
 * - query      read-only answers (RPC) from a state.
 *
 * A folder not listed here is held only to "no cycle" until it is placed.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const ORDER = [".", "codec", "crypto", "tx", "pool", "block", "consensus", "state", "sharding", "contracts", "vm", "genesis", "executor", "query"];
const SRC = path.resolve(import.meta.dirname, "../../src");

interface Edge {
  from: string;
  to: string;
  /** `file: specifier` of every import behind the edge. */
  why: string[];
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [p] : [];
  });
}

/** Relative specifiers of a file's static, re-export and dynamic imports (comments dropped first). */
function specifiers(text: string): string[] {
  const code = text.replace(/^\s*\/\*[\s\S]*?\*\//gm, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  const forms = [/^\s*import\s*["']([^"']+)["']/gm, /^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g];
  for (const re of forms) for (const m of code.matchAll(re)) out.push(m[1]);
  return out.filter((s) => s.startsWith("."));
}

const folderOf = (file: string) => {
  const dir = path.dirname(path.relative(SRC, file));
  return dir === "." ? "." : dir.split(path.sep)[0];
};

function scan() {
  const edges = new Map<string, Edge>();
  const outside: string[] = [];
  const unresolved: string[] = [];
  const unstyled: string[] = [];
  for (const file of sources(SRC)) {
    const rel = path.relative(SRC, file);
    for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
      // A WebAssembly module is imported as its .wasm file (wrangler's CompiledWasm rule).
      if (!spec.endsWith(".js") && !spec.endsWith(".wasm")) unstyled.push(`${rel}: ${spec}`);
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts"));
      if (path.relative(SRC, target).startsWith("..")) {
        outside.push(`${rel}: ${spec}`);
        continue;
      }
      if (!fs.existsSync(target)) {
        unresolved.push(`${rel}: ${spec}`);
        continue;
      }
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      const key = `${from} -> ${to}`;
      const edge = edges.get(key) ?? { from, to, why: [] };
      edge.why.push(`${rel}: ${spec}`);
      edges.set(key, edge);
    }
  }
  return { edges: [...edges.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1)), outside, unresolved, unstyled };
}

/** Every elementary cycle's folders, each found once (from its smallest folder name). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to].sort());
  const found: string[][] = [];
  const walk = (start: string, at: string, trail: string[]) => {
    for (const to of next.get(at) ?? []) {
      if (to === start) found.push([...trail, start]);
      else if (to > start && !trail.includes(to)) walk(start, to, [...trail, to]);
    }
  };
  for (const start of [...next.keys()].sort()) walk(start, start, [start]);
  return found;
}

describe("src/ layers", () => {
  const { edges, outside, unresolved, unstyled } = scan();
  const show = (cycle: string[]) =>
    cycle.join(" -> ") +
    "\n" +
    cycle
      .slice(1)
      .map((to, i) => `  ${cycle[i]} -> ${to}: ${edges.find((e) => e.from === cycle[i] && e.to === to)!.why.join(", ")}`)
      .join("\n");

  test("the scan sees the imports (a parser that found nothing would pass everything)", () => {
    expect(unresolved).toEqual([]);
    expect(edges.length).toBeGreaterThan(20);
    expect(edges.find((e) => e.from === "executor" && e.to === "vm")?.why).toContain("executor/index.ts: ../vm/index.js");
    expect(
      specifiers(
        `import type { A } from "../x/a.js";\nexport { b,\n  type C } from "./b.js";\nimport "./c.js";\n// import { d } from "../d.js";\nconst e = await import("./e.js");`,
      ),
    ).toEqual(["./c.js", "../x/a.js", "./b.js", "./e.js"]);
    expect(
      cycles([
        { from: "a", to: "b", why: [] },
        { from: "b", to: "c", why: [] },
        { from: "c", to: "a", why: [] },
        { from: "c", to: "d", why: [] },
      ]),
    ).toEqual([["a", "b", "c", "a"]]);
  });

  test("no import cycle between folders", () => {
    const found = cycles(edges);
    expect(found.map(show), "import cycles between folders of src/").toEqual([]);
  });

  test("every import goes down the layer order", () => {
    const up = edges.filter((e) => ORDER.includes(e.from) && ORDER.includes(e.to) && ORDER.indexOf(e.to) > ORDER.indexOf(e.from));
    expect(
      up.map((e) => `${e.from} -> ${e.to}: ${e.why.join(", ")}`),
      `order: ${ORDER.join(" < ")}`,
    ).toEqual([]);
  });

  test("src/ imports nothing outside src/ (durable-objects/, workers/, scripts/, test/)", () => {
    expect(outside).toEqual([]);
  });

  test("relative imports name the .js file (one style, read by tsx, vitest and wrangler's esbuild alike)", () => {
    expect(unstyled).toEqual([]);
  });
});
