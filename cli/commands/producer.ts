/**
 * `producer register` and `producer vote <producer> <amount>`: vote_producer.iost
 * actions as iwallet sends them. Where the node has no such contract yet, the
 * node's own error is what the user sees.
 */
import { usage } from "../errors";
import { accountName, amount } from "../options";
import { lines, print } from "../output";
import { action, buildTx, chainId, sendAndWait, signer } from "../send";
import type { Command } from "./context";

const register: Command = async ({ opts, flags, client }) => {
  const from = await signer(opts, client);
  const pubkey = String(flags.pubkey ?? from.key.id);
  const args = [from.account, pubkey, String(flags.location ?? ""), String(flags.url ?? ""), String(flags["net-id"] ?? ""), !flags.partner];
  const tx = buildTx(opts, await chainId(opts, client), from, [action("vote_producer.iost", "applyRegister", args)], []);
  const { hash } = await sendAndWait(client, tx);
  print(opts.json, { tx_hash: hash }, () => lines([["registered", from.account], ["tx", hash]]));
};

const vote: Command = async ({ opts, client }, [producer, value]) => {
  if (producer === undefined) throw usage("producer vote needs <producer> <amount>");
  const target = accountName(producer, "producer");
  const sum = amount(value);
  const from = await signer(opts, client);
  const tx = buildTx(opts, await chainId(opts, client), from, [action("vote_producer.iost", "vote", [from.account, target, sum])], [{ token: "iost", value: sum }]);
  const { hash } = await sendAndWait(client, tx);
  print(opts.json, { tx_hash: hash }, () => lines([["voted", `${sum} IOST for ${target}`], ["tx", hash]]));
};

export const producerCommands: Record<string, Command> = { register, vote };
