// Whether an agent is available, for a visitor who may not be connected at all (no
// socket opens before the first message): asked over HTTP, GET /api/widget/settings.
// It starts from the value the server rendered into the page (the cacheable embed page
// has none: it asks at once, app.ts), and is asked again when
// the tab comes back into view, when the caller says so (the socket's `ready` on every
// (re)connect, a system message) and on a jittered timer while the tab is visible:
// about every half minute with the chat in view, every few minutes behind a closed
// widget, never in a hidden tab nor while nobody needs it (an agent has the chat).
// With business hours the server also says when they next open or close
// (`hours.nextChangeInMs`): the page asks again right then, not up to minutes later.

export interface AvailabilityOptions {
  initial: boolean | null;
  /** Business hours change this many ms after the page was rendered (null: no schedule). */
  initialChangeInMs: number | null;
  /** Whether the answer matters now (not while an agent has the conversation). */
  wanted: () => boolean;
  /** The chat is in view (tab visible, widget panel open): ask more often. */
  inView: () => boolean;
  onChange: (available: boolean | null) => void;
}

const IN_VIEW_MS = 30_000;
const BACKGROUND_MS = 150_000;
const JITTER = 0.3; // pages opened together (a campaign, a restart) spread their checks
const CHANGE_SPREAD_MS = 2000; // every page asks at opening time: spread them a little

export class AgentAvailability {
  /** `null`: unknown (the server could not tell); the page keeps its old judgement. */
  available: boolean | null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<void> | null = null;
  /** When business hours next open or close, on this page's clock. */
  private changeAt: number | null;

  constructor(private readonly o: AvailabilityOptions) {
    this.available = o.initial;
    this.changeAt = o.initialChangeInMs === null ? null : Date.now() + o.initialChangeInMs;
    document.addEventListener("visibilitychange", () => (document.visibilityState === "visible" ? void this.check() : this.schedule()));
    this.schedule();
  }

  /** Ask now (one request at a time), then re-arm the timer. */
  check(): Promise<void> {
    clearTimeout(this.timer);
    this.inflight ??= this.ask().finally(() => {
      this.inflight = null;
      this.schedule();
    });
    return this.inflight;
  }

  private async ask(): Promise<void> {
    if (!this.o.wanted()) return;
    try {
      // no-cache: revalidate (a 304 while nothing changed), never an old answer.
      const r = await fetch("/api/widget/settings", { cache: "no-cache", credentials: "omit" });
      if (!r.ok) return;
      const body = (await r.json()) as { available?: unknown; hours?: { nextChangeInMs?: unknown } };
      const inMs = body.hours?.nextChangeInMs;
      this.changeAt = typeof inMs === "number" && inMs >= 0 ? Date.now() + inMs : null;
      const next = typeof body.available === "boolean" ? body.available : null;
      if (next === this.available) return;
      this.available = next;
      this.o.onChange(next);
    } catch {
      /* offline or unreachable: keep what we knew; the connection banner says the rest */
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (document.visibilityState !== "visible") return; // visibilitychange asks on return
    const base = this.o.inView() ? IN_VIEW_MS : BACKGROUND_MS;
    let wait = base * (1 + JITTER * Math.random());
    if (this.changeAt !== null) wait = Math.min(wait, Math.max(0, this.changeAt - Date.now()) + CHANGE_SPREAD_MS * Math.random());
    this.timer = setTimeout(() => void this.check(), wait);
  }
}
