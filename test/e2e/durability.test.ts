/**
 * Durability: a node persisted to a directory is stopped and started again on
 * the same state. The chain continues from its last block (same hashes, no new
 * genesis) and every tx it accepted before the stop ends with a receipt.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Algorithm, balanceOf, expectSuccess, get, KeyPair, newAccountTx, post, signTx, uniqueName, waitUntil } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const dir = mkdtempSync(join(tmpdir(), "iost-edge-e2e-"));
// Registered before the node's own afterAll, so it runs after the node stopped.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const node = useNode({ persist: dir });

describe("restart on persisted state", () => {
  it("keeps the chain and finishes every accepted tx", async () => {
    const name = uniqueName("dur");
    const kp = KeyPair.newKeyPair(Algorithm.Ed25519);
    await expectSuccess(node.client, newAccountTx(node.client, name, kp.B58PubKey(), kp.B58PubKey()));
    const first = await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", name, "1", ""));

    // Accepted but (probably) not yet in a block when the node stops.
    const pending: string[] = [];
    for (const amount of ["2", "3"]) {
      const tx = node.client.iost.transfer("iost", "admin", name, amount, "");
      signTx(node.client, tx, node.client.admin);
      const r = await post(node.url, "/sendTx", JSON.stringify(tx));
      expect(r.status, r.text).toBe(200);
      pending.push(r.body.hash);
    }
    const before = (await get(node.url, "/getChainInfo")).body;
    const beforeBlock = (await get(node.url, `/getBlockByNumber/${before.head_block}/false`)).body;
    await node.restart();
    const after = (await get(node.url, "/getChainInfo")).body;
    expect(Number(after.head_block)).toBeGreaterThanOrEqual(Number(before.head_block));
    const sameBlock = (await get(node.url, `/getBlockByNumber/${before.head_block}/false`)).body;
    expect(sameBlock.block.hash).toBe(beforeBlock.block.hash);

    const firstTx = await get(node.url, `/getTxByHash/${first.hash}`);
    expect(firstTx.body.status).toBe("IRREVERSIBLE");
    for (const hash of pending) {
      const receipt = await waitUntil(
        `receipt of ${hash}`,
        async () => {
          const r = await get(node.url, `/getTxReceiptByTxHash/${hash}`);
          return r.status === 200 ? r.body : undefined;
        },
        30_000,
      );
      expect(receipt.status_code).toBe("SUCCESS");
    }
    expect(await balanceOf(node.client, name)).toBe(6);

    // And it keeps producing.
    await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", name, "4", ""));
    const later = (await get(node.url, "/getChainInfo")).body;
    expect(Number(later.head_block)).toBeGreaterThan(Number(after.head_block));
    expect(await balanceOf(node.client, name)).toBe(10);
  });
});
