/**
 * token721.iost against go-iost's facts (vm/native/token721.go, iost.js's
 * examples/token721_test.js): ids "0", "1"… in issue order, counts and
 * metadata moving with a transfer, tokenOfOwnerByIndex in arrival order, the
 * storage names the RPC reads, who pays RAM, and each error text with nothing
 * written.
 */
import { describe, expect, it } from "vitest";
import { getToken721Balance, getToken721Metadata, getToken721Owner } from "../../../src/query/token721";
import { reads } from "../../../src/query/reads";
import { act, Chain, fakeKey, makeTx } from "../executor/helpers";

function setup() {
  const c = new Chain();
  c.newAccount("issuer1", fakeKey(1));
  c.newAccount("holder1", fakeKey(2));
  c.newAccount("holder2", fakeKey(3));
  const keys: Record<string, string> = { issuer1: fakeKey(1), holder1: fakeKey(2), holder2: fakeKey(3) };
  const by = (pub: string, ...a: ReturnType<typeof act>[]) => c.receipt(makeTx(a, { publisher: pub, key: keys[pub] }));
  const nft = (abi: string, args: unknown[]) => act("token721.iost", abi, args);
  const msg = (pub: string, a: ReturnType<typeof act>) => by(pub, a).message.replace(/^running action [\s\S]*? error: /, "");
  return { c, by, nft, msg };
}

