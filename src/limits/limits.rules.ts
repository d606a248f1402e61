// What each participant may do, per node: a steady rate per second and a burst on top
// (the burst allowance is counted per minute), for each kind of event, by participant
// type. A person typing, reading and scrolling stays far below these; what they stop is
// one client flooding the server. Pure data and pure decisions (unit-tested).
import type { ClientToServerEvents, ParticipantType } from "../events.js";

export type EventKind = "send" | "typing" | "read" | "sync" | "hb" | "action" | "context" | "csat";

/** A steady `perSecond`, plus `burst` more per minute for a moment of many (a reconnect
 *  flushing an outbox, a console opening a dozen transcripts). */
export interface Budget {
  perSecond: number;
  burst: number;
}

export const EVENT_BUDGETS: Record<ParticipantType, Record<EventKind, Budget>> = {
  visitor: {
    send: { perSecond: 10, burst: 100 },
    typing: { perSecond: 5, burst: 30 },
    read: { perSecond: 10, burst: 100 },
    sync: { perSecond: 10, burst: 100 },
    hb: { perSecond: 5, burst: 30 },
    action: { perSecond: 1, burst: 1 }, // visitors have no agent actions
    // A page change writes the visitor row and tells the agent: a person clicking
    // through a site makes one every few seconds at most.
    context: { perSecond: 1, burst: 20 },
    csat: { perSecond: 2, burst: 20 }, // one rating per conversation: a few retries and tabs at most
  },
  agent: {
    send: { perSecond: 20, burst: 200 },
    typing: { perSecond: 10, burst: 60 },
    read: { perSecond: 20, burst: 200 },
    sync: { perSecond: 20, burst: 200 },
    hb: { perSecond: 5, burst: 30 },
    action: { perSecond: 10, burst: 100 },
    context: { perSecond: 1, burst: 1 }, // agents have no visitor context
    csat: { perSecond: 1, burst: 1 }, // agents do not rate
  },
};

const KIND: Record<keyof ClientToServerEvents, EventKind> = {
  "message:send": "send",
  typing: "typing",
  "message:read": "read",
  sync: "sync",
  hb: "hb",
  "conversation:claim": "action",
  "conversation:transfer": "action",
  "conversation:resolve": "action",
  "agent:status": "action",
  "visitor:context": "context",
  "csat:submit": "csat",
  "conversation:snooze": "action",
  "conversation:unsnooze": "action",
  "note:add": "action",
  "note:list": "sync",
  "conversation:labels": "action",
  "agent:takesChats": "action",
};
export const eventKind = (event: keyof ClientToServerEvents): EventKind => KIND[event];
/** Whether a name is one of the contract's client-to-server events (of either namespace). */
export const isClientEvent = (event: string): event is keyof ClientToServerEvents => Object.hasOwn(KIND, event);

/** HTTP budgets per address, across the cluster (sign-in has its own: accounts/login-throttle.ts). */
export const HTTP_BUDGETS = {
  /** Generous: on mobile networks whole regions share one address behind carrier-grade
   *  NAT, and a refused session is a customer who cannot write at all. */
  sessionsPerIp: { points: 300, durationSec: 60 },
  /** The connection test page (/diagnostics): a run makes about a dozen requests. */
  diagnosticsPerIp: { points: 120, durationSec: 600 },
};

/** A socket that keeps sending after being told to wait (this many refusals within the
 *  window: a client that honours retryAfterMs never gets there) is disconnected, and its
 *  participant's handshakes are refused for the cool-down. Answering a flood event by
 *  event costs the server about what serving it would; cutting the socket costs nothing. */
export const ABUSE = { refusals: 200, windowMs: 10_000, coolDownMs: 30_000 };

/** A full socket cap frees up when a socket goes, not at a known time: how long to wait. */
export const SOCKET_CAP_RETRY_MS = 5000;
/** A write refused because the sender already has this many waiting. */
export const QUEUED_WRITES_RETRY_MS = 1000;
/** The longest a send may wait in the group commit's queue before new sends are refused. */
export const WRITE_QUEUE_MAX_WAIT_MS = 300;
