/** blockchain.event: CONTRACT_EVENT for /subscribe, beside the receipt, only when the tx succeeds. */
import { beforeAll, describe, expect, it } from "vitest";
import { act, Chain, deploy, makeTx, vmReady } from "./helpers";

beforeAll(vmReady);

const CODE = `class Events {
  init() {}
  emit(x) { blockchain.event("e:" + x); blockchain.event(JSON.stringify({ x: x })); return "ok"; }
  emitThenFail() { blockchain.event("lost"); throw new Error("boom"); }
}
module.exports = Events;`;
const ABI = [
  { name: "emit", args: ["string"] },
  { name: "emitThenFail", args: [] },
];

describe("blockchain.event", () => {
  const chain = new Chain();
  let id = "";
  beforeAll(() => {
    id = deploy(chain, CODE, ABI).id;
  });

  it("emits CONTRACT_EVENT with the contract id, in order, outside the receipt", () => {
    chain.advance(1n);
    const r = chain.run(makeTx([act(id, "emit", ["a"])], { gasLimit: 1_000_000n }));
    if ("dropped" in r) throw new Error(r.dropped);
    expect(r.receipt.statusCode).toBe("SUCCESS");
    expect(r.events).toEqual([
      { topic: "CONTRACT_EVENT", contract: id, data: "e:a" },
      { topic: "CONTRACT_EVENT", contract: id, data: '{"x":"a"}' },
    ]);
    expect(r.receipt.receipts).toEqual([]);
  });

  it("a failing tx emits nothing", () => {
    chain.advance(1n);
    const r = chain.run(makeTx([act(id, "emitThenFail", [])], { gasLimit: 1_000_000n }));
    if ("dropped" in r) throw new Error(r.dropped);
    expect(r.receipt.statusCode).toBe("RUNTIME_ERROR");
    expect(r.events).toEqual([]);
  });
});
