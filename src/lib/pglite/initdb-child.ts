// The first start's initdb, in a process of its own (initdb.ts forks it): PGlite creates
// its data directory and applies the migrations, and the process exits, giving back all
// the memory they took (the database's WASM memory grows with the migrations' DDL and
// never shrinks: done in the server, they kept 20-40 MB of its idle RSS for its life).
// The server's own migration run then finds nothing left to do.
// It creates into a temporary directory and renames it into place once complete, so a
// directory with PG_VERSION in it is always a whole one, even after a crash mid-initdb.
//   argv: <dir> <postgresql.conf lines as JSON>
import { renameSync, rmSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { migrateOn } from "../migrate.js";
import { PGLITE_EXTENSIONS } from "./extensions.js";

const [dir, conf] = process.argv.slice(2);
// Its parent gone (killed, crashed), nobody waits for this directory: stop.
process.on("disconnect", () => process.exit(1));

async function main(): Promise<void> {
  if (!dir || !conf) throw new Error("usage: initdb-child <dir> <conf JSON>");
  const tmp = `${dir}.initdb`;
  rmSync(tmp, { recursive: true, force: true }); // an earlier attempt's, interrupted
  try {
    const db = await PGlite.create(tmp, { postgresqlconf: JSON.parse(conf) as string[], extensions: PGLITE_EXTENSIONS });
    const quiet = { info() {}, warn() {} };
    await migrateOn({ exec: async (sql) => void (await db.exec(sql)), query: async (sql, params) => (await db.query(sql, params)).rows as never[] }, quiet);
    await db.close();
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

main().then(
  () => process.send?.({ ok: true }, () => process.exit(0)),
  (err: unknown) => {
    const error = err instanceof Error ? err.message : String(err);
    if (process.send) process.send({ error }, () => process.exit(1));
    else process.exit(1);
  },
);
