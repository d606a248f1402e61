// The receiving part of the client runtime (runtime.ts composes it with the sending
// parts): one connection (connection.ts) and what is held of each conversation
// (timeline.ts), kept consistent with the server by acking each pushed message,
// deduplicating by id, and `sync` from the highest contiguous seq on every (re)connect
// and on any seq gap. It knows nothing of the outbox or of read positions: what it has
// to tell or ask the sending parts goes through ReceiverHooks.
import type { Conversation, Message, PresencePayload, ReadyPayload, TypingPayload } from "../../events.js";
import { type AuthErrorCode, Connection } from "./connection.js";
import { emitAck } from "./request.js";
import type { AppSocket, Link } from "./socket.js";
import type { Status } from "./status.js";
import { type ConversationLog, Timeline } from "./timeline.js";
import type { Emit } from "./util.js";

/** A sync refused RATE_LIMITED or UNAVAILABLE (with retryAfterMs) is asked again this often at most. */
const SYNC_RETRIES = 5;

export interface RuntimeEvents {
  change: null;
  status: Status;
  rtt: number;
  ready: ReadyPayload;
  incoming: { message: Message; live: boolean };
  typing: TypingPayload;
  presence: PresencePayload;
  conversation: Conversation;
  authError: AuthErrorCode;
}

export interface ReceiverOptions {
  url: string;
  namespace: "/visitor" | "/agent";
  token: () => string | null;
  /** Runs before each catch-up of a conversation (the console skips long histories). */
  beforeSync?: (log: ConversationLog) => void;
}

/** How the receiver talks to the rest of the runtime. */
export interface ReceiverHooks {
  /** The runtime's events, delivered to the UI by the facade. */
  emit: Emit<RuntimeEvents>;
  /** Whether this page queued a message with this clientMsgId (ours, before `ready` says who we are). */
  queued(clientMsgId: string): boolean;
  /** One of our messages is now held: it leaves the outbox (its stored body wins). */
  landed(message: Message): void;
  /** This user read the conversation up to `seq` on another device. */
  readElsewhere(conversationId: string, seq: number): void;
  /** Connected, `ready` received and caught up: what waited may go out. */
  caughtUp(): void;
}

const PEER_AWAKE = new Set(["online", "unstable"]);

export class Receiver implements Link {
  readonly conn: Connection;
  readonly timeline = new Timeline();
  me: ReadyPayload["you"] | null = null;
  private caught = false;
  private readonly selfType: "visitor" | "agent";

  constructor(
    private readonly opts: ReceiverOptions,
    private readonly hooks: ReceiverHooks,
  ) {
    this.selfType = opts.namespace === "/agent" ? "agent" : "visitor";
    this.conn = new Connection({
      url: opts.url,
      namespace: opts.namespace,
      auth: () => ({ token: opts.token(), ...(this.selfType === "visitor" ? { lastSeq: this.timeline.current()?.maxSeq ?? 0 } : {}) }), // agents: token only
    });
    const emit = hooks.emit;
    this.conn.on("status", (s) => {
      if (s.state !== "connected") this.caught = false;
      emit("status", s);
    });
    this.conn.on("rtt", (r) => emit("rtt", r));
    this.conn.on("authError", (c) => emit("authError", c));
    this.conn.on("ready", (p) => void this.onReady(p));
    this.wire();
  }

  get socket(): AppSocket {
    return this.conn.socket;
  }

  get ready(): boolean {
    return this.caught;
  }

  private wire(): void {
    const s = this.conn.socket;
    const emit = this.hooks.emit;
    s.on("message", (m, ack) => {
      this.receive([m], true);
      if (typeof ack === "function") ack({ ok: true }); // held in memory: delivered
    });
    s.on("receipt", (r) => {
      const log = this.timeline.ensure(r.conversationId);
      if (r.reader.type !== this.selfType) {
        log.peerReadUpTo = Math.max(log.peerReadUpTo, r.upToSeq);
        log.peerDeliveredUpTo = Math.max(log.peerDeliveredUpTo, r.upToSeq);
      } else if (r.reader.id === this.me?.id) this.hooks.readElsewhere(r.conversationId, r.upToSeq);
      emit("change", null);
    });
    s.on("typing", (t) => {
      if (t.from.type !== this.selfType || t.from.id !== this.me?.id) emit("typing", t);
    });
    s.on("presence", (p) => {
      for (const log of this.logsOf(p)) log.notePeer(p.presence);
      emit("presence", p);
      emit("change", null);
    });
    s.on("conversation", (c) => this.upsertConversation(c));
  }

  /** New facts about a conversation, from the socket or from an HTTP snapshot. */
  upsertConversation(c: Conversation): void {
    this.noteInfo(c);
    this.hooks.emit("conversation", c);
    this.hooks.emit("change", null);
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

  private async onReady(p: ReadyPayload): Promise<void> {
    this.me = p.you;
    for (const c of p.conversations) this.noteInfo(c);
    this.hooks.emit("ready", p);
    this.hooks.emit("change", null);
    // Catch up first, so items whose ack was lost are recognised instead of resent.
    await Promise.all(this.timeline.all().map((log) => this.sync(log)));
    this.caught = this.conn.socket.connected;
    this.hooks.caughtUp();
  }

  isMine(m: Message): boolean {
    if (m.sender.type !== this.selfType) return false;
    return this.me ? m.sender.id === this.me.id : this.hooks.queued(m.clientMsgId);
  }

  /** Holds messages (pushed, acked, synced or fetched), then syncs any gap a live one opened. */
  receive(messages: Message[], live: boolean): void {
    const touched = new Set<ConversationLog>();
    for (const m of messages) {
      const log = this.timeline.ensure(m.conversationId);
      if (!log.add(m)) continue;
      touched.add(log);
      if (this.isMine(m)) {
        this.hooks.landed(m); // e.g. sent before a reload
        if (log.peerPresence && PEER_AWAKE.has(log.peerPresence)) log.peerDeliveredUpTo = Math.max(log.peerDeliveredUpTo, m.seq);
      } else {
        if (m.sender.type !== "system") log.peerDeliveredUpTo = Math.max(log.peerDeliveredUpTo, m.seq);
        // A visitor learns who answers from the answers (agents get `conversation` events).
        if (this.selfType === "visitor" && m.sender.type === "agent" && log.info && log.info.agent?.id !== m.sender.id) {
          log.info = { ...log.info, status: "open", agent: { id: m.sender.id, name: m.sender.name } };
          if (live) log.notePeer("online"); // writing right now
        }
        this.hooks.emit("incoming", { message: m, live });
      }
    }
    if (!touched.size) return;
    this.hooks.emit("change", null);
    if (live) for (const log of touched) if (log.hasGap()) void this.sync(log);
  }

  /** Fetch everything after the highest contiguous seq held, page by page. */
  sync(log: ConversationLog): Promise<void> {
    this.opts.beforeSync?.(log);
    if (log.syncing) return log.syncing;
    const from = log.contiguous;
    log.syncing = (async () => {
      try {
        for (let page = 0, told = 0; page < 100; page++) {
          const res = await emitAck(this.conn.socket, "sync", { conversationId: log.id, afterSeq: log.contiguous, limit: 200 });
          if (!res.ok) {
            // A busy or just restarted server said when: ask again then (a few times, while
            // connected), or the gap would stay until the next reconnect.
            const wait = res.error.retryAfterMs;
            if (!wait || told++ >= SYNC_RETRIES || !this.conn.socket.connected) return;
            await new Promise((r) => setTimeout(r, wait));
            page--;
            continue;
          }
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
