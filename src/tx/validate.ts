/**
 * Tx validation with go-iost's exact messages (core/tx/tx.go VerifySelf,
 * core/txpool/tx_pool.go verifyTx). Each check is exported on its own so the
 * edge can interleave its own steps in Go's order; admitTx/verifyTx run them
 * in that order and produce the message /sendTx would show.
 */
import { sha3 } from "../crypto/sha3.js";
import { verify } from "../crypto/signature.js";
import { checkBadTx } from "./badtx.js";
import { type TxEncoding, txEncoding } from "./bytes.js";
import { TxError } from "./errors.js";
import type { Tx } from "./types.js";

const SECOND = 1_000_000_000n;
/** txpool maxTxTimeGap: a tx may be stamped at most 30 s in the future. */
const MAX_TIME_GAP = 30n * SECOND;
/** tx.MaxExpiration: a tx is stale 90 s after its time, whatever its expiration says. */
const MAX_EXPIRATION = 90n * SECOND;
const TX_SIZE_LIMIT = 65536;
const GAS_RATIO = [100n, 10000n] as const;
const GAS_LIMIT = [600000n, 400000000n] as const;

/**
 * VerifySelf without the signatures, in Go's order. Returns the tx's encoding it measured (txEncoding, or `given`,
 * the caller's), so the signatures' hashes, the id and the replay key are made of it instead of encoding the tx again for each.
 */
export function checkTxSelf(tx: Tx, chainId: number, given?: TxEncoding): TxEncoding {
  if (tx.chainId !== chainId) throw new TxError(`invalid chain_id, should be ${chainId}, yours:${tx.chainId}`);
  if (!(tx.time > 0n && tx.expiration > tx.time)) throw new TxError("invalid time and expiration");
  if (tx.delay !== 0n) throw new TxError("invalid delay time");
  const encoding = given ?? txEncoding(tx);
  const size = encoding.full.length;
  if (size > TX_SIZE_LIMIT) throw new TxError(`tx size illegal, should <= ${TX_SIZE_LIMIT}, got ${size}`);
  if (tx.gasRatio < GAS_RATIO[0] || tx.gasRatio > GAS_RATIO[1]) {
    throw new TxError(`gas ratio illegal, should in [${GAS_RATIO[0] / 100n}, ${GAS_RATIO[1] / 100n}]`);
  }
  if (tx.gasLimit < GAS_LIMIT[0] || tx.gasLimit > GAS_LIMIT[1]) {
    throw new TxError(`gas limit illegal, should in [${GAS_LIMIT[0] / 100n}, ${GAS_LIMIT[1] / 100n}]`);
  }
  return encoding;
}

/**
 * Pool admission time window, `now` in ns. Like Go (tx.IsExpired) we do not
 * bound expiration - time: a far expiration is allowed, but the tx still goes
 * stale 90 s after its time.
 */
export function checkTxTime(tx: Tx, now: bigint): void {
  if (tx.time > now + MAX_TIME_GAP) {
    throw new TxError(`TimeError: tx.time is too large(tx.time: ${tx.time}, now: ${now}). Please sync time`);
  }
  if (tx.expiration <= now || now - tx.time > MAX_EXPIRATION) {
    throw new TxError(`TimeError: tx.time is expired(tx.time: ${tx.time}, now: ${now}). Please sync time`);
  }
}

/** The signature half of VerifySelf. All signatures are checked concurrently; the reported error keeps Go's priority. */
export async function verifyTxSignatures(tx: Tx, encoding = txEncoding(tx)): Promise<void> {
  const base = sha3(encoding.base);
  const publish = sha3(encoding.publish);
  const [signers, publishers] = await Promise.all([
    Promise.all(tx.signatures.map((s) => verify(s, base))),
    Promise.all(tx.publisherSigs.map((s) => verify(s, publish))),
  ]);
  if (signers.includes(false)) throw new TxError("signer error");
  if (publishers.length === 0) throw new TxError("publisher empty error");
  if (publishers.includes(false)) throw new TxError("publisher error");
}

export interface AdmitOptions {
  chainId: number;
  /** Node clock in ns. */
  now: bigint;
}

/**
 * The tx-pool stage of /sendTx: time window, then VerifySelf with Go's
 * "VerifyError " prefix. Go runs its duplicate check (`tx exists in pending`,
 * `tx exists in chain`) and `txpool is full` before this; those are the edge's.
 * Returns the tx's encoding (checkTxSelf), for its id and replay key.
 */
export async function admitTx(tx: Tx, { chainId, now }: AdmitOptions): Promise<TxEncoding> {
  checkTxTime(tx, now);
  try {
    const encoding = checkTxSelf(tx, chainId);
    await verifyTxSignatures(tx, encoding);
    return encoding;
  } catch (e) {
    if (e instanceof TxError) throw new TxError(`VerifyError ${e.message}`);
    throw e;
  }
}

/**
 * /sendTx's checks in go-iost's order, throwing the TxError it would show:
 * CheckBadTx (no prefix), then admitTx. The publisher gas check
 * (`gas not enough: user X has Y < Z`, state-dependent, not in this module)
 * sits between the two in Go; an edge that does it should call checkBadTx,
 * its gas check, then admitTx instead of this.
 */
export async function verifyTx(tx: Tx, options: AdmitOptions): Promise<void> {
  checkBadTx(tx);
  await admitTx(tx, options);
}
