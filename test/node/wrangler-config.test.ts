/**
 * wrangler.toml as wrangler 4.86.0 reads it: the top level is production, and
 * [env.dev] (the devnet of `npm start`, `npm run network` and the tests) has
 * the same vars and bindings but DEV, since wrangler inherits neither into an
 * environment (docs/DEPLOY.md "The two configurations").
 */
import { resolve } from "node:path";
import { unstable_readConfig } from "wrangler";
import { describe, expect, it } from "vitest";
import { STRICTLY_PUBLIC } from "../../scripts/deploy-checks";

const path = resolve(__dirname, "..", "..", "wrangler.toml");
const prod = unstable_readConfig({ config: path });
const dev = unstable_readConfig({ config: path, env: "dev" });

describe("wrangler.toml", () => {
  it("the top level is production: DEV off, no genesis keys or secrets of anyone's", () => {
    expect(prod.vars.DEV).toBe("false");
    expect(prod.vars).not.toHaveProperty("GENESIS_PRODUCER_KEYS");
    expect(prod.vars).not.toHaveProperty("PRODUCER_SECRET");
  });

  it("[env.dev] repeats every var (DEV on) and every binding", () => {
    expect(dev.vars).toEqual({ ...prod.vars, DEV: "true" });
    expect(dev.durable_objects).toEqual(prod.durable_objects);
    expect(dev.r2_buckets).toEqual(prod.r2_buckets);
    expect(dev.migrations).toEqual(prod.migrations);
    expect(dev.name).not.toBe(prod.name);
  });

  it("nodes reach each other, log, and have their CPU limit stated", () => {
    for (const c of [prod, dev]) {
      expect(c.compatibility_flags).toContain(STRICTLY_PUBLIC);
      expect(c.observability).toMatchObject({ enabled: true, head_sampling_rate: 0.1 });
      expect(c.limits).toEqual({ cpu_ms: 30_000 });
    }
  });

  it("bundles without kept names (a defineProperty per closure made: 5-8 % of a transfer's CPU), in both", () => {
    for (const c of [prod, dev]) expect(c.keep_names).toBe(false);
  });
});
