/** `account create <name>` (signUp + ram buy + pledge, as iost.js newAccount) and `account view <name>`. */
import { newKeyPair } from "../../src/crypto";
import { CliError } from "../errors";
import { removeKey, saveKey } from "../keystore";
import { accountName, amount } from "../options";
import { lines, print } from "../output";
import { password } from "../prompt";
import { action, buildTx, chainId, sendAndWait, signer } from "../send";
import { algorithmOf } from "./keys";
import type { Command } from "./context";

const create: Command = async ({ opts, flags, client }, [name]) => {
  const account = accountName(name);
  const ram = Number(amount(String(flags.ram ?? "1024"), "--ram"));
  if (!Number.isInteger(ram)) throw new CliError(`bad --ram "${String(flags.ram)}": whole bytes`);
  const pledge = amount(String(flags.pledge ?? "10"), "--pledge");
  const creator = await signer(opts, client);
  const kp = newKeyPair(algorithmOf(flags.algo));
  const tx = buildTx(
    opts,
    await chainId(opts, client),
    creator,
    [
      action("auth.iost", "signUp", [account, kp.id, kp.id]),
      action("ram.iost", "buy", [creator.account, account, ram]),
      action("gas.iost", "pledge", [creator.account, account, pledge]),
    ],
    [
      { token: "iost", value: "unlimited" },
      { token: "ram", value: "unlimited" },
    ],
  );
  // Stored before sending, so a created account never lacks its key; removed again if creation fails.
  const file = saveKey(opts.keystore, account, kp, await password(`the new key of ${account}`, true));
  const { hash } = await sendAndWait(client, tx).catch((err) => {
    removeKey(opts.keystore, account);
    throw err;
  });
  print(opts.json, { account, public_key: kp.id, keystore_file: file, tx_hash: hash }, () =>
    lines([
      ["created", account],
      ["key", kp.id],
      ["keystore", file],
      ["tx", hash],
    ]),
  );
};

const view: Command = async ({ opts, client }, [name]) => {
  const account = accountName(name);
  const a = await client.account(account);
  print(opts.json, a, () =>
    lines([
      ["account", a.name],
      ["balance", `${a.balance_string ?? a.balance} IOST`],
      ["gas", `${a.gas_info.current_total} (limit ${a.gas_info.limit})`],
      ["ram", `${a.ram_info.used} used of ${a.ram_info.total} bytes`],
      ...Object.values<any>(a.permissions).map((p): [string, string] => [`${p.name} keys`, p.items.map((i: any) => i.id).join(", ")]),
    ]),
  );
};

export const accountCommands: Record<string, Command> = { create, view };
