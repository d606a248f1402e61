// Opens the database: PGlite (embedded PostgreSQL) in DATA_DIR by default, real
// PostgreSQL when DATABASE_URL is set. Both speak the same SQL, so one schema and one
// set of migrations serve both. Prisma is the query layer; the raw driver is kept for
// the migration runner, which needs multi-statement scripts and a session-level lock.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type Prisma = PrismaClient;

/** A single connection for scripts: multi-statement exec, parameterised query. */
export interface RawConnection {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A parameterised statement inside a raw transaction; answers the rows. */
export type TxQuery = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

export interface Database {
  kind: "pglite" | "postgres";
  prisma: Prisma;
  /** Runs fn in one transaction on the raw driver (committed if fn resolves, rolled back if
   * it throws). For the message write path: Prisma's interactive transaction costs about a
   * millisecond per statement on top of the driver, which at 1,000 msg/s was a tenth of the
   * server's CPU (BENCHMARKS.md). Everything else goes through Prisma. */
  transaction<T>(fn: (query: TxQuery) => Promise<T>): Promise<T>;
  /** One read on the raw driver, outside any transaction: for the hottest reads (the
   *  handshake's, src/realtime/arrivals.ts), where Prisma's per-query cost would be most
   *  of the handshake's. */
  query: TxQuery;
  /** Runs fn on one dedicated connection (a session: advisory locks hold across calls). */
  withConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(path.join(opts.dataDir, "pglite"));
}

// Client-side bounds. A stalled link (a dead route, a paused server) neither answers nor
// fails, and statement_timeout is enforced by the server, so it never arrives through
// one: without these a query, or a wait for a new connection or a free one, would hang
// for ever. A query that times out fails (UNAVAILABLE) and its connection is discarded.
const CONNECT_TIMEOUT_MS = 3000;
const QUERY_TIMEOUT_MS = 5000;
/** Below the client's bound, so a wait on another node's row lock ends on the server
 *  first and the connection stays usable. */
const STATEMENT_TIMEOUT = "4s";
const timedOut = (err: unknown) => err instanceof Error && err.message === "Query read timeout";

async function openPostgres(url: string): Promise<Database> {
  // One pool for Prisma and the raw write path, so together they never exceed its size.
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS });
  // A connection the server dropped (a restart, a cut link) emits 'error': on an idle one
  // through the pool, on a checked-out one on the client itself. Without a listener either
  // would end the process; the query in flight fails on its own (UNAVAILABLE) and the pool
  // replaces the connection on the next one.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: "postgres",
    prisma,
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        // One round trip; the timeout bounds a wait on another node's row lock.
        await client.query(`BEGIN; SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT}'`);
        const out = await fn(async (sql, params) => (await client.query(sql, params as unknown[])).rows);
        await client.query("COMMIT");
        return out;
      } catch (err) {
        // A query that timed out is still outstanding on the connection, so a ROLLBACK
        // would only wait behind it: the connection is discarded instead, which ends the
        // transaction on the server. A failed ROLLBACK means the same.
        if (timedOut(err)) broken = err;
        else await client.query("ROLLBACK").catch((e: unknown) => (broken = e));
        throw err;
      } finally {
        client.release(broken as Error | undefined);
      }
    },
    async withConnection(fn) {
      // No query timeout: a migration may take long, and its lock waits for another node's.
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      client.on("error", () => {}); // as above: the caller's query fails instead
      await client.connect();
      try {
        return await fn({
          exec: async (sql) => void (await client.query(sql)),
          query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
        });
      } finally {
        await client.end();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const lite = await PGlite.create(dir);
  // The adapter is typed against an older driver-adapter-utils; the runtime contract
  // it implements is the same (it ignores argTypes, where the two versions differ).
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(lite) as never });
  return {
    kind: "pglite",
    prisma,
    query: async (sql, params) => (await lite.query(sql, params)).rows as never,
    transaction: (fn) => lite.transaction((tx) => fn(async (sql, params) => (await tx.query(sql, params)).rows as never)),
    // PGlite is one connection in this process; that is already a session.
    withConnection: (fn) =>
      fn({
        exec: async (sql) => void (await lite.exec(sql)),
        query: async <T>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows,
      }),
    async close() {
      await prisma.$disconnect();
      await lite.close();
    },
  };
}