describe("token721.iost (go-iost token721.go)", () => {
  it("create, issue, transfer and the reads: iost.js's token721 example", () => {
    const { c, by, nft } = setup();
    let r = by("issuer1", nft("create", ["pika", "issuer1", 3]));
    expect([r.statusCode, r.returns, r.receipts]).toEqual(["SUCCESS", ["[]"], []]);
    r = by("issuer1", nft("issue", ["pika", "holder1", '{"name": "pikaqiu", "hp": 300}']), nft("issue", ["pika", "holder2", '{"name": "raichu"}']));
    expect(r.statusCode).toBe("SUCCESS");
    expect(r.returns).toEqual(['["0"]', '["1"]']);
    // The issuer pays every record an issue writes.
    expect(Object.keys(r.ramUsage)).toEqual(["issuer1"]);
    expect(getToken721Balance(c.state, "holder1", "pika")).toEqual({ balance: "1", tokenIDs: ["0"] });
    expect(getToken721Owner(c.state, "pika", "0")).toEqual({ owner: "holder1" });
    expect(getToken721Metadata(c.state, "pika", "0")).toEqual({ metadata: '{"name": "pikaqiu", "hp": 300}' });

    r = by("holder1", nft("transfer", ["pika", "holder1", "holder2", "0"]));
    expect([r.statusCode, r.receipts]).toEqual(["SUCCESS", []]);
    // Version 1 charges the sender for the receiver's records; the issuer gets back its metadata record's bytes.
    expect(r.ramUsage.holder1).toBeGreaterThan(0n);
    expect(r.ramUsage.issuer1).toBeLessThan(0n);
    expect(getToken721Balance(c.state, "holder1", "pika")).toEqual({ balance: "0", tokenIDs: [] });
    expect(getToken721Balance(c.state, "holder2", "pika")).toEqual({ balance: "2", tokenIDs: ["1", "0"] });
    expect(getToken721Owner(c.state, "pika", "0")).toEqual({ owner: "holder2" });
    expect(getToken721Metadata(c.state, "pika", "0")).toEqual({ metadata: '{"name": "pikaqiu", "hp": 300}' });

    expect(by("issuer1", nft("balanceOf", ["pika", "holder2"])).returns).toEqual(["[2]"]);
    expect(by("issuer1", nft("balanceOf", ["pika", "nobody1"])).returns).toEqual(["[0]"]);
    expect(by("issuer1", nft("ownerOf", ["pika", "0"])).returns).toEqual(['["holder2"]']);
    expect(by("issuer1", nft("tokenMetadata", ["pika", "1"])).returns).toEqual(['["{\\"name\\": \\"raichu\\"}"]']);
    expect(by("issuer1", nft("tokenOfOwnerByIndex", ["pika", "holder2", 0])).returns).toEqual(['["1"]']);
    expect(by("issuer1", nft("tokenOfOwnerByIndex", ["pika", "holder2", 1])).returns).toEqual(['["0"]']);

    // go-iost's storage names, as its RPC reads them (database/token721_handler.go).
    const raw = (k: string) => c.state.get(k);
    expect(raw("m-token721.iost-T721Ipika-T721issuer")).toBeDefined();
    expect(raw("m-token721.iost-T721Bholder2-pika")).toBeDefined();
    expect(raw("m-token721.iost-T721Mpika#holder2-0")).toBeDefined();
    expect(raw("m-token721.iost-T721Mpika#holder1-0")).toBeUndefined();
  });

  it("a transfer to oneself succeeds before any check, as in Go", () => {
    const { by, nft } = setup();
    const r = by("holder1", nft("transfer", ["nope", "holder1", "holder1", "9"]));
    expect([r.statusCode, r.returns]).toEqual(["SUCCESS", ["[]"]]);
  });

  it("error texts, each failing tx writing nothing but its gas", () => {
    const { c, by, nft, msg } = setup();
    expect(msg("issuer1", nft("create", ["pika", "holder1", 3]))).toBe("transaction has no permission");
    by("issuer1", nft("create", ["pika", "issuer1", 1]));
    expect(msg("issuer1", nft("create", ["pika", "issuer1", 5]))).toBe("token exists");
    expect(msg("issuer1", nft("issue", ["nope", "holder1", "{}"]))).toBe("token not exists");
    expect(msg("holder1", nft("issue", ["pika", "holder1", "{}"]))).toBe("transaction has no permission");
    expect(by("issuer1", nft("issue", ["pika", "holder1", "{}"])).statusCode).toBe("SUCCESS");
    expect(msg("issuer1", nft("issue", ["pika", "holder1", "{}"]))).toBe("supply too much");
    expect(msg("holder2", nft("transfer", ["nope", "holder2", "holder1", "0"]))).toBe("token not exists");
    expect(msg("holder2", nft("transfer", ["pika", "holder1", "holder2", "0"]))).toBe("transaction has no permission");
    expect(msg("holder2", nft("transfer", ["pika", "holder2", "holder1", "7"]))).toBe("error tokenID not exists. pika 7");
    expect(msg("holder2", nft("transfer", ["pika", "holder2", "holder1", "0"]))).toBe("error token owner isn't from. owner: holder1, from: holder2");
    expect(msg("holder2", nft("balanceOf", ["nope", "holder1"]))).toBe("token not exists");
    // Go answers a missing id with "token exists".
    expect(msg("holder2", nft("ownerOf", ["pika", "7"]))).toBe("token exists");
    expect(msg("holder2", nft("tokenMetadata", ["pika", "7"]))).toBe("token exists");
    expect(msg("holder2", nft("tokenOfOwnerByIndex", ["pika", "holder1", 1]))).toBe("out of range");
    expect(msg("holder2", nft("tokenOfOwnerByIndex", ["pika", "holder1", -1]))).toBe("out of range");
    expect(msg("holder2", nft("create", ["x", "holder2"]))).toMatch(/^prepare contract: /);
    // None of the failures above moved the token.
    expect(getToken721Balance(c.state, "holder1", "pika")).toEqual({ balance: "1", tokenIDs: ["0"] });
    expect(getToken721Balance(c.state, "holder2", "pika")).toEqual({ balance: "0", tokenIDs: [] });
    expect(getToken721Owner(c.state, "pika", "0")).toEqual({ owner: "holder1" });
  });

  it("the RPC reads: go-iost's answers for what does not exist", () => {
    const { c } = setup();
    expect(getToken721Balance(c.state, "holder1", "nope")).toEqual({ balance: "0", tokenIDs: [] });
    expect(getToken721Balance(c.state, "nobody1", "nope")).toBeNull();
    expect(reads.getToken721Balance(c.state, 0n, "nobody1", "nope")).toEqual({ error: "account not found" });
    expect(reads.getToken721Owner(c.state, 0n, "nope", "0")).toEqual({ error: "token nope 0 not found" });
    expect(reads.getToken721Metadata(c.state, 0n, "nope", "0")).toEqual({ error: "token nope 0 not found" });
  });
});
