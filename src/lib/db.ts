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

export interface Database {
  kind: "pglite" | "postgres";
  prisma: Prisma;
  /** Runs fn on one dedicated connection (a session: advisory locks hold across calls). */
  withConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(opts: { databaseUrl?: string; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(path.join(opts.dataDir, "pglite"));
}

async function openPostgres(url: string): Promise<Database> {
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  return {
    kind: "postgres",
    prisma,
    async withConnection(fn) {
      const client = new pg.Client({ connectionString: url });
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
    close: () => prisma.$disconnect(),
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
