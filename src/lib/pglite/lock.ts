// One server per DATA_DIR: PGlite has no postmaster to refuse a second backend, and two
// writing the same files would corrupt them (and the second would take over the first's
// socket). The lock is a file holding the owner's pid, created exclusively; one left by
// a process that no longer runs (kill -9, a crash) is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes DATA_DIR's lock or throws if a running process holds it; answers the release. */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, "holdfast.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new Error(`DATA_DIR ${dataDir} is in use by another Holdfast (pid ${pid}); one server per DATA_DIR`);
      }
      if (pid === process.pid) throw new Error(`DATA_DIR ${dataDir} is already open in this process`);
      rmSync(file, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`could not lock DATA_DIR ${dataDir}`);
}
