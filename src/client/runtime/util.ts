// Small browser helpers shared by the client runtime and the UIs (visitor page, agent
// console). No DOM rendering here: this file must stay usable from any page.

type Handler<T> = (value: T) => void;

/** How a part of the runtime raises an event that the facade's emitter delivers. */
export type Emit<E extends object> = <K extends keyof E>(event: K, value: E[K]) => void;

/** A typed event emitter: the runtime talks to whichever UI uses it through this. */
export class Emitter<E extends object> {
  private handlers = new Map<keyof E, Set<Handler<never>>>();

  on<K extends keyof E>(event: K, fn: Handler<E[K]>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(fn as Handler<never>);
    return () => set!.delete(fn as Handler<never>);
  }

  protected emit<K extends keyof E>(event: K, value: E[K]): void {
    for (const fn of this.handlers.get(event) ?? []) {
      // One broken listener must not stop the others (or the runtime) from running.
      try {
        (fn as Handler<E[K]>)(value);
      } catch (err) {
        console.error(err);
      }
    }
  }
}

// localStorage throws in some privacy modes and in third-party iframes whose storage is
// blocked; the chat must still work there, just without surviving a reload.
const memory = new Map<string, string>();
function backing(): Storage | null {
  try {
    const s = window.localStorage;
    const probe = "__holdfast_probe__";
    s.setItem(probe, "1");
    s.removeItem(probe);
    return s;
  } catch {
    return null;
  }
}
const ls = backing();

export const store = {
  get<T>(key: string): T | undefined {
    try {
      const raw = ls ? ls.getItem(key) : (memory.get(key) ?? null);
      return raw == null ? undefined : (JSON.parse(raw) as T);
    } catch {
      return undefined;
    }
  },
  set(key: string, value: unknown): void {
    const raw = JSON.stringify(value);
    try {
      if (ls) ls.setItem(key, raw);
      else memory.set(key, raw);
    } catch {
      memory.set(key, raw); // quota exceeded: keep it for this page at least
    }
  },
  remove(key: string): void {
    try {
      ls?.removeItem(key);
    } catch {
      /* ignore */
    }
    memory.delete(key);
  },
};

/** crypto.randomUUID exists only in secure contexts; a self-hosted server on plain http
 * over a LAN address is not one, so fall back to getRandomValues (available everywhere). */
export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Exponential backoff with full jitter: uniformly random in [0, min(cap, base * 2^n)].
 * Full jitter spreads a crowd of clients that lost the same server, so a restart is not
 * met by a synchronized stampede. */
export function backoffDelay(attempt: number, baseMs = 1000, capMs = 30_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(Math.random() * ceiling);
}
