// A TCP proxy (node:net) in front of a dependency (PostgreSQL, Redis) that a test can
// break the way networks and servers break: `down()` cuts every connection and refuses
// new ones (a crashed or restarting server), `stall()` keeps every socket open while no
// byte moves (a dead route, a paused server), `cut()` resets every open connection and
// goes on accepting new ones (a failover, a firewall dropping its state), `up()` restores
// normal service. The real server behind it is never touched.
import net, { type AddressInfo, type Socket } from "node:net";

type Mode = "up" | "stalled" | "down";

export async function startFaultProxy(target: { host?: string; port: number }) {
  let mode: Mode = "up";
  const pairs = new Set<[Socket, Socket]>();

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host ?? "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on("data", (chunk) => to.write(chunk));
      from.on("close", () => {
        to.destroy();
        pairs.delete(pair);
      });
      from.on("error", () => {});
    }
    if (mode === "stalled") (client.pause(), upstream.pause());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  const listen = () => new Promise<void>((r) => server.listen(port, "127.0.0.1", r));

  return {
    port,
    get mode() {
      return mode;
    },
    /** Every open connection is reset and new ones are refused (ECONNREFUSED) until up(). */
    down() {
      if (mode === "down") return;
      mode = "down";
      server.close();
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      pairs.clear();
    },
    /** Every open connection is reset (RST both ways); new ones are served at once.
     *  Answers how many connections it reset. */
    cut(): number {
      const n = pairs.size;
      for (const [a, b] of pairs) (a.resetAndDestroy(), b.resetAndDestroy());
      pairs.clear();
      return n;
    },
    /** Connections stay open but nothing moves, either way, until up(). */
    stall() {
      mode = "stalled";
      for (const [a, b] of pairs) (a.pause(), b.pause());
    },
    async up() {
      if (mode === "down") await listen();
      mode = "up";
      for (const [a, b] of pairs) (a.resume(), b.resume());
    },
    async close() {
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      if (mode !== "down") await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;
