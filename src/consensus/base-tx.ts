/**
 * The base tx: the first tx of every block after genesis (go-iost
 * verifier.NewBaseTx). Every node rebuilds it from the block's own data, so it
 * carries no signature: publisher `base.iost` (a contract, so no user tx can
 * publish as it), one action `base.iost/exec`, the block's time and chain id,
 * IOST's gas (1,000,000 gas at ratio 1.00), amount limit `*:unlimited`.
 *
 * Data: `[{"parent":["<parent witness>","<parent time ns>"]}]`. IOST's array
 * holds the parent's witness and gas usage; bonus.iost and base.iost read only
 * `parent[0]`, so the second place carries what base.iost needs here instead:
 * the parent's time, to count the slots missed since it (docs/REWARDS.md).
 */
import type { Tx } from "../tx/types.js";

export const BASE_CONTRACT = "base.iost";
/** ×100, as Tx.gasLimit: IOST's 1,000,000 gas. */
export const BASE_GAS_LIMIT = 100_000_000n;

export interface BaseBlock {
  chainId: number;
  number: bigint;
  /** This block's time, ns. */
  time: bigint;
  /** The parent block's witness (base58 pubkey). */
  parentWitness: string;
  /** The parent block's time, ns. */
  parentTime: bigint;
}

/** The JSON args of base.iost/exec for a block (deterministic text). */
export function baseTxData(b: Pick<BaseBlock, "parentWitness" | "parentTime">): string {
  return JSON.stringify([{ parent: [b.parentWitness, b.parentTime.toString()] }]);
}

export function baseTx(b: BaseBlock): Tx {
  return {
    time: b.time,
    expiration: 0n, // IOST leaves it unset: the base tx never waits in a pool
    gasRatio: 100n,
    gasLimit: BASE_GAS_LIMIT,
    delay: 0n,
    chainId: b.chainId,
    signers: [],
    actions: [{ contract: BASE_CONTRACT, actionName: "exec", data: baseTxData(b) }],
    amountLimit: [{ token: "*", value: "unlimited" }],
    signatures: [],
    publisher: BASE_CONTRACT,
    publisherSigs: [],
  };
}

/** Whether `tx` is the base tx of block `b` (byte for byte what baseTx builds). */
export function isBaseTxOf(tx: Tx, b: BaseBlock): boolean {
  const want = baseTx(b);
  return (
    tx.publisher === want.publisher &&
    tx.time === want.time &&
    tx.expiration === want.expiration &&
    tx.gasRatio === want.gasRatio &&
    tx.gasLimit === want.gasLimit &&
    tx.delay === want.delay &&
    tx.chainId === want.chainId &&
    tx.signers.length === 0 &&
    tx.signatures.length === 0 &&
    tx.publisherSigs.length === 0 &&
    tx.amountLimit.length === 1 &&
    tx.amountLimit[0].token === "*" &&
    tx.amountLimit[0].value === "unlimited" &&
    tx.actions.length === 1 &&
    tx.actions[0].contract === want.actions[0].contract &&
    tx.actions[0].actionName === want.actions[0].actionName &&
    tx.actions[0].data === want.actions[0].data
  );
}
