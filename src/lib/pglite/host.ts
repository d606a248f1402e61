// Runs the embedded database's thread (worker.ts) and keeps it running: a thread that
// dies (a crash inside PGlite, an out-of-memory abort) does not end the process. While
// it is down, connections to its socket are refused, so queries fail UNAVAILABLE
// (lib/unavailable.ts) as with a real PostgreSQL that restarts; a fresh thread is started
// after a short pause, PostgreSQL's crash recovery replays its write-ahead log, and the
// pool's next connections find it again.
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import { fromSource, sibling, tsxModule } from "./entry.js";
import type { WorkerOptions } from "./worker.js";

const RESTART_AFTER_MS = [100, 500, 2000, 5000];

export interface EmbeddedHost {
  /** The directory of the unix socket (pg's `host`); the port names the file in it. */
  socketDir: string;
  port: number;
  /** How many times the thread was started again after dying. */
  restarts(): number;
  /** Ends the thread abruptly, as a crash would (for the tests of recovery). */
  crash(): Promise<void>;
  close(): Promise<void>;
}

// The thread's young generation: V8 sizes it for throughput (16 MB semi-spaces and more
// on a big machine), and the thread's JS is small, short-lived buffers of replies; 6 MB
// collects them as often without showing in the message path, and is resident memory
// that is not held.
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 6 };

function newWorker(opts: WorkerOptions): Worker {
  const options = { workerData: opts, resourceLimits: RESOURCE_LIMITS };
  if (!fromSource) return new Worker(sibling("worker"), options);
  // Under tsx a small bootstrap registers tsx in the thread first (entry.ts).
  const api = JSON.stringify(tsxModule("dist/esm/api/index.mjs"));
  const entry = JSON.stringify(sibling("worker").href);
  return new Worker(`import(${api}).then((m) => { m.register(); return import(${entry}); });`, { ...options, eval: true });
}

function startWorker(opts: WorkerOptions): Promise<Worker> {
  const worker = newWorker(opts);
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`the embedded database stopped while starting (exit ${code})`));
    worker.once("error", reject);
    worker.once("exit", onExit);
    worker.once("message", () => {
      worker.off("error", reject);
      worker.off("exit", onExit);
      resolve(worker);
    });
  });
}

// Low memory (EMBEDDED_DB_LOW_MEMORY): PGlite's WASM compiled by Liftoff, V8's baseline
// compiler, only. By default V8 recompiles its hot functions with TurboFan on background
// threads, and what those compilations allocate stays in their malloc arenas: 255-280 MB
// idle against 215-220 with Liftoff only, for slower code in the database's thread.
// A V8 flag is the whole process's, so Prisma's query compiler (WASM too, in the main
// thread) is Liftoff-compiled as well; it must be set before either is compiled.
let liftoffOnly = false;
function lowMemory() {
  if (liftoffOnly) return;
  setFlagsFromString("--liftoff-only");
  liftoffOnly = true;
}

export async function startEmbedded(
  data: WorkerOptions,
  opts: { socketDir: string; port: number; lowMemory?: boolean; onRestart?: (err: unknown) => void },
): Promise<EmbeddedHost> {
  if (opts.lowMemory) lowMemory();
  let worker = await startWorker(data);
  let closing = false;
  let restarts = 0;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const watch = (w: Worker) => {
    let cause: unknown;
    w.on("error", (err) => (cause = err)); // without a listener an error would end the process
    w.once("exit", (code) => {
      if (closing) return;
      opts.onRestart?.(cause ?? new Error(`exit ${code}`));
      const again = () => {
        timer = undefined;
        if (closing) return;
        startWorker(data).then(
          (next) => {
            worker = next;
            restarts++;
            failures = 0;
            watch(next);
          },
          (err: unknown) => {
            opts.onRestart?.(err);
            timer = setTimeout(again, RESTART_AFTER_MS[Math.min(++failures, RESTART_AFTER_MS.length - 1)]);
            timer.unref();
          },
        );
      };
      timer = setTimeout(again, RESTART_AFTER_MS[0]);
      timer.unref();
    });
  };
  watch(worker);

  return {
    socketDir: opts.socketDir,
    port: opts.port,
    restarts: () => restarts,
    async crash() {
      await worker.terminate();
    },
    async close() {
      closing = true;
      clearTimeout(timer);
      const w = worker;
      const exited = new Promise((r) => w.once("exit", r));
      w.postMessage({ close: true });
      const t = setTimeout(() => void w.terminate(), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
