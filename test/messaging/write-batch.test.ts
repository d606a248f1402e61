// The group-commit write path itself (messages.repository writeBatch and the writer), on
// a real database: one batch mixing several conversations, in-batch and stored duplicates,
// refusals and an attachment must give exactly the outcomes one-by-one writes would, with
// seqs that continue gaplessly and rows that read back as the acked messages.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { SendRequest } from "../../src/conversations/seq.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`message write path, group commit [${db}]`, function () {
    this.timeout(30_000);
    let srv: TestServer;
    before(async () => (srv = await startServer({ db })));
    after(async () => srv?.stop());

    const deps = () => srv.application.services;
    async function conversation() {
      const { visitorId } = await deps().accounts.createVisitor({ name: "Batch Visitor" });
      const { row } = await deps().repos.conversations.ensureActive(visitorId);
      return { cid: row.id, visitorId };
    }
    const visitorSend = (c: { cid: string; visitorId: string }, clientMsgId: string, extra: Partial<SendRequest> = {}): SendRequest => ({
      conversationId: c.cid, sender: { type: "visitor", id: c.visitorId, name: "Batch Visitor" },
      clientMsgId, type: "text", body: `body of ${clientMsgId}`, ...extra,
    });
    const stored = (cid: string) => deps().repos.messages.messagesAfter(cid, 0, 500);

    it("writes a mixed batch like one-by-one writes would, gapless, and reads back what it acked", async () => {
      const a = await conversation();
      const b = await conversation();
      const other = await conversation();
      const first = await deps().repos.messages.writeBatch([visitorSend(a, "a0")]);
      assert.equal(first[0].ok && first[0].message.seq, 1);
      const attId = randomUUID();
      await deps().db.prisma.$executeRawUnsafe(
        "INSERT INTO attachment (id, owner_type, owner_id, name, size, mime, path) VALUES ($1, 'visitor', $2, 'pic.png', 42, 'image/png', 'x')",
        attId, b.visitorId,
      );
      const out = await deps().repos.messages.writeBatch([
        visitorSend(a, "a1"),
        visitorSend(b, "b1", { type: "image", attachmentId: attId }),
        visitorSend(a, "a0"), // a retry of a stored message
        visitorSend(a, "a2"),
        visitorSend(b, "b1"), // the same send twice in one batch
        { ...visitorSend(other, "x1"), sender: { type: "visitor", id: a.visitorId, name: "Batch Visitor" } }, // not theirs
        visitorSend(b, "b2", { attachmentId: randomUUID() }), // unknown attachment
        // Array parameters must carry any text: quotes, braces, commas, backslashes, "NULL".
        visitorSend(b, "b3", { body: "it's 'quoted', {braced}, \"double\", a\\b, c\\\"d, NULL; ✓ ünï" }),
      ]);
      const summary = out.map((o) => (o.ok ? `${o.message.clientMsgId}#${o.message.seq}${o.duplicate ? " dup" : ""}` : o.error.code));
      assert.deepEqual(summary, ["a1#2", "b1#1", "a0#1 dup", "a2#3", "b1#1 dup", "NOT_FOUND", "NOT_FOUND", "b3#2"]);
      const okB1 = out[1].ok ? out[1].message : null;
      assert.deepEqual(okB1?.attachment, { id: attId, url: deps().uploadLinks.url(attId), name: "pic.png", size: 42, mime: "image/png" });

      // Refusals took no seq; the rows are exactly the acked messages, and last_seq agrees.
      const acked = out.flatMap((o) => (o.ok && !o.duplicate ? [o.message] : []));
      const rows = [...(await stored(a.cid)), ...(await stored(b.cid))];
      assert.deepEqual(rows.map((m) => m.seq), [1, 2, 3, 1, 2]);
      for (const m of acked) assert.deepEqual(rows.find((r) => r.id === m.id), m);
      assert.equal(Number((await deps().repos.conversations.byId(a.cid))!.last_seq), 3);
      assert.equal(Number((await deps().repos.conversations.byId(b.cid))!.last_seq), 2);
      assert.equal((await stored(other.cid)).length, 0);
    });

    it("rolls a raw transaction back whole when a statement fails, and keeps working", async () => {
      const c = await conversation();
      const db = deps().db;
      const failing = db.transaction(async (q) => {
        await q("UPDATE conversation SET last_seq = 99 WHERE id = $1", [c.cid]);
        await q("SELECT no_such_column FROM conversation");
      });
      await assert.rejects(failing, /no_such_column/);
      assert.equal(Number((await deps().repos.conversations.byId(c.cid))!.last_seq), 0);
      // More transactions than the pool has connections: a leaked connection would hang here.
      for (let i = 0; i < 12; i++) await assert.rejects(db.transaction((q) => q("SELECT 1/0")), /division by zero/);
      const out = await deps().repos.messages.writeBatch([visitorSend(c, "after-rollback")]);
      assert.equal(out[0].ok && out[0].message.seq, 1);
    });

    it("groups concurrent sends into few transactions and keeps every conversation gapless", async () => {
      const convs = await Promise.all(Array.from({ length: 10 }, conversation));
      const before = { ...deps().writer.stats };
      const sends = convs.flatMap((c, i) => Array.from({ length: 30 }, (_, k) => visitorSend(c, `c${i}-${k}`)));
      const out = await Promise.all(sends.map((s) => deps().writer.write(s)));
      assert.ok(out.every((o) => o.ok && !o.duplicate));
      const batches = deps().writer.stats.batches - before.batches;
      assert.equal(deps().writer.stats.messages - before.messages, 300);
      assert.ok(batches < 100, `300 concurrent sends took ${batches} transactions`);
      for (const c of convs) {
        const seqs = (await stored(c.cid)).map((m) => m.seq);
        assert.deepEqual(seqs, Array.from({ length: 30 }, (_, i) => i + 1));
      }
    });

    it("stores racing batches of one conversation gaplessly: the losers of the optimistic write go through the lock", async () => {
      const c = await conversation();
      const repo = deps().repos.messages;
      const before = { ...repo.writeStats };
      // Straight at the repository, past the writer's queue: 20 batches read last_seq 0 at
      // about the same time, and each write may find it moved.
      const out = await Promise.all(Array.from({ length: 20 }, (_, i) => repo.writeBatch([visitorSend(c, `race-${i}`), visitorSend(c, `race-${i}b`)])));
      const acked = out.flat().map((o) => (o.ok && !o.duplicate ? o.message.seq : o.ok ? "dup" : o.error.code));
      assert.deepEqual([...acked].sort((x, y) => Number(x) - Number(y)), Array.from({ length: 40 }, (_, i) => i + 1));
      assert.deepEqual((await stored(c.cid)).map((m) => m.seq), Array.from({ length: 40 }, (_, i) => i + 1));
      for (const batch of out) assert.equal(batch[0].ok && batch[1].ok && batch[1].message.seq - batch[0].message.seq, 1);
      assert.ok(repo.writeStats.relocked > before.relocked, "no batch lost the optimistic race: the test proves nothing");
    });

    it("answers a send to a conversation resolved between its read and its write as resolved, and stores nothing", async () => {
      const c = await conversation();
      await deps().repos.messages.writeBatch([visitorSend(c, "before-resolve")]);
      // Another writer resolves it and holds its row: the send reads "open", then waits.
      await deps().db.withConnection(async (conn) => {
        await conn.exec("BEGIN");
        await conn.query("UPDATE conversation SET status = 'resolved', resolved_at = now() WHERE id = $1", [c.cid]);
        const send = deps().repos.messages.writeBatch([visitorSend(c, "after-resolve")]);
        await new Promise((r) => setTimeout(r, 300));
        await conn.exec("COMMIT");
        const [o] = await send;
        assert.equal(o.ok ? "stored" : o.error.code, "CONFLICT");
      });
      assert.deepEqual((await stored(c.cid)).map((m) => m.clientMsgId), ["before-resolve"]);
      assert.equal(Number((await deps().repos.conversations.byId(c.cid))!.last_seq), 1);
    });

    it("queues fairly: one sender's pile of writes is capped (RATE_LIMITED), another sender's write still goes in", async () => {
      const [flooder, other] = await Promise.all([conversation(), conversation()]);
      const pile = Array.from({ length: 500 }, (_, i) => deps().writer.write(visitorSend(flooder, `pile-${i}`)).then(
        (o) => (o.ok ? "ok" : "refused"),
        (e: { code?: string; retryAfterMs?: number }) => `${e.code}:${(e.retryAfterMs ?? 0) > 0}`,
      ));
      const theirs = deps().writer.write(visitorSend(other, "mine"));
      const outcomes = await Promise.all(pile);
      assert.equal((await theirs).ok, true, "the other sender's write");
      const limited = outcomes.filter((o) => o === "RATE_LIMITED:true").length;
      assert.ok(limited >= 250, `only ${limited} of one sender's 500 queued writes were refused: ${[...new Set(outcomes)]}`);
      assert.equal(outcomes.filter((o) => o === "ok").length + limited, 500, [...new Set(outcomes)].join());
      assert.equal(deps().writer.queueLength(), 0);
    });
  });
}
