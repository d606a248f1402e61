// Applies prisma/migrations/*.sql in name order, each file in its own transaction,
// recording name and checksum. `prisma migrate deploy` is not used: through adapter-pg
// it fails on real PostgreSQL (prisma/orm#27403). A session advisory lock lets several
// nodes start at once: one migrates, the others wait and then find nothing to do.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Database, RawConnection } from "./db.js";
import type { Logger } from "./logger.js";

const LOCK_KEY = 727_346_001; // arbitrary, fixed: "holdfast migrations"

export function migrationsDir(): string {
  // dist/lib/migrate.js and src/lib/migrate.ts both sit two levels below the root.
  return path.resolve(import.meta.dirname, "../../prisma/migrations");
}

export async function migrate(db: Database, log: Logger, dir = migrationsDir()): Promise<string[]> {
  return db.withConnection((conn) => migrateOn(conn, log, dir));
}

/** The same on one session (the embedded database's first start, in its initdb process). */
export async function migrateOn(conn: RawConnection, log: Pick<Logger, "info" | "warn">, dir = migrationsDir()): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  await conn.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
  try {
    await conn.exec(
      `CREATE TABLE IF NOT EXISTS holdfast_migrations (
         name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
    );
    const rows = await conn.query<{ name: string; checksum: string }>(
      "SELECT name, checksum FROM holdfast_migrations",
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const done: string[] = [];
    for (const file of files) {
      const sql = readFileSync(path.join(dir, file), "utf8");
      const sum = createHash("sha256").update(sql).digest("hex");
      const previous = applied.get(file);
      if (previous) {
        // An edited migration that already ran would make nodes disagree about the schema.
        if (previous !== sum) log.warn("migration changed after it was applied", { file });
        continue;
      }
      await conn.exec("BEGIN");
      try {
        await conn.exec(sql);
        await conn.query("INSERT INTO holdfast_migrations (name, checksum) VALUES ($1, $2)", [file, sum]);
        await conn.exec("COMMIT");
      } catch (err) {
        await conn.exec("ROLLBACK");
        throw new Error(`migration ${file} failed: ${(err as Error).message}`);
      }
      log.info("migration applied", { file });
      done.push(file);
    }
    return done;
  } finally {
    await conn.query("SELECT pg_advisory_unlock($1)", [LOCK_KEY]);
  }
}
