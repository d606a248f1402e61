// A TCP proxy (node:net) that can stall the link: while stalled, no byte moves in either
// direction and no close crosses it, yet every TCP socket stays open, as on a dead Wi-Fi or
// a NAT that silently drops packets. Paused sockets leave bytes in the kernel, so resuming
// delivers what was sent meanwhile, like TCP after a long retransmission. Connections that
// open during a stall are accepted and stalled too (the SYN "got through", nothing else).
import net, { type AddressInfo, type Socket } from "node:net";

interface Pair { client: Socket; upstream: Socket; held: (() => void)[] }

export async function startStallProxy(targetPort: number) {
  let stalled = false;
  const pairs = new Set<Pair>();
  const sockets = new Set<Socket>();

  function link(pair: Pair, from: Socket, to: Socket) {
    from.on("data", (chunk) => to.write(chunk));
    // A close is passed on (as a FIN, after what was written) only while the link works;
    // during a stall it waits for the resume, like everything else.
    const closed = () => (stalled ? pair.held.push(() => to.end()) : to.end());
    from.on("end", closed);
    from.on("close", closed);
    from.on("error", () => {});
  }

  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    link(pair, client, upstream);
    link(pair, upstream, client);
    client.on("close", () => upstream.destroyed && pairs.delete(pair));
    upstream.on("close", () => client.destroyed && pairs.delete(pair));
    if (stalled) (client.pause(), upstream.pause());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    get stalled() {
      return stalled;
    },
    stall() {
      stalled = true;
      for (const p of pairs) (p.client.pause(), p.upstream.pause());
    },
    resume() {
      stalled = false;
      for (const p of pairs) {
        p.client.resume();
        p.upstream.resume();
        for (const f of p.held.splice(0)) f();
      }
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
export type StallProxy = Awaited<ReturnType<typeof startStallProxy>>;
