// A load process of the reconnect-storm bench (bench/storm.mjs), started with fork():
// it gets its visitors' tokens over IPC and runs one of two modes.
//   "rate":   `width` loops, each connecting a visitor (websocket), waiting for `ready`,
//             disconnecting and starting over, for `seconds`: handshakes + ready per second.
//   "storm":  every visitor stays connected and reconnects as the product's client does
//             (src/client/runtime/connection.ts retryDelay): a refusal's retryAfterMs
//             exactly when given, else its own full-jitter backoff; after each `ready` it
//             calls `sync`. Also reports the told delays it waited.
//             Reports when each visitor was last connected-and-synced (Date.now()).
// Each visitor sends its own X-Forwarded-For (the server trusts loopback proxies), as
// visitors on their own addresses do, so per-address caps do not decide the result.
import { io } from "socket.io-client";

const visitorIp = (base, i) => `10.${80 + base}.${(i >> 8) & 255}.${i & 255}`;
/** src/client/runtime/util.ts backoffDelay: uniformly random in [0, min(cap, base * 2^n)]. */
const backoffDelay = (attempt, baseMs = 1000, capMs = 30_000) => Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16)));
/** src/client/runtime/status.ts STABLE_MS: a connection that lived this long resets the backoff. */
const STABLE_MS = 10_000;

const open = (url, token, base, i) =>
  io(`${url}/visitor`, {
    auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false, autoConnect: false, timeout: 10_000,
    extraHeaders: { "x-forwarded-for": visitorIp(base, i) },
  });

async function rate({ url, tokens, width, seconds, base }) {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const errors = {};
  const times = [];
  await Promise.all(Array.from({ length: width }, async (_, w) => {
    for (let k = w; Date.now() < until; k += width) {
      const i = k % tokens.length;
      const s = open(url, tokens[i], base, i);
      const t0 = performance.now();
      const ok = await new Promise((resolve) => {
        s.once("ready", () => resolve(true));
        s.once("connect_error", (e) => ((errors[e.data?.code ?? e.message] = (errors[e.data?.code ?? e.message] ?? 0) + 1), resolve(false)));
        s.connect();
      });
      if (ok) (done++, times.push(performance.now() - t0));
      s.disconnect();
      if (!ok) await new Promise((r) => setTimeout(r, 50));
    }
  }));
  return { done, errors, times };
}

/** The storm mode's visitors: each reconnects by the product's rules until told to stop. */
function storm({ url, tokens, base }) {
  const state = tokens.map(() => ({ syncedAt: 0, connects: 0, refusals: {}, failures: 0, connectedAt: 0, lastSeq: 0 }));
  let told = [];
  let running = true;
  const sockets = tokens.map((token, i) => {
    const st = state[i];
    const s = open(url, token, base, i);
    let timer = null;
    const retry = (notBefore = 0) => {
      if (!running || timer) return;
      const delay = notBefore > 0 ? notBefore : backoffDelay(st.failures);
      st.failures++;
      if (notBefore > 0) told.push(notBefore);
      timer = setTimeout(() => ((timer = null), running && s.connect()), delay);
    };
    s.on("message", (m, ack) => ack?.({ ok: true }));
    s.on("ready", (r) => {
      st.connects++;
      st.connectedAt = Date.now();
      st.syncedAt = 0;
      const c = r.conversations[0];
      // As the product's receiver does: a sync refused with retryAfterMs is asked again then.
      const sync = (tries) => s.emit("sync", { afterSeq: st.lastSeq, ...(c ? { conversationId: c.id } : {}) }, (res) => {
        if (!res?.ok) {
          st.refusals[`sync:${res?.error?.code}`] = (st.refusals[`sync:${res?.error?.code}`] ?? 0) + 1;
          const wait = res?.error?.retryAfterMs;
          if (wait && tries < 5 && s.connected) (told.push(wait), setTimeout(() => s.connected && sync(tries + 1), wait));
          return;
        }
        st.lastSeq = Math.max(st.lastSeq, res.lastSeq);
        st.syncedAt = Date.now();
      });
      sync(0);
    });
    s.on("disconnect", (reason) => {
      st.syncedAt = 0;
      if (Date.now() - st.connectedAt >= STABLE_MS) st.failures = 0;
      if (reason !== "io client disconnect") retry();
    });
    s.on("connect_error", (e) => {
      const code = e.data?.code ?? "NETWORK";
      st.refusals[code] = (st.refusals[code] ?? 0) + 1;
      retry(typeof e.data?.retryAfterMs === "number" ? e.data.retryAfterMs : 0);
    });
    return s;
  });
  return {
    start: () => sockets.forEach((s) => s.connect()),
    synced: () => state.filter((s) => s.syncedAt > 0).length,
    report: () => {
      const refusals = {};
      for (const st of state) for (const [k, v] of Object.entries(st.refusals)) refusals[k] = (refusals[k] ?? 0) + v;
      return { syncedAt: state.map((s) => s.syncedAt), refusals, connects: state.reduce((n, s) => n + s.connects, 0), told };
    },
    reset: () => (state.forEach((s) => (s.refusals = {})), (told = [])),
    stop: () => ((running = false), sockets.forEach((s) => s.disconnect())),
  };
}

let current = null;
process.on("message", async (m) => {
  const cpu0 = process.cpuUsage();
  const cpu = () => (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(cpu0));
  if (m.cmd === "rate") process.send({ cmd: "rate", ...(await rate(m)), cpuS: cpu() });
  else if (m.cmd === "storm") ((current = storm(m)), current.start(), process.send({ cmd: "started" }));
  else if (m.cmd === "synced") process.send({ cmd: "synced", n: current.synced() });
  else if (m.cmd === "reset") (current.reset(), process.send({ cmd: "reset" }));
  else if (m.cmd === "report") process.send({ cmd: "report", ...current.report() });
  else if (m.cmd === "stop") (current?.stop(), process.send({ cmd: "stopped" }), setTimeout(() => process.exit(0), 100));
});
