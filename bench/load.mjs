// Open-loop load: V visitors spread over A agents send at a fixed total rate for D
// seconds; the agent clients live in this same process, so send and receive times come
// from one clock. Reports end-to-end latency (visitor send -> agent receives) and ack
// latency percentiles, and delivered throughput.
import { io } from "socket.io-client";

const pct = (xs, p) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
export function summarize(xs) {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.at(-1) ?? NaN };
}

export function connect(url, nsp, auth) {
  const socket = io(url + nsp, { auth, transports: ["websocket"], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once("ready", (r) => resolve({ socket, ready: r }));
    socket.once("connect_error", reject);
  });
}

/**
 * @param {object} o
 * @param {{socket: any}[]} o.agents connected agent clients
 * @param {{socket: any, conversationId: string}[]} o.visitors connected visitor clients
 * @param {number} o.rate total messages per second
 * @param {number} o.seconds
 */
export async function runLoad({ agents, visitors, rate, seconds, label }) {
  const sentAt = new Map();
  const e2e = [];
  const acks = [];
  let delivered = 0;
  let failed = 0;
  for (const { socket } of agents) {
    socket.on("message", (m, ack) => {
      ack?.({ ok: true });
      const t0 = sentAt.get(m.clientMsgId);
      if (t0 === undefined) return;
      sentAt.delete(m.clientMsgId);
      e2e.push(performance.now() - t0);
      delivered++;
    });
  }
  const tickMs = 10;
  const total = Math.round(rate * seconds);
  let sent = 0;

  let vi = 0;
  const start = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      // Catch up to the schedule, so a slow tick does not lower the offered rate.
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      const carry = due - sent;
      for (let i = 0; i < carry; i++) {
        const v = visitors[vi++ % visitors.length];
        const id = `${label}-${sent++}`;
        const t0 = performance.now();
        sentAt.set(id, t0);
        v.socket.emit("message:send", { clientMsgId: id, type: "text", body: `load ${id}`, conversationId: v.conversationId }, (res) => {
          if (res?.ok) acks.push(performance.now() - t0);
          else failed++;
        });
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  const sendSeconds = (performance.now() - start) / 1000;
  const deadline = performance.now() + 10_000;
  while (delivered + failed < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const elapsed = (performance.now() - start) / 1000;
  for (const { socket } of agents) socket.off("message");
  return {
    label, offered: rate, sent, delivered, failed, lost: total - delivered - failed,
    sendSeconds, throughput: delivered / elapsed, e2e: summarize(e2e), ack: summarize(acks),
  };
}
