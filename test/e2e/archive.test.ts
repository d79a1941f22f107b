/**
 * Old blocks in R2 through a real node (durable-objects/archive.ts): with a 4-block retention
 * window and 8-block segments, a transfer's block, tx and receipt leave SQLite after a few dozen
 * blocks and are served byte-identically, also after a restart on the persisted state (SQLite and
 * the local R2 bucket).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectSuccess, get, post } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const dir = mkdtempSync(join(tmpdir(), "iost-edge-archive-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const node = useNode({ persist: dir, vars: { ARCHIVE_RETAIN_BLOCKS: "4", ARCHIVE_SEGMENT_BLOCKS: "8" } });

/** Every file under `path`, recursively. */
function files(path: string): string[] {
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(path, e.name)) : [join(path, e.name)]));
}

describe("archived blocks over RPC", () => {
  it("serves an archived block, tx and receipt byte-identically, before and after a restart", async () => {
    const tx = await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", "producer000", "1", "to R2"));
    const number = (await get(node.url, `/getTxByHash/${tx.hash}`)).body.block_number as string;
    const hash = (await get(node.url, `/getBlockByNumber/${number}/false`)).body.block.hash as string;
    const paths = [`/getBlockByNumber/${number}/true`, `/getBlockByHash/${hash}/true`, `/getTxByHash/${tx.hash}`, `/getTxReceiptByTxHash/${tx.hash}`];
    const read = () => Promise.all(paths.map(async (p) => get(node.url, p).then((r) => ({ status: r.status, text: r.text }))));
    const before = await read();
    for (const r of before) expect(r.status, r.text).toBe(200);
    const r2Before = files(dir).filter((f) => f.includes("r2")).length;

    const mined = await post(node.url, "/dev/mine", JSON.stringify({ blocks: 40 }));
    expect(mined.status, mined.text).toBe(200);
    expect(files(dir).filter((f) => f.includes("r2")).length).toBeGreaterThan(r2Before);
    // The tx's segment ends at least the retention window below LIB: it left SQLite.
    const lib = Number((await get(node.url, "/getChainInfo")).body.lib_block);
    expect(Math.ceil(Number(number) / 8) * 8).toBeLessThanOrEqual(lib - 4);
    expect(await read()).toEqual(before);

    await node.restart();
    expect(await read()).toEqual(before);
  });
});
