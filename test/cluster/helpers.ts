// Two Holdfast nodes on ONE PostgreSQL database and ONE Redis, the deployment PROTOCOL.md
// promises works ("with REDIS_URL set, all of this holds across every node"). Node A is
// always in this process; node B is in this process too, or the built server (dist/) as a
// child process, so that two OS processes really write to one database at the same time.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Application } from "../../src/app.js";
import type { Message } from "../../src/events.js";
import { call, until, type ClientSocket, type Participant } from "../helpers/clients.js";
import { freshStore, REDIS_URL, startProcess, startServer, type Store } from "../helpers/server.js";

export const CLUSTER_ENABLED = process.env.HOLDFAST_TEST_POSTGRES === "1" && process.env.HOLDFAST_TEST_REDIS === "1";

/** Runs the suite only with PostgreSQL and Redis (as CI does); otherwise shows why not. */
export function describeCluster(title: string, fn: (this: Mocha.Suite) => void) {
  if (CLUSTER_ENABLED) return describe(title, fn);
  return describe.skip(`${title} [skipped: needs HOLDFAST_TEST_POSTGRES=1 and HOLDFAST_TEST_REDIS=1]`, fn);
}

export interface Node {
  url: string;
  stop(): Promise<void>;
  /** Child-process nodes only: SIGKILL, no graceful shutdown. */
  kill?(): Promise<void>;
  /** Child-process nodes only: SIGSTOP / SIGCONT, a node that freezes (a long GC pause, a
   *  starved VM) and later carries on as if nothing happened. */
  pause?(): void;
  resume?(): void;
}
/** A node in this process: its services can be asked directly (the state it computes). */
export interface InProcessNode extends Node {
  application: Application;
}

export async function inProcessNode(store: Store, env: Record<string, string> = {}): Promise<InProcessNode> {
  const s = await startServer({ db: "postgres", store, env: { REDIS_URL, ...env } });
  let stopped: Promise<void> | undefined; // a test may stop a node before `after` does
  return { url: s.url, application: s.application, stop: () => (stopped ??= s.stop()) };
}

export async function processNode(store: Store, env: Record<string, string> = {}): Promise<Node> {
  if (!existsSync(path.resolve(import.meta.dirname, "../../dist/index.js")))
    throw new Error("dist/index.js is missing: run `npx tsc -p tsconfig.json` first");
  const p = await startProcess(store, { REDIS_URL, ...env });
  const end = (signal: NodeJS.Signals) => async () => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return;
    const exited = new Promise((r) => p.child.once("exit", r));
    p.child.kill(signal);
    p.child.kill("SIGCONT"); // a paused node handles SIGTERM only once it runs again
    await exited;
  };
  return {
    url: p.url, stop: end("SIGTERM"), kill: end("SIGKILL"),
    pause: () => void p.child.kill("SIGSTOP"),
    resume: () => void p.child.kill("SIGCONT"),
  };
}

export interface Cluster {
  store: Store;
  a: InProcessNode;
  b: Node;
  /** Stops every node still running and drops the database. */
  stop(): Promise<void>;
}

/** A fresh database and two nodes started at once (both migrate and seed the admin). */
export async function startCluster(opts: { bProcess?: boolean; env?: Record<string, string> } = {}): Promise<Cluster> {
  const store = await freshStore("postgres");
  const [a, b] = await Promise.all([
    inProcessNode(store, opts.env),
    (opts.bProcess ? processNode : inProcessNode)(store, opts.env),
  ]);
  return {
    store, a, b,
    async stop() {
      await Promise.allSettled([a.stop(), b.stop()]);
      await store.drop();
    },
  };
}

/** One SQL query straight against the cluster's database (the stored truth); `T` is the
 *  shape of a row as the query selects it. */
export async function sql<T extends object>(store: Store, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: store.env.DATABASE_URL });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Every message of a conversation through `sync`, page by page. */
export async function syncAll(socket: ClientSocket, conversationId?: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const page = await call(socket, "sync", { conversationId, afterSeq: out.at(-1)?.seq ?? 0, limit: 500 });
    assert.equal(page.ok, true, JSON.stringify(page));
    out.push(...page.messages);
    if (!page.hasMore) return out;
  }
}

/** Waits until `device` holds every id in `ids`, then checks that each came exactly once
 * and nothing else arrived (after a pause in which a duplicate would show up). */
export async function receivesExactly(device: Participant, ids: string[], what: string, timeoutMs = 15_000) {
  const want = new Set(ids);
  const missing = () => [...want].filter((id) => !device.received.some((m) => m.id === id));
  await until(() => missing().length === 0, timeoutMs, what).catch(() => {
    assert.fail(`${what}: ${missing().length} of ${want.size} messages never arrived (got ${device.received.map((m) => `${m.sender.type}#${m.seq}`)})`);
  });
  await new Promise((r) => setTimeout(r, 300));
  const got = device.received.map((m) => m.id);
  assert.equal(got.length, new Set(got).size, `${what}: a message was delivered twice`);
  assert.deepEqual(new Set(got), want, `${what}: unexpected messages`);
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
