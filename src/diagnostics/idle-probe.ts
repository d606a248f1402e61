// The idle-cut probe: a bare WebSocket on /diagnostics/ws that asks once to be left in
// silence for `hold` ms and is then told it survived. Socket.IO cannot do this: its own
// pings (every OFFLINE_AFTER_MS / 3) are exactly the traffic that keeps a path's idle
// timer from running out, so the page's probes use this instead. Bounded: a few probes
// per address, a few hundred in all; anything but the one hold request ends the socket.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { ProbeHoldSchema } from "./diagnostics.schemas.js";

export const PROBE_PATH = "/diagnostics/ws";

export function attachIdleProbes(httpServer: HttpServer, o: { ipOf: (req: IncomingMessage) => string; perIp?: number; total?: number }) {
  const perIp = o.perIp ?? 8;
  const total = o.total ?? 400;
  const open = new Map<string, number>();
  let count = 0;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 });

  function serve(ws: WebSocket, ip: string) {
    count++;
    open.set(ip, (open.get(ip) ?? 0) + 1);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A client that never asks is not held for ever.
    const asking = setTimeout(() => ws.close(1008, "no hold request"), 10_000);
    ws.once("message", (data) => {
      clearTimeout(asking);
      let hold: number;
      try {
        hold = ProbeHoldSchema.parse(JSON.parse(String(data))).hold;
      } catch {
        return ws.close(1008, "expected {\"hold\": ms}");
      }
      timer = setTimeout(() => (ws.send(JSON.stringify({ held: hold })), ws.close(1000)), hold);
      ws.on("message", () => ws.close(1008, "one request per probe"));
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      clearTimeout(asking);
      clearTimeout(timer);
      count--;
      const n = (open.get(ip) ?? 1) - 1;
      if (n > 0) open.set(ip, n);
      else open.delete(ip);
    });
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== PROBE_PATH) return; // Socket.IO's, or nobody's
    const ip = o.ipOf(req);
    if (count >= total || (open.get(ip) ?? 0) >= perIp) {
      socket.end("HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, ip));
  };
  httpServer.on("upgrade", onUpgrade);
  return {
    close() {
      httpServer.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
