// Open-loop load: V visitors spread over A agents send at a fixed total rate for D
// seconds; the agent clients live in this same process, so send and receive times come
// from one clock. Reports end-to-end latency (visitor send -> agent receives) and ack
// latency percentiles, delivered throughput, and how busy this load process itself was
// (a saturated load generator would inflate every figure, the baseline's too).
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io } from "socket.io-client";
import { runQueueWaitNs } from "./servers.mjs";

const pct = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN);
export function summarize(xs) {
  const s = Float64Array.from(xs).sort();
  return { n: s.length, p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s.at(-1) ?? NaN };
}

export function connect(url, nsp, auth) {
  const socket = io(url + nsp, { auth, transports: ["websocket"], forceNew: true, reconnection: false });
  // A well-behaved client: it acks every message, or the server would re-emit it.
  socket.on("message", (_m, ack) => ack?.({ ok: true }));
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
 * @param {number} o.seconds how long to send; then at most `drainMs` more to collect deliveries
 */
export async function runLoad({ agents, visitors, rate, seconds, label, drainMs = 10_000 }) {
  const sentAt = new Map();
  const e2e = [];
  const acks = [];
  let delivered = 0;
  let failed = 0;
  let lastDelivery = 0;
  const errors = new Map();
  /** The retryAfterMs of each refusal that had one (RATE_LIMITED, UNAVAILABLE). */
  const told = [];
  // BENCH_TRACE=1: per 250 ms of send time, the worst e2e latency (to tell a stall from a trend).
  const trace = process.env.BENCH_TRACE ? [] : null;
  let start = 0;
  const onMessage = (m) => {
    const t0 = sentAt.get(m.clientMsgId);
    if (t0 === undefined) return; // a re-delivery, or a message from outside this run
    sentAt.delete(m.clientMsgId);
    lastDelivery = performance.now();
    e2e.push(lastDelivery - t0);
    if (trace) trace.push([t0 - start, lastDelivery - t0]);
    delivered++;
  };
  for (const { socket } of agents) socket.on("message", onMessage);
  const total = Math.round(rate * seconds);
  let sent = 0;
  let vi = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const wait0 = runQueueWaitNs();
  start = performance.now();
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      // Catch up to the schedule, so a slow tick does not lower the offered rate.
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; ) {
        const v = visitors[vi++ % visitors.length];
        const id = `${label}-${sent++}`;
        const t0 = performance.now();
        sentAt.set(id, t0);
        const payload = { clientMsgId: id, type: "text", body: `load ${id}`, conversationId: v.conversationId };
        v.socket.emit("message:send", payload, (res) => {
          if (res?.ok) return void acks.push(performance.now() - t0);
          failed++;
          sentAt.delete(id);
          const code = res?.error?.code ?? "?";
          errors.set(code, (errors.get(code) ?? 0) + 1);
          if (typeof res?.error?.retryAfterMs === "number") told.push(res.error.retryAfterMs);
        });
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const sendSeconds = (performance.now() - start) / 1000;
  const deadline = performance.now() + drainMs;
  while (delivered + failed < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const cpu = process.cpuUsage(cpu0);
  const waitS = (runQueueWaitNs() - wait0) / 1e9;
  lag.disable();
  for (const { socket } of agents) socket.off("message", onMessage);
  if (trace) {
    const worst = new Map();
    for (const [at, ms] of trace) worst.set(Math.floor(at / 250), Math.max(worst.get(Math.floor(at / 250)) ?? 0, ms));
    const buckets = [...worst.entries()].sort((a, b) => a[0] - b[0]).map(([, ms]) => Math.round(ms));
    console.error(`${label} worst e2e per 250 ms: ${buckets.join(" ")}`);
  }
  const activeSeconds = ((lastDelivery || performance.now()) - start) / 1000;
  return {
    label, offered: rate, sent, delivered, failed, errors: Object.fromEntries(errors), retryAfterMs: summarize(told),
    lost: total - delivered - failed,
    sendSeconds,
    throughput: delivered / Math.max(activeSeconds, sendSeconds),
    e2e: summarize(e2e),
    ack: summarize(acks),
    loadCpuPct: ((cpu.user + cpu.system) / 1e6 / ((performance.now() - start) / 1000)) * 100,
    loadLagP99: lag.percentile(99) / 1e6,
    loadWaitPct: (waitS / ((performance.now() - start) / 1000)) * 100,
  };
}
