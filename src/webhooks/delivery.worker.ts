// Each node's delivery loop. It claims lanes (a webhook's run of one conversation's
// events, outbox.repository.ts) while fewer than `concurrency` are in its hands, and
// delivers each lane's events one after the other: a later event of a conversation goes
// out only once the earlier one was delivered or finally failed. An attempt that fails
// (not 2xx, or no answer within timeoutMs) is retried on the schedule of webhooks.rules
// and the rest of its lane goes back, behind it. It polls every pollMs while some webhook
// exists, and at once when this node committed events (the nudge). The lanes' outcomes
// are written together (one statement for those of the same moment, lib/batch-loader):
// at 1,000 events a second, one statement each would be most of the database's work.
// A database error only costs this round: the leases give the rows back.
import { createBatchLoader } from "../lib/batch-loader.js";
import type { Logger } from "../lib/logger.js";
import type { AttemptResult, ClaimedEvent, Outcome, WebhookOutbox } from "./outbox.repository.js";
import { afterFailure, delivered, eventBody, excerpt, lanes, signature, type RetrySchedule } from "./webhooks.rules.js";

/** Events claimed behind a conversation's head, at most. */
const RUN = 20;

export interface DeliveryOptions {
  outbox: WebhookOutbox;
  /** Whether any webhook exists (no polling otherwise). */
  active: () => boolean;
  timeoutMs: number;
  pollMs: number;
  concurrency: number;
  schedule: RetrySchedule;
  log: Logger;
}

const describe = (err: unknown) => (err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err));

export async function post(e: ClaimedEvent, timeoutMs: number): Promise<AttemptResult> {
  const body = eventBody({ id: e.id, type: e.type, createdAt: e.createdAt, data: e.data });
  const t0 = performance.now();
  try {
    const res = await fetch(e.url, {
      method: "POST", body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs),
      headers: { "content-type": "application/json", "x-holdfast-signature": signature(e.secret, body), "user-agent": "Holdfast-Webhooks" },
    });
    const text = await res.text();
    return { status: res.status, bodyExcerpt: excerpt(text), error: null, durationMs: performance.now() - t0 };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    return { status: null, bodyExcerpt: null, error: timedOut ? `no answer within ${timeoutMs} ms` : describe(err), durationMs: performance.now() - t0 };
  }
}

export function startDeliveryWorker(o: DeliveryOptions) {
  // The whole run may take a timeout per event; then the lease lets another node have it.
  const leaseMs = (RUN + 1) * o.timeoutMs + 5000;
  let lanesBusy = 0;
  let claiming = false;
  let again = false;
  let stopped = false;
  const running = new Set<Promise<void>>();
  const outcomes = createBatchLoader<Outcome, true>(async (batch) => {
    await o.outbox.record(batch);
    return new Map<Outcome, true>();
  }, { concurrency: 1, maxBatch: 500, lingerMs: 2 });
  const record = (e: ClaimedEvent, a: AttemptResult, state: Outcome["state"], retryInMs = 0) =>
    outcomes.load({ ...a, id: e.id, state, retryInMs });

  async function deliverLane(lane: ClaimedEvent[]) {
    // The next event goes once the receiver accepted this one, not once that is written
    // down: a node that dies in between sends it again (at least once). The lane ends
    // after its writes, so its conversation's next events are claimable by then.
    const written: Promise<unknown>[] = [];
    try {
      await deliverRun(lane, written);
    } finally {
      await Promise.all(written);
    }
  }

  async function deliverRun(lane: ClaimedEvent[], written: Promise<unknown>[]) {
    for (let i = 0; i < lane.length; i++) {
      const e = lane[i];
      if (stopped) return void (await o.outbox.release(lane.slice(i).map((x) => x.id)));
      const a = await post(e, o.timeoutMs);
      if (delivered(a.status)) {
        // Caught here: a write that fails leaves the event to its lease (sent again).
        written.push(record(e, a, "delivered").catch((err) => o.log.warn("webhook outcome not written", { id: e.id, err: describe(err) })));
        continue;
      }
      const next = afterFailure(e.attempts + 1, e.retryFrom.getTime(), Date.now(), o.schedule);
      o.log.info("webhook delivery failed", { id: e.id, url: e.url, status: a.status, error: a.error, attempts: e.attempts + 1, next: next.state });
      if (next.state === "failed") {
        await record(e, a, "failed");
        continue; // given up: the conversation's later events go on
      }
      await record(e, a, "pending", next.nextAttemptAt - Date.now());
      await o.outbox.release(lane.slice(i + 1).map((x) => x.id));
      return;
    }
  }

  async function pump(): Promise<void> {
    if (stopped) return;
    if (claiming) return void (again = true);
    claiming = true;
    try {
      do {
        again = false;
        const free = o.concurrency - lanesBusy;
        if (free <= 0) break;
        const claimed = lanes(await o.outbox.claim(free, RUN, leaseMs));
        for (const lane of claimed) {
          lanesBusy++;
          const p = deliverLane(lane)
            .catch((err) => o.log.warn("webhook lane failed", { err: describe(err) })) // its lease gives it back
            .finally(() => {
              lanesBusy--;
              running.delete(p);
              void pump();
            });
          running.add(p);
        }
        if (claimed.length === free) again = true; // more may be due at once
      } while (again && !stopped);
    } catch (err) {
      o.log.warn("webhook outbox unavailable", { err: describe(err) });
    } finally {
      claiming = false;
    }
  }

  const timer = setInterval(() => o.active() && void pump(), o.pollMs);
  timer.unref();

  return {
    /** Events were committed on this node: deliver now rather than at the next poll. */
    nudge: () => void pump(),
    /** Stops claiming; waits a little for the attempts under way (the rest come back by lease). */
    async stop(waitMs = 2000) {
      stopped = true;
      clearInterval(timer);
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => (t = setTimeout(r, waitMs)))]);
      clearTimeout(t);
    },
  };
}
export type DeliveryWorker = ReturnType<typeof startDeliveryWorker>;
