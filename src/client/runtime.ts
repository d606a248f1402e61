// The browser client runtime shared by the visitor page and the agent console. The
// receiving half lives in runtime-core.ts; this adds the sending half: the persisted
// outbox (pending -> sent -> delivered/read, or failed with a retry), typing, read
// receipts, and entries() — the transcript a UI renders.
import type { Message } from "../events.js";
import type { NewItem, OutItem } from "./outbox.js";
import { emitAck, type ClientError } from "./request.js";
import { RuntimeCore } from "./runtime-core.js";
import type { ConversationLog } from "./timeline.js";
import { backoffDelay, store } from "./util.js";

export type { RuntimeEvents, RuntimeOptions, Status } from "./runtime-core.js";
export type { OutItem } from "./outbox.js";

export type EntryState = "pending" | "sent" | "delivered" | "read" | "failed";

/** One row of a transcript: a stored message, or an outbox item not yet acknowledged. */
export interface Entry {
  /** Stable across pending -> sent, so a UI can update the row instead of replacing it. */
  key: string;
  mine: boolean;
  message: Message | null;
  item: OutItem | null;
  state: EntryState | null;
}

// Retrying these cannot succeed: the message itself is refused.
const FINAL: ReadonlySet<ClientError> = new Set(["VALIDATION", "CONTENT_BLOCKED", "FORBIDDEN", "NOT_FOUND"]);
const TYPING_REFRESH_MS = 3000;
const TYPING_IDLE_MS = 4000;

export class Runtime extends RuntimeCore {
  private flushing = false;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readSent = new Map<string, number>();
  private typingOn = false;
  private typingAt = 0;
  private typingIdle: ReturnType<typeof setTimeout> | undefined;

  /** Queue a message. It is stored before anything else, so it survives a reload. */
  send(n: NewItem): OutItem {
    const item = this.outbox.add(n);
    this.setTyping(false, n.conversationId);
    this.emit("change", null);
    void this.flush();
    return item;
  }

  retry(clientMsgId: string): void {
    this.outbox.update(clientMsgId, { state: "pending", attempts: 0, error: undefined });
    this.emit("change", null);
    void this.flush();
  }

  discard(clientMsgId: string): void {
    this.outbox.remove(clientMsgId);
    this.emit("change", null);
  }

  /** Sends pending items one at a time, oldest first: the server stores them in the
   * order they were written, and a stall never lets a later message overtake. */
  protected async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    clearTimeout(this.flushTimer);
    try {
      for (let item = this.outbox.nextPending(); item && this.ready; item = this.outbox.nextPending()) {
        if (!(await this.sendOne(item))) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Returns whether to go on with the next item. */
  private async sendOne(item: OutItem): Promise<boolean> {
    const attempts = item.attempts + 1;
    this.outbox.update(item.clientMsgId, { attempts });
    const { clientMsgId, conversationId, type, body, attachmentId } = item;
    const payload = { clientMsgId, type, body, ...(conversationId ? { conversationId } : {}), ...(attachmentId ? { attachmentId } : {}) };
    const res = await emitAck(this.conn.socket, "message:send", payload);
    if (res.ok) {
      this.acked(item, res.message);
      return true;
    }
    const code = res.error.code;
    if (code === "DISCONNECTED") {
      this.outbox.update(clientMsgId, { attempts: attempts - 1 }); // it never left
      return false; // the next `ready` flushes again
    }
    if (FINAL.has(code) || attempts >= this.maxAttempts) {
      this.outbox.update(clientMsgId, { state: "failed", error: code });
      this.emit("change", null);
      return true;
    }
    this.flushTimer = setTimeout(() => void this.flush(), backoffDelay(attempts, 1000, 15_000));
    return false;
  }

  private acked(item: OutItem, message: Message): void {
    this.ownIds.add(item.clientMsgId);
    this.outbox.remove(item.clientMsgId);
    this.receive([message], true); // also notices a seq gap before it (e.g. a system message)
    this.emit("change", null);
  }

  private get maxAttempts(): number {
    return this.opts.maxAttempts ?? 5;
  }

  /** Throttled: one `typing: true` per few seconds while keys are pressed, and a
   * `typing: false` after a pause or a send. Volatile: a lost one does not matter. */
  setTyping(isTyping: boolean, conversationId?: string): void {
    const s = this.conn.socket;
    const p = (on: boolean) => ({ isTyping: on, ...(conversationId ? { conversationId } : {}) });
    clearTimeout(this.typingIdle);
    if (isTyping) {
      this.typingIdle = setTimeout(() => this.setTyping(false, conversationId), TYPING_IDLE_MS);
      if (this.typingOn && Date.now() - this.typingAt < TYPING_REFRESH_MS) return;
      if (!this.ready) return;
      this.typingOn = true;
      this.typingAt = Date.now();
      s.volatile.emit("typing", p(true), () => {});
    } else if (this.typingOn) {
      this.typingOn = false;
      if (this.ready) s.volatile.emit("typing", p(false), () => {});
    }
  }

  readPosition(conversationId: string): number {
    return this.readPos[conversationId] ?? 0;
  }

  setReadPos(conversationId: string, seq: number): void {
    if (seq <= this.readPosition(conversationId)) return;
    this.readPos[conversationId] = seq;
    store.set(`${this.opts.storageKey}.read`, this.readPos);
    this.emit("change", null);
  }

  /** The user has seen everything held of this conversation (the UI calls this only
   * while the chat is actually visible). */
  markRead(conversationId: string): void {
    const log = this.timeline.get(conversationId);
    if (!log || !log.contiguous) return;
    this.setReadPos(conversationId, log.contiguous);
    this.sendReads();
  }

  protected sendReads(): void {
    if (!this.ready) return;
    for (const [cid, seq] of Object.entries(this.readPos)) {
      if (!this.timeline.get(cid) || (this.readSent.get(cid) ?? 0) >= seq) continue;
      this.readSent.set(cid, seq);
      void emitAck(this.conn.socket, "message:read", { conversationId: cid, upToSeq: seq }).then((r) => {
        if (!r.ok && this.readSent.get(cid) === seq) this.readSent.delete(cid); // try again next time
      });
    }
  }

  /** The transcript: held messages by conversation (oldest first) and seq, then what
   * is still in the outbox. For one conversation if given (the agent console). */
  entries(conversationId?: string): Entry[] {
    const logs = conversationId ? [this.timeline.get(conversationId)].filter((l): l is ConversationLog => !!l) : this.timeline.all();
    const out: Entry[] = [];
    for (const log of logs) for (const m of log.messages()) out.push(this.entryOf(log, m));
    for (const item of this.outbox.items()) {
      if (conversationId && item.conversationId !== conversationId) continue;
      out.push({ key: `c:${item.clientMsgId}`, mine: true, message: null, item, state: item.state });
    }
    return out;
  }

  private entryOf(log: ConversationLog, m: Message): Entry {
    const mine = this.isMine(m);
    let state: EntryState | null = null;
    if (mine) state = log.peerReadUpTo >= m.seq ? "read" : log.peerDeliveredUpTo >= m.seq ? "delivered" : "sent";
    const key = mine && this.ownIds.has(m.clientMsgId) ? `c:${m.clientMsgId}` : `m:${m.id}`;
    return { key, mine, message: m, item: null, state };
  }
}
