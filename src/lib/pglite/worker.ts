// The embedded database's thread: PGlite (WASM PostgreSQL) behind a PostgreSQL wire
// protocol server on a unix socket in DATA_DIR, so its CPU work leaves the event loop
// that serves the sockets and the server reaches it through the same pg driver as a
// real PostgreSQL. PGlite is one backend session; several client connections share it
// by taking turns, and a turn lasts a whole transaction: a connection whose last reply
// left the session inside a transaction owns it until COMMIT/ROLLBACK, and the others
// queue (isolation as a real server's, by serialising).
import { rmSync } from "node:fs";
import net from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "./extensions.js";
import { lastReadyStatus, readStartup, simpleQuery, startupReply, wholeMessages } from "./wire.js";

export interface WorkerOptions {
  dir: string;
  socketPath: string;
  postgresqlconf: string[];
}

interface Conn {
  socket: net.Socket;
  buf: Buffer;
  started: boolean;
  pending: Buffer[];
  queued: boolean;
  closed: boolean;
}

const opts = workerData as WorkerOptions;
const db = await PGlite.create(opts.dir, { postgresqlconf: opts.postgresqlconf, extensions: PGLITE_EXTENSIONS });
const version = (await db.query<{ v: string }>("SHOW server_version")).rows[0]?.v ?? "17";
const ready: Conn[] = [];
let owner: Conn | null = null;
let busy = false;

// The replies' bytes as PGlite writes them, copied out of its WASM memory. Not
// execProtocolRaw: that one also parses every reply message into JS objects that nobody
// here reads (the driver in the main thread parses them), which was most of the cost
// of a large result: 500 rows took 10-15 ms that way, 2-3 ms this way.
async function exec(input: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await db.execProtocolRawStream(input, { onRawData: (data) => void chunks.push(Buffer.from(data)) });
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function schedule(c: Conn) {
  if (!c.queued) {
    c.queued = true;
    ready.push(c);
  }
  void pump();
}

// One client batch at a time (PGlite is synchronous inside anyway). A failure of PGlite
// itself is not caught: it ends this thread, and the host starts a fresh one.
async function pump() {
  if (busy || ready.length === 0) return;
  const i = owner ? ready.indexOf(owner) : 0;
  if (i < 0) return; // the owner's next statement has not arrived yet
  const c = ready.splice(i, 1)[0]!;
  c.queued = false;
  const input = Buffer.concat(c.pending);
  c.pending = [];
  busy = true;
  const out = await exec(input);
  busy = false;
  const status = lastReadyStatus(out);
  if (!c.closed) c.socket.write(out);
  else if (status !== "I" && !c.queued) {
    // It closed while this batch ran and left a transaction open: end it before anyone else.
    c.pending = [simpleQuery("ROLLBACK")];
    c.queued = true;
    ready.push(c);
  }
  // A closed connection keeps its turn until our ROLLBACK of its transaction has run, so
  // nobody else's statement lands inside the abandoned transaction.
  if (c.closed) owner = c.queued ? c : null;
  else owner = status === "I" ? null : c;
  void pump();
}

function onData(c: Conn, chunk: Buffer) {
  c.buf = c.buf.length ? Buffer.concat([c.buf, chunk]) : chunk;
  while (!c.started) {
    const s = readStartup(c.buf);
    if (!s) return;
    c.buf = c.buf.subarray(s.length);
    if (s.kind === "ssl") c.socket.write("N");
    else if (s.kind === "cancel") return void c.socket.end();
    else {
      c.started = true;
      c.socket.write(startupReply(version));
    }
  }
  const n = wholeMessages(c.buf);
  if (n === 0) return;
  const whole = c.buf.subarray(0, n);
  c.buf = c.buf.subarray(n);
  // Terminate ('X') is the driver's goodbye; PGlite must not see it (it would end the session).
  if (whole[whole.length - 5] === 0x58 && whole.readInt32BE(whole.length - 4) === 4) {
    if (whole.length > 5) c.pending.push(whole.subarray(0, whole.length - 5));
    c.socket.end();
  } else c.pending.push(whole);
  if (c.pending.length) schedule(c);
}

function onClose(c: Conn) {
  if (c.closed) return;
  c.closed = true;
  const at = ready.indexOf(c);
  if (at >= 0 && owner !== c) ready.splice(at, 1), (c.queued = false);
  if (owner === c) {
    // It left in the middle of a transaction: end it, or the session stays inside it.
    c.pending = [simpleQuery("ROLLBACK")];
    schedule(c);
  }
}

rmSync(opts.socketPath, { force: true }); // a previous thread's, which died without closing
const server = net.createServer((socket) => {
  const c: Conn = { socket, buf: Buffer.alloc(0), started: false, pending: [], queued: false, closed: false };
  socket.setNoDelay(true);
  socket.on("data", (chunk) => onData(c, chunk));
  socket.on("error", () => onClose(c));
  socket.on("close", () => onClose(c));
});
server.listen(opts.socketPath, () => parentPort?.postMessage({ ready: true }));

parentPort?.on("message", (msg: { close?: boolean }) => {
  if (!msg.close) return;
  server.close();
  void db.close().then(() => process.exit(0));
});
