// Prisma CLI configuration. The CLI runs entirely from npm packages (engine "js"):
// no native engine is downloaded, which matters on machines without internet.
import { defineConfig } from "prisma/config";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";

// The schema check insists on a postgresql:// URL even though the adapter below is
// what the CLI talks to; without one it silently falls back to downloading engines.
process.env.DATABASE_URL ??= "postgresql://placeholder@localhost:5432/placeholder";

export default defineConfig({
  schema: "prisma/schema.prisma",
  engine: "js",
  experimental: { adapter: true },
  // In-memory PGlite: `migrate diff` only needs a scratch database; a file-backed
  // one made the CLI hang.
  adapter: async () => new PrismaPGlite(new PGlite()),
});
