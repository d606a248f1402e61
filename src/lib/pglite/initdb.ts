// A first start's initdb runs in a child process, not in the database's thread: its WASM
// memory (about 500 MB resident at its height) is never given back by a thread, even one
// that has ended, so the server's RSS kept that peak for its whole life (815-867 MB peak
// at 2,000 msg/s). A process that exits returns it all; the thread then opens the
// finished directory as on any restart.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { fromSource, sibling, tsxModule } from "./entry.js";

/** initdb takes seconds, 20 s and more on a loaded machine; past this it is stuck. */
const INITDB_TIMEOUT_MS = 180_000;
const STDERR_KEPT = 4000;

/** Creates the embedded database's directory `dir`; rejects with the child's error. */
export function initDataDir(dir: string, postgresqlconf: string[], timeoutMs = INITDB_TIMEOUT_MS): Promise<void> {
  const child = fork(fileURLToPath(sibling("initdb-child")), [dir, JSON.stringify(postgresqlconf)], {
    // Its own arguments, not this process's (a --cpu-prof, an --inspect port).
    execArgv: fromSource ? ["--import", tsxModule("dist/loader.mjs")] : [],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (s: string) => (stderr = (stderr + s).slice(-STDERR_KEPT)));
  return new Promise((resolve, reject) => {
    let reply: { ok?: boolean; error?: string } | undefined;
    const timer = setTimeout(() => {
      reply = { error: `initdb did not finish within ${timeoutMs / 1000} s` };
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("message", (m: { ok?: boolean; error?: string }) => (reply ??= m));
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`the embedded database's initdb could not run: ${err.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && reply?.ok) return resolve();
      const why = reply?.error ?? (stderr.trim() || `exit ${signal ?? code}`);
      reject(new Error(`the embedded database's initdb failed in ${dir}: ${why}`));
    });
  });
}
