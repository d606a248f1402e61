// Keepalive that adapts to the path: a client whose connections keep dying after about
// the same silence (a proxy or NAT with a short idle timeout) sends its heartbeat more
// often than that, down to the floor the server sets in `ready`. What it learned is kept
// for a day (localStorage), so the next page load starts with it, and sent in the
// handshake (auth.keepaliveMs) so the agent's panel can say so.

/** A heartbeat under the idle cut the last drops show, or null if they show none: two of
 *  the last three drops came after about the same silence (within a quarter), and a
 *  heartbeat at 60 % of it is shorter than the current one. */
export function learnedInterval(idlesMs: readonly number[], o: { currentMs: number; minMs: number }): number | null {
  if (o.minMs >= o.currentMs) return null; // the server allows no adaptation
  const recent = [...idlesMs.slice(-3)].sort((a, b) => a - b);
  for (let i = 1; i < recent.length; i++) {
    if (recent[i] > recent[i - 1] * 1.25 + 250) continue;
    const next = Math.floor(recent[i - 1] * 0.6);
    return next < o.currentMs ? Math.max(o.minMs, next) : null;
  }
  return null;
}

const KEEP_MS = 24 * 3600_000;
/** Drops that say something about idle timeouts (not a server or a client that chose to end). */
const PATH_DROPS = new Set(["transport close", "transport error", "ping timeout"]);

export class Keepalive {
  private lastTraffic = Date.now();
  private idles: number[] = [];
  private learned: number | null = null;

  constructor(private readonly key: string) {
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? "null") as { ms?: number; at?: number } | null;
      if (saved?.ms && saved.at && Date.now() - saved.at < KEEP_MS) this.learned = saved.ms;
    } catch { /* storage blocked (third-party iframe) or junk: start from the server's */ }
  }

  /** Any packet in or out (the engine's, heartbeats included). */
  traffic = (): void => {
    this.lastTraffic = Date.now();
  };

  connected(): void {
    this.lastTraffic = Date.now();
  }

  /** The link dropped; answers whether a shorter heartbeat was learned from it. */
  dropped(reason: string, currentMs: number, minMs: number): boolean {
    if (!PATH_DROPS.has(reason)) return false;
    this.idles = [...this.idles.slice(-4), Date.now() - this.lastTraffic];
    const next = learnedInterval(this.idles, { currentMs, minMs });
    if (next == null) return false;
    this.learned = next;
    this.idles = [];
    try {
      localStorage.setItem(this.key, JSON.stringify({ ms: next, at: Date.now() }));
    } catch { /* kept for this page only */ }
    return true;
  }

  /** The heartbeat to use: the learned one within the server's bounds, else the server's. */
  interval(serverMs: number, minMs = serverMs): number {
    return this.learned == null ? serverMs : Math.min(serverMs, Math.max(minMs, this.learned));
  }

  get learnedMs(): number | null {
    return this.learned;
  }
}
