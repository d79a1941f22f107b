/**
 * iost-edge: a command-line wallet for an iost-edge (or IOST) node, modelled
 * on iwallet. Txs are built and signed with this repo's protocol core.
 * Every failure is one line on stderr and a non-zero exit.
 */
import { parseArgs } from "node:util";
import { accountCommands } from "./commands/accounts";
import { call, publish } from "./commands/contracts";
import type { Command } from "./commands/context";
import { keyCommands } from "./commands/keys";
import { chain, receipt, tx } from "./commands/lookup";
import { producerCommands } from "./commands/producer";
import { proof } from "./commands/proof";
import { balance, transfer } from "./commands/tokens";
import { CliError, usage } from "./errors";
import { GLOBAL_FLAGS, globalOptions } from "./options";
import { NodeClient } from "./rpc";

const HELP = `usage: iost-edge <command> [args] [flags]

  key new [--algo ed25519|secp256k1]        make a key pair (printed, not stored)
  key import <account> <secret>             store an account's key, encrypted
  key list                                  keys in the keystore
  account create <name> [--ram 1024] [--pledge 10] [--algo …]
                                            new account paid by --account; its new key is stored
  account view <name>                       balance, gas, RAM, keys
  balance [account] [--token iost]          token balance
  transfer <to> <amount> [--token iost] [--memo text]
  publish <code.js> <abi.json>              deploy a contract (system.iost setCode)
  call <contract> <action> [args-json]      call an ABI, e.g. call token.iost balanceOf '["iost","admin"]'
  receipt <tx-hash>                         a tx's receipt (once irreversible)
  tx <tx-hash>                              a tx and its status
  chain                                     chain id, head, LIB, producers
  proof <contract> <key> [field]            a storage entry with its proof, checked against its block
  producer register [--pubkey K] [--location L] [--url U] [--net-id N] [--partner]
  producer vote <producer> <amount>         lock IOST as votes (unvote: frozen 7 days)
  producer unvote <producer> <amount>
  producer login | logout                   the --account producer goes online / offline
  producer approve <account>                admin: approve a registration
  producer info <account>                   registration, status and votes

flags:
  --server URL        node RPC (default http://127.0.0.1:30001)
  --account NAME      the account that signs and pays
  --chain-id N        default: the node's getChainInfo
  --gas-limit N       default 1000000     --gas-ratio N   default 1
  --amount-limit L    e.g. iost:100|ram:unlimited (default: what the command spends)
  --keystore DIR      default ~/.iost-edge/keys (password: IOST_EDGE_PASSWORD or a prompt)
  --json              machine-readable output
`;

const COMMAND_FLAGS = {
  algo: { type: "string" },
  ram: { type: "string" },
  pledge: { type: "string" },
  token: { type: "string" },
  memo: { type: "string" },
  pubkey: { type: "string" },
  location: { type: "string" },
  url: { type: "string" },
  "net-id": { type: "string" },
  partner: { type: "boolean" },
} as const;

const COMMANDS: Record<string, Command | Record<string, Command>> = {
  key: keyCommands,
  account: accountCommands,
  producer: producerCommands,
  balance,
  transfer,
  publish,
  call,
  receipt,
  tx,
  chain,
  proof,
};

/** parseArgs reads "-1" as an option; negative numbers are carried through as positionals so `amount` can name them. */
const NEGATIVE = /^-[0-9.]/;
const MARK = "\u0000";

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    const args = argv.map((a) => (NEGATIVE.test(a) ? MARK + a : a));
    parsed = parseArgs({ args, options: { ...GLOBAL_FLAGS, ...COMMAND_FLAGS }, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage((err as Error).message.split("\n")[0]);
  }
  const { values } = parsed;
  const positionals = parsed.positionals.map((p) => (p.startsWith(MARK) ? p.slice(1) : p));
  if (values.help || positionals.length === 0) {
    process.stdout.write(HELP);
    return;
  }
  const [name, ...rest] = positionals;
  const entry = COMMANDS[name];
  if (entry === undefined) throw usage(`unknown command "${name}"`);
  let run: Command | undefined = entry as Command;
  let args = rest;
  if (typeof entry !== "function") {
    run = entry[rest[0]];
    if (run === undefined) throw usage(`${name} needs one of: ${Object.keys(entry).join(", ")}`);
    args = rest.slice(1);
  }
  const opts = globalOptions(values);
  await run({ opts, flags: values, client: new NodeClient(opts.server) }, args);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    const known = err instanceof CliError;
    // One line, whatever happened; a stack only on request.
    process.stderr.write(`iost-edge: ${(known ? err.message : String(err?.message ?? err)).replace(/\s*\n\s*/g, " ")}\n`);
    if (!known && process.env.IOST_EDGE_DEBUG) console.error(err);
    process.exit(known ? err.exitCode : 1);
  },
);
