// The receiving half of the client runtime (runtime.ts adds sending): one connection
// (connection.ts) and what is held of each conversation (timeline.ts), kept consistent
// with the server by acking each pushed message, deduplicating by id, and `sync` from
// the highest contiguous seq on every (re)connect and on any seq gap.
import type { Conversation, Message, PresencePayload, ReadyPayload, TypingPayload } from "../events.js";
import { Connection, type Status } from "./connection.js";
import { Outbox } from "./outbox.js";
import { emitAck } from "./request.js";
import { type ConversationLog, Timeline } from "./timeline.js";
import { cacheTranscript } from "./transcript-cache.js";
import { Emitter, store } from "./util.js";

export type { Status } from "./connection.js";
export interface RuntimeOptions {
  url: string;
  namespace: "/visitor" | "/agent";
  token: () => string | null;
  /** localStorage prefix: the outbox and read positions live under it. */
  storageKey: string;
  /** Keep the latest messages of the current conversation in storage, so a reload while
   * the server is unreachable still shows the conversation (the visitor page). */
  cacheTranscript?: boolean;
  maxAttempts?: number;
}

export interface RuntimeEvents {
  change: null;
  status: Status;
  rtt: number;
  ready: ReadyPayload;
  incoming: { message: Message; live: boolean };
  typing: TypingPayload;
  presence: PresencePayload;
  conversation: Conversation;
  authError: "AUTH_REQUIRED" | "AUTH_INVALID";
}

export const PEER_AWAKE = new Set(["online", "unstable"]);

export abstract class RuntimeCore extends Emitter<RuntimeEvents> {
  readonly conn: Connection;
  readonly timeline = new Timeline();
  readonly outbox: Outbox;
  me: ReadyPayload["you"] | null = null;
  /** Connected, `ready` received and caught up: sends may go out. */
  protected ready = false;
  /** clientMsgIds sent from this page: their rows keep the outbox item's key. */
  protected ownIds = new Set<string>();
  protected readPos: Record<string, number>;
  protected readonly selfType: "visitor" | "agent";

  constructor(protected readonly opts: RuntimeOptions) {
    super();
    this.selfType = opts.namespace === "/agent" ? "agent" : "visitor";
    this.outbox = new Outbox(`${opts.storageKey}.outbox`, () => this.emit("change", null));
    this.readPos = store.get<Record<string, number>>(`${opts.storageKey}.read`) ?? {};
    this.conn = new Connection({
      url: opts.url,
      namespace: opts.namespace,
      auth: () => ({ token: opts.token(), ...(this.selfType === "visitor" ? { lastSeq: this.timeline.current()?.maxSeq ?? 0 } : {}) }), // agents: token only
    });
    this.conn.on("status", (s) => {
      if (s.state !== "connected") this.ready = false;
      this.emit("status", s);
    });
    this.conn.on("rtt", (r) => this.emit("rtt", r));
    this.conn.on("authError", (c) => this.emit("authError", c));
    this.conn.on("ready", (p) => void this.onReady(p));
    this.wire();
    if (opts.cacheTranscript) cacheTranscript(this, `${opts.storageKey}.transcript`);
  }

  get status(): Status {
    return this.conn.status;
  }

  start = (): void => this.conn.start();
  stop = (): void => this.conn.stop();
  retryNow = (): void => this.conn.retryNow();

  private wire(): void {
    const s = this.conn.socket;
    s.on("message", (m, ack) => {
      this.receive([m], true);
      if (typeof ack === "function") ack({ ok: true }); // held in memory: delivered
    });
    s.on("receipt", (r) => {
      const log = this.timeline.ensure(r.conversationId);
      if (r.reader.type !== this.selfType) {
        log.peerReadUpTo = Math.max(log.peerReadUpTo, r.upToSeq);
        log.peerDeliveredUpTo = Math.max(log.peerDeliveredUpTo, r.upToSeq);
      } else if (r.reader.id === this.me?.id) this.setReadPos(r.conversationId, r.upToSeq); // read on another device
      this.emit("change", null);
    });
    s.on("typing", (t) => {
      if (t.from.type !== this.selfType || t.from.id !== this.me?.id) this.emit("typing", t);
    });
    s.on("presence", (p) => {
      for (const log of this.logsOf(p)) log.notePeer(p.presence);
      this.emit("presence", p);
      this.emit("change", null);
    });
    s.on("conversation", (c) => this.upsertConversation(c));
  }

