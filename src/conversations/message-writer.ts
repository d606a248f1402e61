// Group commit. Sends that arrive while a batch is being written wait in a bounded queue
// and go to the database together in the next transaction, so throughput is set by
// statements per batch rather than by Prisma's per-query cost. A lone send on an idle
// server is written at once (no timer on the latency path); while sends keep coming, a
// batch starts at most every pace, so that it carries the sends of that time. The pace
// grows with the rate of sends (write-pace.ts): a transaction costs about 1 ms of CPU
// whatever its size, against about 0.05 ms per message, so at a heavy load longer
// batches are most of the saving, and at a light one a short pace keeps latency low.
// The queue is shared fairly: one sender may have at most maxQueuedPerSender writes
// waiting, so no single client (whatever got it past its rate limit) fills the queue
// that everyone's sends wait in.
// A conversation is in at most one batch at a time: its later sends wait for the next
// batch after the one in flight, so they never race it for the same seqs (which the
// optimistic write, batch-write.repository.ts, would settle by writing them again under
// a lock) and one conversation's sends are stored in the order they arrived.
// Overload degrades instead of collapsing: when a new send would wait more than
// maxWaitMs (more than a batch already queued, and the batches ahead of it, at the recent
// time per batch, take longer: the database writes slower than sends arrive), it is
// refused RATE_LIMITED with retryAfterMs at once rather than queued, so the sends that
// are taken are stored within about a second and the refused come back later, spread.
// One batch's worth is always taken: a burst, or one slow batch, is not overload.
// A send that is refused (by the rules in seq.ts, those caps, or because the queue is
// full) rejects with its AppError: the one error channel from here to the sender's ack.
import { AppError, isUniqueViolation } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Metrics } from "../lib/metrics.js";
import { QUEUED_WRITES_RETRY_MS } from "../limits/limits.rules.js";
import { isUnavailable, unavailable } from "../lib/unavailable.js";
import type { MessagesRepository, SendOutcome } from "./messages.repository.js";
import type { SendRequest } from "./seq.js";
import { createRateMeter, paceFor } from "./write-pace.js";

export type Stored = Extract<SendOutcome, { ok: true }>;

interface Pending {
  req: SendRequest;
  resolve: (o: Stored) => void;
  reject: (e: unknown) => void;
}

function settle(p: Pending, o: SendOutcome) {
  if (o.ok) p.resolve(o);
  else p.reject(o.error);
}

export interface WriterOptions {
  /** Batches written at the same time (PGlite is one connection: 1). */
  concurrency: number;
  maxBatch: number;
  /** Pending sends beyond this are refused with RATE_LIMITED instead of growing memory. */
  maxQueue: number;
  /** One sender's pending sends (queued or being written) beyond this: RATE_LIMITED. */
  maxQueuedPerSender: number;
  /** Refuse a new send that would wait longer than this in the queue (ms); unset: never. */
  maxWaitMs?: number;
  /** While busy, the least time between the starts of two batches (ms); 0: no pacing. */
  paceMs: number;
  /** Under a heavy load the pace grows up to this (ms, write-pace.ts); unset: paceMs. */
  maxPaceMs?: number;
  /** Times each group-commit transaction and counts the database errors caught here. */
  metrics?: Pick<Metrics, "writeBatch" | "dependencyError">;
}

