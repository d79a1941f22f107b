/**
 * Contracts across shards on the in-memory chain (sim.ts): the
 * contract directory, top-level calls forwarded to the contract's shard with
 * an escrow and reserved gas, settled back into the caller's receipt; the
 * documented failures (sync calls and global reads across shards, escrow or
 * gas exceeded), and RAM lent to an account of another shard.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { totalGasAt } from "../../../src/contracts/gas";
import { devGenesis, type GenesisConfig } from "../../../src/genesis/index";
import { shardOf } from "../../../src/sharding/placement";
import { checkReceipt, type CrossReceipt, MAX_SAW, ReceiptRefused } from "../../../src/sharding/receipts";
import type { Forwarded } from "../../../src/sharding/forward";
import { SimChain } from "./sim";
import { bareForward, bareOrd, run as runToEnd } from "./workload";
import { DEFERRED, LOCKS } from "../../../src/executor/locks";
import { State } from "../../../src/state/state";
import { ContractDB, decodeValue, encodeValue, str } from "../../../src/state/storage";
import { txId } from "../../../src/tx/bytes";
import type { Tx } from "../../../src/tx/types";
import { poolOrder } from "../../../src/pool/index";
import { act, fakeKey, makeTx } from "../executor/helpers";
import { contractJson, vmReady } from "../vm/helpers";

const N = 4;
/** The account directory's entry for an account of another shard (every shard has one per account of the others). */
const isDirectoryKey = (k: string) => k.startsWith("b-system.iost-account_shard_");
const USERS = Array.from({ length: 12 }, (_, i) => `user${String(i).padStart(2, "0")}`);
const IOST = 100_000_000n;
const T0 = devGenesis().time + 10n * 1_000_000_000n;

const CODE = `class Box {
  init() {}
  put(k, v) { storage.put(k, v); return "ok:" + k; }
  pay(k, amount) { storage.put(k, amount); blockchain.transfer(tx.publisher, blockchain.contractName(), amount, ""); return "paid"; }
  spin() { let i = 0; while (true) { i++; } }
  callOther(id) { return blockchain.call(id, "put", ["x", "y"]); }
  readOther(id) { return storage.globalGet(id, "k"); }
  keysOther(id) { return storage.globalMapKeys(id, "rec"); }
  lenOther(id) { return storage.globalMapLen(id, "rec"); }
  mine(v) { storage.mapPut("rec", tx.publisher, v, tx.publisher); return "mine"; }
  drop() { storage.mapDel("rec", tx.publisher); return "dropped"; }
}
module.exports = Box;`;
const ABI = [
  { name: "put", args: ["string", "string"] },
  { name: "pay", args: ["string", "string"], amountLimit: [{ token: "iost", val: "100" }] },
  { name: "spin", args: [] },
  { name: "callOther", args: ["string"] },
  { name: "readOther", args: ["string"] },
  { name: "keysOther", args: ["string"] },
  { name: "lenOther", args: ["string"] },
  { name: "mine", args: ["string"] },
  { name: "drop", args: [] },
];

function config(): GenesisConfig {
  return {
    ...devGenesis(),
    devAccounts: USERS.map((id, i) => ({ id, owner: fakeKey(i), active: fakeKey(i), balance: "1000000", gasPledge: "1000", ram: 100000n })),
  };
}

const deployer = USERS.find((u) => shardOf(u, N) === 0)!;
const caller = USERS.find((u) => shardOf(u, N) === 1)!;
const other = USERS.find((u) => shardOf(u, N) === 2)!;

let nonce = 0;
function txBy(user: string, actions: ReturnType<typeof act>[], o: { limit?: string; gasLimit?: bigint } = {}): Tx {
  return makeTx(actions, {
    publisher: user,
    key: fakeKey(USERS.indexOf(user)),
    time: T0 + BigInt(nonce++),
    gasLimit: o.gasLimit ?? 4_000_000n,
    amountLimit: [{ token: "iost", value: o.limit ?? "100" }],
  });
}

function balance(chain: SimChain, acc: string, shard = shardOf(acc, N)): bigint {
  const v = decodeValue(chain.shards[shard].store.get(`m-token.iost-TB${acc}-iost`));
  return v && v.value.t === "i" ? v.value.v : 0n;
}

/** Steps at a fixed block time (gas does not regenerate: gas checks are exact). */
function step(chain: SimChain, n = 1, crash?: number) {
  for (let i = 0; i < n; i++) chain.step({ time: T0 + 100n * 1_000_000_000n, crash });
}