  /** New facts about a conversation, from the socket or from an HTTP snapshot. */
  upsertConversation(c: Conversation): void {
    this.noteInfo(c);
    this.emit("conversation", c);
    this.emit("change", null);
  }

  /** Agents learn the visitor's presence with each conversation (visitors, by `presence`). */
  private noteInfo(c: Conversation): void {
    const log = this.timeline.setInfo(c);
    if (this.selfType === "agent") log.notePeer(c.visitor.presence);
  }

  /** The conversations a presence event is about (visitors get it per conversation). */
  private logsOf(p: PresencePayload): ConversationLog[] {
    if (p.conversationId) return [this.timeline.ensure(p.conversationId)];
    const peerSide = p.participant.type !== this.selfType;
    return this.timeline.all().filter((l) => peerSide && (l.info?.agent?.id === p.participant.id || l.info?.visitor.id === p.participant.id));
  }

  protected abstract flush(): Promise<void>;
  protected abstract sendReads(): void;
  abstract setReadPos(conversationId: string, seq: number): void;

  private async onReady(p: ReadyPayload): Promise<void> {
    this.me = p.you;
    for (const c of p.conversations) this.noteInfo(c);
    this.emit("ready", p);
    this.emit("change", null);
    // Catch up first, so items whose ack was lost are recognised instead of resent.
    await Promise.all(this.timeline.all().map((log) => this.sync(log)));
    this.ready = this.conn.socket.connected;
    this.sendReads();
    void this.flush();
  }

  isMine(m: Message): boolean {
    if (m.sender.type !== this.selfType) return false;
    return this.me ? m.sender.id === this.me.id : !!this.outbox.get(m.clientMsgId);
  }

  protected receive(messages: Message[], live: boolean): void {
    const touched = new Set<ConversationLog>();
    for (const m of messages) {
      const log = this.timeline.ensure(m.conversationId);
      if (!log.add(m)) continue;
      touched.add(log);
      if (this.isMine(m)) {
        if (this.outbox.remove(m.clientMsgId)) this.ownIds.add(m.clientMsgId); // sent before a reload
        if (log.peerPresence && PEER_AWAKE.has(log.peerPresence)) log.peerDeliveredUpTo = Math.max(log.peerDeliveredUpTo, m.seq);
      } else {
        if (m.sender.type !== "system") log.peerDeliveredUpTo = Math.max(log.peerDeliveredUpTo, m.seq);
        // A visitor learns who answers from the answers (agents get `conversation` events).
        if (this.selfType === "visitor" && m.sender.type === "agent" && log.info && log.info.agent?.id !== m.sender.id) {
          log.info = { ...log.info, status: "open", agent: { id: m.sender.id, name: m.sender.name } };
          if (live) log.notePeer("online"); // writing right now
        }
        this.emit("incoming", { message: m, live });
      }
    }
    if (!touched.size) return;
    this.emit("change", null);
    if (live) for (const log of touched) if (log.hasGap()) void this.sync(log);
  }

  /** Fetch everything after the highest contiguous seq held, page by page. */
  protected sync(log: ConversationLog): Promise<void> {
    if (log.syncing) return log.syncing;
    const from = log.contiguous;
    log.syncing = (async () => {
      try {
        for (let page = 0; page < 100; page++) {
          const res = await emitAck(this.conn.socket, "sync", { conversationId: log.id, afterSeq: log.contiguous, limit: 200 });
          if (!res.ok) return;
          this.receive(res.messages, false);
          if (!res.hasMore || !res.messages.length) return;
        }
      } finally {
        log.syncing = null;
      }
    })();
    // A message pushed while this sync was in flight may have opened a new gap: go
    // again, but only while syncing makes progress (never spin on a gap it cannot fill).
    return log.syncing.then(() => (log.hasGap() && log.contiguous > from ? this.sync(log) : undefined));
  }
}
