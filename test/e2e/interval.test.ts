/**
 * One source for the block interval: a node started with BLOCK_INTERVAL_MS
 * 250 starts a chain whose genesis stores 250 ms (base.iost blockIntervalNs),
 * cuts 250 ms slots and produces a block per slot. Started again on that state
 * with another value, it refuses to serve, naming both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { startNode } from "../../scripts/node";
import { get, post, waitUntil } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const dir = mkdtempSync(join(tmpdir(), "iost-edge-interval-"));
// Registered before the node's own afterAll, so it runs after the node stopped.
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const node = useNode({ persist: dir, vars: { BLOCK_INTERVAL_MS: "250", BLOCK_PRODUCTION: "interval" } });

const SLOT_NS = 250_000_000n;

it("the chain stores 250 ms at genesis and makes a block per 250 ms slot", async () => {
  const stored = await post(node.url, "/getContractStorage", { id: "base.iost", key: "blockIntervalNs", field: "", by_longest_chain: true });
  expect(stored.status, stored.text).toBe(200);
  expect(stored.body.data).toBe("250000000");

  const from = Number((await get(node.url, "/getChainInfo")).body.head_block) + 1;
  const count = 12;
  await waitUntil("12 more blocks", async () => (Number((await get(node.url, "/getChainInfo")).body.head_block) >= from + count ? true : undefined), 60_000);
  const slots: bigint[] = [];
  for (let n = from; n <= from + count; n++) slots.push(BigInt((await get(node.url, `/getBlockByNumber/${n}/false`)).body.block.time) / SLOT_NS);
  const gaps = slots.slice(1).map((s, i) => s - slots[i]);
  // Every block in a slot of its own; mostly the very next one (a 500 ms alarm would skip every other slot).
  expect(
    gaps.every((g) => g >= 1n),
    gaps.join(","),
  ).toBe(true);
  expect(gaps.filter((g) => g === 1n).length, gaps.join(",")).toBeGreaterThanOrEqual(count / 2);
});

it("restarted on that chain with BLOCK_INTERVAL_MS 500, the node refuses with the reason", async () => {
  await node.stop();
  const started = startNode({ persist: dir, vars: { BLOCK_INTERVAL_MS: "500" }, readyTimeoutMs: 15_000 });
  await expect(started).rejects.toThrow(
    "refusing to serve this chain: its genesis set blockIntervalNs 250000000, this node's config 500000000 (BLOCK_INTERVAL_MS is 500, the chain's 250)",
  );
  // The chain's own value serves it again, from where it stopped.
  await node.restart();
  expect(Number(node.chainInfo.head_block)).toBeGreaterThan(12);
});
