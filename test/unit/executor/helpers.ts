/** Test helpers: a dev chain in memory, hand-built transactions. */
import { base58Decode } from "../../../src/codec/base58";
import { applyGenesis, devGenesis, DEV_ADMIN_PUBKEY, type GenesisConfig } from "../../../src/genesis/index";
import { executeTx, type BlockContext, type ExecuteResult } from "../../../src/executor/index";
import { MemoryStore } from "../../../src/state/memory-store";
import { State } from "../../../src/state/state";
import { txHash } from "../../../src/tx/bytes";
import { ED25519, type Action, type AmountLimit, type Signature, type Tx, type TxReceipt } from "../../../src/tx/types";

export { DEV_ADMIN_PUBKEY };
export const SEC = 1_000_000_000n;

/** Deterministic fake 32-byte public keys, base58. */
export function fakeKey(i: number): string {
  const b = new Uint8Array(32);
  b[0] = 7;
  b[31] = i & 0xff;
  b[30] = (i >> 8) & 0xff;
  return base58Enc(b);
}
import { base58Encode as base58Enc } from "../../../src/codec/base58";

export function sig(pubkeyB58: string): Signature {
  return { algorithm: ED25519, sig: new Uint8Array(64), pubkey: base58Decode(pubkeyB58) };
}

export interface TxOpts {
  publisher?: string;
  /** publisher key (base58), default the dev admin key */
  key?: string;
  signers?: string[];
  signerKeys?: string[];
  amountLimit?: AmountLimit[];
  gasLimit?: bigint; // gas units
  gasRatio?: bigint; // ×100
  time?: bigint;
}

export function makeTx(actions: Action[], o: TxOpts = {}): Tx {
  const time = o.time ?? 1541847845_000_000_000n + 10n * SEC;
  return {
    time,
    expiration: time + 90n * SEC,
    gasRatio: o.gasRatio ?? 100n,
    gasLimit: (o.gasLimit ?? 1_000_000n) * 100n,
    delay: 0n,
    chainId: 1020,
    signers: o.signers ?? [],
    actions,
    amountLimit: o.amountLimit ?? [{ token: "*", value: "unlimited" }],
    signatures: (o.signerKeys ?? []).map(sig),
    publisher: o.publisher ?? "admin",
    publisherSigs: [sig(o.key ?? DEV_ADMIN_PUBKEY)],
  };
}

export const act = (contract: string, actionName: string, data: unknown[] | string): Action => ({
  contract,
  actionName,
  data: typeof data === "string" ? data : JSON.stringify(data),
});

export function block(n: bigint, time: bigint = 1541847845_000_000_000n + (n * SEC) / 2n): BlockContext {
  return { chainId: 1020, number: n, time, parentHash: "parent", witness: "producer000" };
}

export class Chain {
  readonly store = new MemoryStore();
  readonly state: State;
  height = 1n;
  time: bigint;
  constructor(config: GenesisConfig = devGenesis()) {
    applyGenesis(this.store, config);
    this.state = new State(this.store);
    this.time = config.time + 10n * SEC;
  }
  block(): BlockContext {
    return block(this.height, this.time);
  }
  /** Execute in the current block; commit on receipt. */
  run(tx: Tx): ExecuteResult {
    const r = executeTx(this.state, tx, txHash(tx), this.block());
    this.state.commit();
    return r;
  }
  receipt(tx: Tx): TxReceipt {
    const r = this.run(tx);
    if ("dropped" in r) throw new Error("dropped: " + r.dropped);
    return r.receipt;
  }
  advance(seconds: bigint): void {
    this.time += seconds * SEC;
    this.height += 1n;
  }
  /** Sign up `id` (key = fakeKey(n)) by admin and give it IOST, gas and RAM. */
  newAccount(id: string, key: string, iost = "1000", ram = 10000n, pledge = "100"): TxReceipt {
    const actions = [act("auth.iost", "signUp", [id, key, key])];
    if (iost !== "0") actions.push(act("token.iost", "transfer", ["iost", "admin", id, iost, ""]));
    actions.push(act("gas.iost", "pledge", ["admin", id, pledge]), act("ram.iost", "buy", ["admin", id, Number(ram)]));
    const r = this.receipt(makeTx(actions));
    if (r.statusCode !== "SUCCESS") throw new Error(r.message);
    return r;
  }
}
