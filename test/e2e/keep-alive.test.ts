/**
 * A client keeps an idle HTTP connection as long as it likes: the node must
 * not close it first (issue 17 item 4). workerd closes a connection 5 s after
 * its last response, Node 20's global agent (the iost SDK's, through axios)
 * keeps idle sockets for 5 s and reuses them, so a script whose event loop is
 * busy for a few seconds (signing a batch of txs) wrote its next request into
 * a closed socket: "socket hang up". scripts/keep-alive.ts holds the
 * connections the node serves.
 */
import { describe, expect, it } from "vitest";
import { useNode } from "./helpers/node";

const node = useNode();

/** Busy for `ms` on the event loop, as a script signing a large batch is: no timer or socket event runs meanwhile. */
function busy(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe("idle keep-alive connections", () => {
  it("an SDK client busy for 7 s between two requests on its kept-alive socket gets its answer", async () => {
    const { rpc } = node.client;
    expect(Number((await rpc.blockchain.getChainInfo()).head_block)).toBeGreaterThanOrEqual(0);
    busy(7_000);
    expect(Number((await rpc.blockchain.getChainInfo()).head_block)).toBeGreaterThanOrEqual(0);
  });

  it("an SDK client that waits 8 s between two requests gets its answer", async () => {
    const { rpc } = node.client;
    expect((await rpc.net.getNodeInfo()).network).toBeDefined();
    await new Promise((r) => setTimeout(r, 8_000));
    expect((await rpc.net.getNodeInfo()).network).toBeDefined();
  });
});
