/**
 * `npm run deploy -- --dry-run` end to end (scripts/deploy.ts): the checks on
 * wrangler.toml's production top level with the user's --var overrides, then
 * wrangler's bundle. One bundle only (several seconds); the refused deploy
 * stops before wrangler runs.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");
const KEYS = ["4yG5QbfkcKGzNKC7d6bmgqNDXxrAwnFDvqGjaN3CAd3A", "7bc9ZzvM7PR1bPLJ1hSDnEEHX7pVvC1MqBbP5M6nGwbj"];

function deploy(...args: string[]) {
  const run = spawnSync("npx", ["tsx", "scripts/deploy.ts", "--dry-run", ...args], { cwd: ROOT, encoding: "utf8", timeout: 170_000 });
  return { status: run.status, out: run.stdout + run.stderr };
}

describe("npm run deploy -- --dry-run", () => {
  it("a production config with its own keys, name and peers passes the checks and bundles", { timeout: 180_000 }, () => {
    const { status, out } = deploy(
      "--producer-secret-set",
      "--name",
      "mynet-node1",
      "--var",
      `GENESIS_PRODUCER_KEYS:${KEYS[0]}`,
      "--var",
      `GENESIS_ADMIN_KEY:${KEYS[1]}`,
      "--var",
      "PEERS:https://mynet-node2.acme.workers.dev",
    );
    expect(out).toContain("Deploy checks passed");
    expect(out).not.toContain("WARNING");
    expect(out).toContain("Peers not asked (--dry-run is offline)");
    expect(out).toMatch(/env\.DEV \("false"\)/);
    expect(out).toMatch(/Bundle: \d+ files, .* gzip/);
    expect(status).toBe(0);
  });

  it("wrangler.toml as it stands is refused, each missing piece explained, nothing bundled", { timeout: 60_000 }, () => {
    const { status, out } = deploy("--var", "PEERS:https://iost-edge.acme.workers.dev");
    expect(status).toBe(1);
    expect(out).toContain("Not deploying: this would be a production node");
    expect(out).toContain("GENESIS_PRODUCER_KEYS is not set");
    expect(out).toContain("GENESIS_ADMIN_KEY is not set");
    expect(out).toContain("PRODUCER_SECRET unknown offline");
    expect(out).toContain('the Worker name is the default "iost-edge"');
    expect(out).toContain("this deployment's own URL");
    expect(out).not.toContain("Bundle:");
  });
});
