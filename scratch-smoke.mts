import { openDatabase } from "./src/lib/db.js";
import { mkdtempSync } from "node:fs";
const dir = mkdtempSync("/tmp/pgw-");
const t0 = Date.now();
const db = await openDatabase({ dataDir: dir, onRestart: (e: unknown) => console.log("restart cause", e) } as any);
console.log("open", Date.now() - t0, "ms");
await db.withConnection(async (c) => { await c.exec("CREATE TABLE t (id int primary key, v text); INSERT INTO t VALUES (1,'a');"); console.log(await c.query("SELECT pg_advisory_lock($1)", [7])); });
console.log(await db.query("SELECT * FROM t WHERE id = $1", [1]));
await Promise.all([1,2,3,4,5,6,7,8].map((i) => db.transaction(async (q) => { await q("INSERT INTO t VALUES ($1, 'x')", [i+10]); await new Promise(r=>setTimeout(r,10)); return q("SELECT count(*) FROM t"); })));
console.log(await db.query("SELECT count(*) FROM t"));
try { await db.transaction(async (q) => { await q("INSERT INTO t VALUES (100,'y')"); throw new Error("boom"); }); } catch (e) { console.log("rolled", (e as Error).message); }
try { await db.query("SELECT nope"); } catch (e) { console.log("err", (e as Error).message); }
await db.embedded!.crash();
try { await db.query("SELECT 1"); console.log("unexpected ok"); } catch (e) { console.log("during crash", (e as any).code); }
for (let i = 0; i < 40 && db.embedded!.restarts() === 0; i++) await new Promise(r=>setTimeout(r,250));
console.log("after restart", await db.query("SELECT count(*) FROM t"), db.embedded!.restarts());
try { await openDatabase({ dataDir: dir }); } catch (e) { console.log("lock", (e as Error).message); }
await db.close();
console.log("closed");
