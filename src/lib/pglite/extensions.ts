// The extensions every PGlite instance of a data directory loads: the database's thread
// (worker.ts) and the first start's initdb process, which runs the migrations that
// create them (initdb-child.ts). One list, so the two never disagree.
// pg_trgm: the console search's indexes (prisma/migrations/*_console_search.sql).
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

export const PGLITE_EXTENSIONS = { pg_trgm };
