/**
 * Dev conveniences over HTTP with the real iost SDK, on a node started with
 * BLOCK_PRODUCTION="manual": a tx waits in the pool until /dev/mine, and
 * /dev/snapshot + /dev/revert bring balance, head and pool back.
 */
import { expect, it } from "vitest";
import { sleep } from "../../scripts/node";
import { get, post, signTx } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode({ vars: { BLOCK_PRODUCTION: "manual", BLOCK_INTERVAL_MS: "200" } });

const balance = async (name: string): Promise<number> => (await get(node.url, `/getTokenBalance/${name}/iost/true`)).body.balance;
const head = async (): Promise<string> => (await get(node.url, "/getChainInfo")).body.head_block;

it("snapshot, transfer (waits until /dev/mine), revert: balance, head and tx back as before", async () => {
  const h0 = await head();
  const b0 = await balance("producer000");
  const snap = await post(node.url, "/dev/snapshot", "");
  expect(snap.status).toBe(200);
  expect(snap.body).toEqual({ id: expect.stringMatching(/^[1-9][0-9]*$/) });

  const tx = node.client.iost.transfer("iost", "admin", "producer000", "5", "dev tools");
  signTx(node.client, tx, node.client.admin);
  const { hash } = await node.client.rpc.transaction.sendTx(tx);
  await sleep(1_000); // five intervals: no alarm-driven block in manual mode
  expect(await head()).toBe(h0);
  expect((await get(node.url, `/getTxByHash/${hash}`)).body.status).toBe("PENDING");

  // Three blocks: with several shards the credit lands one block later and settles back in the next.
  const mined = await post(node.url, "/dev/mine", { blocks: 3 });
  expect(mined.status).toBe(200);
  expect(mined.body).toEqual({ head_block: String(Number(h0) + 3), head_block_hash: expect.any(String) });
  expect(await node.client.rpc.transaction.getTxReceiptByTxHash(hash)).toMatchObject({ status_code: "SUCCESS" });
  expect(await balance("producer000")).toBe(b0 + 5);
  expect((await post(node.url, "/dev/mine", "")).body.head_block).toBe(String(Number(h0) + 4)); // default: one block

  const reverted = await post(node.url, "/dev/revert", { id: snap.body.id });
  expect(reverted.status).toBe(200);
  expect(reverted.body.head_block).toBe(h0);
  expect(await head()).toBe(h0);
  expect(await balance("producer000")).toBe(b0);
  expect((await get(node.url, `/getTxByHash/${hash}`)).body).toEqual({ code: 2, message: "tx not found" });
});

it("bad input is a clear error that changes nothing", async () => {
  const h0 = await head();
  const cases: [string, string | object, RegExp][] = [
    ["/dev/revert", { id: "999999" }, /^snapshot 999999 not found/],
    ["/dev/revert", { id: "abc" }, /^invalid snapshot id "abc"/],
    ["/dev/revert", "", /^invalid id \(missing\)/],
    ["/dev/mine", { blocks: 0 }, /^invalid blocks 0: an integer from 1 to 100$/],
    ["/dev/mine", { blocks: 101 }, /^invalid blocks 101: an integer from 1 to 100$/],
    ["/dev/mine", { blocks: "2" }, /^invalid blocks "2": expected a JSON number$/],
    ["/dev/mine", "{", /^invalid request body/],
  ];
  for (const [path, body, message] of cases) {
    const r = await post(node.url, path, body);
    expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(400);
    expect(r.body.code).toBe(2);
    expect(r.body.message).toMatch(message);
  }
  expect(await head()).toBe(h0);
});
