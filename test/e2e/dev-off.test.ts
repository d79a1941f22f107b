/**
 * A node started without DEV (production): dev-only endpoints answer IOST's
 * "not enabled" error (code 12 for /dev/*). Production refuses the public dev
 * keys, so its genesis keys are generated here, for this run only.
 */
import { expect, it } from "vitest";
import { base58Encode } from "../../src/codec/base58";
import { newKeyPair } from "../../src/crypto/keys";
import { ED25519 } from "../../src/tx/types";
import { accountFromSecret, ADMIN_SECRET, Algorithm, CHAIN_ID, get, IOST, post } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const key = () => base58Encode(newKeyPair(ED25519).publicKey);
const node = useNode({ vars: { DEV: "false", GENESIS_PRODUCER_KEYS: key(), GENESIS_ADMIN_KEY: key() } });

it("/execTx is refused as go-iost refuses it without rpc.exectx", async () => {
  const iost = new IOST({ gasRatio: 1, gasLimit: 2_000_000, delay: 0, expiration: 90, defaultLimit: "unlimited" });
  const tx = iost.transfer("iost", "admin", "producer000", "1", "");
  tx.setChainID(CHAIN_ID);
  accountFromSecret("admin", ADMIN_SECRET, Algorithm.Ed25519).signTx(tx);
  const r = await post(node.url, "/execTx", JSON.stringify(tx));
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ code: 2, message: "the node has't enabled this method" });
  // The rest of the RPC still answers.
  const info = await get(node.url, "/getChainInfo");
  expect(info.status).toBe(200);
  expect(info.body.chain_id).toBe(CHAIN_ID);
});

it("dev conveniences answer code 12 and change nothing", async () => {
  const head = (await get(node.url, "/getChainInfo")).body.head_block;
  for (const [path, body] of [
    ["/dev/mine", { blocks: 1 }],
    ["/dev/snapshot", ""],
    ["/dev/revert", { id: "1" }],
    ["/dev/bench/seed", { template: "admin", from: 0, count: 10 }],
  ] as const) {
    const r = await post(node.url, path, body);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 12, message: 'Not Implemented: dev endpoints are off (DEV is not "true")' });
  }
  // Nor do the status and the cost meter (docs/COST.md): they name the node's objects.
  // Nor do the bench's ceilings (a SQLite write load on demand).
  for (const path of ["/dev/status", "/dev/cost", "/dev/bench/verify?n=10", "/dev/bench/sha3?n=10", "/dev/bench/rows?n=10"]) {
    const r = await get(node.url, path);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: 12, message: 'Not Implemented: dev endpoints are off (DEV is not "true")' });
  }
  expect((await get(node.url, "/getChainInfo")).body.head_block).toBe(head);
  // The Worker's own time is a dev header only.
  expect((await fetch(`${node.url}/getChainInfo`)).headers.get("X-Worker-Ms")).toBeNull();
});
