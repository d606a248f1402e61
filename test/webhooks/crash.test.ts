// Nothing is lost across kill -9: the outbox row is committed with the message, before the
// ack, so events acked while the receiver was failing arrive once the server is started
// again on the same database and the receiver is back; a receiver that deduplicates by
// id sees each event once, in order per conversation.
import assert from "node:assert/strict";
import { call, connectVisitor, expectOk, sleep, until, visitorSession } from "../helpers/clients.js";
import { freshStore, startProcess, testDatabases } from "../helpers/server.js";
import { addWebhook, FAST_ENV } from "./helpers.js";
import { startReceiver } from "./receiver.js";

for (const db of testDatabases()) {
  describe(`webhooks across kill -9 (${db})`, function () {
    this.timeout(120_000);

    it("delivers every event acked before the kill once the server is back", async () => {
      let up = false;
      const rx = await startReceiver({ answer: () => (up ? { status: 200 } : { status: 503 }) });
      const store = await freshStore(db);
      let srv = await startProcess(store, FAST_ENV);
      try {
        await addWebhook(srv.url, rx.url, ["conversation.created", "message.created"]);
        const acked: { conversationId: string; id: string; seq: number }[] = [];
        const visitors = await Promise.all([0, 1, 2, 3].map(async () => connectVisitor(srv.url, (await visitorSession(srv.url)).token)));
        // Sends from four visitors at once, the last ones acked just before the kill.
        await Promise.all(visitors.map(async (v, k) => {
          for (let i = 0; i < 15; i++) {
            const m = expectOk(await call(v.socket, "message:send", { clientMsgId: `k${k}-${i}`, type: "text", body: `${k}/${i}` })).message;
            acked.push({ conversationId: m.conversationId, id: m.id, seq: m.seq });
          }
        }));
        await until(() => rx.requests.length > 5, 10_000, "failing attempts");
        srv.kill();
        await new Promise((r) => srv.child.once("exit", r));
        for (const v of visitors) v.close();

        srv = await startProcess(store, FAST_ENV);
        up = true;
        const want = new Set(acked.map((a) => a.id));
        const got = () => [...rx.accepted.values()].filter((r) => r.event.type === "message.created" && want.has(r.event.data.message.id));
        await until(() => got().length === want.size, 60_000, `all ${want.size} acked messages`);
        await sleep(1000); // room for a late duplicate
        // Deduplicated by id: each acked message once; and conversation.created for each.
        assert.equal(new Set(got().map((r) => r.event.data.message.id)).size, acked.length);
        const conversations = new Set(acked.map((a) => a.conversationId));
        const created = [...rx.accepted.values()].filter((r) => r.event.type === "conversation.created").map((r) => r.event.data.conversation.id);
        assert.deepEqual(new Set(created), conversations);
        // In order per conversation, as first accepted.
        for (const cid of conversations) {
          const seqs = got().filter((r) => r.event.data.message.conversationId === cid).map((r) => r.event.data.message.seq as number);
          assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `conversation ${cid}`);
        }
        assert.ok(rx.requests.some((r) => r.status === 503), "the receiver failed before the kill");
      } finally {
        srv.kill();
        await rx.close();
        await store.drop();
      }
    });
  });
}

(process.env.HOLDFAST_TEST_POSTGRES === "1" ? describe : describe.skip)("webhooks: two server processes on one PostgreSQL database", function () {
  this.timeout(120_000);

  it("share the deliveries: every event accepted, in order per conversation", async () => {
    let k = 0;
    const rx = await startReceiver({ answer: () => (k++ % 4 === 1 ? { status: 500 } : { status: 200, delayMs: 10 }) });
    const store = await freshStore("postgres");
    const a = await startProcess(store, FAST_ENV);
    const b = await startProcess(store, FAST_ENV);
    try {
      await addWebhook(a.url, rx.url, ["message.created"]);
      await sleep(5500); // node b's cache of subscriptions (REFRESH_MS)
      const acked = new Map<string, string>();
      await Promise.all([0, 1, 2, 3, 4, 5].map(async (n) => {
        const base = n % 2 ? b.url : a.url;
        const v = await connectVisitor(base, (await visitorSession(base)).token);
        for (let i = 0; i < 10; i++) {
          const m = expectOk(await call(v.socket, "message:send", { clientMsgId: `n${n}-${i}`, type: "text", body: `${n}/${i}` })).message;
          acked.set(m.id, m.conversationId);
        }
        v.close();
      }));
      const got = () => [...rx.accepted.values()].filter((r) => acked.has(r.event.data.message.id));
      await until(() => got().length === acked.size, 60_000, `all ${acked.size} messages`);
      for (const cid of new Set(acked.values())) {
        const seqs = rx.requests.filter((r) => r.event.data.message.conversationId === cid).map((r) => ({ seq: r.event.data.message.seq as number, ok: r.status === 200 }));
        let last = 0;
        for (const s of seqs) {
          assert.ok(s.seq === last + 1 || s.seq === last, `conversation ${cid}: ${JSON.stringify(seqs)}`);
          if (s.ok) last = s.seq;
        }
      }
    } finally {
      a.kill();
      b.kill();
      await rx.close();
      await store.drop();
    }
  });
});
