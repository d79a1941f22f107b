/**
 * Every native contract's declaration as the chain sees it: the /getContract
 * JSON and each ABI's arguments, amount limit and privacy, in declaration
 * order. A change here changes what contracts accept or what RPC answers.
 */
import { describe, expect, it } from "vitest";
import "../../../src/contracts/index";
import "../../../src/vm/index";
import { nativeContracts } from "../../../src/contracts/monitor";
import { getContract } from "../../../src/query/index";
import { State } from "../../../src/state/state";
import { MemoryStore } from "../../../src/state/memory-store";

describe("native contract ABIs", () => {
  it("declarations are unchanged", () => {
    const defs = nativeContracts().map((d) => ({
      id: d.id,
      version: d.version,
      lang: d.lang,
      abis: [...d.abis.entries()].map(([k, a]) => ({ key: k, name: a.name, args: a.args, amountLimit: a.amountLimit, private: a.private ?? false })),
    }));
    expect(defs.map((d) => d.id)).toContain("vote_producer.iost");
    expect(defs).toMatchSnapshot();
  });

  it("getContract JSON is unchanged (a chain before any updateNativeCode)", () => {
    const state = new State(new MemoryStore());
    const json = nativeContracts().map((d) => JSON.stringify(getContract(state, d.id)));
    expect(json).toMatchSnapshot();
  });
});
