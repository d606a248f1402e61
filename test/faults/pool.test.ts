// The PostgreSQL pool through a stalled link (connections open, nothing answers): every
// transaction fails within seconds (the client-side bounds of lib/db.ts), and none keeps
// its connection: once the database answers again the pool serves at full size and
// closes at once. A transaction that kept a connection would shrink the pool for good;
// ten of them would refuse every query of the node.
import assert from "node:assert/strict";
import { monitorEventLoopDelay } from "node:perf_hooks";
import pg from "pg";
import { openDatabase, type Database } from "../../src/lib/db.js";
import { createLogger } from "../../src/lib/logger.js";
import { migrate } from "../../src/lib/migrate.js";
import { createConversationsRepository } from "../../src/conversations/conversations.repository.js";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy.js";
import { freshStore, type Store } from "../helpers/server.js";

const POOL_SIZE = 10; // lib/db.ts
const within = <T>(p: Promise<T>, ms: number, what: string) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms))]);

(process.env.HOLDFAST_TEST_POSTGRES === "1" ? describe : describe.skip)("PostgreSQL pool through a stalled link", function () {
  this.timeout(60_000);
  let store: Store;
  let proxy: FaultProxy;
  let db: Database;
  let direct: pg.Client;

  before(async () => {
    store = await freshStore("postgres");
    const url = new URL(store.env.DATABASE_URL);
    proxy = await startFaultProxy({ port: Number(url.port) });
    url.port = String(proxy.port);
    db = await openDatabase({ databaseUrl: url.toString(), dataDir: store.env.DATA_DIR });
    await migrate(db, createLogger("silent"));
    direct = new pg.Client({ connectionString: store.env.DATABASE_URL }); // not through the proxy
    await direct.connect();
    await direct.query(`INSERT INTO agent (id, email, name, password_hash, max_concurrent) VALUES ('a1', 'a1@test.local', 'A', 'x', 100);
      INSERT INTO visitor (id) VALUES ('v1'); INSERT INTO conversation (id, visitor_id) VALUES ('c1', 'v1')`);
  });
  after(async () => {
    await direct?.end();
    await proxy?.close();
    await store?.drop();
  });

  it("fails every transaction within seconds, leaks no connection, and serves at full size after", async () => {
    const conversations = createConversationsRepository(db);
    // Another session holds the agent's row: the assignments wait inside their
    // transactions, on the lock, when the link stalls.
    await direct.query("BEGIN; SELECT 1 FROM agent WHERE id = 'a1' FOR UPDATE");
    const assigns = Array.from({ length: 4 }, () => conversations.assign("c1", "a1", { status: "waiting", agentId: null }));
    const writes = Array.from({ length: 4 }, () => db.transaction((q) => q("SELECT id FROM agent WHERE id = 'a1' FOR UPDATE")));
    await new Promise((r) => setTimeout(r, 500));
    proxy.stall();
    await direct.query("ROLLBACK"); // the lock is free, but no answer gets through any more
    // The bound is the driver's timers; a CI run once saw this process itself stopped for
    // about 14 s (the timers all fired late, together). Time this process could not run
    // is not the pool's: the longest event-loop stall is taken off the elapsed time.
    const lag = monitorEventLoopDelay({ resolution: 20 });
    lag.enable();
    const started = Date.now();
    const outcomes = await within(Promise.allSettled([...assigns, ...writes]), 30_000, "transactions on a stalled link");
    const elapsed = Date.now() - started;
    lag.disable();
    const stalled = Math.round(lag.max / 1e6);
    assert.deepEqual(outcomes.map((o) => o.status), outcomes.map(() => "rejected"), "every transaction failed");
    assert.ok(elapsed - stalled < 10_000, `within seconds, not ${elapsed} ms (of which ${stalled} ms this process was stopped)`);
    await proxy.up();

    // Every connection of the pool at once, each held a moment: none is missing.
    await within(Promise.all(Array.from({ length: POOL_SIZE }, () => db.transaction((q) => q("SELECT pg_sleep(0.3)")))), 5000, "the full pool");
    assert.equal(await conversations.assign("c1", "a1", { status: "waiting", agentId: null }), true, "assigns again");
    await within(db.close(), 5000, "closing the pool (a connection still checked out keeps it open)");
  });

  it("bounds a statement outside a transaction on the server too (the write path's optimistic UPDATE)", async () => {
    const fresh = await openDatabase({ databaseUrl: store.env.DATABASE_URL, dataDir: store.env.DATA_DIR });
    try {
      const started = Date.now();
      await assert.rejects(fresh.query("SELECT pg_sleep(4.5)"), /statement timeout/);
      assert.ok(Date.now() - started < 4500, "ended by the server, before the client's 5 s bound");
      assert.deepEqual(await fresh.query("SELECT 1 AS one"), [{ one: 1 }], "the connection serves on");
    } finally {
      await fresh.close();
    }
  });
});
