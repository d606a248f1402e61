// Starting the servers under test, and reading their CPU time and memory from /proc.
// Each server gets a free port on 127.0.0.1 chosen here and is ready once its readiness
// path answers (Holdfast: /readyz, since /healthz answers while it is still opening its
// database), so the bench does not depend on what the server logs.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A bench stopped early (Ctrl-C, `timeout`) must not leave servers, temporary
// directories or databases behind: children are killed, then registered cleanups run
// (5 s at most) before the exit.
const live = new Set();
const cleanups = new Set();
/** Runs `fn` if the bench is interrupted; call the returned function once done normally. */
export function onInterrupt(fn) {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.once(sig, async () => {
    for (const c of live) c.kill("SIGKILL");
    const all = Promise.allSettled([...cleanups].map((fn) => fn()));
    await Promise.race([all, sleep(5000)]);
    process.exit(130);
  });
}
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** How `npm start` launches the server (package.json): the variables set in front of `node`
 *  and node's own flags (README, "Memory"). Every Holdfast server a benchmark starts is
 *  launched the same way, so what it measures is what runs. */
export const LAUNCH = (() => {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env = {};
  while (/^[A-Za-z_]\w*=/.test(words[0])) {
    const [name, ...value] = words.shift().split("=");
    env[name] = value.join("=");
  }
  if (words[0] !== "node" || words.at(-1) !== "dist/index.js") throw new Error(`npm start is not "node ... dist/index.js": ${pkg.scripts.start}`);
  return { env, nodeArgs: words.slice(1, -1) };
})();

/** Spawns `node [nodeArgs] script` with PORT set (`port`, or a free one) and waits (30 s
 *  at most) for `readyPath`. */
/** `readyMs`: how long a start may take (an embedded database's first start runs initdb:
 *  20 s and more on a loaded machine). */
/** `launch`: Holdfast as npm start runs it (LAUNCH); false: plain `node dist/index.js` (a "before"). */
export async function startServer(script, { cwd, env = {}, nodeArgs = [], readyPath = "/healthz", port: fixed, readyMs = 90_000, launch: asLaunched = true }) {
  const port = fixed ?? (await freePort());
  const launch = script.endsWith("dist/index.js") && asLaunched ? LAUNCH : { env: {}, nodeArgs: [] };
  const child = spawn(process.execPath, [...launch.nodeArgs, ...nodeArgs, script], {
    cwd,
    env: { ...process.env, ...launch.env, ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  live.add(child);
  let exited = null;
  child.on("exit", (code, sig) => {
    exited = sig ?? code;
    live.delete(child);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyMs;
  for (;;) {
    if (exited !== null) throw new Error(`${script} exited (${exited}) before it was ready`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${script} not ready after ${readyMs / 1000} s`);
    }
    const ok = await fetch(`${url}${readyPath}`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(100);
  }
  return {
    child,
    url,
    port,
    /** SIGTERM (a graceful stop writes CPU profiles), SIGKILL after 10 s. */
    async stop() {
      if (exited !== null) return;
      const done = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await done;
      clearTimeout(t);
    },
  };
}

/** The admin every Holdfast under test is seeded with. */
export const BENCH_ADMIN = { email: "bench@local", password: "bench-password" };

/** Environment of a Holdfast under test: production mode, one node (no Redis), on PGlite
 *  unless `extra` names a DATABASE_URL; behind a loopback proxy, so that the load process
 *  may give each visitor its own address in X-Forwarded-For. */
export const holdfastEnv = (extra) => ({
  ADMIN_EMAIL: BENCH_ADMIN.email, ADMIN_PASSWORD: BENCH_ADMIN.password, LOG_LEVEL: "warn", NODE_ENV: "production",
  TRUST_PROXY: "loopback", DATABASE_URL: "", REDIS_URL: "", ...extra,
});

/** Runs fn with a temporary data directory, removed afterwards (also if interrupted). */
export async function withDataDir(fn) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "holdfast-bench-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const done = onInterrupt(remove);
  try {
    return await fn(dir);
  } finally {
    done();
    remove();
  }
}

/** User + system CPU seconds of a process (fields 14 and 15 of /proc/pid/stat, USER_HZ = 100). */
export function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

export const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

/** Peak RSS of a process so far (VmHWM). */
export const peakRssMb = (pid) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

/** Nanoseconds the process's main thread has spent runnable but waiting for a CPU
 * (/proc/pid/schedstat): on a shared machine, how much other processes got in the way. */
export const runQueueWaitNs = (pid = "self") => Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]);
