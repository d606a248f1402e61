// A reconnect storm is thousands of handshakes a second on one node (BENCHMARKS.md,
// "Reconnect storms"): a visitor's handshake and its `ready` cost one database query or
// none, the one grouped with the other handshakes of the moment (realtime/arrivals.ts).
// Counted at the database driver (pg's Client.query), which every read goes through,
// Prisma's included, on both databases (the embedded one is reached through pg too).
import assert from "node:assert/strict";
import pg from "pg";
import { createTokens } from "../../src/accounts/tokens.js";
import { call, connectVisitor, sendAccepted, visitorSession, type ConnectError, type Participant } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

/** Counts every pg Client.query call in this process while installed. */
function countQueries() {
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const inner = proto.query;
  const counter = { n: 0, restore: () => void (proto.query = inner) };
  proto.query = function (this: unknown, ...args: unknown[]) {
    counter.n++;
    return inner.apply(this, args);
  };
  return counter;
}

/** The fewest queries `fn` cost over a few tries: the server's own timers (the assignment
 *  sweep, the email outbox) query now and then, never during all of them. */
async function fewest(fn: () => Promise<void>, tries = 4): Promise<number> {
  const counter = countQueries();
  let min = Infinity;
  try {
    for (let i = 0; i < tries; i++) {
      const n0 = counter.n;
      await fn();
      min = Math.min(min, counter.n - n0);
    }
  } finally {
    counter.restore();
  }
  return min;
}

describe("visitor handshake: database queries", function () {
  this.timeout(60_000);
  let srv: TestServer;
  const open: Participant[] = [];
  before(async () => (srv = await startServer()));
  after(async () => {
    for (const p of open.splice(0)) p.close();
    await srv.stop();
  });

  it("costs one query with `ready`, carrying the open conversation as before", async () => {
    const { token, visitorId } = await visitorSession(srv.url, "Quinn");
    const first = await connectVisitor(srv.url, token);
    const sent = await sendAccepted(first.socket, { clientMsgId: "q1", type: "text", body: "hello" });
    first.close();
    let ready: Participant["ready"] | undefined;
    const n = await fewest(async () => {
      const p = await connectVisitor(srv.url, token);
      ready = p.ready;
      p.close();
    });
    assert.equal(n, 1, `${n} queries for one handshake + ready`);
    assert.deepEqual(ready?.you, { type: "visitor", id: visitorId, name: "Quinn" });
    assert.equal(ready?.conversations.length, 1);
    assert.equal(ready?.conversations[0].id, sent.conversationId);
    assert.ok(ready!.conversations[0].lastSeq >= 1);
  });

  it("reads many handshakes of one moment together: 30 at once cost far fewer than 30 queries", async () => {
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => visitorSession(srv.url, `V${i}`).then((s) => s.token)));
    const n = await fewest(async () => {
      const ps = await Promise.all(tokens.map((t) => connectVisitor(srv.url, t)));
      assert.ok(ps.every((p) => p.ready.you.name.startsWith("V")));
      for (const p of ps) p.close();
    }, 3);
    // One each would be 30; grouped, a dozen at most even when a loaded machine makes the
    // groups small (11 seen in CI) and a background timer's query lands in the window.
    assert.ok(n <= 15, `${n} queries for 30 handshakes`);
  });

  it("a well-signed token of a visitor who does not exist is refused AUTH_INVALID", async () => {
    const forged = createTokens("test-secret-0123456789abcdef0123456789").sign("v", "no-such-visitor");
    const err = await connectVisitor(srv.url, forged).then((p) => (p.close(), null), (e: ConnectError) => e);
    assert.equal(err?.data?.code, "AUTH_INVALID");
    // And the sync after `ready` still answers (a visitor without a conversation).
    const p = await connectVisitor(srv.url, (await visitorSession(srv.url)).token);
    open.push(p);
    const res = await call(p.socket, "sync", { afterSeq: 0 });
    assert.equal(res.ok, true);
  });
});
