// The embedded database's thread dying (lib/pglite/host.ts): the process lives on, the
// database answers UNAVAILABLE meanwhile, a fresh thread is started, what was acked
// before is still there and new sends are acked again. And one server per DATA_DIR.
import assert from "node:assert/strict";
import pg from "pg";
import { openDatabase, type Database } from "../../src/lib/db.js";
import { isUnavailable } from "../../src/lib/unavailable.js";
import { call, connectVisitor, expectOk, visitorSession } from "../helpers/clients.js";
import { freshStore, startServer } from "../helpers/server.js";

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const out = await fn().catch(() => undefined);
    if (out !== undefined) return out;
    if (Date.now() > until) throw new Error(`${what}: not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("embedded database thread [pglite]", function () {
  this.timeout(120_000);

  it("survives the thread's crash: UNAVAILABLE while down, restarted, acked message kept, new sends acked", async () => {
    let db: Database | undefined;
    const server = await startServer({ db: "pglite", infra: (i) => (db = i.db) });
    try {
      assert.equal(db?.kind, "pglite");
      const embedded = db.embedded!;
      const v = await visitorSession(server.url);
      const visitor = await connectVisitor(server.url, v.token);
      const before = expectOk(await call(visitor.socket, "message:send", { clientMsgId: "before", type: "text", body: "before the crash" }));

      await embedded.crash();
      // Right after the crash, the thread is still starting (a PGlite start takes seconds).
      const down = await db.query("SELECT 1").then(() => null, (err: unknown) => err);
      assert.ok(down && isUnavailable(down), `expected UNAVAILABLE, got ${String(down)}`);

      await eventually("restart", async () => (embedded.restarts() >= 1 ? true : undefined));
      // The pool may still hold a connection to the dead thread: the client retries, as
      // it would after any UNAVAILABLE.
      const after = await eventually("a send after restart", async () => {
        const r = await call(visitor.socket, "message:send", { clientMsgId: "after", type: "text", body: "after the crash" });
        return r.ok ? r.message : undefined;
      });
      const page = expectOk(await call(visitor.socket, "sync", { afterSeq: 0, limit: 50 }));
      const ids = page.messages.map((m: { id: string }) => m.id);
      assert.deepEqual(ids, [before.message.id, after.id]);
      assert.deepEqual(page.messages.map((m: { seq: number }) => m.seq), [1, 2]);
      visitor.close();
    } finally {
      await server.stop();
    }
  });

  it("refuses a second opening of the same DATA_DIR while the first is open, allows it after close", async () => {
    const store = await freshStore("pglite");
    try {
      const first = await openDatabase({ dataDir: store.env.DATA_DIR! });
      await assert.rejects(openDatabase({ dataDir: store.env.DATA_DIR! }), /already open|in use/);
      assert.deepEqual(await first.query("SELECT 1 AS one"), [{ one: 1 }]);
      await first.close();
      const again = await openDatabase({ dataDir: store.env.DATA_DIR! });
      await again.close();
    } finally {
      await store.drop();
    }
  });

  it("takes turns by transaction: another connection waits for COMMIT, and an abandoned transaction is rolled back", async () => {
    const store = await freshStore("pglite");
    const db = await openDatabase({ dataDir: store.env.DATA_DIR! });
    const target = { host: db.embedded!.socketDir, port: db.embedded!.port, user: "postgres", database: "postgres" };
    const a = new pg.Client(target);
    const b = new pg.Client(target);
    a.on("error", () => {}); // its connection is cut on purpose below
    try {
      await db.withConnection((c) => c.exec("CREATE TABLE turns (n int)"));
      await a.connect();
      await b.connect();
      await a.query("BEGIN");
      await a.query("INSERT INTO turns VALUES (1)");
      let bDone = false;
      const bCount = b.query("SELECT count(*)::int AS n FROM turns").then((r) => ((bDone = true), r.rows[0].n));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(bDone, false, "a second connection ran inside another's open transaction");
      await a.query("COMMIT");
      assert.equal(await bCount, 1);

      await a.query("BEGIN");
      await a.query("INSERT INTO turns VALUES (2)");
      (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      assert.deepEqual(await db.query("SELECT count(*)::int AS n FROM turns"), [{ n: 1 }]);
      assert.deepEqual(await db.transaction((q) => q("SELECT count(*)::int AS n FROM turns")), [{ n: 1 }]);
    } finally {
      await a.end().catch(() => {});
      await b.end().catch(() => {});
      await db.close();
      await store.drop();
    }
  });
});
