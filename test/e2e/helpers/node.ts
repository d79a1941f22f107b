/**
 * The node of an e2e file. `useNode(options)` registers the file's hooks: a
 * beforeAll that starts a real node (scripts/node.ts `startNode`: the edge
 * Worker and its Durable Objects in workerd) and connects the real iost SDK to
 * it, and an afterAll that stops it. The file reads the node through the
 * returned getters from its tests and later hooks (a file's own beforeAll runs
 * after this one when registered after it).
 */
import { afterAll, beforeAll } from "vitest";
import { startNode, type NodeOptions, type RunningNode } from "../../../scripts/node";
import { connect, type Client } from "./sdk";

export interface TestNode {
  readonly url: string;
  /** The SDK, signing as admin (helpers/sdk.ts `connect`). */
  readonly client: Client;
  /** /getChainInfo as first answered. */
  readonly chainInfo: Record<string, unknown>;
  /** Stops the node and starts it again (on its state when `persist` is set), `vars` over the first ones; a new client. */
  restart(vars?: Record<string, string>): Promise<void>;
  /** Stops the node early (afterAll then has nothing to do). */
  stop(): Promise<void>;
}

export function useNode(options: NodeOptions = {}): TestNode {
  let running: RunningNode | undefined;
  let client: Client | undefined;
  const start = async (opts: NodeOptions) => {
    running = await startNode(opts);
    client = await connect(running.url);
  };
  const stop = async () => {
    const was = running;
    running = undefined;
    client = undefined;
    await was?.stop();
  };
  const live = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error("useNode: no node running (read it from a test or a later hook)");
    return v;
  };
  beforeAll(() => start(options));
  afterAll(stop);
  return {
    get url() {
      return live(running).url;
    },
    get client() {
      return live(client);
    },
    get chainInfo() {
      return live(running).chainInfo;
    },
    async restart(vars = {}) {
      await stop();
      await start({ ...options, vars: { ...options.vars, ...vars } });
    },
    stop,
  };
}
