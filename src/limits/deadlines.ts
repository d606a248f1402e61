// Many waits that share one timeout, on one timer. A per-wait setTimeout costs a timer
// object and two heap operations for each event a node accepts (cluster-budgets.ts
// times every Redis count); these waits all last the same, so they expire in the order
// they began, and one timer armed for the oldest serves them all.

export interface Deadlines {
  /** Starts a wait; `late` runs if it is still open after the timeout. The returned
   *  function ends it: true if it ended in time (late has not run and never will). */
  start(late: () => void): () => boolean;
  /** Waits open now (tests, leak checks). */
  size(): number;
}

export function createDeadlines(timeoutMs: number, now = () => performance.now()): Deadlines {
  // Insertion order is start order, so the first entry is always the oldest.
  const open = new Map<number, { at: number; late: () => void }>();
  let next = 0;
  let timer: NodeJS.Timeout | null = null;

  function arm() {
    const oldest = open.values().next().value;
    if (!oldest || timer) return;
    timer = setTimeout(sweep, Math.max(1, Math.ceil(oldest.at + timeoutMs - now())));
    timer.unref();
  }

  function sweep() {
    timer = null;
    const t = now();
    for (const [id, w] of open) {
      if (t - w.at < timeoutMs) break;
      open.delete(id);
      w.late();
    }
    arm();
  }

  return {
    start(late) {
      const id = next++;
      open.set(id, { at: now(), late });
      arm();
      return () => open.delete(id);
    },
    size: () => open.size,
  };
}
