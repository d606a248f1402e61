// The visitor's HTTP side: the session token (their only credential, PROTOCOL.md
// section 2), uploads, and the conversation snapshot. A session is created lazily — on
// the first message or the pre-chat form — so a widget on every page of a site does not
// mint a visitor per page view.
import type { Attachment, Conversation } from "../../events.js";
import { backoffDelay, store } from "../runtime/util.js";

const TOKEN_KEY = "holdfast.visitor.token";
/** The site's userId the stored token was made for (Holdfast.identify), if any. */
const USER_KEY = "holdfast.visitor.user";

export interface Profile {
  name?: string;
  email?: string;
  /** Verified identity (PROTOCOL.md section 2): the site's user id and its HMAC. */
  userId?: string;
  userHash?: string;
}

/** The site's server refused the identity (wrong userHash): retrying cannot help. */
class IdentityRefused extends Error {}

export class UploadError extends Error {
  constructor(readonly reason: "tooLarge" | "badType" | "uploadFailed") {
    super(reason);
  }
}

export class VisitorSession {
  private pending: Promise<string> | null = null;
  private failures = 0;

  constructor(
    private readonly onRetrying: (waiting: boolean) => void,
    /** Where the visitor is (page, referrer, language, timezone), sent with a new session,
     *  and told what the created session was sent with (visitor/context.ts). */
    private readonly context: () => { fields(): object; sent(fields: object): void } = () => ({ fields: () => ({}), sent: () => {} }),
  ) {}

  get token(): string | null {
    return store.get<string>(TOKEN_KEY) ?? null;
  }

  /** The userId the stored token belongs to; null for an anonymous one. */
  get user(): string | null {
    return store.get<string>(USER_KEY) ?? null;
  }

  /** A session is being created right now. */
  get creating(): boolean {
    return !!this.pending;
  }

  /** Forget a token the server refused (AUTH_INVALID); the next ensure() makes a new one. */
  forget(): void {
    store.remove(TOKEN_KEY);
    store.remove(USER_KEY);
  }

  /** A session for this identity (another device, or another user than the stored one);
   *  the stored token is replaced only once the server said yes. False: refused. */
  async switchTo(profile: Profile): Promise<boolean> {
    await this.pending?.catch(() => {});
    try {
      await this.create(profile);
      return true;
    } catch (err) {
      if (err instanceof IdentityRefused) return false;
      throw err;
    }
  }

  /** Resolves with a token, creating the session if needed and retrying (with backoff,
   * and at once when the browser comes back online) until the server answers. */
  ensure(profile: Profile = {}): Promise<string> {
    const have = this.token;
    if (have) return Promise.resolve(have);
    if (!this.pending) this.pending = this.createWithRetry(profile).finally(() => (this.pending = null));
    return this.pending;
  }

  private async createWithRetry(profile: Profile): Promise<string> {
    for (;;) {
      try {
        const token = await this.create(profile);
        this.failures = 0;
        this.onRetrying(false);
        return token;
      } catch (err) {
        if (err instanceof IdentityRefused) {
          // The chat still works, as a guest; the site's developer learns why.
          console.warn("[holdfast] identify: the server refused userId/userHash (is userHash the HMAC-SHA256 of userId with IDENTITY_SECRET?)");
          profile = { name: profile.name, email: profile.email };
          continue;
        }
        this.onRetrying(true);
        await waitOrOnline(backoffDelay(this.failures++));
      }
    }
  }

  private async create(profile: Profile): Promise<string> {
    const context = this.context().fields();
    const body: Profile & object = { ...context };
    if (profile.name?.trim()) body.name = profile.name.trim().slice(0, 100);
    if (profile.email?.trim()) body.email = profile.email.trim().slice(0, 200);
    if (profile.userId) Object.assign(body, { userId: profile.userId, userHash: profile.userHash ?? "" });
    const res = await fetch("/api/visitor/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    // 401: a wrong hash; 400 with an identity: an id the server cannot take (too long).
    if (profile.userId && (res.status === 401 || res.status === 400)) throw new IdentityRefused();
    if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
    const json = (await res.json()) as { token?: unknown };
    if (typeof json.token !== "string" || !json.token) throw new Error("session: no token");
    store.set(TOKEN_KEY, json.token);
    if (profile.userId) store.set(USER_KEY, profile.userId);
    else store.remove(USER_KEY);
    this.context().sent(context);
    return json.token;
  }

  async upload(file: File): Promise<Attachment> {
    const token = await this.ensure();
    const form = new FormData();
    form.append("file", file, file.name);
    let res: Response;
    try {
      res = await fetch("/api/uploads", { method: "POST", headers: { Authorization: `Bearer ${token}` }, body: form });
    } catch {
      throw new UploadError("uploadFailed");
    }
    if (res.status === 413) throw new UploadError("tooLarge");
    if (res.status === 415) throw new UploadError("badType");
    if (!res.ok) throw new UploadError("uploadFailed");
    const json = (await res.json()) as { attachment?: Attachment };
    if (!json.attachment?.id) throw new UploadError("uploadFailed");
    return json.attachment;
  }

  /** The HTTP snapshot of the current conversation: the socket never tells a visitor
   * when an agent is assigned, so this refreshes the header after system messages. */
  async conversation(): Promise<Conversation | null> {
    const token = this.token;
    if (!token) return null;
    try {
      const res = await fetch("/api/visitor/conversation", { headers: { Authorization: `Bearer ${token}` } });
      if (!res.ok) return null;
      const json = (await res.json()) as { conversation?: Conversation | null };
      return json.conversation ?? null;
    } catch {
      return null;
    }
  }
}

function waitOrOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener("online", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    window.addEventListener("online", done);
  });
}
