// A webhook receiver for the tests: a real HTTP server on a loopback port that keeps every
// request's raw body and headers, answers as the test says (2xx, an error status, or not
// at all for a while), and deduplicates by event id as the contract tells receivers to.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  raw: string;
  signature: string;
  event: { id: string; type: string; createdAt: string; data: Record<string, any> };
  at: number;
  /** What this request was answered. */
  status: number | "none";
}

/** What to answer a request: a status (after `delayMs`), or "hang" (never). */
export type Answer = { status: number; delayMs?: number; body?: string } | "hang";

export const verify = (secret: string, raw: string, header: string) => {
  const want = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
};

export async function startReceiver(opts: { port?: number; answer?: (e: Received["event"], n: number) => Answer } = {}) {
  const requests: Received[] = [];
  /** Each event id once, in the order first accepted with a 2xx. */
  const accepted = new Map<string, Received>();
  let answer: (e: Received["event"], n: number) => Answer = opts.answer ?? (() => ({ status: 200 }));
  const hanging = new Set<ServerResponse>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const r: Received = { raw, signature: String(req.headers["x-holdfast-signature"] ?? ""), event: JSON.parse(raw), at: Date.now(), status: "none" };
      requests.push(r);
      const a = answer(r.event, requests.filter((x) => x.event.id === r.event.id).length);
      if (a === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      const reply = () => {
        r.status = a.status;
        if (a.status >= 200 && a.status < 300 && !accepted.has(r.event.id)) accepted.set(r.event.id, r);
        res.writeHead(a.status, { "content-type": "text/plain" }).end(a.body ?? (a.status < 300 ? "ok" : `failing with ${a.status}`));
      };
      if (a.delayMs) setTimeout(reply, a.delayMs);
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted,
    set answer(fn: (e: Received["event"], n: number) => Answer) {
      answer = fn;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
