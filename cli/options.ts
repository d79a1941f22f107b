/** Global flags, shared by every command, and checks of user-typed values. */
import type { AmountLimit } from "../src/tx";
import { CliError, usage } from "./errors";
import { DEFAULT_KEYSTORE } from "./keystore";

export const GLOBAL_FLAGS = {
  server: { type: "string", default: "http://127.0.0.1:30001" },
  account: { type: "string" },
  "chain-id": { type: "string" },
  "gas-limit": { type: "string", default: "1000000" },
  "gas-ratio": { type: "string", default: "1" },
  "amount-limit": { type: "string" },
  keystore: { type: "string", default: DEFAULT_KEYSTORE },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export interface GlobalOptions {
  server: string;
  account?: string;
  chainId?: number;
  gasLimit: number;
  gasRatio: number;
  amountLimit?: AmountLimit[];
  keystore: string;
  json: boolean;
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;
const ACCOUNT = /^[a-z0-9_]{5,11}$/;

/** A positive decimal amount as IOST writes it ("1", "0.5"); no signs, exponents or spaces. */
export function amount(text: string | undefined, what = "amount"): string {
  if (text === undefined) throw usage(`missing ${what}`);
  if (!DECIMAL.test(text) || /^0(\.0+)?$/.test(text)) throw new CliError(`bad ${what} "${text}": expected a positive decimal number such as 1 or 0.5`);
  return text;
}

export function accountName(text: string | undefined, what = "account name"): string {
  if (text === undefined) throw usage(`missing ${what}`);
  if (!ACCOUNT.test(text)) throw new CliError(`bad ${what} "${text}": 5 to 11 characters of a-z, 0-9 and _`);
  return text;
}

function positiveNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!DECIMAL.test(text) || !(n > 0)) throw new CliError(`bad --${flag} "${text}": expected a positive number`);
  return n;
}

/** iwallet's `--amount_limit` form: "iost:100|ram:unlimited" (also "*:unlimited"). */
export function amountLimits(text: string): AmountLimit[] {
  return text.split("|").map((part) => {
    const [token, value] = part.split(":");
    if (!token || value === undefined || (value !== "unlimited" && !DECIMAL.test(value))) {
      throw new CliError(`bad --amount-limit "${text}": expected token:amount pairs joined by |, e.g. iost:100|ram:unlimited`);
    }
    return { token, value };
  });
}

export function globalOptions(v: Record<string, string | boolean | undefined>): GlobalOptions {
  const chainId = v["chain-id"] as string | undefined;
  if (chainId !== undefined && !/^[0-9]+$/.test(chainId)) throw new CliError(`bad --chain-id "${chainId}": expected a number`);
  let server = String(v.server).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(server)) server = `http://${server}`;
  return {
    server,
    account: v.account as string | undefined,
    chainId: chainId === undefined ? undefined : Number(chainId),
    gasLimit: positiveNumber(String(v["gas-limit"]), "gas-limit"),
    gasRatio: positiveNumber(String(v["gas-ratio"]), "gas-ratio"),
    amountLimit: v["amount-limit"] === undefined ? undefined : amountLimits(String(v["amount-limit"])),
    keystore: String(v.keystore),
    json: Boolean(v.json),
  };
}
