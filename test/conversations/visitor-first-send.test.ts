// A visitor's sends without a conversationId (the first message opens the conversation,
// PROTOCOL.md section 3) all land in one conversation with gapless seqs, however many
// arrive at once, and they do not each look the conversation up: a burst of them (a
// reconnect flushing an outbox, or a flood within its budget) is one lookup, not one per
// message. Before this, 60 such sends made 60 lookups, which on the embedded database
// held the main thread for a quarter of a second (bench/flood.mjs).
import assert from "node:assert/strict";
import type { Database } from "../../src/lib/db.js";
import { call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

/** Counts the raw queries that look a visitor's active conversation up. */
function countLookups(db: Database) {
  const counter = { n: 0 };
  const prisma = db.prisma as unknown as { $queryRawUnsafe: (sql: string, ...p: unknown[]) => Promise<unknown> };
  const original = prisma.$queryRawUnsafe.bind(prisma);
  prisma.$queryRawUnsafe = (sql, ...params) => {
    if (/c\.visitor_id = \$1 AND c\.status IN \('waiting', 'open'\)/.test(sql)) counter.n++;
    return original(sql, ...params);
  };
  return counter;
}

for (const db of testDatabases()) {
  describe(`a visitor's sends without a conversationId [${db}]`, function () {
    this.timeout(60_000);
    let srv: TestServer;
    let lookups: { n: number };
    let database: Database;
    before(async () => (srv = await startServer({ db, infra: (i) => ((database = i.db), (lookups = countLookups(i.db))) })));
    after(async () => srv?.stop());

    it("60 at once open one conversation, seqs 1..60, with at most two lookups", async () => {
      const v = await connectVisitor(srv.url, (await visitorSession(srv.url, "Burst")).token);
      try {
        const before = lookups.n;
        const acks = await Promise.all(Array.from({ length: 60 }, (_, i) =>
          call(v.socket, "message:send", { clientMsgId: `b${i}`, type: "text", body: `burst ${i}` }, 30_000)));
        const messages = acks.map((a) => expectOk(a).message);
        assert.equal(new Set(messages.map((m) => m.conversationId)).size, 1, "one conversation");
        assert.deepEqual(messages.map((m) => m.seq).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i + 1));
        assert.ok(lookups.n - before <= 2, `conversation lookups for 60 sends: ${lookups.n - before}`);
        // Later sends reuse what the burst found.
        const more = await call(v.socket, "message:send", { clientMsgId: "after", type: "text", body: "after" });
        // (seq 61 may be the system line saying nobody is online yet)
        assert.equal(expectOk(more).message.conversationId, messages[0].conversationId);
        assert.ok(expectOk(more).message.seq > 60);
        assert.ok(lookups.n - before <= 2, `after one more send: ${lookups.n - before}`);
      } finally {
        v.socket.disconnect();
      }
    });

    it("a send after the conversation was resolved opens a new one", async () => {
      const v = await connectVisitor(srv.url, (await visitorSession(srv.url, "Again")).token);
      try {
        const first = expectOk(await call(v.socket, "message:send", { clientMsgId: "one", type: "text", body: "one" })).message;
        await database.prisma.$executeRawUnsafe(
          "UPDATE conversation SET status = 'resolved', resolved_at = now() WHERE id = $1", first.conversationId);
        const second = expectOk(await call(v.socket, "message:send", { clientMsgId: "two", type: "text", body: "two" })).message;
        assert.notEqual(second.conversationId, first.conversationId);
        assert.equal(second.seq, 1);
      } finally {
        v.socket.disconnect();
      }
    });
  });
}
