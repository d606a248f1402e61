// The sending part of the client runtime (runtime.ts composes it with receiver.ts): the
// persisted outbox (pending -> sent -> delivered/read, or failed with a retry), sent one
// item at a time once the link is ready, and the typing indicator. It holds nothing the
// server sent: an acked message is handed to the receiver like a pushed one.
import { MAX_BODY_CHARS, type Message } from "../../events.js";
import { type NewItem, Outbox, type OutItem } from "./outbox.js";
import { emitAck, type ClientError } from "./request.js";
import type { Link } from "./socket.js";
import { backoffDelay } from "./util.js";

// Retrying these cannot succeed: the message itself is refused.
const FINAL: ReadonlySet<ClientError> = new Set(["VALIDATION", "CONTENT_BLOCKED", "FORBIDDEN", "NOT_FOUND"]);
/** Failed for good, whatever happens elsewhere (a word list or an assignment may change;
 *  the message itself will not): the UIs offer no retry. TOO_LONG is refused here, never sent. */
export const UNSENDABLE: ReadonlySet<string> = new Set(["VALIDATION", "TOO_LONG"]);
/** The server stored nothing and says when to come back: a wait, not a failed attempt. */
const LATER: ReadonlySet<ClientError> = new Set(["UNAVAILABLE", "RATE_LIMITED"]);
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;

export interface SenderOptions {
  /** localStorage prefix: the outbox lives under it. */
  storageKey: string;
  maxAttempts?: number;
}

/** How the sender talks to the rest of the runtime. */
export interface SenderHooks {
  /** What a UI shows changed (an item's state, or the outbox written by another tab). */
  change(): void;
  /** The server stored one of our messages: it joins the transcript. */
  acked(message: Message): void;
}

export class Sender {
  readonly outbox: Outbox;
  /** clientMsgIds sent from this page: their rows keep the outbox item's key. */
  private ownIds = new Set<string>();
  /** clientMsgIds sent from this page whose stored body is not what was written (the
   *  content filter masked words): the UIs say so, since the stored text is what the
   *  other side reads. */
  private maskedIds = new Set<string>();
  private flushing = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** UNAVAILABLE / RATE_LIMITED answers in a row: how long the next wait is. */
  private waits = 0;
  private typingOn = false;
  private typingAt = 0;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly link: Link,
    private readonly opts: SenderOptions,
    private readonly hooks: SenderHooks,
  ) {
    this.outbox = new Outbox(`${opts.storageKey}.outbox`, hooks.change);
  }

  /** Queue a message. It is stored before anything else, so it survives a reload. */
  send(n: NewItem): OutItem {
    const item = this.outbox.add(n);
    this.setTyping(false, n.conversationId);
    this.hooks.change();
    void this.flush();
    return item;
  }

  retry(clientMsgId: string): void {
    if (UNSENDABLE.has(this.outbox.get(clientMsgId)?.error ?? "")) return;
    this.outbox.update(clientMsgId, { state: "pending", attempts: 0, error: undefined });
    this.hooks.change();
    void this.flush();
  }

  discard(clientMsgId: string): void {
    this.outbox.remove(clientMsgId);
    this.hooks.change();
  }

  /** One of ours reached the transcript another way (a sync, a push): done with it. */
  landed(message: Message): void {
    const item = this.outbox.get(message.clientMsgId);
    if (!this.outbox.remove(message.clientMsgId)) return;
    this.ownIds.add(message.clientMsgId);
    if (item) this.noteMasking(item, message);
  }

  sentHere(clientMsgId: string): boolean {
    return this.ownIds.has(clientMsgId);
  }

  /** The server stored other words than this page sent (see maskedIds). */
  masked(clientMsgId: string): boolean {
    return this.maskedIds.has(clientMsgId);
  }

  private noteMasking(item: OutItem, message: Message): void {
    if (item.type === "text" && message.body !== item.body) this.maskedIds.add(item.clientMsgId);
  }

  /** Sends pending items one at a time, oldest first: the server stores them in the
   * order they were written, and a stall never lets a later message overtake. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    clearTimeout(this.flushTimer);
    try {
      for (let item = this.outbox.nextPending(); item && this.link.ready; item = this.outbox.nextPending()) {
        if (!(await this.sendOne(item))) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Returns whether to go on with the next item. */
  private async sendOne(item: OutItem): Promise<boolean> {
    // An over-long message (from an older page's outbox, or past a maxlength) would be
    // refused, or with a frame over the server's limit cut the connection, every time.
    if (item.body.length > MAX_BODY_CHARS) return this.fail(item, "TOO_LONG");
    const attempts = item.attempts + 1;
    this.outbox.update(item.clientMsgId, { attempts });
    const { clientMsgId, conversationId, type, body, attachmentId } = item;
    const payload = { clientMsgId, type, body, ...(conversationId ? { conversationId } : {}), ...(attachmentId ? { attachmentId } : {}) };
    const res = await emitAck(this.link.socket, "message:send", payload);
    if (res.ok) {
      this.waits = 0;
      this.acked(item, res.message);
      return true;
    }
    const code = res.error.code;
    if (code === "DISCONNECTED") {
      this.outbox.update(clientMsgId, { attempts: attempts - 1 }); // it never left
      return false; // the next `ready` flushes again
    }
    if (LATER.has(code)) {
      // However long the outage lasts, the message waits (pending, as the banner says)
      // instead of failing after maxAttempts; the waits grow while it goes on.
      this.outbox.update(clientMsgId, { attempts: attempts - 1 });
      this.waits++;
      const wait = Math.max(res.error.retryAfterMs ?? 0, backoffDelay(this.waits, 1000, 30_000));
      this.flushTimer = setTimeout(() => void this.flush(), wait);
      return false;
    }
    this.waits = 0;
    if (FINAL.has(code) || attempts >= (this.opts.maxAttempts ?? 5)) return this.fail(item, code);
    this.flushTimer = setTimeout(() => void this.flush(), backoffDelay(attempts, 1000, 15_000));
    return false;
  }

  /** Out of the send loop for good, shown failed with its reason; the next item goes on. */
  private fail(item: OutItem, error: string): true {
    this.outbox.update(item.clientMsgId, { state: "failed", error });
    this.hooks.change();
    return true;
  }

  private acked(item: OutItem, message: Message): void {
    this.ownIds.add(item.clientMsgId);
    this.noteMasking(item, message);
    this.outbox.remove(item.clientMsgId);
    this.hooks.acked(message); // also notices a seq gap before it (e.g. a system message)
    this.hooks.change();
  }

  /** Throttled: one `typing: true` per few seconds while keys are pressed, and a
   * `typing: false` after a pause or a send. Volatile: a lost one does not matter. */
  setTyping(isTyping: boolean, conversationId?: string): void {
    const s = this.link.socket;
    const p = (on: boolean) => ({ isTyping: on, ...(conversationId ? { conversationId } : {}) });
    clearTimeout(this.typingIdle);
    if (isTyping) {
      this.typingIdle = setTimeout(() => this.setTyping(false, conversationId), TYPING_IDLE_MS);
      if (this.typingOn && Date.now() - this.typingAt < TYPING_REFRESH_MS) return;
      if (!this.link.ready) return;
      this.typingOn = true;
      this.typingAt = Date.now();
      s.volatile.emit("typing", p(true), () => {});
    } else if (this.typingOn) {
      this.typingOn = false;
      if (this.link.ready) s.volatile.emit("typing", p(false), () => {});
    }
  }
}
