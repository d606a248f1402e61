// The widget's side of what the host site tells the chat (visitor/site.ts on the other
// side of the postMessage channel): where the visitor is on the host site, updated as
// they move through it (full page loads, and history.pushState/replaceState, popstate and
// hashchange for single-page sites), and who they are, from the tag
// (data-user-id, data-user-hash, data-user-name, data-user-email) or the JS API
//   Holdfast.identify({ userId, userHash, name, email })   Holdfast.reset()
// callable before the widget loads through the stub in the README (its calls queue in
// `Holdfast.q`), and at any time after.
export interface HostIdentity {
  userId: string;
  userHash: string;
  name?: string;
  email?: string;
}
type Post = (msg: { type: string; [k: string]: unknown }) => void;
type Call = [string, ...unknown[]];
type HolderWindow = Window & { Holdfast?: { q?: Call[] } & Record<string, unknown> };

/** The host page now. The referrer only when it is another site: clicks within the site
 *  would otherwise replace where the visitor came from with the previous page. */
function context(): Record<string, string> {
  const c: Record<string, string> = { page: location.href, title: document.title };
  try {
    if (document.referrer && new URL(document.referrer).origin !== location.origin) c.referrer = document.referrer;
  } catch {
    /* not a URL: leave it out */
  }
  return c;
}

function identityOf(u: unknown): HostIdentity | null {
  const o = (u && typeof u === "object" ? u : {}) as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const userId = s(o.userId);
  const userHash = s(o.userHash);
  if (!userId || userId.length > 128 || !userHash) {
    console.warn("[holdfast] identify needs { userId (1-128 characters), userHash }");
    return null;
  }
  return { userId, userHash, name: s(o.name), email: s(o.email) };
}

export class HostLink {
  identity: HostIdentity | null = null;
  private post: Post | null = null;
  private sent = "";
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(script: HTMLScriptElement) {
    const a = (k: string) => script.getAttribute(`data-user-${k}`) ?? undefined;
    if (a("id")) this.identity = identityOf({ userId: a("id"), userHash: a("hash"), name: a("name"), email: a("email") });
    const w = window as HolderWindow;
    const queued = Array.isArray(w.Holdfast?.q) ? w.Holdfast.q : [];
    w.Holdfast = {
      identify: (u: unknown) => {
        const id = identityOf(u);
        if (id) (this.identity = id), this.post?.({ type: "identify", identity: { ...id } });
      },
      reset: () => ((this.identity = null), this.post?.({ type: "reset" })),
    };
    for (const [method, arg] of queued) if (method === "identify" || method === "reset") (w.Holdfast[method] as (a: unknown) => void)(arg);
    this.watchNavigation();
  }

  /** The chat in the frame just said hello (every load): tell it everything again. */
  attach(post: Post): void {
    this.post = post;
    this.sent = "";
    this.report();
    if (this.identity) post({ type: "identify", identity: { ...this.identity } });
  }

  private report(): void {
    const c = context();
    const key = JSON.stringify(c);
    if (!this.post || key === this.sent) return;
    this.sent = key;
    this.post({ type: "context", context: c });
  }

  /** Single-page sites change the URL without a load; the title often follows a moment
   *  later, hence a second look. */
  private watchNavigation(): void {
    const changed = () => {
      for (const t of this.timers) clearTimeout(t);
      this.timers = [setTimeout(() => this.report(), 200), setTimeout(() => this.report(), 1500)];
    };
    for (const m of ["pushState", "replaceState"] as const) {
      const original = history[m];
      history[m] = function (this: History, ...args: Parameters<History["pushState"]>) {
        const r = original.apply(this, args);
        changed();
        return r;
      };
    }
    window.addEventListener("popstate", changed);
    window.addEventListener("hashchange", changed);
  }
}
