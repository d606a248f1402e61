// A TCP proxy (node:net) in front of a dependency (PostgreSQL, Redis) that a test can
// break the way networks and servers break: `down()` cuts every connection and refuses
// new ones (a crashed or restarting server), `stall()` keeps every socket open while no
// byte moves (a dead route, a paused server), `cut()` resets every open connection and
// goes on accepting new ones (a failover, a firewall dropping its state), `up()` restores
// normal service. The real server behind it is never touched. For HTTP in front of
// Holdfast (the connection test, keepalive): `latency()` delays every chunk (with
// jitter, order kept), `idleCut()` closes a connection after a silence, and
// `blockUpgrades()` answers a WebSocket upgrade 403, as corporate proxies do.
import net, { type AddressInfo, type Socket } from "node:net";
import type { Store } from "./server.js";

type Mode = "up" | "stalled" | "down";

export async function startFaultProxy(target: { host?: string; port: number }) {
  let mode: Mode = "up";
  const pairs = new Set<[Socket, Socket]>();
  let delay = { ms: 0, jitterMs: 0 };
  let idleCutMs = 0;
  let blockUpgrades = false;
  const idleCuts = { all: 0, websocket: 0 };

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host ?? "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    let lastData = Date.now();
    let websocket = false;
    const idleTimer = setInterval(() => {
      if (!idleCutMs || Date.now() - lastData < idleCutMs) return;
      idleCuts.all++;
      if (websocket) idleCuts.websocket++;
      client.destroy();
      upstream.destroy();
    }, 100);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      let due = 0; // chunks leave in order: never before the one ahead of them
      from.on("data", (chunk) => {
        lastData = Date.now();
        if (from === client && /^upgrade:\s*websocket/im.test(chunk.toString("latin1", 0, Math.min(chunk.length, 4096)))) {
          websocket = true;
          if (blockUpgrades) return void client.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
        if (!delay.ms && !delay.jitterMs) return void to.write(chunk);
        due = Math.max(due, Date.now() + delay.ms + Math.random() * delay.jitterMs);
        setTimeout(() => to.writable && to.write(chunk), due - Date.now());
      });
      from.on("close", () => {
        clearInterval(idleTimer);
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
    /** Every chunk, both ways, waits `ms` plus up to `jitterMs` more (order kept). */
    latency(ms: number, jitterMs = 0) {
      delay = { ms, jitterMs };
    },
    /** A connection with no byte either way for `ms` is closed (0: never). */
    idleCut(ms: number) {
      idleCutMs = ms;
    },
    /** How many connections idleCut closed, and how many of them were WebSockets. */
    get idleCuts() {
      return { ...idleCuts };
    },
    /** WebSocket upgrade requests are answered 403 (the connection then closes). */
    blockUpgrades(on = true) {
      blockUpgrades = on;
    },
    async close() {
      for (const [a, b] of pairs) (a.destroy(), b.destroy());
      if (mode !== "down") await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
export type FaultProxy = Awaited<ReturnType<typeof startFaultProxy>>;

/** A fault proxy in front of a PostgreSQL store's server, and the store as reached through it. */
export async function proxiedPostgres(store: Store): Promise<{ pg: FaultProxy; proxied: Store }> {
  const url = new URL(store.env.DATABASE_URL!);
  const pg = await startFaultProxy({ port: Number(url.port) });
  url.port = String(pg.port);
  return { pg, proxied: { ...store, env: { ...store.env, DATABASE_URL: url.toString() } } };
}
