/** `balance <account>` and `transfer <to> <amount>` (token.iost, default token iost). */
import { accountName, amount } from "../options";
import { lines, print } from "../output";
import { action, buildTx, chainId, sendAndWait, signer } from "../send";
import type { Command } from "./context";

const tokenOf = (flag: string | boolean | undefined) => (typeof flag === "string" ? flag : "iost");

export const balance: Command = async ({ opts, flags, client }, [name]) => {
  const account = accountName(name ?? opts.account);
  const token = tokenOf(flags.token);
  // getTokenBalance answers 0 for names that never existed; ask for the account first so a typo is an error.
  await client.account(account);
  const b = await client.get(`/getTokenBalance/${account}/${encodeURIComponent(token)}/true`);
  print(opts.json, { account, token, ...b }, () => `${b.balance} ${token}`);
};

export const transfer: Command = async ({ opts, flags, client }, [to, value]) => {
  const receiver = accountName(to, "receiver");
  const sum = amount(value);
  const token = tokenOf(flags.token);
  const from = await signer(opts, client);
  const tx = buildTx(
    opts,
    await chainId(opts, client),
    from,
    [action("token.iost", "transfer", [token, from.account, receiver, sum, String(flags.memo ?? "")])],
    [{ token, value: sum }],
  );
  const { hash, receipt } = await sendAndWait(client, tx);
  print(opts.json, { tx_hash: hash, receipt }, () =>
    lines([
      ["sent", `${sum} ${token} from ${from.account} to ${receiver}`],
      ["tx", hash],
      ["gas", receipt.gas_usage],
    ]),
  );
};
