// One participant flooding the server, from a process of its own (so neither a load
// generator nor a test shares its event loop): acked emits at a fixed rate from one
// socket, open loop; when the server cuts the socket off, it connects again (every
// 100 ms while refused) and goes on, for the whole duration; then a bounded wait for the
// acks. Prints one JSON line: emits sent, answers by code, the first refusal's
// retryAfterMs, disconnects, refused handshakes by code. Used by bench/flood.mjs and
// test/limits/flood.test.ts.
//   node bench/flooder.mjs URL NAMESPACE TOKEN [--event message:send] [--rate 10000] [--seconds 2]
import { io } from "socket.io-client";

const [url, nsp, token, ...rest] = process.argv.slice(2);
const opt = { event: "message:send", rate: "10000", seconds: "2" };
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, "")] = rest[i + 1];
const rate = Number(opt.rate);
const durationMs = Number(opt.seconds) * 1000;
if (!url || !nsp || !token || !(rate > 0 && durationMs > 0)) throw new Error("usage: flooder.mjs URL NAMESPACE TOKEN [--event E] [--rate R] [--seconds S]");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const payloads = {
  "message:send": (i) => ({ clientMsgId: `flood-${process.pid}-${i}`, type: "text", body: `flood ${i}` }),
  typing: (i) => ({ isTyping: i % 2 === 0 }),
  sync: () => ({ afterSeq: 0, limit: 1 }),
  hb: (i) => ({ t: i }),
};

const codes = {};
const refusedHandshakes = {};
let answered = 0;
let sent = 0;
let disconnects = 0;
let retryAfterMs = null;
const sockets = [];

/** A connected socket, or null when the handshake was refused. */
function connect() {
  const socket = io(url + nsp, { auth: { token }, transports: ["websocket"], forceNew: true, reconnection: false });
  socket.on("message", (_m, ack) => ack?.({ ok: true }));
  return new Promise((resolve) => {
    socket.once("ready", () => (sockets.push(socket), socket.on("disconnect", () => disconnects++), resolve(socket)));
    socket.once("connect_error", (err) => {
      const code = err.data?.code ?? "NETWORK";
      refusedHandshakes[code] = (refusedHandshakes[code] ?? 0) + 1;
      socket.close();
      resolve(null);
    });
  });
}

const start = performance.now();
let socket = null;
let owed = 0; // emits due by the schedule
while (performance.now() - start < durationMs) {
  if (!socket?.connected) {
    socket = await connect();
    if (!socket) await sleep(100);
    continue;
  }
  const due = Math.floor(((performance.now() - start) / 1000) * rate);
  for (; owed < due && socket.connected; owed++, sent++) {
    socket.timeout(30_000).emit(opt.event, payloads[opt.event](sent), (err, res) => {
      answered++;
      const code = err ? "NO_ANSWER" : res?.ok ? "ok" : (res?.error?.code ?? "?");
      codes[code] = (codes[code] ?? 0) + 1;
      if (code === "RATE_LIMITED") retryAfterMs ??= res.error.retryAfterMs ?? null;
    });
  }
  owed = due; // what fell due while cut off is not sent later
  await sleep(10);
}
const deadline = performance.now() + 30_000;
while (answered < sent && performance.now() < deadline) await sleep(20);
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage();
const cpuPct = ((cpu.user + cpu.system) / 1e6 / seconds) * 100;
console.log(JSON.stringify({ sent, answered, codes, retryAfterMs, disconnects, refusedHandshakes, connectedAtEnd: !!socket?.connected, seconds, cpuPct }));
for (const s of sockets) s.disconnect();
process.exit(0);
