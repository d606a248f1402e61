// Writes prisma/migrations/<timestamp>_<name>.sql: the SQL that takes the schema as it
// was at the last migration (a snapshot kept beside the migrations) to the current
// prisma/schema.prisma. Schema-to-schema diff: no database is needed, and the CLI runs
// against the in-memory PGlite adapter of prisma.config.ts.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";

const name = (process.argv[2] ?? "change").replace(/[^a-z0-9_]+/gi, "_");
const dir = "prisma/migrations";
const snapshot = `${dir}/schema.snapshot.prisma`;
mkdirSync(dir, { recursive: true });
const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
const sql = execFileSync(
  "npx",
  ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8" },
);
if (!sql.trim() || /^-- This is an empty migration/m.test(sql)) {
  console.log("schema unchanged: no migration written");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const file = `${dir}/${stamp}_${name}.sql`;
writeFileSync(file, sql);
copyFileSync("prisma/schema.prisma", snapshot);
console.log(`wrote ${file}; review it, add what Prisma cannot express (partial indexes)`);
