/**
 * What `npm run deploy` checks before it deploys (scripts/deploy.ts): a
 * deployment is production unless the user says `--dev`. Production needs the
 * network's own genesis (GENESIS_PRODUCER_KEYS, GENESIS_ADMIN_KEY: none of the
 * public dev keys), a PRODUCER_SECRET set as a Worker secret, DEV not "true"
 * and a Worker name of its own (the default "iost-edge" is everyone's). With
 * `--dev` the same findings are warnings. Pure, so test/node runs it as is.
 */
import { PUBLIC_DEV_KEYS } from "../src/genesis/dev-keys";

export const DEFAULT_NAME = "iost-edge";

export interface DeployTarget {
  /** The Worker name wrangler would deploy (wrangler.toml `name`, or `--name`). */
  name: string;
  /** The vars it would deploy: wrangler.toml [vars] with the user's `--var` overrides. */
  vars: Record<string, unknown>;
  /** Whether PRODUCER_SECRET is set as a secret; undefined: not known (a dry run without --producer-secret-set). */
  producerSecret: boolean | undefined;
  /** `--dev`: a dev deployment, public keys and dev endpoints on purpose. */
  dev: boolean;
}

export interface DeployFindings {
  /** Refuse to deploy. */
  errors: string[];
  warnings: string[];
}

const keys = (v: unknown): string[] =>
  (typeof v === "string" ? v : "")
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");

export function deployChecks(t: DeployTarget): DeployFindings {
  const problems: string[] = [];
  const genesis: [string, string][] = [
    ["GENESIS_PRODUCER_KEYS", "the network's genesis producers' block public keys, comma-separated"],
    ["GENESIS_ADMIN_KEY", "the public key owning admin's 21e9 IOST"],
  ];
  for (const [name, what] of genesis) {
    const list = keys(t.vars[name]);
    if (list.length === 0) problems.push(`${name} is not set: set it to ${what} (wrangler.toml [vars] or --var ${name}:<keys>)`);
    for (const k of list.filter((k) => PUBLIC_DEV_KEYS.has(k)))
      problems.push(`${name} names ${k}, a public dev key (src/genesis/dev-keys.ts): anyone can sign with it`);
  }
  if (t.producerSecret === false)
    problems.push("PRODUCER_SECRET is not set: `npx wrangler secret put PRODUCER_SECRET` (the base58 secret of this node's producer key)");
  if (t.producerSecret === undefined) {
    problems.push("PRODUCER_SECRET unknown offline: pass --producer-secret-set once `npx wrangler secret put PRODUCER_SECRET` is done");
  }
  if (t.vars.DEV === "true") problems.push('DEV is "true": /dev/mine, /dev/revert and unsigned /execTx would be open to anyone');
  if (t.name === DEFAULT_NAME) problems.push(`the Worker name is the default "${DEFAULT_NAME}": give the deployment its own (wrangler.toml name or --name)`);
  if (!t.dev) return { errors: problems, warnings: [] };
  return { errors: [], warnings: problems.map((p) => `DEV DEPLOYMENT (--dev): ${p}`) };
}
