/**
 * `producer …`: vote_producer.iost actions as iwallet sends them, and the
 * producer's vote info. Account-scoped actions are signed by --account.
 */
import { usage } from "../errors";
import { accountName, amount } from "../options";
import { lines, print } from "../output";
import { action, buildTx, chainId, sendAndWait, signer } from "../send";
import type { Command } from "./context";

/** One vote_producer.iost action by --account; `args` gets the signer's account name. */
function simple(abi: string, args: (account: string, pos: string[]) => unknown[], done: string): Command {
  return async ({ opts, client }, pos) => {
    const from = await signer(opts, client);
    const tx = buildTx(opts, await chainId(opts, client), from, [action("vote_producer.iost", abi, args(from.account, pos))], []);
    const { hash } = await sendAndWait(client, tx);
    print(opts.json, { tx_hash: hash }, () =>
      lines([
        [done, String(args(from.account, pos)[0])],
        ["tx", hash],
      ]),
    );
  };
}

function target(pos: string[], what: string): string {
  if (pos[0] === undefined) throw usage(`producer ${what} needs <account>`);
  return accountName(pos[0], "account");
}

const register: Command = async ({ opts, flags, client }) => {
  const from = await signer(opts, client);
  const pubkey = String(flags.pubkey ?? from.key.id);
  const args = [from.account, pubkey, String(flags.location ?? ""), String(flags.url ?? ""), String(flags["net-id"] ?? ""), !flags.partner];
  const tx = buildTx(opts, await chainId(opts, client), from, [action("vote_producer.iost", "applyRegister", args)], []);
  const { hash } = await sendAndWait(client, tx);
  print(opts.json, { tx_hash: hash }, () =>
    lines([
      ["registered", from.account],
      ["tx", hash],
    ]),
  );
};

function voting(abi: "vote" | "unvote", done: string): Command {
  return async ({ opts, client }, [producer, value]) => {
    if (producer === undefined) throw usage(`producer ${abi} needs <producer> <amount>`);
    const who = accountName(producer, "producer");
    const sum = amount(value);
    const from = await signer(opts, client);
    const limit = abi === "vote" ? [{ token: "iost", value: sum }] : [];
    const tx = buildTx(opts, await chainId(opts, client), from, [action("vote_producer.iost", abi, [from.account, who, sum])], limit);
    const { hash } = await sendAndWait(client, tx);
    print(opts.json, { tx_hash: hash }, () =>
      lines([
        [done, `${sum} IOST for ${who}`],
        ["tx", hash],
      ]),
    );
  };
}

const info: Command = async ({ opts, client }, pos) => {
  const who = target(pos, "info");
  const view = await client.get(`/getProducerVoteInfo/${encodeURIComponent(who)}/true`);
  print(opts.json, view, () =>
    lines([
      ["producer", who],
      ["pubkey", String(view.pubkey)],
      ["status", String(view.status)],
      ["online", String(view.online)],
      ["votes", String(view.votes)],
    ]),
  );
};

export const producerCommands: Record<string, Command> = {
  register,
  vote: voting("vote", "voted"),
  unvote: voting("unvote", "unvoted"),
  login: simple("logInProducer", (a) => [a], "online"),
  logout: simple("logOutProducer", (a) => [a], "offline"),
  approve: simple("approveRegister", (_a, pos) => [target(pos, "approve")], "approved"),
  info,
};
