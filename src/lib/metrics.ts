// Prometheus metrics, one registry per application instance (tests run several servers
// in one process; the global default registry would mix their numbers). What is measured:
//
// - timings, as histograms fed on the hot paths: ack latency per socket event, the
//   group-commit transaction, delivery to the recipient's ack;
// - counters the modules already keep as plain numbers (writer.stats, delivery stats):
//   mirrored at scrape time by collect(), so a message costs an integer increment;
// - live values (sockets, queue depth, presence entries) read by collect() at scrape time;
// - dependency errors, counted where errors are caught (`dependencyError("redis")`);
// - the default process metrics (CPU, memory, heap, GC, event-loop lag).
//
// Hot paths get pre-bound observers (`ackObserver(event)` once per handler registration,
// then one call per ack): no label objects are built per observation.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { AppError, isUniqueViolation } from "./errors.js";
import { isUnavailable } from "./unavailable.js";

export type Dependency = "database" | "redis";
const DEPENDENCIES: readonly Dependency[] = ["database", "redis"];
export const isDependency = (name: string): name is Dependency => (DEPENDENCIES as readonly string[]).includes(name);

/** Seconds; from a fast local ack (~1 ms) to a dependency stalling for seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the scrape reads from the running modules (structural: lib/ imports no module). */
export interface MetricSources {
  writer: { stats: { messages: number; batches: number; fallbacks: number }; queueLength(): number; paceMs(): number };
  /** How the write path's batches went (conversations/batch-write.repository.ts). */
  writePaths: { cached: number; optimistic: number; relocked: number; cacheMissed: number };
  realtime: {
    stats: { emitted: number; retried: number; gaveUp: number; pending: number };
    socketCounts(): { visitor: number; agent: number };
    /** Clustered only: per-conversation traffic between nodes (realtime/room-channels.ts). */
    fanout?: { channels: { published: number; received: number; echoes: number; channels: number } };
  };
  presence: { size(): Promise<Record<string, number>> };
}

const REDIS_ERRORS = new Set(["ReplyError", "MaxRetriesPerRequestError"]);

/** Which dependency an error came from, judged by its shape. Null for what is not plainly
 *  a database or Redis error (bugs, validation), for unique violations (races that the
 *  caller resolves) and for AppErrors (an UNAVAILABLE one was counted where the raw error
 *  was caught and converted). */
