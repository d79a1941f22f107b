/**
 * The listening socket of a local node (scripts/node.ts): a byte relay to the
 * Worker's own workerd socket that keeps idle client connections open for
 * IDLE_MS. workerd closes a connection 5 s after its last response (its HTTP
 * server's fixed pipeline timeout; workerd.capnp has no setting for it), and
 * Node 20's global agent (the iost SDK's, through axios) keeps idle sockets
 * for 5 s and reuses them: a script busy for a few seconds between two
 * requests wrote into a closed socket ("socket hang up").
 *
 * It splices bytes and never parses HTTP, so it costs about what a direct
 * connection does (BENCHMARKS.md "Local node"). A client connection sends over
 * one upstream connection until that has been quiet for QUIET_MS, below
 * workerd's 5 s: new bytes after that go over a fresh one, so no request
 * races workerd's idle close. An upstream that closes while quiet, with no
 * request in flight, was closed for idleness and the client's connection
 * stays; one that closes in the middle of an exchange (a close-delimited
 * answer, a crash) closes it too, after what it answered.
 */
import net from "node:net";

/** How long the node keeps an idle client connection: longer than clients keep theirs (Node 5 s, Go 90 s, browsers about 60–300 s). */
export const IDLE_MS = 310_000;
/**
 * An upstream connection quiet this long is not used again: workerd closes it at 5 s. Well below
 * that: on a loaded machine this process's event loop lags by a second or more (the bench's
 * load generator shares it), and a request sent on an upstream workerd had meanwhile closed failed
 * with "other side closed".
 */
const QUIET_MS = 2_000;

export interface Socket {
  host: string;
  port: number;
}

export interface KeepAlive {
  /** The port it listens on. */
  port: number;
  /**
   * Relays new connections to `target` from now on; undefined: closes each as it comes (a stopped
   * node). Connections open now are closed either way: they were the old target's.
   */
  point(target: Socket | undefined): void;
  close(): Promise<void>;
}

/** Listens now; relays to a target once pointed at one (`point`). */
export async function keepAlive(listen: Socket): Promise<KeepAlive> {
  let target: Socket | undefined;
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (target === undefined) {
      client.destroy();
      return;
    }
    const to = target;
    clients.add(client);
    client.setNoDelay(true);
    client.setTimeout(IDLE_MS, () => client.destroy());
    let upstream: net.Socket | null = null;
    let last = Date.now();
    /** Bytes went upstream and nothing came back since: a request is in flight, whatever the quiet. */
    let awaiting = false;
    const open = (): net.Socket => {
      const up = net.connect(to.port, to.host);
      up.setNoDelay(true);
      up.on("data", (chunk) => {
        last = Date.now();
        awaiting = false;
        if (!client.write(chunk)) up.pause();
      });
      up.on("error", () => {}); // "close" follows and decides
      up.on("close", () => {
        if (upstream !== up) return; // retired while quiet
        upstream = null;
        if (awaiting || Date.now() - last < QUIET_MS) client.end(); // after what it answered
      });
      return up;
    };
    client.on("data", (chunk) => {
      if (upstream !== null && !awaiting && Date.now() - last >= QUIET_MS) {
        const old = upstream;
        upstream = null;
        old.destroy();
      }
      last = Date.now();
      awaiting = true;
      upstream ??= open();
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once("drain", () => client.resume());
      }
    });
    client.on("drain", () => upstream?.resume());
    client.on("error", () => {});
    client.on("close", () => {
      clients.delete(client);
      upstream?.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const drop = () => {
    for (const c of clients) c.destroy();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    point(next) {
      drop();
      target = next;
    },
    close: () =>
      new Promise((resolve) => {
        drop();
        server.close(() => resolve());
      }),
  };
}
