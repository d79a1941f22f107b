/**
 * scripts/keep-alive.ts as a network node's socket (scripts/network.ts): it listens from the
 * network's start to its stop, whichever workerd it relays to, so a restarted node keeps its port
 * and no other process can take it meanwhile.
 */
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { keepAlive, type KeepAlive, type Socket } from "../../scripts/keep-alive";

/** A TCP server answering each chunk with `name:` and the chunk. */
async function named(name: string): Promise<Socket & { close(): Promise<void> }> {
  const server = net.createServer((c) => c.on("data", (d) => c.write(`${name}:${d}`)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { host: "127.0.0.1", port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** Connects, sends `text`; resolves with the first answer, or "closed" if the connection ends without one. */
function ask(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect(port, "127.0.0.1", () => c.write(text));
    c.once("data", (d) => {
      resolve(String(d));
      c.destroy();
    });
    c.on("error", () => {});
    c.once("close", () => resolve("closed"));
  });
}

describe("keepAlive pointed at one target after another", () => {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  it("closes connections while it points nowhere, relays to each target in turn, on one port", async () => {
    const a = await named("a");
    const b = await named("b");
    const front: KeepAlive = await keepAlive({ host: "127.0.0.1", port: 0 });
    open.push(a, b, front);

    expect(await ask(front.port, "x")).toBe("closed");
    front.point(a);
    expect(await ask(front.port, "x")).toBe("a:x");
    front.point(undefined);
    expect(await ask(front.port, "y")).toBe("closed");
    front.point(b);
    expect(await ask(front.port, "z")).toBe("b:z");
  });

  it("closes a connection of the old target when pointed elsewhere", async () => {
    const a = await named("a");
    const front = await keepAlive({ host: "127.0.0.1", port: 0 });
    front.point(a);
    open.push(a, front);
    const c = net.connect(front.port, "127.0.0.1");
    c.on("error", () => {});
    const first = new Promise<string>((r) => c.once("data", (d) => r(String(d))));
    c.write("1");
    expect(await first).toBe("a:1");
    const closed = new Promise<void>((r) => c.once("close", () => r()));
    front.point(undefined);
    await closed;
    expect(c.destroyed).toBe(true);
  });

  it("holds its port: another listen on it fails while it points nowhere", async () => {
    const front = await keepAlive({ host: "127.0.0.1", port: 0 });
    open.push(front);
    const other = net.createServer();
    const err = await new Promise<NodeJS.ErrnoException>((r) => {
      other.once("error", r);
      other.listen(front.port, "127.0.0.1");
    });
    expect(err.code).toBe("EADDRINUSE");
  });
});
