// The embedded database's first start (src/lib/pglite/initdb.ts): initdb runs in a child
// process and the thread then opens the finished directory. A failing initdb fails the
// open with its error, leaves no half-made directory behind and releases DATA_DIR's lock.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/lib/db.js";
import { migrate } from "../../src/lib/migrate.js";
import { initDataDir } from "../../src/lib/pglite/initdb.js";

describe("embedded database first start [pglite]", function () {
  this.timeout(120_000);
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-first-"))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("initialises an empty DATA_DIR, serves, and opens it again after close", async () => {
    const db = await openDatabase({ dataDir });
    try {
      assert.ok(existsSync(path.join(dataDir, "pglite", "PG_VERSION")));
      assert.ok(!existsSync(path.join(dataDir, "pglite.initdb")), "the temporary directory is renamed into place");
      await db.withConnection((c) => c.exec("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)"));
    } finally {
      await db.close();
    }
    const again = await openDatabase({ dataDir });
    try {
      assert.deepEqual(await again.query("SELECT n FROM kept"), [{ n: 7 }]);
    } finally {
      await again.close();
    }
  });

  it("comes back migrated from the initdb process: the server's own run has nothing left to do", async () => {
    const db = await openDatabase({ dataDir });
    try {
      const applied = await db.query<{ name: string }>("SELECT name FROM holdfast_migrations ORDER BY name");
      assert.ok(applied.length > 10, `migrations recorded: ${applied.length}`);
      assert.ok(applied.some((r) => r.name.endsWith("_console_search.sql")), "the pg_trgm migration ran (its extension loaded)");
      const logged: unknown[] = [];
      const log = { info: (...a: unknown[]) => logged.push(a), warn: (...a: unknown[]) => logged.push(a) };
      assert.deepEqual(await migrate(db, log as never), [], "nothing applied again");
      assert.deepEqual(logged, [], "no checksum differs");
      await db.query("SELECT 1 FROM message WHERE body % 'hello' LIMIT 1"); // the trigram operator exists
    } finally {
      await db.close();
    }
  });

  it("fails the open with initdb's error, cleans up and releases the lock", async () => {
    // A DATA_DIR whose database path is a file: initdb cannot put its directory there
    // (a permission bit would not stop a test running as root).
    writeFileSync(path.join(dataDir, "pglite"), "not a directory");
    await assert.rejects(openDatabase({ dataDir }), /initdb failed/);
    assert.ok(!existsSync(path.join(dataDir, "holdfast.lock")), "the lock is released");
    assert.ok(!existsSync(path.join(dataDir, "pglite.initdb")), "no half-made directory is left");
    // Released for real: with the obstacle gone, the same DATA_DIR opens.
    rmSync(path.join(dataDir, "pglite"));
    const db = await openDatabase({ dataDir });
    await db.close();
  });
});

describe("embedded database initdb process [pglite]", () => {
  it("is ended and fails when it does not finish in time, not left to hang", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "holdfast-initdb-"));
    try {
      await assert.rejects(initDataDir(path.join(dir, "pglite"), [], 50), /did not finish within/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
