// The visitor's HTTP side: the session token (their only credential, PROTOCOL.md
// section 2), uploads, and the conversation snapshot. A session is created lazily — on
// the first message or the pre-chat form — so a widget on every page of a site does not
// mint a visitor per page view.
import type { Attachment, Conversation } from "../../events.js";
import { backoffDelay, store } from "../runtime/util.js";

const TOKEN_KEY = "holdfast.visitor.token";

export interface Profile {
  name?: string;
  email?: string;
}

export class UploadError extends Error {
  constructor(readonly reason: "tooLarge" | "badType" | "uploadFailed") {
    super(reason);
  }
}

export class VisitorSession {
  private pending: Promise<string> | null = null;
  private failures = 0;

  constructor(private readonly onRetrying: (waiting: boolean) => void) {}

  get token(): string | null {
    return store.get<string>(TOKEN_KEY) ?? null;
  }

  /** Forget a token the server refused (AUTH_INVALID); the next ensure() makes a new one. */
  forget(): void {
    store.remove(TOKEN_KEY);
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
      } catch {
        this.onRetrying(true);
        await waitOrOnline(backoffDelay(this.failures++));
      }
    }
  }

  private async create(profile: Profile): Promise<string> {
    const body: Profile = {};
    if (profile.name?.trim()) body.name = profile.name.trim().slice(0, 100);
    if (profile.email?.trim()) body.email = profile.email.trim().slice(0, 200);
    const res = await fetch("/api/visitor/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`session: HTTP ${res.status}`);
    const json = (await res.json()) as { token?: unknown };
    if (typeof json.token !== "string" || !json.token) throw new Error("session: no token");
    store.set(TOKEN_KEY, json.token);
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
