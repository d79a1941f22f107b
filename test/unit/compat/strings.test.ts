/**
 * Compatibility (issue 16 "Strings with NUL"): V8 strings carry U+0000 like any
 * other code unit, so on IOST `"ab\u0000cd"` comes back whole from storage,
 * returns, receipts, events and arguments. This node crosses into QuickJS
 * through C strings; these cases show nothing is cut there any more.
 */
import { describe, expect, it } from "vitest";
import { getContractStorage } from "../../../src/query/index";
import { act, call, Chain, deploy, makeTx, ret, vmReady } from "../vm/helpers";

await vmReady();

const NUL = "ab\u0000cd";
const SRC = `class S {
  init() {}
  put(v) { storage.put("k", v); storage.mapPut("m", "f", v); blockchain.receipt(v); blockchain.event(v); return storage.get("k"); }
  same(v) { return v === "ab" + String.fromCharCode(0) + "cd" ? "same" : "differs:" + v.length; }
  make() { return "x" + String.fromCharCode(0) + "y"; }
  mapGet() { return storage.mapGet("m", "f"); }
  glob(c) { return storage.globalGet(c, "k"); }
  len() { return String(storage.get("k").length) + "/" + JSON.stringify(storage.get("k")); }
}
module.exports = S;`;
const ABI = ["put:string", "same:string", "make:", "mapGet:", "glob:string", "len:"].map((s) => {
  const [name, arg] = s.split(":");
  return { name, args: arg ? [arg] : [] };
});

describe("strings with NUL round trip whole (IOST: V8 strings)", () => {
  const chain = new Chain();
  const { id } = deploy(chain, SRC, ABI);

  it("an argument reaches the contract whole", () => {
    expect(ret(call(chain, id, "same", [NUL]))).toBe("same");
  });

  it("a returned string, a receipt and storage keep the NUL", () => {
    const r = call(chain, id, "put", [NUL]);
    expect(r.statusCode, r.message).toBe("SUCCESS");
    expect(ret(r)).toBe(NUL);
    expect(r.receipts.at(-1)!.content).toBe(NUL);
    expect(ret(call(chain, id, "make", []))).toBe("x\u0000y");
    expect(ret(call(chain, id, "mapGet", []))).toBe(NUL);
    expect(ret(call(chain, id, "len", []))).toBe(`5/${JSON.stringify(NUL)}`);
  });

  it("an event keeps it", () => {
    chain.advance(1n);
    const r = chain.run(makeTx([act(id, "put", [NUL])], { gasLimit: 1_000_000n, time: chain.time }));
    if ("dropped" in r) throw new Error(r.dropped);
    expect(r.events.map((e) => e.data)).toContain(NUL);
  });

  it("another contract's globalGet and the storage query see it", () => {
    const other = deploy(chain, SRC, ABI, { time: chain.time }).id;
    expect(ret(call(chain, other, "glob", [id]))).toBe(NUL);
    expect(getContractStorage(chain.state, id, "k", "").data).toBe(NUL);
    expect(getContractStorage(chain.state, id, "m", "f").data).toBe(NUL);
  });
});
