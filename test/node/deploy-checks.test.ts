/** scripts/deploy-checks.ts: a deployment is production unless `--dev` says otherwise. */
import { describe, expect, it } from "vitest";
import { deployChecks, type DeployTarget } from "../../scripts/deploy-checks";
import { DEV_ADMIN_PUBKEY, DEV_PRODUCERS } from "../../src/genesis/dev-keys";

const OWN = ["4yG5QbfkcKGzNKC7d6bmgqNDXxrAwnFDvqGjaN3CAd3A", "7bc9ZzvM7PR1bPLJ1hSDnEEHX7pVvC1MqBbP5M6nGwbj"];
const proper: DeployTarget = {
  name: "mynet-node1",
  vars: { DEV: "false", GENESIS_PRODUCER_KEYS: OWN[0], GENESIS_ADMIN_KEY: OWN[1] },
  producerSecret: true,
  dev: false,
};

describe("deploy checks", () => {
  it("a proper production config passes", () => {
    expect(deployChecks(proper)).toEqual({ errors: [], warnings: [] });
  });

  it("refuses the public dev keys", () => {
    const { errors } = deployChecks({
      ...proper,
      vars: { ...proper.vars, GENESIS_PRODUCER_KEYS: `${OWN[0]},${DEV_PRODUCERS[0].pubkey}`, GENESIS_ADMIN_KEY: DEV_ADMIN_PUBKEY },
    });
    expect(errors).toEqual([
      `GENESIS_PRODUCER_KEYS names ${DEV_PRODUCERS[0].pubkey}, a public dev key (src/genesis/dev-keys.ts): anyone can sign with it`,
      `GENESIS_ADMIN_KEY names ${DEV_ADMIN_PUBKEY}, a public dev key (src/genesis/dev-keys.ts): anyone can sign with it`,
    ]);
  });

  it("refuses a missing genesis, a missing or unknown PRODUCER_SECRET, DEV on", () => {
    const { errors } = deployChecks({ ...proper, vars: { DEV: "true", GENESIS_PRODUCER_KEYS: " , " }, producerSecret: false });
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/^GENESIS_PRODUCER_KEYS is not set/);
    expect(errors[1]).toMatch(/^GENESIS_ADMIN_KEY is not set/);
    expect(errors[2]).toMatch(/^PRODUCER_SECRET is not set: `npx wrangler secret put PRODUCER_SECRET`/);
    expect(errors[3]).toMatch(/^DEV is "true"/);
    expect(deployChecks({ ...proper, producerSecret: undefined }).errors).toEqual([
      "PRODUCER_SECRET unknown offline: pass --producer-secret-set once `npx wrangler secret put PRODUCER_SECRET` is done",
    ]);
  });

  it("refuses the default name", () => {
    expect(deployChecks({ ...proper, name: "iost-edge" }).errors).toEqual([
      'the Worker name is the default "iost-edge": give the deployment its own (wrangler.toml name or --name)',
    ]);
  });

  it("--dev accepts everything above, each as a loud warning", () => {
    const devTarget: DeployTarget = { name: "iost-edge", vars: { DEV: "true" }, producerSecret: undefined, dev: true };
    const { errors, warnings } = deployChecks(devTarget);
    expect(errors).toEqual([]);
    expect(warnings).toHaveLength(5);
    for (const w of warnings) expect(w).toMatch(/^DEV DEPLOYMENT \(--dev\): /);
  });
});
