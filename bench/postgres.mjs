// The PostgreSQL variant: a fresh database on the local server, created for the run and
// dropped afterwards (WITH (FORCE), so a crashed run leaves nothing behind either). The
// database server is a separate process, so its backends' CPU is read from /proc too.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { cpuSeconds, onInterrupt } from "./servers.mjs";

/** BENCH_PG_URL overrides the server (any database on it; the bench makes its own). */
const ADMIN_URL = process.env.BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function adminQuery(sql, params) {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Creates `holdfast_bench_<random>`; `{ error }` when no PostgreSQL lets us (unreachable, no rights). */
export async function createBenchDatabase() {
  const name = `holdfast_bench_${randomBytes(6).toString("hex")}`;
  try {
    await adminQuery(`CREATE DATABASE ${name}`);
  } catch (err) {
    return { error: err.message };
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    /** CPU seconds of this database's backends by pid (null if they are not local processes). */
    async backendCpu() {
      const rows = await adminQuery("SELECT pid FROM pg_stat_activity WHERE datname = $1", [name]).catch(() => []);
      const out = new Map();
      for (const { pid } of rows) {
        try {
          out.set(pid, cpuSeconds(pid));
        } catch {
          return null; // not on this machine (or not readable): say so rather than guess
        }
      }
      return out;
    },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Runs fn(db) on a fresh bench database, dropped afterwards (also if interrupted); when
 *  none can be created, answers null and says why in `notes`. */
export async function withBenchDatabase(fn, notes) {
  const db = await createBenchDatabase();
  if (db.error) {
    notes.push(`PostgreSQL variant skipped: ${db.error}`);
    return null;
  }
  const done = onInterrupt(db.drop);
  try {
    return await fn(db);
  } finally {
    done();
    await db.drop();
  }
}

/** CPU seconds the backends spent between two samples (a backend new since `before` counts whole). */
export function cpuDelta(before, after) {
  if (!before || !after) return NaN;
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}
