/** Shared by the A/B scripts (exec-ab, intake-ab): a bench loop built from each of two git revisions, run in one process. */
import { execSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "esbuild";

const repo = resolve(import.meta.dirname, "..");

/** A folder for the bundles, the repository's node_modules linked in: a bundle loads its wasm from there. */
export function abFolder(prefix: string): string {
  const out = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(repo, "node_modules"), join(out, "node_modules"));
  return out;
}

/**
 * The module `loop` (a file of bench/) bundled from `rev`'s tree (undefined: the work tree) into `out`, imported. The
 * loop file is the work tree's in either tree, so both revisions run the same measuring code.
 */
export async function bundleAt<T>(out: string, loop: string, rev: string | undefined, name: string, external: string[]): Promise<T> {
  let root = repo;
  if (rev !== undefined) {
    root = join(out, `tree-${name}`);
    mkdirSync(root);
    execSync(`git archive ${rev} | tar -x -C ${root}`, { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
    copyFileSync(join(repo, "bench", loop), join(root, "bench", loop));
  }
  const file = join(out, `${name}.mjs`);
  await build({
    entryPoints: [join(root, "bench", loop)],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: file,
    external,
    nodePaths: [join(repo, "node_modules")],
    logLevel: "warning",
  });
  return (await import(file)) as T;
}
