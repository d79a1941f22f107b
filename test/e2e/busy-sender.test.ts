/**
 * One busy sender (an exchange's hot wallet, a game server) uses the chain's
 * capacity (issue 17 item 3): 300 transfers of one account, sent at once with
 * the real iost SDK, are all final within a few blocks. With the old share of
 * 10 txs per publisher per chunk they took 30 blocks.
 */
import { describe, expect, it } from "vitest";
import { fundedAccount, nameOnShard } from "./helpers/adversary";
import { signTx, waitUntil } from "./helpers/sdk";
import { useNode } from "./helpers/node";
import { awaitFinal } from "../../bench/lib";

const TXS = 300;
/** Blocks after the one the last send was answered in: the block that takes the rest, and one to spare. */
const AFTER = 2;

const node = useNode();

describe("a busy sender", () => {
  it(`${TXS} transfers of one account are all final within ${AFTER} blocks of the last send`, async () => {
    const { client } = node;
    const wallet = await fundedAccount(client, await nameOnShard(node.url, 1, "hot"), { iost: "1000", pledge: 100 });
    const txs = Array.from({ length: TXS }, (_, i) => {
      const tx = client.iost.transfer("iost", wallet.getID(), "admin", "0.01", `w${i}`);
      tx.gasLimit = 20_000; // the wallet's gas (100 IOST pledged) covers every pending limit together
      signTx(client, tx, wallet);
      return tx;
    });
    const first = Number((await client.rpc.blockchain.getChainInfo()).head_block);
    const hashes = await Promise.all(txs.map(async (tx) => ((await client.rpc.transaction.sendTx(tx)) as { hash: string }).hash));
    expect(new Set(hashes).size).toBe(TXS);
    // Sending 300 at once can take several blocks on a loaded machine: what is bounded is how long the chain takes after it.
    const sent = Number((await client.rpc.blockchain.getChainInfo()).head_block);

    const found = await waitUntil(
      `all ${TXS} transfers final`,
      async () => {
        const all = await Promise.all(hashes.map((h) => client.rpc.transaction.getTxByHash(h).catch(() => null)));
        return all.every((t) => t?.status === "IRREVERSIBLE") ? all : undefined;
      },
      60_000,
      500,
    );
    for (const t of found) expect(t.transaction.tx_receipt.status_code).toBe("SUCCESS");
    const heights = [...new Set(found.map((t) => Number(t.block_number)))].sort((a, b) => a - b);
    // Each of them in a block after the sends began, and the last at most AFTER blocks after the last send.
    expect(heights[0]).toBeGreaterThan(first);
    expect(heights.at(-1)!, `blocks ${heights.join(",")}, sends from ${first} to ${sent}`).toBeLessThanOrEqual(sent + AFTER);

    // The bench's finality watch (bench/lib.ts awaitFinal) finds them all in the final blocks after `first`, and waits
    // on for a tx no block holds.
    const open = new Set(hashes);
    await awaitFinal(node.url, open, first, 30_000);
    expect(open.size).toBe(0);
    await expect(awaitFinal(node.url, new Set([hashes[0], "1".repeat(44)]), first, 2_000)).rejects.toThrow("1 txs not irreversible after 2000 ms");
  });
});