export function dependencyOf(err: unknown): Dependency | null {
  if (!err || typeof err !== "object" || err instanceof AppError || isUniqueViolation(err)) return null;
  const e = err as { name?: unknown; code?: unknown; severity?: unknown; command?: unknown; message?: unknown };
  const name = typeof e.name === "string" ? e.name : "";
  const ctor = (err as object).constructor?.name ?? "";
  // ioredis: server replies, exhausted retries, commands on a closed connection.
  if (REDIS_ERRORS.has(name) || REDIS_ERRORS.has(ctor)) return "redis";
  if (e.command && typeof e.command === "object" && "name" in e.command) return "redis";
  if (typeof e.message === "string" && /^Connection is closed\.?$|Stream isn't writeable/.test(e.message)) return "redis";
  // Prisma (PrismaClientKnownRequestError, ...InitializationError, ...), its driver
  // adapters, and the pg/PGlite drivers' DatabaseError (a SQLSTATE code and a severity).
  if (/^(PrismaClient|DriverAdapterError)/.test(name) || /^(PrismaClient|DriverAdapterError|DatabaseError)/.test(ctor)) return "database";
  if (typeof e.severity === "string" && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return "database";
  // What remains of the unreachable kind (sockets refused or cut, pg's "Connection
  // terminated") is the database's: every Redis failure is shaped as above.
  return isUnavailable(err) ? "database" : null;
}

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const ack = new Histogram({
    name: "holdfast_ack_seconds",
    help: "Socket event handling, from the handler's start to its ack (validation refusals included), by event",
    labelNames: ["event"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const writeBatch = new Histogram({
    name: "holdfast_write_batch_seconds",
    help: "One group-commit transaction of the message writer (successful batches; failures count in holdfast_write_fallbacks_total)",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const fanout = new Histogram({
    name: "holdfast_fanout_seconds",
    // From deliver() (on another node: from the relayed message's arrival) to the ack, not
    // the emit's duration: what a user waits for, the network and the device included.
    help: "Delivery of a message to each of this node's recipient sockets, from the start of delivery here to that socket's ack, retries included (unacked deliveries are not observed)",
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const depErrors = new Counter({
    name: "holdfast_dependency_errors_total",
    help: "Errors from a dependency, counted where they are caught (failed queries and transactions, connection errors, failed readiness checks)",
    labelNames: ["dependency"] as const,
    registers: [registry],
  });
  // Pre-bound children: both series exist (at 0) from the start, and counting is one call.
  for (const dependency of DEPENDENCIES) depErrors.inc({ dependency }, 0);
  const depChildren = { database: depErrors.labels("database"), redis: depErrors.labels("redis") };
  const ackChildren = new Map<string, (seconds: number) => void>();

  return {
    registry,
    /** The observer of one event's ack latency: look it up once, call it per ack. */
    ackObserver(event: string): (seconds: number) => void {
      let o = ackChildren.get(event);
      if (!o) ackChildren.set(event, (o = ack.labels(event).observe));
      return o;
    },
    writeBatch: (seconds: number) => writeBatch.observe(seconds),
    fanout: (seconds: number) => fanout.observe(seconds),
    /** One error from a dependency, caught somewhere: call it where you catch one. */
    dependencyError(dep: Dependency) {
      depChildren[dep].inc();
    },
    /** Counts `err` when it plainly comes from a dependency (see dependencyOf). */
    observeError(err: unknown): Dependency | null {
      const dep = dependencyOf(err);
      if (dep) depChildren[dep].inc();
      return dep;
    },

    /** Registers what is read at scrape time. Call once, when the modules exist. */
    track(src: MetricSources) {
      const mirror = (name: string, help: string, read: () => number) =>
        new Counter({
          name, help, registers: [registry],
          collect() { this.reset(); this.inc(read()); },
        });
      mirror("holdfast_messages_written_total", "Messages stored by the group-commit writer", () => src.writer.stats.messages);
      mirror("holdfast_write_batches_total", "Group-commit transactions that succeeded", () => src.writer.stats.batches);
      mirror("holdfast_write_fallbacks_total", "Batches that failed and were written one by one", () => src.writer.stats.fallbacks);
      new Counter({
        name: "holdfast_write_paths_total",
        help: "Write statements by path: cached (one round trip, from remembered conversation states), read (a snapshot read first), relocked (a conversation changed between read and write: locked transaction), cache_missed (a cached write that missed a conversation and read it again)",
        labelNames: ["path"] as const,
        registers: [registry],
        collect() {
          const w = src.writePaths;
          this.reset();
          this.labels("cached").inc(w.cached);
          this.labels("read").inc(w.optimistic);
          this.labels("relocked").inc(w.relocked);
          this.labels("cache_missed").inc(w.cacheMissed);
        },
      });
      new Counter({
        name: "holdfast_deliveries_total",
        help: "Message emits to this node's sockets: emitted (every attempt), retried (re-emitted after no ack), gave_up",
        labelNames: ["result"] as const,
        registers: [registry],
        collect() {
          const s = src.realtime.stats;
          this.reset();
          this.labels("emitted").inc(s.emitted);
          this.labels("retried").inc(s.retried);
          this.labels("gave_up").inc(s.gaveUp);
        },
      });
      new Gauge({
        name: "holdfast_deliveries_pending",
        help: "Message emits waiting for their ack or timeout",
        registers: [registry],
        collect() { this.set(src.realtime.stats.pending); },
      });
      new Gauge({
        name: "holdfast_sockets",
        help: "Sockets connected to this node, by namespace",
        labelNames: ["namespace"] as const,
        registers: [registry],
        collect() {
          const c = src.realtime.socketCounts();
          this.labels("visitor").set(c.visitor);
          this.labels("agent").set(c.agent);
        },
      });
      new Counter({
        name: "holdfast_cluster_room_events_total",
        help: "Per-conversation events between nodes: published here, received from other nodes (only for conversations this node holds a socket of), own echoes dropped",
        labelNames: ["result"] as const,
        registers: [registry],
        collect() {
          const f = src.realtime.fanout?.channels;
          this.reset();
          if (!f) return;
          this.labels("published").inc(f.published);
          this.labels("received").inc(f.received);
          this.labels("echo").inc(f.echoes);
        },
      });
      new Gauge({
        name: "holdfast_cluster_room_channels",
        help: "Conversation channels this node is subscribed to (it holds a socket of each)",
        registers: [registry],
        collect() { this.set(src.realtime.fanout?.channels.channels ?? 0); },
      });
      new Gauge({
        name: "holdfast_write_queue",
        help: "Sends waiting for the next group-commit batch",
        registers: [registry],
        collect() { this.set(src.writer.queueLength()); },
      });
      new Gauge({
        name: "holdfast_write_pace_seconds",
        help: "While sends keep coming, the least time between two group-commit batches, for the rate of sends read at the last batch (grows with that rate)",
        registers: [registry],
        collect() { this.set(src.writer.paceMs() / 1000); },
      });
      new Gauge({
        name: "holdfast_presence_entries",
        help: "Entries of the presence store's structures, by kind (leaks show here)",
        labelNames: ["kind"] as const,
        registers: [registry],
        // With Redis this is a round trip: a scrape during an outage answers without it
        // (and counts the error) rather than failing or hanging.
        async collect() {
          this.reset();
          try {
            const sizes = await withTimeout(src.presence.size(), 2000);
            for (const [kind, n] of Object.entries(sizes)) this.labels(kind).set(n);
          } catch {
            depChildren.redis.inc(); // only the Redis store can fail (or stall) here
          }
        },
      });
    },

    /** The Prometheus text exposition of this instance's registry. */
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error("timeout")), ms).unref()));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
