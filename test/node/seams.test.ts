/**
 * The seam between the edge Worker and the Durable Objects: workers/ reaches
 * durable-objects/ only through api.ts (every object's RPC surface) and
 * config.ts (the settings and limits both sides parse), and calls the objects
 * as those types say, without casting them to something else. A new RPC read
 * is then a route plus a query (src/query/reads.ts), nothing in between.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SEAM = ["durable-objects/api.ts", "durable-objects/config.ts"];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

/** Repository paths of a file's relative imports and re-exports (comments dropped first). */
function imports(file: string): string[] {
  const code = fs
    .readFileSync(file, "utf8")
    .replace(/^\s*\/\*[\s\S]*?\*\//gm, "")
    .replace(/^\s*\/\/.*$/gm, "");
  const specs = [...code.matchAll(/^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["'](\.[^"']+)["']|\bimport\(\s*["'](\.[^"']+)["']\s*\)/gm)].map(
    (m) => m[1] ?? m[2],
  );
  return specs.map((s) =>
    path
      .relative(ROOT, path.resolve(path.dirname(file), s))
      .replace(/\.js$/, "")
      .replace(/(\.ts)?$/, ".ts"),
  );
}

describe("edge ↔ objects seam", () => {
  const files = sources(path.join(ROOT, "workers"));

  test("the scan sees the edge's imports of the seam", () => {
    const all = files.flatMap(imports);
    expect(all).toContain("durable-objects/api.ts");
    expect(all).toContain("durable-objects/config.ts");
  });

  test("workers/ imports only api.ts and config.ts from durable-objects/ (the entry re-exports the classes for wrangler)", () => {
    const past = files.flatMap((f) =>
      imports(f)
        .filter((i) => i.startsWith("durable-objects/") && !SEAM.includes(i))
        .map((i) => `${path.relative(ROOT, f)}: ${i}`),
    );
    expect(past).toEqual(["workers/index.ts: durable-objects/index.ts"]);
  });

  test("workers/ never casts an object stub past its type (`as unknown as`)", () => {
    const casts = files.filter((f) => fs.readFileSync(f, "utf8").includes("as unknown as")).map((f) => path.relative(ROOT, f));
    expect(casts).toEqual([]);
  });

  test("config.ts is pure: it imports nothing (the edge and the objects parse settings alike)", () => {
    expect(imports(path.join(ROOT, "durable-objects/config.ts"))).toEqual([]);
  });
});