export function createMessageWriter(repo: MessagesRepository, log: Logger, opts: WriterOptions) {
  const queue: Pending[] = [];
  /** Pending sends per sender; a sender leaves the map when its last one settles. */
  const perSender = new Map<string, number>();
  let inFlight = 0;
  /** Conversations with a batch being written. */
  const writing = new Set<string>();
  let scheduled = false;
  let lastStart = -Infinity;
  const stats = { batches: 0, messages: 0, fallbacks: 0, refusedBusy: 0 };
  const rate = createRateMeter();
  const bounds = { minMs: opts.paceMs, maxMs: opts.maxPaceMs ?? opts.paceMs };
  const pace = () => paceFor(rate.rate(), bounds);

  /** Recent time per batch (ms), a moving average: what each batch ahead costs a new send. */
  let batchMs = 0;
  /** How long a send queued now would wait: the batches in flight, then those ahead of it. */
  const expectedWaitMs = () => (1 + Math.floor(queue.length / opts.maxBatch) / opts.concurrency) * batchMs;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const go = () => {
      scheduled = false;
      if (queue.length) rate.sample((lastStart = performance.now()));
      while (inFlight < opts.concurrency && queue.length) {
        const batch = take();
        if (!batch.length) break; // everything queued waits for a conversation in flight
        void run(batch);
      }
    };
    // One macrotask turn lets sends that arrived in the same I/O burst join the batch; a
    // full batch never waits.
    const wait = lastStart + pace() - performance.now();
    if (wait > 0 && queue.length < opts.maxBatch) setTimeout(go, Math.ceil(wait)); // timers truncate
    else setImmediate(go);
  }

  /** The next batch: the oldest sends whose conversations no batch in flight holds. The
   *  others keep their places. O(queue), which maxQueue bounds. */
  function take(): Pending[] {
    const batch: Pending[] = [];
    let kept = 0;
    for (let i = 0; i < queue.length; i++) {
      const p = queue[i];
      if (batch.length < opts.maxBatch && !writing.has(p.req.conversationId)) batch.push(p);
      else queue[kept++] = p;
    }
    queue.length = kept;
    for (const p of batch) writing.add(p.req.conversationId);
    return batch;
  }

  async function run(batch: Pending[]) {
    inFlight++;
    try {
      const t0 = performance.now();
      const outcomes = await repo.writeBatch(batch.map((p) => p.req));
      const ms = performance.now() - t0;
      batchMs = batchMs === 0 ? ms : batchMs * 0.8 + ms * 0.2;
      opts.metrics?.writeBatch(ms / 1000);
      stats.batches++;
      stats.messages += batch.length;
      outcomes.forEach((o, i) => settle(batch[i], o));
    } catch (err) {
      // The database is unreachable: every send of the batch is answered UNAVAILABLE at
      // once (nothing was stored; the transaction rolled back), not retried one by one.
      if (isUnavailable(err)) {
        opts.metrics?.dependencyError("database");
        for (const p of batch) p.reject(unavailable());
        return;
      }
      // One bad send (or a retry that raced its original on another node) must not fail
      // the others: write them one by one.
      stats.fallbacks++;
      if (!isUniqueViolation(err)) opts.metrics?.dependencyError("database");
      log.debug("batch failed, writing one by one", { size: batch.length, err });
      for (const p of batch) await writeAlone(p);
    } finally {
      for (const p of batch) writing.delete(p.req.conversationId);
      inFlight--;
      if (queue.length) schedule();
    }
  }

  async function writeAlone(p: Pending, attempt = 0): Promise<void> {
    try {
      settle(p, (await repo.writeBatch([p.req]))[0]);
    } catch (err) {
      // A unique violation means a racing copy committed first: the retry finds it.
      if (attempt < 2 && isUniqueViolation(err)) return writeAlone(p, attempt + 1);
      p.reject(err); // counted where the sender's error is caught (the handler, the route)
    }
  }

  return {
    stats,
    queueLength: () => queue.length,
    /** The pace (ms) for the rate read at the last batch start: what the next batch
     *  waits for while sends keep coming. */
    paceMs: pace,
    /** Senders with writes pending (leak tests). */
    senders: () => perSender.size,
    write(req: SendRequest): Promise<Stored> {
      const sender = `${req.sender.type}:${req.sender.id}`;
      const mine = perSender.get(sender) ?? 0;
      if (mine >= opts.maxQueuedPerSender) {
        return Promise.reject(new AppError("RATE_LIMITED", "too many messages waiting from this sender", undefined, QUEUED_WRITES_RETRY_MS));
      }
      if (queue.length >= opts.maxQueue) {
        return Promise.reject(new AppError("RATE_LIMITED", "server busy, retry shortly", undefined, QUEUED_WRITES_RETRY_MS));
      }
      if (opts.maxWaitMs !== undefined && queue.length >= opts.maxBatch && expectedWaitMs() > opts.maxWaitMs) {
        stats.refusedBusy++;
        // Jittered, so the refused do not all come back in the same instant.
        const retry = QUEUED_WRITES_RETRY_MS + Math.round(Math.random() * QUEUED_WRITES_RETRY_MS);
        return Promise.reject(new AppError("RATE_LIMITED", "server busy, retry shortly", undefined, retry));
      }
      perSender.set(sender, mine + 1);
      rate.arrived();
      const settled = () => {
        const n = perSender.get(sender)! - 1;
        if (n > 0) perSender.set(sender, n);
        else perSender.delete(sender);
      };
      return new Promise((resolve, reject) => {
        queue.push({ req, resolve: (o) => (settled(), resolve(o)), reject: (e) => (settled(), reject(e)) });
        schedule();
      });
    },
    /** Resolves when everything queued so far is written (graceful shutdown). */
    async drain() {
      while (queue.length || inFlight) await new Promise((r) => setTimeout(r, 5));
    },
  };
}
export type MessageWriter = ReturnType<typeof createMessageWriter>;
