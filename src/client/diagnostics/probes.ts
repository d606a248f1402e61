// The measurements of the connection test, each against this server, each bounded in
// time: the three ways Socket.IO may connect, the echo's round trips and the clock, a
// download and an upload, and the idle probes (silent WebSockets held for a while).
import { io, type Socket } from "socket.io-client";
import type { DiagnosticsClientEvents } from "../../events.js";
import type { ProbeResult } from "../../diagnostics/findings.rules.js";

type DiagSocket = Socket<Record<string, never>, DiagnosticsClientEvents>;
const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Opens the /diagnostics namespace on the given transports; resolves once connected. */
export function connect(transports: ("websocket" | "polling")[], timeoutMs = 8000): Promise<{ socket: DiagSocket | null; ms: number; error?: string }> {
  const started = performance.now();
  const socket: DiagSocket = io("/diagnostics", {
    transports, upgrade: transports.length > 1, reconnection: false, forceNew: true, timeout: timeoutMs,
  });
  return new Promise((resolve) => {
    const done = (ok: boolean, error?: string) => {
      clearTimeout(timer);
      if (!ok) socket.close();
      resolve({ socket: ok ? socket : null, ms: Math.round(performance.now() - started), error });
    };
    const timer = setTimeout(() => done(false, "timed out"), timeoutMs + 500);
    socket.once("connect", () => done(true));
    socket.once("connect_error", (e) => done(false, String(e.message).slice(0, 200)));
  });
}

/** Started on long-polling: did the engine move to WebSocket within `ms`? */
export async function upgrades(ms = 6000): Promise<boolean> {
  const { socket } = await connect(["polling", "websocket"]);
  if (!socket) return false;
  const engine = socket.io.engine;
  const upgraded = engine.transport.name === "websocket" ||
    (await new Promise<boolean>((r) => {
      const t = setTimeout(() => r(false), ms);
      engine.once("upgrade", () => (clearTimeout(t), r(true)));
    }));
  socket.close();
  return upgraded;
}

/** Two echoes a second for `seconds`: round trips, the unanswered, and the clock offset
 *  (server minus this device) from the quickest exchange, where it is most exact. */
export async function roundTrips(socket: DiagSocket, seconds: number, onSample: (ms: number) => void) {
  const samples: number[] = [];
  let lost = 0;
  let best: { rtt: number; offset: number } | null = null;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < seconds * 2; i++) {
    const t0 = Date.now();
    const p0 = performance.now();
    pending.push(new Promise<void>((resolve) => {
      socket.timeout(5000).emit("diag:ping", { t: t0 }, (err, r) => {
        if (err || !r?.ok) return (lost++, resolve());
        const rtt = Math.round(performance.now() - p0);
        samples.push(rtt);
        onSample(rtt);
        const offset = r.serverTime - (t0 + rtt / 2);
        if (!best || rtt < best.rtt) best = { rtt, offset };
        resolve();
      });
    }));
    await wait(500);
  }
  await Promise.all(pending);
  const found = best as { rtt: number; offset: number } | null;
  return { samples, lost, clockOffsetMs: found ? Math.round(found.offset) : null };
}

/** kbit/s of a download of `kb` KiB and an upload of half that. */
export async function throughput(kb = 512): Promise<{ downKbps: number | null; upKbps: number | null }> {
  const kbps = (bytes: number, ms: number) => Math.round((bytes * 8) / Math.max(1, ms));
  let downKbps: number | null = null;
  let upKbps: number | null = null;
  try {
    const t = performance.now();
    const body = await (await fetch(`/api/diagnostics/blob?kb=${kb}`, { cache: "no-store" })).arrayBuffer();
    downKbps = kbps(body.byteLength, performance.now() - t);
  } catch { /* stays null: the finding is about what was measured */ }
  try {
    const data = new Uint8Array((kb / 2) * 1024);
    for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536));
    const t = performance.now();
    const r = await fetch("/api/diagnostics/blob", { method: "POST", body: data, headers: { "Content-Type": "application/octet-stream" } });
    if (r.ok) upKbps = kbps(data.length, performance.now() - t);
  } catch { /* as above */ }
  return { downKbps, upKbps };
}

/** A WebSocket held silent for `sec` seconds: still open at the end, or cut on the way;
 *  null when it never opened (that is the WebSocket check's finding, not an idle cut). */
export function idleProbe(sec: number): Promise<ProbeResult | null> {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/diagnostics/ws`;
  return new Promise((resolve) => {
    let settled = false;
    let opened = false;
    const done = (survived: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      ws.close();
      resolve(opened ? { afterSec: sec, survived } : null);
    };
    const ws = new WebSocket(url);
    const guard = setTimeout(() => done(false), (sec + 15) * 1000);
    ws.onopen = () => ((opened = true), ws.send(JSON.stringify({ hold: sec * 1000 })));
    ws.onmessage = () => done(true);
    ws.onclose = () => done(false);
    ws.onerror = () => done(false);
  });
}
