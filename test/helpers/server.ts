// Starts a real Holdfast on an ephemeral port for a test: in this process (createApplication
// with injected configuration) or as a child process (for kill -9 tests). Each server gets
// a fresh database: a temporary PGlite directory, or a new PostgreSQL database when
// db = "postgres" (the suites run on both when HOLDFAST_TEST_POSTGRES=1).
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { createApplication, type Application } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openInfrastructure, type Infrastructure } from "../../src/infrastructure.js";
import { openDatabase } from "../../src/lib/db.js";
import { createLogger } from "../../src/lib/logger.js";
import { startAnswering } from "../../src/realtime/starting.js";
import { perSuite } from "./suite.js";

export type DbKind = "pglite" | "postgres";
export const PG_ADMIN_URL = process.env.HOLDFAST_TEST_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
export const REDIS_URL = process.env.HOLDFAST_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** One test run's servers share Redis keys and channels; concurrent runs do not. */
export const TEST_REDIS_PREFIX = `hft${process.pid}:`;
export const ADMIN = { email: "admin@test.local", password: "admin-password-1" };

/** A connected Redis client, or null when none answers at REDIS_URL; when Redis is
 *  required (HOLDFAST_TEST_REDIS=1 or CI=true) a silent one is an error, not a skip. */
export async function connectRedis(): Promise<Redis | null> {
  const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 1000, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    await r.ping();
    return r;
  } catch (err) {
    r.disconnect();
    if (process.env.HOLDFAST_TEST_REDIS === "1" || process.env.CI === "true") {
      throw new Error(`Redis at ${REDIS_URL} does not answer but is required: ${err}`);
    }
    return null;
  }
}

/** A loopback port free right now, for a server that must come back on the same port
 *  (behind a load balancer's fixed list of nodes). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** The databases every messaging suite runs on. */
export function testDatabases(): DbKind[] {
  return process.env.HOLDFAST_TEST_POSTGRES === "1" ? ["pglite", "postgres"] : ["pglite"];
}

export interface Store {
  env: Record<string, string>;
  drop(): Promise<void>;
}

let template: Promise<string> | undefined;
/** An embedded database initialised once per test process, copied for each fresh store: a
 *  first start runs initdb (a child process) and then the thread (src/lib/db.ts), seconds each time
 *  (19 s on a loaded machine), where a copy of its 40 MB takes a fifth of a second. Empty:
 *  the migrations still run at each server's start. */
function pgliteTemplate(): Promise<string> {
  return (template ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "holdfast-template-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    await (await openDatabase({ dataDir: dir })).close();
    return path.join(dir, "pglite");
  })());
}

/** A fresh, empty database; the same Store can be handed to several servers (restart, cluster). */
export async function freshStore(db: DbKind): Promise<Store> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "holdfast-test-"));
  if (db === "pglite") {
    cpSync(await pgliteTemplate(), path.join(dataDir, "pglite"), { recursive: true });
    return { env: { DATA_DIR: dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `hf_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  url: string;
  port: number;
  application: Application;
  store: Store;
  stop(): Promise<void>;
}

const baseEnv = (extra: Record<string, string>) => ({
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  LOG_LEVEL: process.env.HOLDFAST_TEST_LOG ?? "error",
  SESSION_SECRET: "test-secret-0123456789abcdef0123456789",
  REDIS_PREFIX: TEST_REDIS_PREFIX,
  ...extra,
});

/** In-process server. Pass `store` to share a database between servers, `now` for the
 *  clock business hours judge by, `infra` to look at the infrastructure it is given. */
export async function startServer(opts: {
  db?: DbKind; env?: Record<string, string>; store?: Store; now?: () => number;
  /** Sees the real infrastructure before the application does (to count its queries). */
  infra?: (infra: Infrastructure) => void;
  /** Starts as index.ts does: the port answers as a starting node (realtime/starting.ts)
   *  and this runs against it before the database is even opened. */
  whileStarting?: (url: string) => Promise<void>;
} = {}): Promise<TestServer> {
  const store = opts.store ?? (await freshStore(opts.db ?? "pglite"));
  const config = loadConfig({ ...baseEnv(store.env), ...opts.env, PORT: "0" });
  const http: Server = createServer();
  const listen = () => new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const starting = opts.whileStarting ? startAnswering(http, config) : undefined;
  if (opts.whileStarting) {
    await listen();
    await opts.whileStarting(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  }
  const infra = await openInfrastructure(config, createLogger(config.logLevel));
  opts.infra?.(infra);
  const application = await createApplication(http, infra, { now: opts.now }, starting);
  if (!starting) await listen();
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    application,
    store,
    async stop() {
      http.closeAllConnections();
      http.close();
      await application.close();
      if (!opts.store) await store.drop();
    },
  };
}

/** The server of the enclosing describe(): `start` runs in before() (with the hook's context,
 *  so that it may skip the suite), the server stops in after(). The answer stands for that
 *  server from before() on. */
export function serverPerSuite(start: (ctx: Mocha.Context) => Promise<TestServer>): TestServer {
  const srv = perSuite("server", start, (s) => s.stop());
  return {
    get url() { return srv().url; },
    get port() { return srv().port; },
    get application() { return srv().application; },
    get store() { return srv().store; },
    stop: () => srv().stop(),
  };
}

/** The built server (dist/index.js) as a child process, for crash tests. Resolves once it
 *  serves (`holdfast listening`), or with `until: "port"` as soon as it has taken its port
 *  (`holdfast starting`: it may still be waiting for its database). `logged` holds its log lines. */
export async function startProcess(store: Store, env: Record<string, string> = {}, opts: { until?: "listening" | "port" } = {}) {
  const want = opts.until === "port" ? "holdfast starting" : "holdfast listening";
  const logged: { msg?: unknown; [k: string]: unknown }[] = [];
  const child: ChildProcess = spawn(process.execPath, ["dist/index.js"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, ...baseEnv(store.env), LOG_LEVEL: "info", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (b) => (stderr += b));
  const port = await new Promise<number>((resolve, reject) => {
    // One JSON object per line, keys in the logger's order: read `msg` and `port` from each.
    let out = "";
    child.stdout!.on("data", (b) => {
      out += b;
      const lines = out.split("\n");
      out = lines.pop()!; // an incomplete last line waits for its rest
      for (const line of lines) {
        let entry: { msg?: unknown; port?: unknown };
        try {
          entry = JSON.parse(line);
        } catch {
          continue; // not a log line
        }
        logged.push(entry);
        if (entry?.msg === want && typeof entry.port === "number") resolve(entry.port);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code}): ${stderr}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, logged, kill: () => child.kill("SIGKILL") };
}
