/**
 * /getProof against a started node (docs/STATE.md "Authenticated state"): a balance's proof and an
 * absent key's verify against the state root its block's header commits to (getBlockByNumber's
 * `orig_info`); a tampered value, or the old proof after the balance changed, does not.
 */
import { describe, expect, it } from "vitest";
import { verifyProof } from "../../src/state/proof";
import { expectSuccess, get, post, uniqueName } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

async function proofOf(id: string, key: string, field = ""): Promise<any> {
  const r = await post(node.url, "/getProof", { id, key, field });
  expect(r.status, r.text).toBe(200);
  return r.body;
}

/** The root of the answer's shard in the block the answer names, from the block's own header. */
async function rootInBlock(p: any): Promise<string> {
  const { block } = (await get(node.url, `/getBlockByNumber/${p.block_number}/false`)).body;
  expect(block.hash).toBe(p.block_hash);
  return JSON.parse(block.orig_info).chunks.find((c: any) => c.shard === p.shard).state_root;
}

describe("/getProof", () => {
  it("proves a balance and an absent key against the root in the block header; a tampered value fails", async () => {
    const p = await proofOf("token.iost", "TBadmin", "iost");
    expect(p.key).toBe("m-token.iost-TBadmin-iost");
    expect(p.value).toMatch(/^i\d+@/);
    expect(await rootInBlock(p)).toBe(p.state_root);
    expect(verifyProof(p.state_root, p.key, p.value, p.proof)).toBe(true);
    expect(verifyProof(p.state_root, p.key, p.value.replace(/^i(\d)/, "i9$1"), p.proof)).toBe(false);
    expect(verifyProof(p.state_root, p.key, null, p.proof)).toBe(false);

    const none = await proofOf("token.iost", `TB${uniqueName("nobody")}`, "iost");
    expect(none.value).toBeNull();
    expect(await rootInBlock(none)).toBe(none.state_root);
    expect(verifyProof(none.state_root, none.key, null, none.proof)).toBe(true);
    expect(verifyProof(none.state_root, none.key, "i1@admin", none.proof)).toBe(false);
  });

  it("after a transfer the new balance verifies against the new root, the old proof no longer does", async () => {
    const before = await proofOf("token.iost", "TBadmin", "iost");
    await expectSuccess(node.client, node.client.iost.transfer("iost", "admin", "producer000", "1.5", ""));
    const after = await proofOf("token.iost", "TBadmin", "iost");
    expect(after.value).not.toBe(before.value);
    expect(after.state_root).not.toBe(before.state_root);
    expect(await rootInBlock(after)).toBe(after.state_root);
    expect(verifyProof(after.state_root, after.key, after.value, after.proof)).toBe(true);
    expect(verifyProof(after.state_root, before.key, before.value, before.proof)).toBe(false);
  });

  it("bad input gets IOST's error envelope", async () => {
    expect((await post(node.url, "/getProof", { key: "k" })).body).toEqual({ code: 2, message: "invalid contract id" });
    const long = await post(node.url, "/getProof", { id: "token.iost", key: "x".repeat(70_000) });
    expect(long.status).toBe(400);
    expect(long.body).toEqual({ code: 2, message: "key too long. max length is 65536 Byte." });
  });
});
