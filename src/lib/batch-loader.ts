// Many callers asking for one row each share one query: keys asked for in the same turn
// of the event loop, and those asked for while the previous queries are still running,
// go out together in the next one (the message writer's group commit, for reads). A
// reconnect storm brings thousands of handshakes within a second, each wanting the same
// kind of row: one query for each dozen of them instead of one each. A lone caller on an
// idle server is answered at once; only while keys keep coming (another batch went out
// less than 4 × `lingerMs` ago) does the next batch wait `lingerMs` for company, since
// handshakes arrive one per I/O callback and a fast query would otherwise be done before
// the next one is read.

export interface BatchLoaderOptions {
  /** Queries at the same time (PGlite is one connection: 1). */
  concurrency: number;
  maxBatch: number;
  /** While busy, how long a batch waits for more keys (ms). */
  lingerMs: number;
}

type Waiter<V> = { resolve: (v: V | undefined) => void; reject: (e: unknown) => void };

export function createBatchLoader<K, V>(fetch: (keys: K[]) => Promise<Map<K, V>>, opts: BatchLoaderOptions) {
  let pending = new Map<K, Waiter<V>[]>();
  let inFlight = 0;
  let scheduled = false;
  let lastBatchAt = -Infinity;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    const busy = performance.now() - lastBatchAt < 4 * opts.lingerMs;
    const later = (fn: () => void) => (busy ? setTimeout(fn, opts.lingerMs) : setImmediate(fn));
    later(() => {
      scheduled = false;
      lastBatchAt = performance.now();
      while (inFlight < opts.concurrency && pending.size) {
        const keys = [...pending.keys()].slice(0, opts.maxBatch);
        const batch = new Map(keys.map((k) => [k, pending.get(k)!]));
        for (const k of keys) pending.delete(k);
        void run(batch);
      }
    });
  }

  async function run(batch: Map<K, Waiter<V>[]>) {
    inFlight++;
    try {
      const got = await fetch([...batch.keys()]);
      for (const [k, ws] of batch) for (const w of ws) w.resolve(got.get(k));
    } catch (err) {
      for (const ws of batch.values()) for (const w of ws) w.reject(err);
    } finally {
      inFlight--;
      if (pending.size) schedule();
    }
  }

  return {
    /** The row of `key`, or undefined when the query found none. */
    load(key: K): Promise<V | undefined> {
      return new Promise((resolve, reject) => {
        const ws = pending.get(key);
        if (ws) ws.push({ resolve, reject });
        else pending.set(key, [{ resolve, reject }]);
        schedule();
      });
    },
  };
}
export type BatchLoader<K, V> = ReturnType<typeof createBatchLoader<K, V>>;
