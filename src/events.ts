// The wire contract (../shared/PROTOCOL.md section 3) as TypeScript types, shared by the
// server, the browser runtime (src/client) and the tests. Change PROTOCOL.md first.

export type ParticipantType = "visitor" | "agent";
export type Presence = "online" | "unstable" | "offline" | "left";
export type ConversationStatus = "waiting" | "open" | "resolved";
export type MessageType = "text" | "image" | "file" | "card" | "system";
export type ErrorCode =
  | "VALIDATION"
  | "AUTH_REQUIRED"
  | "AUTH_INVALID"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "CONTENT_BLOCKED"
  | "CONFLICT"
  | "UNAVAILABLE"
  | "INTERNAL";

/** `connect_error` `data.code` of a refused handshake (PROTOCOL.md section 3, Handshake):
 *  a missing or bad credential, an Origin that may not open the namespace, a dependency
 *  down, or (an addition) too many handshakes or sockets: RATE_LIMITED, with retryAfterMs. */
export type HandshakeErrorCode = "AUTH_REQUIRED" | "AUTH_INVALID" | "FORBIDDEN" | "UNAVAILABLE" | "RATE_LIMITED";
export interface HandshakeErrorData {
  code: HandshakeErrorCode;
  retryAfterMs?: number;
}

/** The longest message `body` the server takes (longer: VALIDATION). Clients check it too,
 *  so that an over-long message is refused where it was written, not sent again and again. */
export const MAX_BODY_CHARS = 5000;

/** The longest CSAT comment (`csat:submit`) the server takes. */
export const CSAT_COMMENT_MAX = 1000;
/** `csat:submit` (an addition): the visitor rates their resolved conversation, once; a
 *  second rating is CONFLICT, someone else's conversation NOT_FOUND. */
export interface CsatPayload {
  conversationId: string;
  /** A whole number, 1 (bad) to 5 (great). */
  rating: number;
  comment?: string;
}

export interface Attachment {
  id: string;
  url: string;
  name: string;
  size: number;
  mime: string;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  clientMsgId: string;
  sender: { type: ParticipantType | "system"; id: string; name: string };
  type: MessageType;
  body: string;
  attachment?: Attachment;
  createdAt: string;
}

export interface Conversation {
  id: string;
  status: ConversationStatus;
  visitor: { id: string; name: string; presence: Presence };
  agent: { id: string; name: string } | null;
  lastSeq: number;
  createdAt: string;
  updatedAt: string;
  /** Added (issue 11): set while its agent has snoozed it, out of the agent's lists;
   *  `until` is when it comes back by itself, null: at the visitor's next message. */
  snooze?: { until: string | null } | null;
  /** Added (issue 13), to agents only: the conversation's labels, by name. */
  labels?: Label[];
}

/** A label an admin defined (an addition, issue 13); agents put them on conversations. */
export interface Label {
  id: string;
  name: string;
  /** `#rrggbb`. */
  colour: string;
}
/** The most labels one conversation carries (more: VALIDATION). */
export const MAX_LABELS_PER_CONVERSATION = 10;

/** `retryAfterMs` comes with RATE_LIMITED and UNAVAILABLE: nothing was stored, retry then. */
export type AckError = { ok: false; error: { code: ErrorCode; message: string; retryAfterMs?: number } };
export type Ack<T extends object = object> = ({ ok: true } & T) | AckError;
export type AckFn<T extends object = object> = (res: Ack<T>) => void;

export interface ReadyPayload {
  you: { type: ParticipantType; id: string; name: string };
  heartbeatIntervalMs: number;
  serverTime: number;
  conversations: Conversation[];
  /** Additions (issue 15): the shortest heartbeat a client may adapt down to when its
   *  connections keep dying after the same idle time (client/runtime/keepalive.ts), and,
   *  for visitors, the ticket that links a connection test on /diagnostics to them. */
  heartbeatMinIntervalMs?: number;
  diagnosticsTicket?: string;
}

export interface SendPayload {
  conversationId?: string;
  clientMsgId: string;
  type: Exclude<MessageType, "system">;
  body: string;
  attachmentId?: string;
}
export interface SyncPayload {
  conversationId?: string;
  afterSeq: number;
  limit?: number;
}

/** `visitor:context` from a visitor (an addition to PROTOCOL.md): where the visitor is now,
 *  as the page or the widget's host page sees it; omitted fields keep their stored value. */
export interface VisitorContextUpdate {
  page?: string;
  title?: string;
  referrer?: string;
  language?: string;
  timezone?: string;
}
/** `visitor:context` to agents (an addition): a visitor of a conversation they follow
 *  moved; the whole stored context, null where nothing is known. */
export interface VisitorContextPayload {
  visitorId: string;
  conversationIds: string[];
  pageUrl: string | null;
  pageTitle: string | null;
  referrer: string | null;
  language: string | null;
  timezone: string | null;
}

/** A private note on a conversation (an addition, issue 13): agents only, never sent to
 *  the visitor nor in an email, outside the messages' seq. */