/** Deploys CODE from `user` and waits a block for the directory. */
function deploy(chain: SimChain, user: string): string {
  const tx = txBy(user, [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
  chain.submit(tx);
  step(chain, 2);
  const r = chain.shards[shardOf(user, N)].results.get(txId(tx))!;
  expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
  return "Contract" + txId(tx);
}

/** Submits, runs three blocks (forward, run there, settle) and returns the combined result at home. */
function run(chain: SimChain, tx: Tx, blocks = 3) {
  chain.submit(tx);
  step(chain, blocks);
  return chain.shards[shardOf(tx.publisher, N)].results.get(txId(tx))!;
}

/** Blocks a call of another shard's contract that writes takes: a round of reads each for its code, its records and its owner's RAM. */
const CALL_BLOCKS = 8;

/** Free RAM (token.iost `ram` balance) and used RAM (`UR`), on the account's shard. */
const ramOf = (chain: SimChain, acc: string) => {
  const v = decodeValue(chain.shards[shardOf(acc, N)].store.get(`m-token.iost-TB${acc}-ram`));
  return v && v.value.t === "i" ? v.value.v : 0n;
};
const usedRam = (chain: SimChain, acc: string) => {
  const v = decodeValue(chain.shards[shardOf(acc, N)].store.get(`b-ram.iost-UR${acc}`));
  return v && v.value.t === "s" ? BigInt(v.value.v) : 0n;
};

const gasOf = (chain: SimChain, user: string) =>
  totalGasAt(new ContractDB(new State(chain.shards[shardOf(user, chain.shards.length)].store)), user, T0 + 100n * 1_000_000_000n).value;

beforeAll(vmReady);

describe("what may cross shards (simulator)", () => {
  it("iost sent to a contract id no shard knows is refused, not stranded", () => {
    const chain = new SimChain(config(), N);
    const unknown = "Contract" + "1".repeat(44);
    // The directory's wait and a round of asks (sharding/asks.ts): final four blocks after its own.
    const r = run(chain, txBy(caller, [act("token.iost", "transfer", ["iost", caller, unknown, "1", ""])]), 5);
    expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt?.message).toContain(`invalid account ${unknown}`);
    expect(chain.shards[1].store.get(`m-token.iost-TB${unknown}-iost`)).toBeUndefined();
  });
});

describe("contracts across shards (simulator)", () => {
  it("a deployment reaches every other shard's directory in the next block, once", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    for (const s of chain.shards) {
      const entry = s.store.get(`b-system.iost-contract_shard_${id}`);
      if (s.index === 0) expect(entry).toBeUndefined();
      else expect(decodeValue(entry)?.value).toEqual({ t: "i", v: 0n });
      if (s.index !== 0) expect(s.applied.get(`${id}:register`)).toBe(1);
    }
    const [deployed] = [...chain.shards[0].results.values()];
    expect(deployed.pending).toBe(0); // registrations are not answered
  });

  it("an account's permissions reach every other shard's directory in the next block, as stored; a copy from elsewhere is refused", () => {
    const chain = new SimChain(config(), N);
    const key = `m-auth.iost-auth-${caller}`;
    const change = makeTx([act("auth.iost", "addPermission", [caller, "perm1", 1]), act("auth.iost", "addPermission", [caller, "perm2", 2])], {
      publisher: caller,
      key: fakeKey(USERS.indexOf(caller)),
      time: T0 + BigInt(nonce++),
      signers: [`${caller}@owner`],
      signerKeys: [fakeKey(USERS.indexOf(caller))],
    });
    chain.submit(change);
    step(chain);
    const r = chain.shards[1].results.get(txId(change))!;
    expect(r.receipt?.statusCode, r.receipt?.message).toBe("SUCCESS");
    const stored = chain.shards[1].store.get(key)!;
    expect(stored).toContain("perm2");
    // One receipt per shard, carrying the tx's last write.
    const sent = chain.inFlight().filter((x) => x.kind === "register");
    expect(sent.map((x) => [x.toShard, x.auth])).toEqual([0, 2, 3].map((s) => [s, stored]));
    step(chain);
    for (const s of chain.shards.filter((x) => x.index !== 1)) {
      expect(s.store.get(`b-system.iost-account_shard_${caller}`), `shard ${s.index}`).toBe(stored);
      expect(s.store.get(key)).toBeUndefined(); // a copy, not the account's record
    }
    const copy = sent[0];
    expect(() => checkReceipt(copy, N)).not.toThrow();
    // Only the account's shard writes its permissions, and only its own.
    expect(() => checkReceipt({ ...copy, fromShard: 2 }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...copy, account: other }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...copy, auth: undefined }, N)).toThrow(ReceiptRefused);
  });

  it("an action receipt escrows only its signers' RAM", () => {
    const receipt: CrossReceipt = {
      id: "tx:0",
      kind: "action",
      txHash: "tx",
      fromShard: 1,
      toShard: 0,
      token: "iost",
      account: caller,
      counterpart: "Contract1",
      amount: "0",
      message: "",
      signerRam: { [other]: "100" },
      forward: bareForward(caller, [
        { account: caller, signed: ["active"] },
        { account: other, signed: ["active"] },
      ]),
    };
    expect(() => checkReceipt(receipt, N)).not.toThrow();
    expect(() => checkReceipt({ ...receipt, signerRam: { [deployer]: "100" } }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...receipt, signerRam: { [caller]: "100" } }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...receipt, signerRam: { [other]: "-1" } }, N)).toThrow(ReceiptRefused);
    // The payer its escrow's record names: only of an escrow it carries, a name or "" (none named), its escrow held there
    // even at 0 (docs/SHARDING.md "One RAM market", "Co-signers' RAM escrow").
    const payers = (signerPayers: Record<string, string>, o: Partial<CrossReceipt> = {}) => ({
      ...receipt,
      ...o,
      forward: { ...receipt.forward!, signerPayers },
    });
    expect(() => checkReceipt(payers({ [other]: "token.iost" }), N)).not.toThrow();
    expect(() => checkReceipt(payers({ [deployer]: "token.iost" }), N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt(payers({ [caller]: "token.iost" }), N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt(payers({ [other]: "" }, { signerRam: { [other]: "0" } }), N)).not.toThrow();
    expect(() => checkReceipt(payers({ [other]: "token.iost" }, { signerRam: {} }), N)).toThrow(ReceiptRefused);
    for (const bad of ["x".repeat(65), "a-b", 5 as unknown as string])
      expect(() => checkReceipt(payers({ [other]: bad }), N), JSON.stringify(bad)).toThrow(ReceiptRefused);
    // Back with the settle: the payer a write named on an escrow it brings back, and only on a settle.
    const { forward: _, ...bare } = receipt;
    const back = (signerPayers: Record<string, unknown>, o: Partial<CrossReceipt> = {}) =>
      ({ ...bare, id: "tx:0:settle", kind: "settle", ...o, signerPayers }) as CrossReceipt;
    expect(() => checkReceipt(back({ [other]: "token.iost" }), N)).not.toThrow();
    expect(() => checkReceipt(back({ [other]: "" }), N)).not.toThrow();
    expect(() => checkReceipt(back({ [other]: "token.iost" }, { signerRam: {} }), N)).toThrow(/refused: signerPayers/);
    expect(() => checkReceipt(back({ [deployer]: "token.iost" }), N)).toThrow(/refused: signerPayers/);
    expect(() => checkReceipt(back({ [other]: "a-b" }), N)).toThrow(/refused: signerPayers/);
    expect(() => checkReceipt(back({ [other]: 5 }), N)).toThrow(/refused: signerPayers/);
    expect(() => checkReceipt({ ...receipt, signerPayers: { [other]: "token.iost" } }, N)).toThrow(/refused: signerPayers/);
  });

  it("credits carried to a chain's last part, and back with a failure, are only the tx's own of its publisher", () => {
    const credit: CrossReceipt = {
      id: "tx:0",
      kind: "credit",
      txHash: "tx",
      fromShard: 1,
      toShard: 0,
      token: "gold",
      account: deployer,
      counterpart: caller,
      amount: "5",
      message: "",
      payer: { publisher: caller, gasRatio: "100", time: "0" },
    };
    const forward = bareForward(caller);
    const action: CrossReceipt = {
      ...credit,
      id: "tx:1",
      kind: "action",
      token: "iost",
      account: caller,
      counterpart: "Contract1",
      amount: "0",
      payer: undefined,
      forward: { ...forward, credits: [credit] },
    };
    const settle: CrossReceipt = {
      ...action,
      id: "tx:1:settle",
      kind: "settle",
      fromShard: 0,
      toShard: 1,
      forward: undefined,
      message: "no",
      returned: [credit],
    };
    expect(() => checkReceipt(action, N)).not.toThrow();
    expect(() => checkReceipt(settle, N)).not.toThrow();
    const forged: CrossReceipt[] = [
      { ...credit, txHash: "other" },
      { ...credit, fromShard: 3 }, // not a shard the tx ran on
      { ...credit, payer: { publisher: other, gasRatio: "100", time: "0" } },
      { ...credit, payer: { publisher: caller, gasRatio: "100", time: "0", reserve: { ram: "1", paid: "0" } } },
      { ...credit, amount: "-5" },
      { ...credit, kind: "burn" },
      { ...credit, also: [credit] },
      // A probe only as a write absorbed it, moving nothing (remote.ts absorb): none with an amount, a bundled amount,
      // a gas cap, or what a failed run's probes carry.
      { ...credit, probe: true },
      { ...credit, amount: "0", probe: true, also: [credit] },
      { ...credit, amount: "0", probe: true, payer: { ...credit.payer!, gasLeft: "5" } },
      { ...credit, amount: "0", probe: true, saw: ["other"] },
      { ...credit, amount: "0", probe: true, unnamed: true },
    ];
    const probe = { ...credit, amount: "0", probe: true as const };
    expect(() => checkReceipt({ ...action, forward: { ...forward, credits: [probe] } }, N)).not.toThrow();
    expect(() => checkReceipt({ ...action, forward: { ...forward, credits: [{ ...probe, also: [{ ...probe, id: "tx:2" }] }] } }, N)).not.toThrow();
    expect(() => checkReceipt({ ...settle, returned: [probe] }, N)).not.toThrow();
    for (const x of forged) expect(() => checkReceipt({ ...action, forward: { ...forward, credits: [x] } }, N), JSON.stringify(x)).toThrow(ReceiptRefused);
    for (const x of forged.filter((x) => x.fromShard !== 3))
      expect(() => checkReceipt({ ...settle, returned: [x] }, N), JSON.stringify(x)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...action, forward: { ...forward, credits: [] } }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...credit, returned: [credit] }, N)).toThrow(ReceiptRefused);
  });

  /** caller's tx's part going on from shard 3 to shard 1 with `forward`. */
  const partOf = (forward: Forwarded): CrossReceipt => ({
    id: "tx:3:1",
    kind: "action",
    txHash: "tx",
    fromShard: 3,
    toShard: 1,
    token: "iost",
    account: caller,
    counterpart: "Contract1",
    amount: "0",
    message: "",
    forward,
  });

  it("an action receipt says the tx's contract exists only as true", () => {
    const action = partOf({ ...bareForward(caller), deployed: true });
    expect(() => checkReceipt(action, N)).not.toThrow();
    for (const bad of [false, "true", 1, null])
      expect(() => checkReceipt({ ...action, forward: { ...action.forward!, deployed: bad as true } }, N), JSON.stringify(bad)).toThrow(/refused: deployed/);
  });

  it("an action receipt's pledges moved so far are a list of [pledger, user, added]", () => {
    const action = partOf({ ...bareForward(caller), pledges: [[caller, other, true]] });
    expect(() => checkReceipt(action, N)).not.toThrow();
    for (const bad of [[], [[caller, other]], [[caller, other, "true"]], [[caller, 1, true]], "x", null, [null]])
      expect(() => checkReceipt({ ...action, forward: { ...action.forward!, pledges: bad as never } }, N), JSON.stringify(bad)).toThrow(/refused: pledges/);
  });

  it("registers carried along a chain are the tx's own, each sent by its account's shard, a shard the tx ran on", () => {
    const auth = encodeValue(str(JSON.stringify({ id: other, permissions: {}, groups: {} })), "auth.iost");
    // other's record from its shard 2, to shard 0: a copy riding on from shard 2's part through shard 3 to shard 1.
    const register: CrossReceipt = {
      id: "tx:2:auth:0",
      kind: "register",
      txHash: "tx",
      fromShard: 2,
      toShard: 0,
      token: "",
      account: other,
      counterpart: caller,
      amount: "0",
      message: "",
      at: "0",
      ord: bareOrd("tx"),
      auth,
    };
    const action = partOf({ ...bareForward(caller), path: [1, 2], registers: [register] });
    expect(() => checkReceipt(action, N)).not.toThrow();
    expect(() => checkReceipt({ ...action, forward: { ...action.forward!, registers: [{ ...register, toShard: 1 }] } }, N)).not.toThrow();
    const forged: CrossReceipt[] = [
      { ...register, txHash: "other" },
      { ...register, fromShard: 0 }, // not a shard the tx ran on
      { ...register, fromShard: 1 }, // a shard it ran on, not other's: only an account's shard sends its permissions
      { ...register, account: "Contract1" },
      { ...register, kind: "credit" },
    ];
    for (const x of forged)
      expect(() => checkReceipt({ ...action, forward: { ...action.forward!, registers: [x] } }, N), JSON.stringify(x)).toThrow(
        /refused: (carried registers that are not its tx's|permissions of)/,
      );
    // Without the path through shard 2, shard 3 could hand on a record of other's it made up.
    expect(() => checkReceipt({ ...action, forward: { ...action.forward!, path: [1] } }, N)).toThrow(/carried registers that are not its tx's/);
  });

  it("a settle names only escrows that came back in what their co-signers paid from them", () => {
    const result = { gasReserved: 10, gasUsed: 5, gasRatio: "100", returns: [], receipts: [], ramUsage: {} };
    const settle: CrossReceipt = {
      id: "tx:0:settle",
      kind: "settle",
      txHash: "tx",
      fromShard: 0,
      toShard: 1,
      token: "iost",
      account: caller,
      counterpart: "Contract1",
      amount: "0",
      message: "",
      signerRam: { [other]: "20" },
      result: { ...result, signerPaid: { [other]: "-7" } },
    };
    expect(() => checkReceipt(settle, N)).not.toThrow();
    // Anyone else's used RAM, a number that is not one, or an action receipt carrying it: refused.
    expect(() => checkReceipt({ ...settle, result: { ...result, signerPaid: { [deployer]: "5" } } }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...settle, signerRam: undefined }, N)).toThrow(ReceiptRefused);
    for (const bad of ["1.5", "", "0x10", "99999999999999999999", 5])
      expect(() => checkReceipt({ ...settle, result: { ...result, signerPaid: { [other]: bad as string } } }, N)).toThrow(ReceiptRefused);
    expect(() => checkReceipt({ ...settle, kind: "action", result: { ...result, signerPaid: { [other]: "5" } } }, N)).toThrow(ReceiptRefused);
  });

  it("a user of another shard calls it: the write happens on the contract's shard, the result comes home", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const tx = txBy(caller, [act(id, "put", ["k", "v1"])]);
    chain.submit(tx);
    step(chain);
    const home = chain.shards[1].results.get(txId(tx))!;
    expect(home.pending).toBe(1);
    const homeGas = home.receipt!.gasUsage;
    step(chain);
    expect(decodeValue(chain.shards[0].store.get(`b-${id}-k`))?.value).toEqual({ t: "s", v: "v1" });
    expect(chain.shards[1].store.get(`b-${id}-k`)).toBeUndefined();
    step(chain);
    const r = chain.shards[1].results.get(txId(tx))!;
    expect(r).toMatchObject({ pending: 0, failures: [] });
    expect(r.receipt).toMatchObject({ statusCode: "SUCCESS", message: "", returns: ['["ok:k"]'] });
    expect(r.receipt!.gasUsage).toBeGreaterThan(homeGas); // the forwarded part's gas joined
  });

  it("charges the forwarded part's gas exactly once: the publisher's gas drops by the combined gas_usage", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const g0 = gasOf(chain, caller);
    const r = run(chain, txBy(caller, [act(id, "put", ["k", "v"])]));
    expect(r.receipt?.statusCode).toBe("SUCCESS");
    expect(g0 - gasOf(chain, caller)).toBe(r.receipt!.gasUsage);
    step(chain, 2); // nothing settles twice
    expect(g0 - gasOf(chain, caller)).toBe(r.receipt!.gasUsage);
  });

  it("charges a credit's receiver half once, at home, also when the tx then fails (its credit a probe that moves nothing)", () => {
    const chain = new SimChain(config(), N);
    const pay = (to: string, amount: string) => act("token.iost", "transfer", ["iost", caller, to, amount, ""]);
    // ghost0 (shard 2) does not exist: IOST's transferFreeze does not check, its probe reports no failure.
    const freeze = act("token.iost", "transferFreeze", ["iost", caller, "ghost0", "1", Number(T0 + 10n ** 15n), ""]);
    // A receiver found nowhere: its tx runs again a block later, when the directory surely knows every account of its block,
    // and once more two blocks on, when the other shards answered its asks (sharding/asks.ts).
    const unknown = pay("nobody1", "1");
    const cases = [[pay(deployer, "1")], [pay(deployer, "1"), pay(deployer, "99999999")], [pay(deployer, "1"), unknown], [freeze, pay(deployer, "99999999")]];
    for (const actions of cases) {
      const [g0, b0, d0, supply] = [gasOf(chain, caller), balance(chain, caller), balance(chain, deployer), chain.totalIost()];
      const tx = txBy(caller, actions);
      chain.submit(tx);
      step(chain);
      const r = chain.shards[shardOf(caller, N)].results.get(txId(tx))!;
      expect(r.pending, "the receiver's half is counted on its shard first").toBe(1);
      step(chain, actions.includes(unknown) ? 5 : 2);
      const ok = actions.length === 1;
      expect(r.receipt?.statusCode).toBe(ok ? "SUCCESS" : "RUNTIME_ERROR");
      if (!ok)
        expect(r.receipt?.message).toMatch(
          /^running action Action\{Contract: token\.iost, ActionName: transfer, [^\n]*\n? error: (balance not enough|invalid account nobody1)/,
        );
      expect(r.pending).toBe(0);
      expect([r.failures, r.receipt?.message.includes("cross-shard")]).toEqual([[], false]);
      expect(g0 - gasOf(chain, caller)).toBe(r.receipt!.gasUsage);
      expect([balance(chain, caller), balance(chain, deployer), chain.totalIost()]).toEqual(ok ? [b0 - IOST, d0 + IOST, supply] : [b0, d0, supply]);
      expect(chain.inFlight()).toEqual([]);
    }
  });

  it("a failed tx's probe charges its half's bytes of the amount it carries: a freeze's RAM short by as much on 4 shards as on one (in-flight 70/113)", () => {
    const outcome = (n: number) => {
      const chain = new SimChain(config(), n);
      const free = () => (decodeValue(chain.shards[shardOf(caller, n)].store.get(`m-token.iost-TB${caller}-ram`))!.value as { v: bigint }).v;
      const sell = act("ram.iost", "sell", [caller, caller, Number(free()) - 60]);
      const key = fakeKey(USERS.indexOf(caller));
      runToEnd(
        chain,
        makeTx([sell], { publisher: caller, key, time: T0 + BigInt(nonce++), gasLimit: 4_000_000n, amountLimit: [{ token: "ram", value: "100000" }] }),
      );
      expect(free()).toBe(60n);
      // Its own new frozen list (85 bytes) fails it at home; the other's, written by the probe on shard 2, is 85 bytes too.
      const freeze = (to: string) => act("token.iost", "transferFreeze", ["iost", caller, to, "2", Number(T0 + 10n ** 15n), ""]);
      const r = runToEnd(chain, txBy(caller, [freeze(other), freeze(caller)])).receipt;
      // The probe carried 2 iost and landed none of it.
      expect(chain.shards[shardOf(other, n)].store.get(`m-token.iost-TF${other}-iost`)).toBeUndefined();
      return r;
    };
    const one = outcome(1);
    expect(one).toMatchObject({
      statusCode: "BALANCE_NOT_ENOUGH",
      message: `balance not enough after executing actions: pay ram failed. id: ${caller} need 170, actual 60`,
    });
    expect(outcome(N)).toEqual(one);
  });

  it("sends a failed tx's probes of one token to one shard as one, in order; refuses a stranger's bundle of probes, `unnamed` or `saw` off a probe and a `saw` that is no sorted list of hashes", () => {
    const chain = new SimChain(config(), N);
    const freeze = act("token.iost", "transferFreeze", ["iost", caller, "ghost0", "1", Number(T0 + 10n ** 15n), ""]);
    // The last action fails at once (a symbol found nowhere would make the tx wait for it first).
    chain.submit(txBy(caller, [freeze, freeze, act("token.iost", "transfer", ["iost", caller, caller, "1", "m".repeat(513)])]));
    step(chain);
    const [probe, ...rest] = chain.inFlight();
    expect(rest).toEqual([]);
    expect(probe).toMatchObject({
      kind: "credit",
      probe: true,
      amount: "100000000",
      toShard: shardOf("ghost0", N),
      also: [{ probe: true, amount: "100000000" }],
    });
    expect(() => checkReceipt(probe, N)).not.toThrow();
    expect(() => checkReceipt({ ...probe, saw: ["a", "b"] }, N)).not.toThrow();
    const [second] = probe.also!;
    const forged: CrossReceipt[] = [
      { ...probe, also: [{ ...second, probe: undefined }] },
      { ...probe, also: [{ ...second, token: "ram" }] },
      { ...probe, also: [{ ...second, toShard: 3 }] },
      { ...probe, also: [{ ...second, txHash: "other" }] },
      { ...probe, also: [{ ...second, payer: { ...second.payer!, atHome: true } }] },
      { ...probe, also: [] },
      { ...probe, unnamed: false as unknown as true },
      { ...second, probe: undefined, amount: "1", unnamed: true },
      // `saw` only says which locks a probe's half waits for (executor/landed.ts).
      { ...second, probe: undefined, amount: "1", saw: ["a"] },
      { ...probe, saw: [] },
      { ...probe, saw: ["b", "a"] },
      { ...probe, saw: ["a", "a"] },
      { ...probe, saw: ["a", 1 as unknown as string] },
      { ...probe, saw: ["x".repeat(65)] },
      { ...probe, saw: Array.from({ length: MAX_SAW + 1 }, (_, i) => String(i).padStart(4, "0")) },
      // A probe is a credit's: never a settle's, whose amount would land.
      { ...probe, kind: "settle" as const },
    ];
    for (const x of forged) expect(() => checkReceipt(x, N), JSON.stringify(x)).toThrow(ReceiptRefused);
  });

  it("a charge beyond the tx's amount_limit fails the part there with IOST's text, rolls it back and refunds the escrow", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const [b0, c0, supply] = [balance(chain, caller), balance(chain, id, 0), chain.totalIost()];
    const r = run(chain, txBy(caller, [act(id, "pay", ["k", "5"])], { limit: "1" }));
    expect(r.failures).toHaveLength(1);
    expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
    // IOST's text of the failed action, as on one shard (no cross-shard wording).
    expect(r.receipt?.message).toMatch(
      /^running action Action\{Contract: Contract\w+, ActionName: pay, .* error: token iost exceed amountLimit in tx. need 5$/s,
    );
    expect([balance(chain, caller), balance(chain, id, 0), chain.totalIost()]).toEqual([b0, c0, supply]);
    expect(chain.shards[0].store.get(`b-${id}-k`)).toBeUndefined();
    expect(chain.shards[0].store.get(`m-token.iost-TB${caller}-iost`)).toBeUndefined();
  });

  it("a payment within the escrow lands on the contract's shard, its RAM paid by the caller's RAM escrow", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const [b0, supply, ram0, used0] = [balance(chain, caller), chain.totalIost(), ramOf(chain, caller), usedRam(chain, caller)];
    // The contract's first balance record (and the `k` entry) is the caller's RAM, as on one shard.
    const first = run(chain, txBy(caller, [act(id, "pay", ["k", "3"])], { limit: "10" }));
    expect(first.receipt).toMatchObject({ statusCode: "SUCCESS", message: "", returns: ['["paid"]'] });
    const paid = first.receipt!.ramUsage[caller];
    expect(paid).toBeGreaterThan(0n);
    expect([ramOf(chain, caller), usedRam(chain, caller)]).toEqual([ram0 - paid, used0 + paid]);
    expect([balance(chain, caller), balance(chain, id, 0), chain.totalIost()]).toEqual([b0 - 3n * IOST, 3n * IOST, supply]);
    // Nothing of the caller stays on the contract's shard: no balance, RAM or used-RAM record.
    expect([...chain.shards[0].store.keys()].filter((k) => k.includes(caller) && !isDirectoryKey(k))).toEqual([]);
    expect(chain.inFlight()).toEqual([]);
    const r = run(chain, txBy(caller, [act(id, "pay", ["k", "1"])], { limit: "10" }));
    expect(r.receipt).toMatchObject({ statusCode: "SUCCESS", message: "", returns: ['["paid"]'] });
    expect(r.receipt!.receipts.map((x) => x.funcName)).toEqual(["token.iost/transfer"]);
    expect(balance(chain, id, 0)).toBe(4n * IOST);
    expect(ramOf(chain, caller) + usedRam(chain, caller)).toBe(ram0 + used0);
  });

  it("two calls of one caller in a block: the second waits for the first's settle and runs on what it left, as on one shard", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const [b0, ram0, used0, supply] = [balance(chain, caller), ramOf(chain, caller), usedRam(chain, caller), chain.totalIost()];
    // Each escrows the caller's whole balance and free RAM: the second waits in the pool until the first's is home.
    const txs = [txBy(caller, [act(id, "pay", ["a", "3"])], { limit: "unlimited" }), txBy(caller, [act(id, "pay", ["b", "4"])], { limit: "unlimited" })];
    for (const t of txs) chain.submit(t);
    step(chain, 2);
    expect(chain.shards[1].results.has(txId(txs[1])), "the second waits").toBe(false);
    step(chain, 3);
    const [r1, r2] = txs.map((t) => chain.shards[1].results.get(txId(t))!);
    expect([r1.receipt?.statusCode, r2.receipt?.statusCode]).toEqual(["SUCCESS", "SUCCESS"]);
    const paid = r1.receipt!.ramUsage[caller] ?? 0n;
    expect(paid).toBeGreaterThan(0n); // the contract's balance record, the caller's RAM as on one shard
    expect([balance(chain, caller), balance(chain, id, 0), chain.totalIost()]).toEqual([b0 - 7n * IOST, 7n * IOST, supply]);
    expect([ramOf(chain, caller), usedRam(chain, caller)]).toEqual([ram0 - paid, used0 + paid]);
    expect(chain.inFlight()).toEqual([]);
  });

  it("a caller short of RAM fails the part as one shard fails the tx (BALANCE_NOT_ENOUGH), its RAM escrow all back", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const keep10 = act("ram.iost", "sell", [caller, caller, Number(ramOf(chain, caller) - 10n)]);
    const sell = run(
      chain,
      makeTx([keep10], {
        publisher: caller,
        key: fakeKey(USERS.indexOf(caller)),
        time: T0 + BigInt(nonce++),
        amountLimit: [{ token: "*", value: "unlimited" }],
      }),
    );
    expect(sell.receipt?.statusCode, sell.receipt?.message).toBe("SUCCESS");
    const [b0, ram0, used0] = [balance(chain, caller), ramOf(chain, caller), usedRam(chain, caller)];
    const r = run(chain, txBy(caller, [act(id, "pay", ["k", "3"])], { limit: "10" }));
    expect(r.receipt?.statusCode).toBe("BALANCE_NOT_ENOUGH");
    expect(r.receipt?.message).toMatch(new RegExp(`^balance not enough after executing actions: pay ram failed\\. id: ${caller} need \\d+, actual 10$`));
    expect([balance(chain, caller), ramOf(chain, caller), usedRam(chain, caller), balance(chain, id, 0)]).toEqual([b0, ram0, used0, 0n]);
    expect(chain.shards[0].store.get(`b-${id}-k`)).toBeUndefined();
  });

  it("a co-signer of the caller's shard pays RAM there from its RAM escrow: charged once at home, nothing left there, its own tx waits", () => {
    const chain = new SimChain(config(), N);
    const code = `class T {\n  init() {}\n  theirs(who, v) { storage.mapPut("their", who, v, who); return "theirs"; }\n}\nmodule.exports = T;`;
    const setCode = txBy(deployer, [act("system.iost", "setCode", [contractJson(code, [{ name: "theirs", args: ["string", "string"] }])])]);
    chain.submit(setCode);
    step(chain, 2);
    const id = "Contract" + txId(setCode);
    const signer = USERS.filter((u) => shardOf(u, N) === 1)[1];
    const [ram0, used0] = [ramOf(chain, signer), usedRam(chain, signer)];
    const cosigned = makeTx([act(id, "theirs", [signer, "x"])], {
      publisher: caller,
      key: fakeKey(USERS.indexOf(caller)),
      time: T0 + BigInt(nonce++),
      gasLimit: 4_000_000n,
      amountLimit: [{ token: "iost", value: "10" }],
      signers: [`${signer}@active`],
      signerKeys: [fakeKey(USERS.indexOf(signer))],
    });
    // The co-signer's own tx pays its RAM (its free RAM away with the escrow): it waits for the settle.
    const own = txBy(signer, [act("token.iost", "transfer", ["iost", signer, caller, "1", ""])]);
    chain.submit(cosigned);
    step(chain);
    chain.submit(own);
    step(chain);
    expect(chain.shards[1].results.has(txId(own)), "the co-signer's own tx waits").toBe(false);
    step(chain, 3);
    const r = chain.shards[1].results.get(txId(cosigned))!.receipt!;
    expect(r).toMatchObject({ statusCode: "SUCCESS", message: "", returns: ['["theirs"]'] });
    const paid = r.ramUsage[signer];
    expect(paid).toBeGreaterThan(0n);
    const next = chain.shards[1].results.get(txId(own))!.receipt!;
    expect(next.statusCode).toBe("SUCCESS");
    const spent = next.ramUsage[signer] ?? 0n;
    expect([ramOf(chain, signer), usedRam(chain, signer)]).toEqual([ram0 - paid - spent, used0 + paid + spent]);
    expect(chain.shards[0].store.get(`m-${id}-their-${signer}`)).toBeDefined();
    // Nothing else of the co-signer stays on the contract's shard: no RAM balance or used-RAM record.
    expect([...chain.shards[0].store.keys()].filter((k) => k.includes(signer) && !isDirectoryKey(k) && !k.startsWith(`m-${id}-their`))).toEqual([]);
    expect(chain.inFlight()).toEqual([]);
  });

  it("a plain transfer to a contract of another shard travels as a credit to the contract's shard", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const supply = chain.totalIost();
    const r = run(chain, txBy(caller, [act("token.iost", "transfer", ["iost", caller, id, "2", ""])]));
    expect(r).toMatchObject({ pending: 0, failures: [] });
    expect(balance(chain, id, 0)).toBe(2n * IOST);
    expect(balance(chain, id, 1)).toBe(0n);
    expect(chain.totalIost()).toBe(supply);
  });

  it("gas beyond the reservation fails the part with out of gas; the whole reservation is charged once", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const g0 = gasOf(chain, caller);
    const r = run(chain, txBy(caller, [act(id, "spin", [])], { gasLimit: 800_000n }));
    expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt?.message).toBe("out of gas");
    expect(g0 - gasOf(chain, caller)).toBe(r.receipt!.gasUsage);
    expect(r.receipt!.gasUsage).toBeLessThanOrEqual(800_000n * 100n);
  });

  it("inside a contract, a sync call of another shard's contract runs on its records fetched from there and writes there; a global read answers from there", () => {
    const chain = new SimChain(config(), N);
    const a = deploy(chain, deployer);
    const b = deploy(chain, other);
    // b's code and records come from shard 2 (executor/reads.ts), its write lands there with the release.
    const call = run(chain, txBy(deployer, [act(a, "callOther", [b])]), CALL_BLOCKS);
    expect([call.pending, call.receipt?.statusCode, call.failures]).toEqual([0, "SUCCESS", []]);
    expect(decodeValue(chain.shards[2].store.get(`b-${b}-x`))?.value).toEqual({ t: "s", v: "y" });
    expect(chain.shards[0].store.get(`b-${b}-x`)).toBeUndefined();
    for (const t of [txBy(other, [act(b, "put", ["k", "there"])]), txBy(other, [act(b, "mine", ["m"])])])
      expect(run(chain, t).receipt?.statusCode).toBe("SUCCESS");
    // Read where b lives (executor/reads.ts): the run parks, fetches b's keys from shard 2 and runs again.
    for (const [abi, out] of [
      ["readOther", '["there"]'],
      ["keysOther", JSON.stringify([JSON.stringify([other])])],
      ["lenOther", `["1"]`],
    ]) {
      const r = run(chain, txBy(deployer, [act(a, abi, [b])]));
      expect([r.pending, r.receipt?.statusCode, r.receipt?.returns], abi).toEqual([0, "SUCCESS", [out]]);
    }
    // Forwarded to shard 0 from shard 1: the part calls b the same way where it runs.
    run(chain, txBy(other, [act(b, "put", ["x", "z"])]));
    const fwd = run(chain, txBy(caller, [act(a, "callOther", [b])]), CALL_BLOCKS);
    expect([fwd.pending, fwd.receipt?.statusCode, fwd.failures]).toEqual([0, "SUCCESS", []]);
    expect(decodeValue(chain.shards[2].store.get(`b-${b}-x`))?.value).toEqual({ t: "s", v: "y" });
  });

  it("supply is conserved and every receipt applied once with random calls and a shard restarting mid-block", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ user: fc.constantFrom(...USERS), amount: fc.integer({ min: 1, max: 20 }), limit: fc.integer({ min: 1, max: 20 }) }), {
          minLength: 1,
          maxLength: 10,
        }),
        fc.nat({ max: N - 1 }),
        (calls, crash) => {
          const chain = new SimChain(config(), N);
          const id = deploy(chain, deployer);
          // A first local payment creates the contract's balance record (remote payers could not pay its RAM).
          chain.submit(txBy(deployer, [act(id, "pay", ["seed", "1"])], { limit: "1" }));
          step(chain);
          const supply = chain.totalIost();
          let paid = IOST;
          for (const c of calls) {
            chain.submit(txBy(c.user, [act(id, "pay", [c.user, String(c.amount)])], { limit: String(c.limit) }));
            if (c.amount <= c.limit) paid += BigInt(c.amount) * IOST;
          }
          // A caller's next tx waits for its previous one's settle (executor/locks.ts): three blocks each.
          for (let b = 0; b < 40 && !chain.quiet(); b++) {
            step(chain, 1, crash);
            expect(chain.totalIost()).toBe(supply);
          }
          expect(chain.quiet()).toBe(true);
          expect(balance(chain, id, 0)).toBe(paid);
          for (const s of chain.shards) {
            for (const [, times] of s.applied) expect(times).toBe(1);
            for (const [, r] of s.results) expect(r.pending).toBe(0);
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe("property: callers of every shard paying and freeing RAM on a contract", () => {
  it("each caller's free and used RAM end as on one shard, with a shard restarting mid-block", () => {
    fc.assert(
      fc.property(
        // Several txs of one caller in a block: its next part runs on what the previous one left.
        fc.array(fc.record({ user: fc.constantFrom(...USERS), drop: fc.boolean(), size: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 8 }),
        fc.nat({ max: N - 1 }),
        (calls, crash) => {
          const chains = [new SimChain(config(), 1), new SimChain(config(), N)];
          // The same txs on both chains: ids (and so key lengths and RAM) are equal.
          const deploy = txBy(deployer, [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
          const id = "Contract" + txId(deploy);
          const txs = calls.map((c) => txBy(c.user, [c.drop ? act(id, "drop", []) : act(id, "mine", ["x".repeat(c.size)])]));
          const ram = chains.map((chain, i) => {
            chain.submit(deploy);
            step(chain, 2);
            for (const t of txs) chain.submit(t);
            for (let b = 0; b < 40 && (b < 4 || !chain.quiet()); b++)
              chain.step({ time: T0 + 100n * 1_000_000_000n, crash: b === 1 && i === 1 ? crash : undefined });
            expect(chain.quiet()).toBe(true);
            const one = (acc: string) => {
              const at = chain.shards.length === 1 ? 0 : shardOf(acc, N);
              const v = decodeValue(chain.shards[at].store.get(`m-token.iost-TB${acc}-ram`));
              const u = decodeValue(chain.shards[at].store.get(`b-ram.iost-UR${acc}`));
              return [v && v.value.t === "i" ? v.value.v : 0n, u && u.value.t === "s" ? BigInt(u.value.v) : 0n];
            };
            return USERS.map(one);
          });
          expect(ram[1]).toEqual(ram[0]);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe("atomic txs: locks, deferral and undo (simulator, executor/locks.ts)", () => {
  const neighbour = USERS.find((u) => shardOf(u, N) === 1 && u !== caller)!;
  /** A home transfer, then an action that fails on the contract's shard: one shard would undo both. */
  const failing = (id: string) => txBy(caller, [act("token.iost", "transfer", ["iost", caller, neighbour, "2", ""]), act(id, "nope", [])]);
  const locks = (chain: SimChain) => chain.shards[1].store.get(LOCKS);

  it("a credit reaching a locked balance waits in x-deferred and lands after the settle, on the undone balance", () => {
    const chain = new SimChain(config(), N);
    const id = deploy(chain, deployer);
    const [c0, n0, o0, supply] = [balance(chain, caller), balance(chain, neighbour), balance(chain, other), chain.totalIost()];
    const tx = failing(id);
    const credit = txBy(other, [act("token.iost", "transfer", ["iost", other, caller, "5", ""])]);
    chain.submit(tx);
    chain.submit(credit);
    step(chain); // the home part runs and locks; the credit leaves shard 2
    expect(balance(chain, caller)).toBeLessThan(c0);
    expect(Object.keys(JSON.parse(locks(chain)!))).toEqual([txId(tx)]);
    step(chain); // the credit touches caller's locked balance: deferred; the forwarded part fails on shard 0
    const deferred = JSON.parse(chain.shards[1].store.get(DEFERRED) ?? "[]") as { id: string }[];
    expect(deferred.map((r) => r.id)).toEqual([`${txId(credit)}:0`]);
    expect(chain.shards[1].applied.has(`${txId(credit)}:0`)).toBe(false);
    expect(chain.totalIost()).toBe(supply);
    step(chain); // the settle undoes the home part, unlocks, and the credit runs in the same chunk
    expect([locks(chain), chain.shards[1].store.get(DEFERRED)]).toEqual([undefined, undefined]);
    expect(chain.shards[1].applied.get(`${txId(credit)}:0`)).toBe(1);
    const r = chain.shards[1].results.get(txId(tx))!;
    expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt?.message).toMatch(/^running action Action\{Contract: Contract\w+, ActionName: nope, /);
    expect([balance(chain, caller), balance(chain, neighbour), balance(chain, other)]).toEqual([c0 + 5n * IOST, n0, o0 - 5n * IOST]);
    step(chain, 2);
    expect(chain.quiet()).toBe(true);
    expect(chain.totalIost()).toBe(supply);
  });

  it("a crash of any shard between the lock and the settle changes nothing: every root and receipt as without it", () => {
    // The same txs in every run: roots compare only if the inputs are equal.
    const setCode = txBy(deployer, [act("system.iost", "setCode", [contractJson(CODE, ABI)])]);
    const tx = failing("Contract" + txId(setCode));
    const next = txBy(caller, [act("token.iost", "transfer", ["iost", caller, neighbour, "1", ""])]);
    const outcome = (crash?: { shard: number; block: number }) => {
      const chain = new SimChain(config(), N);
      chain.submit(setCode);
      step(chain, 2);
      chain.submit(tx);
      step(chain);
      chain.submit(next); // same publisher: waits in the pool for the settle
      for (let b = 1; b <= 4; b++) step(chain, 1, crash?.block === b ? crash.shard : undefined);
      const home = chain.shards[1].results;
      return {
        roots: chain.shards.map((s) => Buffer.from(s.root).toString("hex")),
        receipts: [tx, next].map((t) => home.get(txId(t))?.receipt),
        balances: [balance(chain, caller), balance(chain, neighbour)],
        locked: locks(chain),
      };
    };
    const clean = outcome();
    expect(clean.receipts[0]?.statusCode).toBe("RUNTIME_ERROR");
    expect(clean.receipts[1]?.statusCode, "the publisher's next tx runs after the unlock").toBe("SUCCESS");
    expect(clean.locked).toBeUndefined();
    for (const shard of [0, 1]) for (const block of [1, 2, 3]) expect(outcome({ shard, block }), `shard ${shard} crashes at +${block}`).toEqual(clean);
  });
});

describe("a tx across three and more shards: a chain of parts (simulator)", () => {
  const third = USERS.find((u) => shardOf(u, N) === 3)!;
  /** Contracts of shards 0, 2 and 3, called by `caller` of shard 1. */
  function setup() {
    const chain = new SimChain(config(), N);
    const ids = [deploy(chain, deployer), deploy(chain, other), deploy(chain, third)];
    return { chain, ids };
  }
  const settled = (chain: SimChain, tx: Tx) => {
    for (let b = 0; b < 20 && !chain.quiet(); b++) step(chain);
    expect(chain.quiet()).toBe(true);
    return chain.shards[1].results.get(txId(tx))!;
  };

  it("pays on two other shards and writes on a third: each write where its contract lives, one receipt home", () => {
    const { chain, ids } = setup();
    const [b0, supply, g0] = [balance(chain, caller), chain.totalIost(), gasOf(chain, caller)];
    const tx = txBy(caller, [act(ids[1], "pay", ["a", "2"]), act(ids[2], "pay", ["b", "3"]), act(ids[0], "put", ["c", "v"])], { limit: "10" });
    chain.submit(tx);
    step(chain, 4);
    expect(chain.shards[1].results.get(txId(tx))!.pending, "five blocks: home, 2, 3, 0, then back along 3 and 2").toBe(1);
    const r = settled(chain, tx);
    expect(r.receipt).toMatchObject({ statusCode: "SUCCESS", message: "", returns: ['["paid"]', '["paid"]', '["ok:c"]'] });
    expect(r.receipt!.receipts.map((x) => x.funcName)).toEqual(["token.iost/transfer", "token.iost/transfer"]);
    expect([balance(chain, caller), balance(chain, ids[1], 2), balance(chain, ids[2], 3), chain.totalIost()]).toEqual([
      b0 - 5n * IOST,
      2n * IOST,
      3n * IOST,
      supply,
    ]);
    expect(decodeValue(chain.shards[0].store.get(`b-${ids[0]}-c`))?.value).toEqual({ t: "s", v: "v" });
    expect(g0 - gasOf(chain, caller), "gas charged once, at home").toBe(r.receipt!.gasUsage);
    for (const s of chain.shards) {
      expect(s.store.get(LOCKS), `shard ${s.index} unlocked`).toBeUndefined();
      for (const [id, times] of s.applied) expect(times, id).toBe(1);
      expect([...s.store.keys()].filter((k) => k.includes(caller) && !isDirectoryKey(k) && s.index !== 1)).toEqual([]);
    }
  });

  it("fails on the last shard: every earlier part undone (payments included), the escrow home, IOST's message; with a crash anywhere", () => {
    const { chain, ids } = setup();
    for (const crash of [undefined, 2, 3, 1]) {
      const [b0, c2, supply] = [balance(chain, caller), balance(chain, ids[1], 2), chain.totalIost()];
      const tx = txBy(caller, [act(ids[1], "pay", ["x", "2"]), act(ids[2], "put", ["y", "w"]), act(ids[0], "nope", [])], { limit: "10" });
      chain.submit(tx);
      for (let b = 0; b < 20 && !chain.quiet(); b++) {
        step(chain, 1, b === 2 ? crash : undefined);
        expect(chain.totalIost()).toBe(supply);
      }
      const r = settled(chain, tx);
      expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
      expect(r.receipt?.message).toMatch(/^running action Action\{Contract: Contract\w+, ActionName: nope, /);
      expect([r.receipt?.returns, r.receipt?.receipts, r.receipt?.ramUsage]).toEqual([[], [], {}]);
      expect([balance(chain, caller), balance(chain, ids[1], 2)]).toEqual([b0, c2]);
      expect(chain.shards[2].store.get(`b-${ids[1]}-x`)).toBeUndefined();
      expect(chain.shards[3].store.get(`b-${ids[2]}-y`)).toBeUndefined();
      for (const s of chain.shards) expect(s.store.get(LOCKS)).toBeUndefined();
    }
  });

  it("a credit a later part sends to a third shard is charged at home as on one shard, its half waiting for the chain's settle", () => {
    // give: the contract's own iost to an account of another shard, a credit sent by a forwarded part.
    const GIVE = `class Give { init() {} give(to, amount) { blockchain.transfer(blockchain.contractName(), to, amount, ""); return "given"; } }
module.exports = Give;`;
    const deployGive = txBy(deployer, [act("system.iost", "setCode", [contractJson(GIVE, [{ name: "give", args: ["string", "string"] }])])]);
    const give = "Contract" + txId(deployGive);
    const fund = txBy(deployer, [act("token.iost", "transfer", ["iost", deployer, give, "5", ""])]);
    const deploys = [other, third].map((u) => txBy(u, [act("system.iost", "setCode", [contractJson(CODE, ABI)])]));
    const [c2, c3] = deploys.map((t) => "Contract" + txId(t));
    // Home 1, then 2, 3 and 0, whose credit goes to shard 2: its half reaches home a block before the chain's settle.
    const long = txBy(caller, [act(c2, "put", ["p", "1"]), act(c3, "put", ["q", "1"]), act(give, "give", [other, "2"])]);
    // Home 1, then 0, whose credit goes to shard 2 (a third shard): the part's settle comes first.
    const short = txBy(caller, [act(give, "give", [other, "1"])]);
    // Home 1, then 0 (its credit to shard 2 held), then 3, which fails: the credit goes as a probe, its half's gas charged.
    const failing = txBy(caller, [act(give, "give", [other, "1"]), act(c3, "nope", [])]);
    const outcome = (n: number) => {
      const chain = new SimChain(config(), n);
      // The fund, a plain transfer, runs first in a block (src/pool poolOrder): the contract goes a block before.
      chain.submit(deployGive);
      step(chain);
      for (const t of [fund, ...deploys]) chain.submit(t);
      step(chain, 2);
      const home = chain.shards[shardOf(caller, n)];
      const out = [short, long, failing].map((tx) => {
        const [g0, o0] = [gasOf(chain, caller), balance(chain, other, shardOf(other, n))];
        chain.submit(tx);
        let early = false;
        let first: bigint | undefined; // gas_usage when the receipt first looked final
        for (let b = 0; b < 20 && !chain.quiet(); b++) {
          step(chain);
          early ||= (home.store.get(DEFERRED) ?? "").includes(txId(tx));
          const t = home.results.get(txId(tx));
          if (t?.pending === 0) first ??= t.receipt!.gasUsage;
        }
        const r = home.results.get(txId(tx))!;
        expect([r.pending, first], "final only once complete").toEqual([0, r.receipt!.gasUsage]);
        const { statusCode, message, gasUsage, ramUsage, returns, receipts } = r.receipt!;
        expect(g0 - gasOf(chain, caller), "gas charged once, at home").toBe(gasUsage);
        return { early, receipt: { statusCode, message, gasUsage, ramUsage, returns, receipts }, paid: balance(chain, other, shardOf(other, n)) - o0 };
      });
      for (const s of chain.shards) expect([s.store.get(LOCKS), s.store.get(DEFERRED)]).toEqual([undefined, undefined]);
      return out;
    };
    const [one, four] = [outcome(1), outcome(N)];
    expect(one[0].receipt).toMatchObject({ statusCode: "SUCCESS", returns: ['["given"]'] });
    expect(four.map((o) => o.receipt)).toEqual(one.map((o) => o.receipt));
    expect(one[2].receipt).toMatchObject({ statusCode: "RUNTIME_ERROR", returns: [] });
    expect(four.map((o) => o.paid)).toEqual([IOST, 2n * IOST, 0n]);
    expect(
      four.map((o) => o.early),
      "the long chain's half waited in x-deferred",
    ).toEqual([false, true, false]);
  });

  it("a third-shard credit that cannot land: the failure goes to the tx's home, the refund to the sender's shard", () => {
    const chain = new SimChain(config(), N);
    // A part on shard 0 paid ghost0 (shard 2, no such account) for a tx of caller (home: shard 1).
    const credit: CrossReceipt = {
      ...{ id: "tx1:g0", kind: "credit", txHash: "tx1", fromShard: 0, toShard: 2, token: "iost", account: "ghost0", counterpart: deployer },
      ...{ amount: "5", message: "", payer: { publisher: caller, gasRatio: "100", time: "0", third: true } },
    };
    const block = { chainId: 1020, number: 9n, time: T0, parentHash: "", witness: "" };
    const out = chain.shards[2].buildChunk(block, [credit]);
    const settle = { id: "tx1:g0:settle", kind: "settle", txHash: "tx1", fromShard: 2, token: "iost", account: deployer, counterpart: "ghost0" };
    const message = "invalid account ghost0";
    expect(out).toEqual([
      { ...settle, toShard: 1, amount: "0", message, result: expect.objectContaining({ gasUsed: 0, ramUsage: {}, credit: { publisher: caller } }) },
      { ...settle, toShard: 0, amount: "5", message },
    ]);
    expect(chain.shards[2].store.get("m-token.iost-TBghost0-iost")).toBeUndefined();
  });

  it("actions back on shards the tx left run there as more parts (1, 2, 3, 2 and 1, 2, 1, 3), succeeding or undone; with a crash anywhere", () => {
    const { chain, ids } = setup();
    const mine = deploy(chain, caller); // on the home shard, 1
    for (const crash of [undefined, 2, 1, 3]) {
      const [b0, c2, supply] = [balance(chain, caller), balance(chain, ids[1], 2), chain.totalIost()];
      const back = txBy(caller, [act(ids[1], "pay", ["x", "2"]), act(ids[2], "put", ["y", "w"]), act(ids[1], "pay", ["z", "1"])], { limit: "10" });
      const home = txBy(caller, [act(ids[1], "pay", ["u", "1"]), act(mine, "put", ["v", "h"]), act(ids[2], "nope", [])], { limit: "10" });
      chain.submit(back);
      for (let b = 0; b < 20 && !chain.quiet(); b++) {
        step(chain, 1, b === 2 ? crash : undefined);
        expect(chain.totalIost()).toBe(supply);
      }
      expect(settled(chain, back).receipt).toMatchObject({ statusCode: "SUCCESS", returns: ['["paid"]', '["ok:y"]', '["paid"]'] });
      expect([balance(chain, caller), balance(chain, ids[1], 2)]).toEqual([b0 - 3n * IOST, c2 + 3n * IOST]);
      chain.submit(home);
      for (let b = 0; b < 20 && !chain.quiet(); b++) {
        step(chain, 1, b === 3 ? crash : undefined);
        expect(chain.totalIost()).toBe(supply);
      }
      const r = settled(chain, home);
      expect(r.receipt?.message).toMatch(/^running action Action\{Contract: Contract\w+, ActionName: nope, /);
      expect([balance(chain, caller), balance(chain, ids[1], 2)]).toEqual([b0 - 3n * IOST, c2 + 3n * IOST]);
      expect([chain.shards[2].store.get(`b-${ids[1]}-u`), chain.shards[1].store.get(`b-${mine}-v`)]).toEqual([undefined, undefined]);
      for (const s of chain.shards) expect([s.store.get(LOCKS), s.store.get(DEFERRED)]).toEqual([undefined, undefined]);
    }
  });
});

describe("ram.iost/lend across shards", () => {
  const rec = (chain: SimChain, kind: "SR" | "TR", acc: string, shard = shardOf(acc, N)) => {
    const v = decodeValue(chain.shards[shard].store.get(`b-ram.iost-${kind}${acc}`));
    return v && v.value.t === "s" ? BigInt(v.value.v) : 0n;
  };
  const lendTx = (amount: number) =>
    makeTx([act("ram.iost", "lend", [deployer, caller, amount])], {
      publisher: deployer,
      key: fakeKey(USERS.indexOf(deployer)),
      time: T0 + BigInt(nonce++),
      amountLimit: [{ token: "*", value: "unlimited" }],
    });

  it("runs on the borrower's shard on the lender's RAM and records in escrow; each side's records stay home", () => {
    const chain = new SimChain(config(), N);
    const before = [ramOf(chain, deployer), rec(chain, "SR", deployer), rec(chain, "TR", deployer), ramOf(chain, caller), rec(chain, "TR", caller)];
    chain.submit(lendTx(100));
    step(chain, 1);
    step(chain, 1, 1); // the borrower's shard loses the build that runs the lend once
    step(chain, 1);
    const [r] = [...chain.shards[0].results.values()];
    expect(r).toMatchObject({ pending: 0, receipt: { statusCode: "SUCCESS", message: "" } });
    expect(r.receipt!.receipts.map((x) => x.funcName)).toEqual(["token.iost/transfer"]);
    const [ram, sr, tr, bRam, bTr] = before;
    expect([ramOf(chain, deployer), rec(chain, "SR", deployer), rec(chain, "TR", deployer), ramOf(chain, caller), rec(chain, "TR", caller)]).toEqual([
      ram - 100n,
      sr - 100n,
      tr - 100n,
      bRam + 100n,
      bTr + 100n,
    ]);
    expect([...chain.shards[1].store.keys()].filter((k) => k.includes(deployer) && !isDirectoryKey(k))).toEqual([]);
  });

  it("beyond the lender's bought RAM fails there with ram.iost's error and changes nothing", () => {
    const chain = new SimChain(config(), N);
    const before = [ramOf(chain, deployer), rec(chain, "SR", deployer), rec(chain, "TR", deployer), rec(chain, "TR", caller)];
    const tx = lendTx(Number(before[1]) + 1);
    const r = run(chain, tx);
    expect(r.receipt?.statusCode).toBe("RUNTIME_ERROR");
    expect(r.receipt?.message).toContain(`self ram amount ${before[1]}, not enough for lend`);
    expect([ramOf(chain, deployer), rec(chain, "SR", deployer), rec(chain, "TR", deployer), rec(chain, "TR", caller)]).toEqual(before);
  });
});

describe('a chain\'s RAM debt in receipts (docs/SHARDING.md "RAM of a chain")', () => {
  const action = (debt: unknown): CrossReceipt => ({
    id: "x:0",
    kind: "action",
    txHash: "x",
    fromShard: 1,
    toShard: 2,
    token: "iost",
    account: "user01",
    counterpart: "Contractx",
    amount: "0",
    message: "",
    forward: { vmGas: 0, ord: bareOrd("x"), block: { number: "1", time: "0", parentHash: "", witness: "" }, debt } as unknown as Forwarded,
  });
  it("accepts bytes owed or freed and short payers' messages, refuses anything else", () => {
    expect(() => checkReceipt(action({ owed: "-77", short: [["Contractx", "pay ram failed. id: user00 need 9, actual 1"]] }), 4)).not.toThrow();
    for (const bad of [
      { owed: "1.5", short: [] },
      { owed: "7" },
      { owed: "1", short: [["a"]] },
      { owed: "1", short: [["a", 2]] },
      { owed: "1".repeat(20), short: [] },
    ])
      expect(() => checkReceipt(action(bad), 4), JSON.stringify(bad)).toThrow(ReceiptRefused);
    const settle = {
      ...action(undefined),
      kind: "settle" as const,
      forward: undefined,
      result: { gasReserved: 0, gasUsed: 0, gasRatio: "100", returns: [], receipts: [], ramUsage: {} },
    };
    expect(() => checkReceipt({ ...settle, result: { ...settle.result, ramPaid: "-12" } }, 4)).not.toThrow();
    expect(() => checkReceipt({ ...settle, result: { ...settle.result, ramPaid: "x" } }, 4)).toThrow(ReceiptRefused);
  });
  it("refuses a part whose tx's pool key is missing, another tx's, or of another time or gas ratio than its tx's", () => {
    const f = bareForward("user01", undefined, "x");
    const part = (ord: unknown): CrossReceipt => ({ ...action(undefined), forward: { ...f, ord: ord as string } });
    expect(() => checkReceipt(part(f.ord), 4)).not.toThrow();
    const other = poolOrder({ actions: [], gasRatio: 200n, time: 0n } as unknown as Tx, "x");
    const later = poolOrder({ actions: [], gasRatio: 100n, time: 1n } as unknown as Tx, "x");
    for (const ord of [undefined, bareOrd("y"), other, later, "0|1", 5])
      expect(() => checkReceipt(part(ord), 4), JSON.stringify(ord)).toThrow(
        new ReceiptRefused(`receipt x:0 refused: ord ${JSON.stringify(ord)} is not its tx's pool key`),
      );
  });
  it("accepts bytes contracts were charged by parts away from home, refuses an account's and malformed bytes", () => {
    const owing = (contracts: unknown) => action({ owed: "0", short: [], contracts });
    expect(() => checkReceipt(owing([["Contractx", "109"]]), 4)).not.toThrow();
    expect(() => checkReceipt(owing([["Contractx", "-3"]]), 4)).not.toThrow();
    for (const bad of [[["user05", "79"]], [["Contractx", "7.9"]], [["Contractx", 79]], [["Contractx"]], "Contractx", { Contractx: "79" }])
      expect(() => checkReceipt(owing(bad), 4), JSON.stringify(bad)).toThrow(ReceiptRefused);
  });
  it("accepts bytes other owners' contracts were charged and paid by parts so far, refuses an account's and malformed bytes", () => {
    const owing = (charged: unknown) => action({ owed: "0", short: [], charged });
    expect(() => checkReceipt(owing([["Contractx", "222", "111"]]), 4)).not.toThrow();
    expect(() => checkReceipt(owing([["Contractx", "-3", "0"]]), 4)).not.toThrow();
    for (const bad of [
      [["user05", "79", "0"]],
      [["Contractx", "79"]],
      [["Contractx", "79", "7.9"]],
      [["Contractx", 79, "0"]],
      [["Contractx", "79", "0", "1"]],
      "Contractx",
      { Contractx: ["79", "0"] },
    ])
      expect(() => checkReceipt(owing(bad), 4), JSON.stringify(bad)).toThrow(ReceiptRefused);
  });
  it("accepts bytes a co-signer of another shard owes, refuses any other account's and malformed bytes", () => {
    const signed = (away: unknown): CrossReceipt => {
      const r = action({ owed: "0", short: [], away });
      return {
        ...r,
        forward: {
          ...r.forward!,
          authority: [
            { account: "user01", signed: ["active"] },
            { account: "user05", signed: ["active"] },
          ],
        },
      };
    };
    expect(() => checkReceipt(signed([["user05", "79"]]), 4)).not.toThrow();
    expect(() => checkReceipt(signed([["user05", "-2"]]), 4)).not.toThrow();
    for (const bad of [[["user06", "79"]], [["user05", "7.9"]], [["user05", 79]], [["user05"]], "user05", { user05: "79" }])
      expect(() => checkReceipt(signed(bad), 4), JSON.stringify(bad)).toThrow(ReceiptRefused);
  });

  it("accepts a credit's RAM reservation and its settle's, refuses a malformed one", () => {
    const payer = { publisher: "user01", gasRatio: "100", time: "0" };
    const credit = { ...action(undefined), kind: "credit" as const, forward: undefined, amount: "5" };
    expect(() => checkReceipt({ ...credit, payer: { ...payer, reserve: { ram: "85", paid: "-3" } } }, 4)).not.toThrow();
    for (const reserve of [
      { ram: "-1", paid: "0" },
      { ram: "1.5", paid: "0" },
      { ram: "1", paid: "x" },
      { ram: "1".repeat(20), paid: "0" },
    ])
      expect(() => checkReceipt({ ...credit, payer: { ...payer, reserve } }, 4), JSON.stringify(reserve)).toThrow(ReceiptRefused);
    const half = { gasReserved: 0, gasUsed: 0, gasRatio: "100", returns: [], receipts: [], ramUsage: {} };
    const settle = { ...credit, kind: "settle" as const, amount: "0" };
    expect(() => checkReceipt({ ...settle, result: { ...half, credit: { publisher: "user01", reserved: "85" } } }, 4)).not.toThrow();
    expect(() => checkReceipt({ ...settle, result: { ...half, credit: { publisher: "user01", reserved: "-85" } } }, 4)).toThrow(ReceiptRefused);
  });
});
