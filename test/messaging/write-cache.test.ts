// The write path's one-round-trip mode (src/conversations/batch-write.cache.ts): on a node
// alone on its database, a batch whose conversations this node wrote last is planned
// from the states its write returned, with no snapshot read. Whatever changed behind
// that memory (a retry of a stored send, a resolve, a transfer, a write by someone else)
// must be answered exactly as the read-first path answers it, and store nothing extra.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createBatchWriter } from "../../src/conversations/batch-write.repository.js";
import type { SendRequest } from "../../src/conversations/seq.js";
import { startServer, testDatabases, type TestServer } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`message write path, remembered conversation states [${db}]`, function () {
    this.timeout(30_000);
    let srv: TestServer;
    before(async () => (srv = await startServer({ db })));
    after(async () => srv?.stop());

    const deps = () => srv.application.services;
    const repo = () => deps().repos.messages;
    const sql = (text: string, ...params: unknown[]) => deps().db.query(text, params);
    async function conversation() {
      const { visitorId } = await deps().accounts.createVisitor({ name: "Cache Visitor" });
      const { row } = await deps().repos.conversations.ensureActive(visitorId);
      return { cid: row.id, visitorId };
    }
    const send = (c: { cid: string; visitorId: string }, clientMsgId: string): SendRequest => ({
      conversationId: c.cid, sender: { type: "visitor", id: c.visitorId, name: "Cache Visitor" },
      clientMsgId, type: "text", body: `body of ${clientMsgId}`,
    });
    const seqs = async (cid: string) => (await repo().messagesAfter(cid, 0, 500)).map((m) => `${m.clientMsgId}#${m.seq}`);
    const summary = (out: Awaited<ReturnType<ReturnType<typeof repo>["writeBatch"]>>) =>
      out.map((o) => (o.ok ? `${o.message.clientMsgId}#${o.message.seq}${o.duplicate ? " dup" : ""}` : o.error.code));

    it("writes a conversation's later batches in one round trip, gapless", async () => {
      const c = await conversation();
      const before = { ...repo().writeStats };
      for (let i = 1; i <= 6; i++) assert.deepEqual(summary(await repo().writeBatch([send(c, `m${i}`)])), [`m${i}#${i}`]);
      assert.equal(repo().writeStats.optimistic - before.optimistic, 1, "only the first batch read a snapshot");
      assert.equal(repo().writeStats.cached - before.cached, 5);
      assert.equal(repo().writeStats.cacheMissed, before.cacheMissed);
      assert.deepEqual(await seqs(c.cid), ["m1#1", "m2#2", "m3#3", "m4#4", "m5#5", "m6#6"]);
      // And /metrics says so (loopback may read it without a token).
      const text = await fetch(`${srv.url}/metrics`).then((r) => r.text());
      const cached = Number(/^holdfast_write_paths_total\{path="cached"\} (\d+)$/m.exec(text)?.[1]);
      assert.equal(cached, repo().writeStats.cached);
    });

    it("answers a retry of a stored send as its duplicate, with the stored message, and stores nothing new", async () => {
      const c = await conversation();
      const [first] = await repo().writeBatch([send(c, "r1")]);
      await repo().writeBatch([send(c, "r2")]);
      const before = { ...repo().writeStats };
      const out = await repo().writeBatch([send(c, "r1"), send(c, "r3")]);
      assert.deepEqual(summary(out), ["r1#1 dup", "r3#3"]);
      assert.deepEqual(out[0].ok && out[0].message, first.ok && first.message, "the stored message, not a new one");
      assert.equal(repo().writeStats.cacheMissed - before.cacheMissed, 1, "the remembered write had to miss");
      assert.deepEqual(await seqs(c.cid), ["r1#1", "r2#2", "r3#3"]);
    });

    it("answers a send to a conversation resolved behind the memory as resolved, and stores nothing", async () => {
      const c = await conversation();
      await repo().writeBatch([send(c, "s1")]);
      await repo().writeBatch([send(c, "s2")]);
      await sql("UPDATE conversation SET status = 'resolved', resolved_at = now() WHERE id = $1", c.cid);
      assert.deepEqual(summary(await repo().writeBatch([send(c, "s3")])), ["CONFLICT"]);
      assert.deepEqual(await seqs(c.cid), ["s1#1", "s2#2"]);
      assert.equal(Number((await deps().repos.conversations.byId(c.cid))!.last_seq), 2);
    });

    it("refuses the agent a conversation was transferred away from behind the memory; the new agent goes on gaplessly", async () => {
      const c = await conversation();
      const agent = async (name: string) =>
        (await deps().accounts.createAgent({ email: `${randomUUID()}@example.com`, name, password: "a long password 1", role: "agent" })).id;
      const [from, to] = [await agent("From"), await agent("To")];
      await sql("UPDATE conversation SET status = 'open', agent_id = $2 WHERE id = $1", c.cid, from);
      const as = (id: string, clientMsgId: string): SendRequest => ({ ...send(c, clientMsgId), sender: { type: "agent", id, name: "Agent" } });
      assert.deepEqual(summary(await repo().writeBatch([as(from, "a1")])), ["a1#1"]);
      assert.deepEqual(summary(await repo().writeBatch([as(from, "a2")])), ["a2#2"]);
      await sql("UPDATE conversation SET agent_id = $2 WHERE id = $1", c.cid, to);
      const [refused] = await repo().writeBatch([as(from, "a3")]);
      assert.equal(refused.ok, false, "the old agent's send was stored");
      assert.deepEqual(summary(await repo().writeBatch([as(to, "b1")])), ["b1#3"]);
      assert.deepEqual(await seqs(c.cid), ["a1#1", "a2#2", "b1#3"]);
    });

    it("continues after a message someone else wrote behind the memory, gaplessly", async () => {
      const c = await conversation();
      await repo().writeBatch([send(c, "o1")]);
      await repo().writeBatch([send(c, "o2")]);
      // Another writer (another node's, through its own statement) takes seq 3.
      const other = createBatchWriter(deps().db, deps().uploadLinks.url);
      assert.deepEqual(summary(await other.writeBatch([send(c, "elsewhere")])), ["elsewhere#3"]);
      assert.deepEqual(summary(await repo().writeBatch([send(c, "o3"), send(c, "o4")])), ["o3#4", "o4#5"]);
      assert.deepEqual(await seqs(c.cid), ["o1#1", "o2#2", "elsewhere#3", "o3#4", "o4#5"]);
    });

    it("reads every batch first on a node that is not alone on its database", async () => {
      const c = await conversation();
      const clustered = createBatchWriter(deps().db, deps().uploadLinks.url, undefined, { alone: false });
      for (let i = 1; i <= 3; i++) await clustered.writeBatch([send(c, `k${i}`)]);
      assert.deepEqual(clustered.stats, { cached: 0, optimistic: 3, relocked: 0, cacheMissed: 0 });
    });
  });
}
