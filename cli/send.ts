/**
 * Building, signing and sending a tx with the protocol core (src/tx,
 * src/crypto), then waiting for its receipt, which the node answers once the
 * tx is irreversible.
 */
import { sign, type KeyPair } from "../src/crypto";
import { gasToInternal, publishHash, txToRequestJson, type Action, type AmountLimit, type Tx } from "../src/tx";
import { CliError } from "./errors";
import { unlockKey } from "./keystore";
import type { GlobalOptions } from "./options";
import { withSpinner } from "./output";
import { password } from "./prompt";
import { type NodeClient, NodeError } from "./rpc";

const EXPIRATION_NS = 90n * 1_000_000_000n;
const RECEIPT_TIMEOUT_MS = 90_000;
/** Receipt answers that mean "not yet"; anything else (dropped, expired) is final. */
const NOT_YET = /tx is pending|not irreversible yet|in flight|tx not found/;

export interface Signer {
  account: string;
  key: KeyPair;
}

/** The --account's key from the keystore, checked against the account's keys on chain before anything is signed. */
export async function signer(opts: GlobalOptions, client: NodeClient): Promise<Signer> {
  if (!opts.account) throw new CliError("this command sends a tx: pass --account <name> (its key must be in the keystore)");
  const account = opts.account;
  const chain = await client.account(account);
  const key = unlockKey(opts.keystore, account, await password(`the key of ${account}`));
  const active = (chain.permissions?.active?.items ?? []).map((i: { id: string }) => i.id);
  if (!active.includes(key.id)) throw new CliError(`wrong key: ${key.id} from the keystore is not an active key of ${account}`);
  return { account, key };
}

export async function chainId(opts: GlobalOptions, client: NodeClient): Promise<number> {
  return opts.chainId ?? Number((await client.get("/getChainInfo")).chain_id);
}

export function buildTx(opts: GlobalOptions, chain: number, from: Signer, actions: Action[], defaultLimit: AmountLimit[]): Tx {
  const time = BigInt(Date.now()) * 1_000_000n;
  const tx: Tx = {
    time,
    expiration: time + EXPIRATION_NS,
    gasRatio: gasToInternal(opts.gasRatio),
    gasLimit: gasToInternal(opts.gasLimit),
    delay: 0n,
    chainId: chain,
    signers: [],
    actions,
    amountLimit: opts.amountLimit ?? defaultLimit,
    signatures: [],
    publisher: from.account,
    publisherSigs: [],
  };
  tx.publisherSigs = [sign(from.key.algorithm, from.key.secretKey, publishHash(tx))];
  return tx;
}

export function action(contract: string, actionName: string, args: unknown[]): Action {
  return { contract, actionName, data: JSON.stringify(args) };
}

export interface Sent {
  hash: string;
  receipt: any;
}

/** Sends and waits for the receipt; a receipt whose status is not SUCCESS is an error with the node's message. */
export async function sendAndWait(client: NodeClient, tx: Tx): Promise<Sent> {
  const { hash } = await client.post<{ hash: string }>("/sendTx", txToRequestJson(tx));
  const receipt = await withSpinner(`waiting for ${hash} to be irreversible`, () => waitForReceipt(client, hash));
  if (receipt.status_code !== "SUCCESS") throw new CliError(`tx ${hash} failed: ${receipt.status_code} ${receipt.message}`);
  return { hash, receipt };
}

async function waitForReceipt(client: NodeClient, hash: string): Promise<any> {
  const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
  for (;;) {
    try {
      return await client.get(`/getTxReceiptByTxHash/${hash}`);
    } catch (err) {
      if (!(err instanceof NodeError) || !NOT_YET.test(err.message)) throw err;
      if (Date.now() > deadline) throw new CliError(`tx ${hash} sent, but no receipt after ${RECEIPT_TIMEOUT_MS / 1000} s (${err.message})`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
