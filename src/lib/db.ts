// Opens the database: PGlite (embedded PostgreSQL) in DATA_DIR by default, real
// PostgreSQL when DATABASE_URL is set. Both speak the same SQL and the same wire
// protocol (PGlite runs in its own thread behind a unix socket, lib/pglite/), so one
// driver path, one schema and one set of migrations serve both. Prisma is the query
// layer; the raw driver is kept for the hot write path and the migration runner, which
// needs multi-statement scripts and a session-level lock.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { startEmbedded, type EmbeddedHost } from "./pglite/host.js";
import { initDataDir } from "./pglite/initdb.js";
import { lockDataDir } from "./pglite/lock.js";
import { PGLITE_CONF } from "./pglite/settings.js";

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
  /** Runs fn on one dedicated connection (a session: advisory locks hold across calls).
   *  No query timeout unless one is given: a migration may take long. */
  withConnection<T>(fn: (conn: RawConnection) => Promise<T>, opts?: { queryTimeoutMs?: number }): Promise<T>;
  /** The embedded database's thread, when kind is "pglite". */
  embedded?: EmbeddedHost;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  /** The embedded database compiled for less memory, not speed (pglite/host.ts). */
  embeddedLowMemory?: boolean;
  onRestart?: (err: unknown) => void;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.databaseUrl) return openPostgres({ connectionString: opts.databaseUrl });
  return openPglite(path.resolve(opts.dataDir), opts);
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
const STATEMENT_TIMEOUT_MS = 4000;
const timedOut = (err: unknown) => err instanceof Error && err.message === "Query read timeout";

/** Where the driver connects: a URL (PostgreSQL) or a unix socket (the embedded one). */
type Target = { connectionString: string } | { host: string; port: number; user: string; database: string };

async function openPostgres(target: Target, kind: Database["kind"] = "postgres", max = 10): Promise<Database> {
  // One pool for Prisma and the raw write path, so together they never exceed its size.
  // The same server-side bound for statements outside a transaction (the write path's
  // optimistic UPDATE waits on row locks too), as a startup parameter of every pooled
  // connection to PostgreSQL; the embedded database's wire server takes none.
  const pool = new pg.Pool({
    ...target, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: QUERY_TIMEOUT_MS,
    ...(kind === "postgres" ? { statement_timeout: STATEMENT_TIMEOUT_MS } : {}),
  });
  // A connection the server dropped (a restart, a cut link) emits 'error': on an idle one
  // through the pool, on a checked-out one on the client itself. Without a listener either
  // would end the process; the query in flight fails on its own (UNAVAILABLE) and the pool
  // replaces the connection on the next one.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind,
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
    async withConnection(fn, opts) {
      // By default no query timeout: a migration may take long, and its lock waits for another node's.
      const client = new pg.Client({ ...target, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, query_timeout: opts?.queryTimeoutMs });
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

// PGlite serves one statement at a time whatever the pool's size (worker.ts takes turns
// by transaction); a few connections let the next batch wait in the thread, not here.
const EMBEDDED_POOL = 4;

async function openPglite(dataDir: string, { embeddedLowMemory = false, onRestart }: OpenOptions): Promise<Database> {
  mkdirSync(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  let host: EmbeddedHost;
  try {
    const data = { dir: path.join(dataDir, "pglite"), socketPath: path.join(dataDir, ".s.PGSQL.5432"), postgresqlconf: PGLITE_CONF };
    // pg reaches a unix socket by its directory (`host`) and port: DIR/.s.PGSQL.PORT.
    const start = () => startEmbedded(data, { socketDir: dataDir, port: 5432, lowMemory: embeddedLowMemory, onRestart });
    // A first start runs initdb in a process of its own (pglite/initdb.ts), whose memory is
    // given back when it exits; the thread then opens the directory as after a restart.
    if (!existsSync(path.join(data.dir, "PG_VERSION"))) await initDataDir(data.dir, PGLITE_CONF);
    host = await start();
  } catch (err) {
    unlock();
    throw err;
  }
  const db = await openPostgres({ host: host.socketDir, port: host.port, user: "postgres", database: "postgres" }, "pglite", EMBEDDED_POOL);
  return {
    ...db,
    embedded: host,
    async close() {
      try {
        await db.close();
        await host.close();
      } finally {
        unlock();
      }
    },
  };
}
