// A task that runs one at a time and never queues up: a request made while it runs is
// served by the next run, which every request made meanwhile shares. A burst of requests
// costs two runs, not one each, and a request waits for at most the run in progress plus
// one (not for a chain that later requests keep extending).
import { setImmediate as nextTurn } from "node:timers/promises";

interface Pending<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function pending<T>(): Pending<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(() => {}); // a run nobody waits for (a continuation) must not fail unhandled
  return { promise, resolve, reject };
}

/** `request()` resolves with the outcome of a run of `task` that started after the call.
 *  `again(outcome)`: run once more on its own (more work may be left). */
export function serialRuns<T>(task: () => Promise<T>, again: (outcome: T) => boolean = () => false) {
  let busy = false;
  let next: Pending<T> | null = null;

  async function loop() {
    busy = true;
    while (next) {
      // Requests arriving in the same I/O turn join this run rather than the one after.
      await nextTurn();
      const run = next;
      next = null;
      try {
        const outcome = await task();
        if (again(outcome)) next ??= pending();
        run.resolve(outcome);
      } catch (err) {
        run.reject(err);
      }
    }
    busy = false;
  }

  return function request(): Promise<T> {
    next ??= pending();
    const { promise } = next;
    if (!busy) void loop();
    return promise;
  };
}
