/**
 * `npm run deploy` → `wrangler deploy` of wrangler.toml's top level (production;
 * `--env dev` is the local devnet's), after the production checks of
 * scripts/deploy-checks.ts (own genesis keys, PRODUCER_SECRET, DEV off, an own
 * name, well-formed PEERS, the strictly-public fetch flag); any failing check
 * stops it, explained. Before a real deploy it also asks every peer whether it
 * runs this network's chain. Flags of ours (the rest go to wrangler): `--dev`
 * deploys a dev node on purpose (DEV "true", public dev keys; the checks only
 * warn), `--producer-secret-set` says PRODUCER_SECRET was put (a dry run cannot
 * ask Cloudflare; a real deploy asks `wrangler secret list`), `--new-network`
 * lets peers that do not answer yet pass with a warning (a network's first
 * deploys, docs/DEPLOY.md). With `--dry-run` it only builds the bundle (no
 * network, no Cloudflare account, no peer check) into dist/ and reports its
 * size against Cloudflare's Worker size limits, which apply to the gzip size.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { unstable_readConfig } from "wrangler";
import { deployChecks, peerChecks, peersOf } from "./deploy-checks";

const LIMITS = [
  { plan: "Workers Free", bytes: 3 * 1024 * 1024 },
  { plan: "Workers Paid", bytes: 10 * 1024 * 1024 },
];

const OURS = ["--dev", "--producer-secret-set", "--new-network"];
const all = process.argv.slice(2);
const dev = all.includes("--dev");
const args = all.filter((a) => !OURS.includes(a));
const dryRun = args.includes("--dry-run");
const outdir = "dist";
const quiet = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" };

/** The values of a wrangler flag given as `--flag v` or `--flag=v`. */
function flag(name: string): string[] {
  return args.flatMap((a, i) => (a === name ? [args[i + 1] ?? ""] : a.startsWith(name + "=") ? [a.slice(name.length + 1)] : []));
}

const env = flag("--env").at(-1) || undefined;
// Several environments are defined: without --env, say the top level (wrangler warns otherwise).
if (env === undefined && !args.some((a) => a === "--env" || a.startsWith("--env=") || a === "-e")) args.push("--env=");
const config = unstable_readConfig({ config: "wrangler.toml", env });
const vars: Record<string, unknown> = { ...config.vars };
// A dev deployment must run as one: without DEV "true" the node refuses the dev genesis.
if (dev && !flag("--var").some((v) => v.startsWith("DEV:"))) args.push("--var", "DEV:true");
for (const v of flag("--var")) vars[v.slice(0, v.indexOf(":"))] = v.slice(v.indexOf(":") + 1);

function secretSet(): boolean | undefined {
  if (all.includes("--producer-secret-set")) return true;
  if (dryRun) return undefined;
  const list = spawnSync(
    "npx",
    ["wrangler", "secret", "list", "--format", "json", ...flag("--env").flatMap((e) => ["--env", e]), ...flag("--name").flatMap((n) => ["--name", n])],
    {
      encoding: "utf8",
      env: quiet,
    },
  );
  if (list.status !== 0) return undefined;
  return (JSON.parse(list.stdout) as { name: string }[]).some((s) => s.name === "PRODUCER_SECRET");
}

const target = { name: flag("--name").at(-1) ?? config.name ?? "", vars, producerSecret: secretSet(), dev, flags: config.compatibility_flags };
const found = deployChecks(target);
if (peersOf(vars).length > 0) {
  if (dryRun) console.log(`Peers not asked (--dry-run is offline): a real deploy first asks each of ${peersOf(vars).join(", ")} for its chain.`);
  else {
    const online = await peerChecks(vars, fetch, { newNetwork: all.includes("--new-network") });
    found.errors.push(...(dev ? [] : online.errors));
    found.warnings.push(...(dev ? online.errors : []), ...online.warnings);
  }
}
for (const w of found.warnings) console.warn(`\x1b[33;1mWARNING\x1b[0m ${w}`);
if (found.errors.length > 0) {
  console.error("Not deploying: this would be a production node (use --dev for a dev deployment) and");
  for (const e of found.errors) console.error(`  - ${e}`);
  process.exit(1);
}
if (found.warnings.length === 0) console.log("Deploy checks passed: own genesis keys, PRODUCER_SECRET, DEV off, own name, peers.");

if (dryRun) rmSync(outdir, { recursive: true, force: true });

const wranglerArgs = ["wrangler", "deploy", ...args, ...(dryRun ? ["--outdir", outdir] : [])];
const run = spawnSync("npx", wranglerArgs, { stdio: "inherit", env: quiet });
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
