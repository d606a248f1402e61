// PostgreSQL settings for the embedded database, chosen for a chat server's small
// working set: the defaults size buffers for a dedicated machine, and every page of
// them is resident memory of this process.
export const PGLITE_CONF: string[] = [
  "shared_buffers = 16MB",
  "work_mem = 4MB",
  "maintenance_work_mem = 16MB",
];
