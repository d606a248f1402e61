// Where the visitor is, for the agent's panel: the page, its title and referrer (the chat
// page's own, or — in the widget — the host page's, told by the widget as the visitor
// moves through the site), the browser's language and timezone. Sent with a new session,
// then as `visitor:context` whenever it changes and on every (re)connect while the server
// has not acknowledged the latest (an addition to PROTOCOL.md; see src/events.ts).
import type { VisitorContextUpdate } from "../../events.js";
import { emitAck } from "../runtime/request.js";
import type { Runtime } from "../runtime/runtime.js";

// The server's bounds (visitors/visitors.schemas.ts): longer would be refused whole.
const MAX: Record<keyof VisitorContextUpdate, number> = { page: 2000, title: 300, referrer: 2000, language: 35, timezone: 64 };

/** The browser's own part of the context. */
export function browserContext(): VisitorContextUpdate {
  let timezone: string | undefined;
  try {
    timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    /* no Intl time zones: unknown */
  }
  return clean({ language: navigator.language, timezone });
}

/** Bounded strings only, blanks dropped (an unknown field keeps what the server has). */
export function clean(c: Record<string, unknown>): VisitorContextUpdate {
  const out: VisitorContextUpdate = {};
  for (const k of Object.keys(MAX) as (keyof VisitorContextUpdate)[]) {
    const v = c[k];
    if (typeof v === "string" && v.trim()) out[k] = v.trim().slice(0, MAX[k]);
  }
  return out;
}

export class ContextReporter {
  private current: VisitorContextUpdate;
  /** What the server holds for sure (sent with the session, or acked). */
  private acked = "";
  private inFlight = false;
  private live = false;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly rt: Runtime, initial: VisitorContextUpdate) {
    this.current = initial;
    rt.on("ready", () => ((this.live = true), void this.flush()));
    rt.on("status", (s) => s.state !== "connected" && (this.live = false));
  }

  /** The fields for POST /api/visitor/session. */
  fields(): VisitorContextUpdate {
    return this.current;
  }

  /** A session was just created with these fields: the server has them. */
  sent(fields: VisitorContextUpdate): void {
    this.acked = JSON.stringify(fields);
  }

  update(c: VisitorContextUpdate): void {
    this.current = { ...this.current, ...c };
    void this.flush();
  }

  private async flush(): Promise<void> {
    const payload = this.current;
    const key = JSON.stringify(payload);
    if (!this.live || this.inFlight || key === this.acked) return;
    this.inFlight = true;
    clearTimeout(this.retry);
    const res = await emitAck(this.rt.conn.socket, "visitor:context", payload);
    this.inFlight = false;
    if (res.ok) this.acked = key;
    else if (res.error.code === "RATE_LIMITED" || res.error.code === "UNAVAILABLE" || res.error.code === "TIMEOUT") {
      this.retry = setTimeout(() => void this.flush(), res.error.retryAfterMs ?? 2000);
      return;
    }
    // VALIDATION or DISCONNECTED: the next change or `ready` tries again.
    if (res.ok && JSON.stringify(this.current) !== key) void this.flush(); // it moved meanwhile
  }
}
