/**
 * Every reference in the repository points inside it. Comments and docs once
 * cited the founding design's section numbers and the shared reference notes
 * (protocol, toolchain, platform anchors): files a person who clones the
 * repository never sees. They cite docs/*.md (by section name) and go-iost
 * paths instead; this test fails on a citation of those outside files, on a
 * docs/*.md that does not exist, and on a quoted section name that no heading
 * or list item of the cited doc starts with.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "..", "..");

/** Citations of files outside the repository. */
const OUTSIDE: readonly RegExp[] = [/ARCHITECTURE(\.md)? §/, /iost-protocol\.md/, /toolchain\.md/, /anchors\.md/, /shared\/reference\//];

const TEXT = /\.(ts|js|mjs|md|toml|json|sql|sh|yml|yaml|css|html)$|^\.ci\//;

/** Tracked files and new ones not ignored, so a citation fails before it is committed. */
function repoFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" });
  return [...new Set(out.split("\n"))].filter((f) => TEXT.test(f) && f !== "package-lock.json" && existsSync(join(ROOT, f))).sort();
}

function outsideCitations(text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    if (OUTSIDE.some((re) => re.test(line))) found.push(`${i + 1}: ${line.trim()}`);
  });
  return found;
}

/** Doc paths (relative to ROOT) a file cites: docs/<name>.md anywhere, and markdown links to <name>.md inside docs/. */
function citedDocs(path: string, text: string): string[] {
  const docs = [...text.matchAll(/\bdocs\/([\w.-]+\.md)\b/g)].map((m) => `docs/${m[1]}`);
  if (dirname(path) === "docs") docs.push(...[...text.matchAll(/\]\(([\w.-]+\.md)(#[\w-]*)?\)/g)].map((m) => `docs/${m[1]}`));
  return [...new Set(docs)];
}

/** A doc path followed by a quoted section name (or a markdown link then one, in a doc): the doc and the name. */
function citedSections(path: string, text: string): { doc: string; name: string }[] {
  const inDocs = dirname(path) === "docs";
  return [...text.matchAll(/(docs\/)?\b([A-Z][A-Z_]*\.md)\)? "([^"\n]+)"/g)]
    .filter((m) => m[1] !== undefined || inDocs)
    .map((m) => ({ doc: m[2] === "README.md" ? "README.md" : `docs/${m[2]}`, name: m[3] }));
}

/** Whether a heading or list item of `doc` starts with `name`. */
function hasSection(doc: string, name: string): boolean {
  return doc.split("\n").some((line) => {
    const m = /^\s*(?:#+|-|\d+\.)\s+(?:\*\*)?(.*)$/.exec(line);
    return m?.[1].startsWith(name);
  });
}

describe("references point inside the repository", () => {
  const files = repoFiles();
  const read = (f: string) => readFileSync(join(ROOT, f), "utf8");

  it("finds the repository's files", () => {
    expect(files).toContain("docs/ARCHITECTURE.md");
    expect(files).toContain("src/tx/bytes.ts");
    expect(files.some((f) => f.startsWith("node_modules/"))).toBe(false);
  });

  // The samples are put together at run time, so this file does not cite what it checks.
  it("the checks catch what they are for", () => {
    const [arch, proto, docs] = ["ARCHITECTURE", "iost-protocol", "docs/"];
    expect(outsideCitations(`ok\n * Where (${arch} §5): x\n`)).toEqual([`2: * Where (${arch} §5): x`]);
    expect(outsideCitations(`(see ${proto}.md §1.3)`)).toHaveLength(1);
    expect(outsideCitations(`(go-iost core/tx/tx.go; ${docs}${arch}.md "Platform notes")`)).toEqual([]);
    expect(citedDocs("src/a.ts", `see ${docs}NOPE.md and ${docs}STATE.md`)).toEqual([`${docs}NOPE.md`, `${docs}STATE.md`]);
    expect(citedDocs(`${docs}A.md`, "[x](NOPE.md)")).toEqual([`${docs}NOPE.md`]);
    expect(citedSections("src/a.ts", `${docs}STATE.md "Memory bound"`)).toEqual([{ doc: `${docs}STATE.md`, name: "Memory bound" }]);
    expect(hasSection("# T\n## Placement (`x`)\n- Memory bound (y)\n", "Placement")).toBe(true);
    expect(hasSection("# T\n## Placement (`x`)\n- Memory bound (y)\n", "Memory bound")).toBe(true);
    expect(hasSection("# T\nPlacement is here\n", "Placement")).toBe(false);
  });

  it("no file cites the founding design's sections or the shared reference notes", () => {
    const bad = files.flatMap((f) => outsideCitations(read(f)).map((l) => `${f}:${l}`));
    expect(bad).toEqual([]);
  });

  it("every cited docs/*.md exists", () => {
    const bad = files.flatMap((f) =>
      citedDocs(f, read(f))
        .filter((d) => !existsSync(join(ROOT, d)))
        .map((d) => `${f}: ${d}`),
    );
    expect(bad).toEqual([]);
  });

  it("every quoted section name of a doc starts one of its headings or list items", () => {
    const bad = files.flatMap((f) =>
      citedSections(f, read(f))
        .filter(({ doc }) => existsSync(join(ROOT, doc)))
        .filter(({ doc, name }) => !hasSection(read(doc), name))
        .map(({ doc, name }) => `${f}: ${doc} "${name}"`),
    );
    expect(bad).toEqual([]);
  });
});
