// PostgreSQL settings for the embedded database, chosen for a chat server's small
// working set: the defaults size buffers for a dedicated machine, and every page of
// them is resident memory of this process.
//
// default_statistics_target: the embedded database serves one statement at a time, so an
// ANALYZE (src/maintenance/planner-stats.ts, once a minute under traffic) holds every
// write while it samples. At the default of 100 it samples 30,000 rows: 160-190 ms on a
// 100,000-row message table, a latency spike for every message of that moment; at 10 it
// samples 3,000 rows in 26-32 ms. The chat's queries go by key and index, for which ten
// buckets are plenty.
export const PGLITE_CONF: string[] = [
  "shared_buffers = 16MB",
  "work_mem = 4MB",
  "maintenance_work_mem = 16MB",
  "default_statistics_target = 10",
];
