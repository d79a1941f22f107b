/**
 * `npm run deploy` → `wrangler deploy`. With `--dry-run` it only builds the
 * bundle (no network, no Cloudflare account) into dist/ and reports its size
 * against Cloudflare's Worker size limits, which apply to the gzip size.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const LIMITS = [
  { plan: "Workers Free", bytes: 3 * 1024 * 1024 },
  { plan: "Workers Paid", bytes: 10 * 1024 * 1024 },
];

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const outdir = "dist";
if (dryRun) rmSync(outdir, { recursive: true, force: true });

const wranglerArgs = ["wrangler", "deploy", ...args, ...(dryRun ? ["--outdir", outdir] : [])];
const run = spawnSync("npx", wranglerArgs, {
  stdio: "inherit",
  env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
});
if (run.status !== 0) process.exit(run.status ?? 1);

if (dryRun) {
  const files = readdirSync(outdir, { recursive: true, encoding: "utf8" })
    .map((name) => join(outdir, name))
    .filter((path) => statSync(path).isFile() && !path.endsWith(".map"))
    .sort();
  let raw = 0;
  let gzip = 0;
  for (const path of files) {
    const bytes = readFileSync(path);
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`\nBundle: ${files.length} files, ${kib(raw)} raw, ${kib(gzip)} gzip`);
  for (const limit of LIMITS) {
    const share = ((gzip / limit.bytes) * 100).toFixed(1);
    console.log(`  ${limit.plan.padEnd(13)} limit ${kib(limit.bytes).padStart(12)}  used ${share}%  ${gzip <= limit.bytes ? "fits" : "TOO LARGE"}`);
  }
  if (gzip > LIMITS[0].bytes) process.exitCode = 1;
}
