// kill -9 of the server after acked sends: every acked message is there after a restart
// on the same data, with its seq. Runs the built server (dist/) as a child process.
import assert from "node:assert/strict";
import { call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { freshStore, startProcess, testDatabases } from "../helpers/server.js";

for (const db of testDatabases()) {
  describe(`crash safety [${db}]`, function () {
    this.timeout(90_000);

    it("keeps all 50 acked messages across kill -9 and restart", async () => {
      const store = await freshStore(db);
      try {
        const first = await startProcess(store);
        const v = await visitorSession(first.url);
        const visitor = await connectVisitor(first.url, v.token);
        const acked = new Map<string, number>();
        // Sends in flight together, so some are acked from the same group commit.
        await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            const r = await call(visitor.socket, "message:send", { clientMsgId: `k${i}`, type: "text", body: `msg ${i}` });
            assert.equal(r.ok, true, JSON.stringify(r));
            acked.set(r.message.id, r.message.seq);
          }),
        );
        const exited = new Promise((r) => first.child.once("exit", r));
        first.kill();
        await exited;
        visitor.close();

        const second = await startProcess(store);
        try {
          const back = await connectVisitor(second.url, v.token);
          const page = expectOk(await call(back.socket, "sync", { afterSeq: 0, limit: 500 }));
          const stored = new Map<string, number>(page.messages.map((m) => [m.id, m.seq]));
          for (const [id, seq] of acked) assert.equal(stored.get(id), seq, `acked message ${id} lost or moved`);
          const seqs = page.messages.map((m) => m.seq);
          assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1));
          back.close();
        } finally {
          second.kill();
        }
      } finally {
        await store.drop();
      }
    });
  });
}
