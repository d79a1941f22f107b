/** What every command gets: parsed global options, its own flags, and a client for --server. */
import type { GlobalOptions } from "../options";
import type { NodeClient } from "../rpc";

export interface Ctx {
  opts: GlobalOptions;
  flags: Record<string, string | boolean | undefined>;
  client: NodeClient;
}

export type Command = (ctx: Ctx, args: string[]) => Promise<void>;
