// The webhooks' rules, free of I/O (PROTOCOL.md section 6): which events exist, the
// retry schedule, the signature of a delivery and its exact body, and how a run of a
// conversation's claimed events goes on after each attempt.
import { createHmac } from "node:crypto";

export const EVENT_TYPES = ["conversation.created", "conversation.assigned", "conversation.resolved", "message.created"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface RetrySchedule {
  /** The first retry comes this long after the first failure (the contract: within 10 s). */
  firstMs: number;
  /** Intervals double up to this (an hour). */
  maxMs: number;
  /** Retries stop this long after the event became due (24 hours): it is marked failed. */
  giveUpMs: number;
}

/** The wait after the `failures`-th failed attempt (1 = the first). */
export function retryDelayMs(failures: number, s: RetrySchedule): number {
  return Math.min(s.firstMs * 2 ** Math.max(0, failures - 1), s.maxMs);
}

export type AfterFailure = { state: "pending"; nextAttemptAt: number } | { state: "failed" };

/** After a failed attempt at `now`: another try, or failed when it would fall after the
 *  end of the retry window that opened at `retryFrom` (ms since the epoch). */
export function afterFailure(failures: number, retryFrom: number, now: number, s: RetrySchedule): AfterFailure {
  const next = now + retryDelayMs(failures, s);
  return next - retryFrom > s.giveUpMs ? { state: "failed" } : { state: "pending", nextAttemptAt: next };
}

/** `X-Holdfast-Signature`: the HMAC-SHA256 of exactly the bytes sent, keyed with the secret. */
export function signature(secret: string, rawBody: string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody, "utf8").digest("hex")}`;
}

export interface EventEnvelope {
  id: string;
  type: string;
  createdAt: Date;
  data: unknown;
}

/** The JSON body a receiver gets; built once per attempt and signed as is. */
export function eventBody(e: EventEnvelope): string {
  return JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt.toISOString(), data: e.data });
}

/** A receiver answered: 2xx only counts as delivered. */
export const delivered = (status: number | null) => status !== null && status >= 200 && status < 300;

/** What the log keeps of a receiver's answer. */
export const EXCERPT_CHARS = 300;
export const excerpt = (body: string) => (body.length > EXCERPT_CHARS ? `${body.slice(0, EXCERPT_CHARS)}…` : body);

/** Claimed events grouped into lanes: one per webhook and conversation, in position order.
 *  A lane is delivered one event after the other; lanes run side by side. */
export function lanes<T extends { webhookId: string; conversationId: string; position: number }>(rows: T[]): T[][] {
  const byKey = new Map<string, T[]>();
  for (const r of [...rows].sort((a, b) => a.position - b.position)) {
    const key = `${r.webhookId}\u0000${r.conversationId}`;
    const lane = byKey.get(key);
    if (lane) lane.push(r);
    else byKey.set(key, [r]);
  }
  return [...byKey.values()];
}