export interface Note {
  id: string;
  conversationId: string;
  author: { id: string; name: string };
  body: string;
  createdAt: string;
}

export interface ClientToServerEvents {
  "message:send": (p: SendPayload, ack: AckFn<{ message: Message; duplicate: boolean }>) => void;
  sync: (p: SyncPayload, ack: AckFn<{ messages: Message[]; lastSeq: number; hasMore: boolean }>) => void;
  "message:read": (p: { conversationId?: string; upToSeq: number }, ack: AckFn) => void;
  typing: (p: { conversationId?: string; isTyping: boolean }, ack: AckFn) => void;
  hb: (p: { t: number; rtt?: number }, ack: AckFn<{ t: number; serverTime: number }>) => void;
  "conversation:claim": (p: { conversationId: string }, ack: AckFn<{ conversation: Conversation }>) => void;
  "conversation:transfer": (
    p: { conversationId: string; toAgentId: string },
    ack: AckFn<{ conversation: Conversation }>,
  ) => void;
  "conversation:resolve": (p: { conversationId: string }, ack: AckFn<{ conversation: Conversation }>) => void;
  "agent:status": (p: { status: "online" | "away" }, ack: AckFn) => void;
  /** Visitors only (an addition): the page they are on now. */
  "visitor:context": (p: VisitorContextUpdate, ack: AckFn) => void;
  "csat:submit": (p: CsatPayload, ack: AckFn) => void;
  /** Added (issue 11), agents: owner or admin, open conversations only. `until` an ISO
   *  time in the future (at most a year ahead); omitted or null: until the visitor's next
   *  message. Snoozing again replaces the snooze. Either way a visitor's message ends it. */
  "conversation:snooze": (p: { conversationId: string; until?: string | null }, ack: AckFn<{ conversation: Conversation }>) => void;
  /** Added (issue 11): back in the lists now (a conversation that is not snoozed: unchanged). */
  "conversation:unsnooze": (p: { conversationId: string }, ack: AckFn<{ conversation: Conversation }>) => void;
  /** Added (issue 13), agents who may read the conversation: a private note. */
  "note:add": (p: { conversationId: string; body: string }, ack: AckFn<{ note: Note }>) => void;
  /** Added (issue 13): the conversation's notes, oldest first. */
  "note:list": (p: { conversationId: string }, ack: AckFn<{ notes: Note[] }>) => void;
  /** Added (issue 13), agents who may read the conversation: its labels are now exactly
   *  `labelIds` (an unknown id: VALIDATION, nothing changed). The `conversation` event
   *  tells the other agents who see it. */
  "conversation:labels": (
    p: { conversationId: string; labelIds: string[] },
    ack: AckFn<{ labels: Label[]; conversation: Conversation }>,
  ) => void;
  /** Added (issue 13), agents: whether I answer chats (false: never auto-assigned nor
   *  counted available; claiming by hand still works). */
  "agent:takesChats": (p: { takesChats: boolean }, ack: AckFn) => void;
}

/** The `/diagnostics` namespace (an addition, issue 15): no credential, nothing but a
 *  clock-stamped echo that the connection test page times. */
export interface DiagnosticsClientEvents {
  /** `t` echoed with the server's clock; junk: VALIDATION; faster than one per 50 ms: RATE_LIMITED. */
  "diag:ping": (p: { t: number }, ack: AckFn<{ t: number; serverTime: number }>) => void;
}

export interface ReceiptPayload {
  conversationId: string;
  reader: { type: ParticipantType; id: string };
  upToSeq: number;
}
export interface TypingPayload {
  conversationId: string;
  from: { type: ParticipantType; id: string; name: string };
  isTyping: boolean;
}
export interface PresencePayload {
  conversationId?: string;
  participant: { type: ParticipantType; id: string };
  presence: Presence;
  rttMs?: number;
}

export interface ServerToClientEvents {
  ready: (p: ReadyPayload) => void;
  message: (m: Message, ack: (res: { ok: true }) => void) => void;
  receipt: (p: ReceiptPayload) => void;
  typing: (p: TypingPayload) => void;
  presence: (p: PresencePayload) => void;
  conversation: (c: Conversation) => void;
  /** To agents following the visitor's conversation (an addition). */
  "visitor:context": (p: VisitorContextPayload) => void;
  /** To the agents following the conversation and admins (an addition, issue 13). */
  note: (n: Note) => void;
}

/** Events between server nodes (Socket.IO serverSideEmit, carried by the Redis adapter): a
 *  message just after its writer's node joined sockets to the conversation (otherwise it
 *  travels on the conversation's channel, realtime/room-channels.ts). */
export interface InterServerEvents {
  deliver: (m: Message, exceptSocketId: string | null) => void;
}

export interface SocketData {
  type: ParticipantType;
  id: string;
  name: string;
  role?: "admin" | "agent";
  /** Agents: the credential of the handshake (an agent token's row, see tokens.ts, or
   *  the console's cookie session), so that revoking it closes the socket. */
  tokenId?: string;
  sessionId?: string;
}
