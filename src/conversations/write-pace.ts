// How long the group commit (message-writer.ts) lets a batch gather while sends keep
// coming: a pace that grows with the rate of sends, from WRITE_PACE_MS at a light load
// to WRITE_PACE_MAX_MS under a heavy one.
// Why: each write transaction costs about 1 ms of CPU (Node and database) whatever its
// size, against about 0.05 ms per message (BENCHMARKS.md, "Group commit paced by the
// load"). On PostgreSQL at 2,000 msg/s a 5 ms pace gave batches of 17 and 226-230 µs of
// CPU per message; a 20 ms pace, batches of 40 and 181-204 µs, for about 12 ms more median
// latency. A light load keeps the short pace: its CPU does not matter and its latency is
// the product's. Pure: the writer gives it the time.

/** 1 ms of pace per 100 sends a second: 5 ms at 500 msg/s, 20 ms from 2,000 msg/s. */
const PACE_MS_PER_SEND_PER_SECOND = 0.01;
/** How quickly the measured rate follows a change of load (ms): a few batches. */
const RATE_TIME_CONSTANT_MS = 200;

export interface PaceBounds {
  minMs: number;
  maxMs: number;
}

/** The pace for a rate of sends (per second), within the bounds (max below min: min). */
export function paceFor(sendsPerSecond: number, b: PaceBounds): number {
  return Math.max(b.minMs, Math.min(b.maxMs, sendsPerSecond * PACE_MS_PER_SEND_PER_SECOND));
}

/**
 * The rate of sends, as a moving average over the intervals between batch starts: the
 * writer counts each send (`arrived`, a counter: no per-send clock or array) and takes a
 * reading when it starts a batch (`sample`). After a long quiet interval the reading is
 * that interval's own rate, near zero, so a lone send after a busy minute is not paced.
 */
export function createRateMeter(timeConstantMs = RATE_TIME_CONSTANT_MS) {
  let count = 0;
  let last: number | null = null;
  let rate = 0;
  return {
    arrived() {
      count++;
    },
    /** Folds the sends since the last reading into the rate (the first reading only starts
     *  the clock; one at the same instant as the last waits for the next). */
    sample(now: number) {
      if (last !== null && now <= last) return;
      if (last !== null) {
        const dt = now - last;
        rate += ((count * 1000) / dt - rate) * (1 - Math.exp(-dt / timeConstantMs));
      }
      count = 0;
      last = now;
    },
    /** Sends per second, as of the last reading. */
    rate: () => rate,
  };
}
