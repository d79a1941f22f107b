/**
 * A JavaScript contract through the real `iost` SDK: deploy with
 * system.iost/setCode (the contract JSON iost.js sends), call its ABIs, read
 * it back with getContract and getContractStorage, and see a failing call.
 */
import { describe, expect, it } from "vitest";
import { expectSuccess, sendAndFollow } from "./helpers/sdk";
import { useNode } from "./helpers/node";

const node = useNode();

const CODE = `class Counter {
  init() { storage.put("n", "0"); }
  inc(by) { const n = Number(storage.get("n")) + by; storage.put("n", "" + n); return n; }
  greet(name) { blockchain.event("greeted " + name); return "hello " + name; }
  fail() { throw new Error("nope"); }
}
module.exports = Counter;`;
const INFO = {
  lang: "javascript",
  version: "1.0.0",
  abi: [
    { name: "inc", args: ["number"], amountLimit: [] },
    { name: "greet", args: ["string"], amountLimit: [] },
    { name: "fail", args: [], amountLimit: [] },
  ],
};

describe("JavaScript contracts over HTTP with the iost SDK", () => {
  let id = "";

  it("deploys with setCode and returns Contract<tx hash>", async () => {
    const tx = node.client.iost.callABI("system.iost", "setCode", [JSON.stringify({ ID: "", info: INFO, code: CODE })]);
    const out = await expectSuccess(node.client, tx);
    id = JSON.parse(out.result.returns[0])[0];
    expect(id).toBe("Contract" + out.hash);
    const c = await node.client.rpc.blockchain.getContract(id, true);
    expect(c.language).toBe("javascript");
    expect(c.orig_code).toBe(CODE);
    expect(c.abis.map((a: { name: string }) => a.name)).toEqual(["fail", "greet", "inc"]);
  });

  it("calls ABIs; returns are one string; storage persists", async () => {
    const a = await expectSuccess(node.client, node.client.iost.callABI(id, "inc", [5]));
    expect(a.result.returns).toEqual(['["5"]']);
    const b = await expectSuccess(node.client, node.client.iost.callABI(id, "greet", ["sdk"]));
    expect(b.result.returns).toEqual(['["hello sdk"]']);
    const s = await node.client.rpc.blockchain.getContractStorage(id, "n", "", true);
    expect(s.data).toBe("5");
  });

  it("blockchain.event reaches /subscribe as CONTRACT_EVENT of that contract", async () => {
    const abort = new AbortController();
    const res = await fetch(`${node.url}/subscribe`, {
      method: "POST",
      body: JSON.stringify({ topics: ["CONTRACT_EVENT"], filter: { contract_id: id } }),
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    let text = "";
    const reading = (async () => {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    })().catch(() => {});
    await expectSuccess(node.client, node.client.iost.callABI(id, "greet", ["events"]));
    const deadline = Date.now() + 10_000;
    while (!text.includes("greeted events") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await reading;
    const event = JSON.parse(text.split("\n").find((l) => l.includes("greeted events"))!).result.event;
    expect(event).toMatchObject({ topic: "CONTRACT_EVENT", data: "greeted events" });
  });

  it("a throwing call fails with the contract's message", async () => {
    const out = await sendAndFollow(node.client, node.client.iost.callABI(id, "fail", []));
    expect(out.ok).toBe(false);
    expect(JSON.stringify(out.result)).toContain("Uncaught exception: Error: nope");
  });
});
