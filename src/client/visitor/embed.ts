// The chat page's side of the widget's postMessage channel, used when the page runs in
// the widget's iframe (`/?embed=1`). The parent's origin is learnt from its `hello`
// (only messages from window.parent count); the page only loads in frames whose origin
// passes the server's CSP frame-ancestors, so that origin is an allowed one. Nothing is
// ever posted with targetOrigin "*".

export const CHANNEL = "holdfast";

export type ToParent =
  | { type: "ready" }
  | { type: "unread"; count: number }
  | { type: "availability"; available: boolean | null }
  | { type: "close" };

export type FromParent =
  | { type: "hello" }
  | { type: "open" }
  | { type: "close" }
  // Where the visitor is on the host site (page, title, referrer): see visitor/context.ts.
  | { type: "context"; context: Record<string, unknown> }
  // Holdfast.identify / data-user-id (visitor/identify.ts), Holdfast.reset.
  | { type: "identify"; identity: Record<string, unknown> }
  | { type: "reset" };

/** What the host page tells besides open/close, from the parent's origin only. */
export interface ParentHandlers {
  context?(c: Record<string, unknown>): void;
  identify?(identity: Record<string, unknown>): void;
  reset?(): void;
}

export class ParentBridge {
  private parentOrigin: string | null = null;
  private queued: ToParent[] = [];
  /** Whether the widget panel is open (the parent says so); false until told. */
  open = false;

  /** Set by the page once it can act on them; until then they are dropped (the widget
   *  repeats context and identity after every `hello`). */
  handlers: ParentHandlers = {};

  constructor(private readonly onOpenChange: (open: boolean) => void) {
    window.addEventListener("message", this.onMessage);
  }

  get embedded(): boolean {
    return window.parent !== window;
  }

  post(msg: ToParent): void {
    if (!this.embedded) return;
    if (!this.parentOrigin) {
      // Keep only the latest of each kind until the parent introduces itself.
      this.queued = this.queued.filter((m) => m.type !== msg.type).concat(msg);
      return;
    }
    window.parent.postMessage({ source: CHANNEL, ...msg }, this.parentOrigin);
  }

  private onMessage = (e: MessageEvent) => {
    if (e.source !== window.parent || e.source === window) return;
    const data = e.data as (FromParent & { source?: string }) | null;
    if (!data || typeof data !== "object" || data.source !== CHANNEL) return;
    if (data.type === "hello") {
      // A second hello from another origin (the parent navigated) re-targets us.
      this.parentOrigin = e.origin;
      this.post({ type: "ready" });
      const queued = this.queued;
      this.queued = [];
      for (const m of queued) this.post(m);
    } else if (e.origin !== this.parentOrigin) {
      return;
    } else if (data.type === "context" && data.context && typeof data.context === "object") {
      this.handlers.context?.(data.context);
    } else if (data.type === "identify" && data.identity && typeof data.identity === "object") {
      this.handlers.identify?.(data.identity);
    } else if (data.type === "reset") {
      this.handlers.reset?.();
    } else if (data.type === "open" || data.type === "close") {
      const open = data.type === "open";
      if (open !== this.open) {
        this.open = open;
        this.onOpenChange(open);
      }
    }
  };
}
