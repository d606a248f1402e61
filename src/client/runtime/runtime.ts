// The browser client runtime shared by the visitor page and the agent console: one
// facade over parts that do not know each other, wired together here with callbacks.
// The Receiver (receiver.ts: connection, timelines, sync) tells the sending parts when
// one of their messages landed, when a receipt moved a read position and when the link
// is ready; the Sender (sender.ts: outbox, typing) hands back what the server acked;
// ReadPositions (reads.ts) reports what was read. All of them raise their events through
// this object, the one emitter the UIs listen to; entries() is the transcript a UI renders.
import type { Conversation, Message, ReadyPayload } from "../../events.js";
import type { Connection } from "./connection.js";
import type { NewItem, Outbox, OutItem } from "./outbox.js";
import { ReadPositions } from "./reads.js";
import { Receiver, type ReceiverOptions, type RuntimeEvents } from "./receiver.js";
import { Sender } from "./sender.js";
import type { Status } from "./status.js";
import type { ConversationLog, Timeline } from "./timeline.js";
import { cacheTranscript } from "./transcript-cache.js";
import { Emitter } from "./util.js";

export type { RuntimeEvents } from "./receiver.js";
export type { Status } from "./status.js";
export type { OutItem } from "./outbox.js";
export { UNSENDABLE } from "./sender.js";

export interface RuntimeOptions extends ReceiverOptions {
  /** localStorage prefix: the outbox and read positions live under it. */
  storageKey: string;
  /** Keep the latest messages of the current conversation in storage, so a reload while
   * the server is unreachable still shows the conversation (the visitor page). */
  cacheTranscript?: boolean;
  maxAttempts?: number;
}

export type EntryState = "pending" | "sent" | "delivered" | "read" | "failed";

/** One row of a transcript: a stored message, or an outbox item not yet acknowledged. */
export interface Entry {
  /** Stable across pending -> sent, so a UI can update the row instead of replacing it. */
  key: string;
  mine: boolean;
  message: Message | null;
  item: OutItem | null;
  state: EntryState | null;
  /** One of ours whose stored body differs from what this page sent: the content filter
   *  hid words, and `message.body` is what was stored (what the other side sees). */
  masked?: boolean;
}

export class Runtime extends Emitter<RuntimeEvents> {
  readonly conn: Connection;
  readonly timeline: Timeline;
  readonly outbox: Outbox;
  /** The receiving part, for a runtime that adds requests of its own (the console's). */
  protected readonly inbox: Receiver;
  private readonly sender: Sender;
  private readonly reads: ReadPositions;

  constructor(opts: RuntimeOptions) {
    super();
    const changed = () => this.emit("change", null);
    this.inbox = new Receiver(opts, {
      emit: (event, value) => this.emit(event, value),
      queued: (clientMsgId) => !!this.outbox.get(clientMsgId),
      landed: (m) => this.sender.landed(m),
      readElsewhere: (conversationId, seq) => this.reads.set(conversationId, seq),
      caughtUp: () => {
        this.reads.send();
        void this.sender.flush();
      },
    });
    this.sender = new Sender(this.inbox, opts, { change: changed, acked: (m) => this.inbox.receive([m], true) });
    this.reads = new ReadPositions(this.inbox, this.inbox.timeline, `${opts.storageKey}.read`, changed);
    this.conn = this.inbox.conn;
    this.timeline = this.inbox.timeline;
    this.outbox = this.sender.outbox;
    if (opts.cacheTranscript) cacheTranscript(this, `${opts.storageKey}.transcript`);
  }

  /** Who this client is (from `ready`, or from the transcript cache until then). */
  get me(): ReadyPayload["you"] | null {
    return this.inbox.me;
  }

  set me(me: ReadyPayload["you"] | null) {
    this.inbox.me = me;
  }

  get status(): Status {
    return this.conn.status;
  }

  start = (): void => this.conn.start();
  stop = (): void => this.conn.stop();
  retryNow = (): void => this.conn.retryNow();

  /** New facts about a conversation, from the socket or from an HTTP snapshot. */
  upsertConversation(c: Conversation): void {
    this.inbox.upsertConversation(c);
  }

  isMine(m: Message): boolean {
    return this.inbox.isMine(m);
  }

  /** Queue a message. It is stored before anything else, so it survives a reload. */
  send(n: NewItem): OutItem {
    return this.sender.send(n);
  }

  retry(clientMsgId: string): void {
    this.sender.retry(clientMsgId);
  }

  discard(clientMsgId: string): void {
    this.sender.discard(clientMsgId);
  }

  setTyping(isTyping: boolean, conversationId?: string): void {
    this.sender.setTyping(isTyping, conversationId);
  }

  readPosition(conversationId: string): number {
    return this.reads.position(conversationId);
  }

  /** The user has seen everything held of this conversation (the UI calls this only
   * while the chat is actually visible). */
  markRead(conversationId: string): void {
    this.reads.markRead(conversationId);
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
    const key = mine && this.sender.sentHere(m.clientMsgId) ? `c:${m.clientMsgId}` : `m:${m.id}`;
    return { key, mine, message: m, item: null, state, ...(mine && this.sender.masked(m.clientMsgId) ? { masked: true } : {}) };
  }
}
