// Deadlines for every tracked participant with ONE armed timer: a binary min-heap of
// (key, at) plus a key -> slot index, so schedule/cancel cost O(log n) and nothing ever
// scans all participants. Due times are rounded up to a tick so that deadlines a few ms
// apart fire as one batch (one timer callback, one Redis pipeline) instead of one timer
// each; a deadline therefore fires at most `tickMs` late, never early.
// Callers do not reschedule on every bit of traffic: they keep lastTrafficAt, let the
// old deadline fire, recompute, and schedule again if it moved.
const MAX_DELAY = 2 ** 31 - 1; // setTimeout's limit

export class TimingWheel<K> {
  private readonly keys: K[] = [];
  private readonly ats: number[] = [];
  private readonly slot = new Map<K, number>();
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  constructor(
    private readonly onDue: (keys: K[]) => void,
    private readonly now: () => number = Date.now,
    private readonly tickMs = 10,
  ) {}

  get size(): number {
    return this.keys.length;
  }
  has(key: K): boolean {
    return this.slot.has(key);
  }
  at(key: K): number | undefined {
    const i = this.slot.get(key);
    return i === undefined ? undefined : this.ats[i];
  }

  schedule(key: K, at: number): void {
    const i = this.slot.get(key);
    if (i === undefined) {
      this.keys.push(key);
      this.ats.push(at);
      this.slot.set(key, this.keys.length - 1);
      this.up(this.keys.length - 1);
    } else if (at !== this.ats[i]) {
      const before = this.ats[i];
      this.ats[i] = at;
      if (at < before) this.up(i);
      else this.down(i);
    }
    this.arm();
  }

  /** Removing never re-arms: a timer left armed for an earlier time just finds nothing due. */
  cancel(key: K): void {
    const i = this.slot.get(key);
    if (i === undefined) return;
    this.slot.delete(key);
    const last = this.keys.length - 1;
    const lastKey = this.keys.pop() as K;
    const lastAt = this.ats.pop() as number;
    if (i === last) return;
    this.keys[i] = lastKey;
    this.ats[i] = lastAt;
    this.slot.set(lastKey, i);
    this.up(i);
    this.down(i);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
    this.keys.length = 0;
    this.ats.length = 0;
    this.slot.clear();
  }

  private arm(): void {
    if (this.keys.length === 0) return;
    const at = Math.ceil(this.ats[0] / this.tickMs) * this.tickMs;
    if (at >= this.armedFor) return; // the armed timer comes first anyway
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(this.fire, Math.min(MAX_DELAY, Math.max(0, at - this.now())));
    this.timer.unref(); // deadlines never keep the process alive
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.armedFor = Infinity;
    const now = this.now();
    const due: K[] = [];
    while (this.keys.length > 0 && this.ats[0] <= now) {
      const key = this.keys[0];
      due.push(key);
      this.cancel(key);
    }
    try {
      if (due.length > 0) this.onDue(due);
    } finally {
      this.arm();
    }
  };

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.ats[p] <= this.ats[i]) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.ats[l] < this.ats[m]) m = l;
      if (r < n && this.ats[r] < this.ats[m]) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a], t = this.ats[a];
    this.keys[a] = this.keys[b];
    this.ats[a] = this.ats[b];
    this.keys[b] = k;
    this.ats[b] = t;
    this.slot.set(this.keys[a], a);
    this.slot.set(this.keys[b], b);
  }
}
