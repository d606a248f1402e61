// What a client holds of each conversation: messages deduplicated by id and placed by
// seq (PROTOCOL.md: "Clients deduplicate by id and order by seq"), plus the bookkeeping
// that drives `sync` (the highest contiguous seq) and the receipts shown on messages.
import type { Conversation, Message, Presence } from "../../events.js";

export class ConversationLog {
  info: Conversation | undefined;
  private byId = new Map<string, Message>();
  private bySeq = new Map<number, Message>();
  /** Every seq from 1 to this one is held: `sync` asks for what comes after it. */
  contiguous = 0;
  maxSeq = 0;
  /** Highest seq the other side has read (from `receipt`). */
  peerReadUpTo = 0;
  /** Highest seq known to have reached the other side's device (see runtime). */
  peerDeliveredUpTo = 0;
  /** The other side's presence, from `presence` events (null until one arrives). */
  peerPresence: Presence | null = null;
  syncing: Promise<void> | null = null;

  constructor(
    readonly id: string,
    readonly firstSeen: number,
  ) {}

  /** Returns false for a message already held (a redelivery or a sync overlap). */
  add(m: Message): boolean {
    if (this.byId.has(m.id)) return false;
    const other = this.bySeq.get(m.seq);
    // A seq has exactly one message; a different id at a held seq is a stale copy.
    if (other) return false;
    this.byId.set(m.id, m);
    this.bySeq.set(m.seq, m);
    if (m.seq > this.maxSeq) this.maxSeq = m.seq;
    while (this.bySeq.has(this.contiguous + 1)) this.contiguous++;
    return true;
  }

  /** The other side's presence. Awake, it holds every message this log holds: the server
   * pushes each one to all of the peer's connected devices. */
  notePeer(presence: Presence): void {
    this.peerPresence = presence;
    if (presence === "online" || presence === "unstable") this.peerDeliveredUpTo = Math.max(this.peerDeliveredUpTo, this.maxSeq);
  }

  hasGap(): boolean {
    return this.maxSeq > this.contiguous;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  findByClientMsgId(clientMsgId: string, senderType: string): Message | undefined {
    for (const m of this.byId.values()) {
      if (m.clientMsgId === clientMsgId && m.sender.type === senderType) return m;
    }
    return undefined;
  }

  messages(): Message[] {
    return [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  get size(): number {
    return this.byId.size;
  }
}

export class Timeline {
  private logs = new Map<string, ConversationLog>();
  private counter = 0;

  get(id: string): ConversationLog | undefined {
    return this.logs.get(id);
  }

  ensure(id: string): ConversationLog {
    let log = this.logs.get(id);
    if (!log) this.logs.set(id, (log = new ConversationLog(id, this.counter++)));
    return log;
  }

  setInfo(c: Conversation): ConversationLog {
    const log = this.ensure(c.id);
    log.info = c;
    return log;
  }

  /** Oldest first: by creation time when known, else by when this client first saw it. */
  all(): ConversationLog[] {
    const key = (l: ConversationLog) => (l.info ? Date.parse(l.info.createdAt) : Number.MAX_SAFE_INTEGER);
    return [...this.logs.values()].sort((a, b) => key(a) - key(b) || a.firstSeen - b.firstSeen);
  }

  /** A visitor's current conversation: the newest one that is not resolved, else the newest. */
  current(): ConversationLog | undefined {
    const all = this.all();
    for (let i = all.length - 1; i >= 0; i--) if (all[i].info?.status !== "resolved") return all[i];
    return all[all.length - 1];
  }
}
