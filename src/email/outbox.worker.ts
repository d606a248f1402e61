// Each node's email loop: one tick at a time (never overlapping, so at most BATCH emails
// are in this process's hands), which runs the sweeps when they are due, then claims a
// batch of due outbox rows and sends them one by one. A failure is written back with its
// backoff; a database or SMTP error only costs this tick, the next one starts afresh.
import type { Logger } from "../lib/logger.js";
import { backoffMs, describeError, MAX_ATTEMPTS } from "./email.rules.js";
import type { FollowupService } from "./followup.service.js";
import type { MailTransport } from "./mail.transport.js";
import type { OutboxRepository } from "./outbox.repository.js";

const BATCH = 10;
/** A claimed row comes back to any node after this, if its node never reported (died). */
const LOCK_MS = 5 * 60_000;
const STOP_WAIT_MS = 2000;

export interface WorkerOptions {
  outbox: OutboxRepository;
  transport: MailTransport;
  followups: FollowupService;
  /** How often the sweeps run and idle outbox polls happen. */
  sweepMs: number;
  log: Logger;
}

export function startOutboxWorker(o: WorkerOptions) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = false;

  async function sweeps() {
    try {
      await o.followups.sweepFollowups();
      await o.followups.sweepWaiting();
    } catch (err) {
      o.log.warn("email sweep failed", { err: describeError(err) });
    }
  }

  /** Sends one claimed batch; answers whether it was full (more may be due at once). */
  async function deliver(): Promise<boolean> {
    const batch = await o.outbox.claim(BATCH, LOCK_MS);
    for (const mail of batch) {
      if (stopped) break; // the rest come back to a node when their lock expires
      try {
        await o.transport.send(mail);
        await o.outbox.sent(mail.id);
      } catch (err) {
        const error = describeError(err);
        o.log.warn("email delivery failed", { id: mail.id, attempts: mail.attempts, error });
        await o.outbox.failed(mail.id, error, backoffMs(mail.attempts), MAX_ATTEMPTS);
      }
    }
    return batch.length === BATCH;
  }

  async function tick() {
    await sweeps();
    try {
      while (!stopped && (await deliver()));
    } catch (err) {
      o.log.warn("email outbox unavailable", { err: describeError(err) });
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(() => {
        running = null;
        schedule();
      });
    }, o.sweepMs);
    timer.unref();
  };
  schedule();

  return {
    /** Stops the loop; waits a little for the email being sent (a slow server's is handed
     *  back to a node by its lock's expiry). */
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((r) => (wait = setTimeout(r, STOP_WAIT_MS)))]);
      clearTimeout(wait);
    },
  };
}
