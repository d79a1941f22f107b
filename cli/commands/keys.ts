/** `key new`, `key import <account> <secret>`, `key list`: the local encrypted keystore. */
import { base58Encode } from "../../src/codec/base58";
import { keyPairFromBase58, newKeyPair } from "../../src/crypto";
import { ED25519, SECP256K1, type Algorithm } from "../../src/tx";
import { CliError, usage } from "../errors";
import { algorithmName, listKeys, saveKey } from "../keystore";
import { accountName } from "../options";
import { lines, print } from "../output";
import { password } from "../prompt";
import type { Command } from "./context";

export function algorithmOf(flag: string | boolean | undefined): Algorithm {
  if (flag === undefined || flag === "ed25519") return ED25519;
  if (flag === "secp256k1") return SECP256K1;
  throw new CliError(`bad --algo "${String(flag)}": ed25519 or secp256k1`);
}

const keyNew: Command = async ({ opts, flags }) => {
  const kp = newKeyPair(algorithmOf(flags.algo));
  const view = { algorithm: algorithmName(kp.algorithm), public_key: kp.id, secret_key: base58Encode(kp.secretKey) };
  print(opts.json, view, () =>
    lines([
      ["algorithm", view.algorithm],
      ["public key", view.public_key],
      ["secret key", `${view.secret_key}  (keep it secret; \`key import\` stores it encrypted)`],
    ]),
  );
};

const keyImport: Command = async ({ opts, flags }, [name, secret]) => {
  const account = accountName(name);
  if (secret === undefined) throw usage("missing secret key (base58)");
  let kp;
  try {
    kp = keyPairFromBase58(algorithmOf(flags.algo), secret);
  } catch {
    throw new CliError(`bad secret key for ${account}: expected base58 of a ${algorithmName(algorithmOf(flags.algo))} secret`);
  }
  const file = saveKey(opts.keystore, account, kp, await password(`the new key of ${account}`, true));
  print(opts.json, { account, public_key: kp.id, file }, () => `stored the key ${kp.id} of ${account} in ${file}`);
};

const keyList: Command = async ({ opts }) => {
  const keys = listKeys(opts.keystore).map((k) => ({ account: k.account, algorithm: k.algorithm, public_key: k.public_key }));
  print(opts.json, keys, () =>
    keys.length ? keys.map((k) => `${k.account.padEnd(12)} ${k.algorithm.padEnd(9)} ${k.public_key}`).join("\n") : `no keys in ${opts.keystore}`,
  );
};

export const keyCommands: Record<string, Command> = { new: keyNew, import: keyImport, list: keyList };
