// From a batch and what the database holds for it (a snapshot or locked rows) to what
// the write statement takes and what each sender is answered: the rules of seq.ts, the
// new messages, the report marks and the snoozes ended. No I/O.
import { randomUUID } from "node:crypto";
import type { Message } from "../events.js";
import { toAttachment, type AttachmentUrl } from "./messages.mapper.js";
import type { AppError } from "../lib/errors.js";
import { responseMarks } from "./response-marks.js";
import { planBatch, type AttachmentInfo, type LockedConversation, type SendRequest } from "./seq.js";

/** `woke`: this visitor message ended its conversation's snooze (src/lifecycle). */
export type SendOutcome =
  | { ok: true; message: Message; duplicate: boolean; woke?: boolean }
  | { ok: false; error: AppError };

export interface ConversationRow {
  id: string;
  visitor_id: string;
  agent_id: string | null;
  status: string;
  last_seq: number;
  had_visitor: boolean;
  snoozed: boolean;
}
export interface Snapshot {
  convs: ConversationRow[];
  /** Stored messages by sendKey: retries of sends already written. */
  stored: Map<string, Message>;
  atts: Map<string, AttachmentInfo & { name: string; size: number; mime: string }>;
}

/** `withEvents`: the write also queues a message.created webhook event per new message. */
export function planWrite(reqs: SendRequest[], snap: Snapshot, attachmentUrl: AttachmentUrl, withEvents = false) {
  const rows = new Map(snap.convs.map((r) => [r.id, r]));
  const locked = new Map<string, LockedConversation>(snap.convs.map((r) => [r.id, {
    id: r.id, visitorId: r.visitor_id, agentId: r.agent_id, status: r.status, lastSeq: Number(r.last_seq),
  }]));
  const { decisions, lastSeq } = planBatch(reqs, locked, new Set(snap.stored.keys()), snap.atts);
  const now = new Date();
  const created: (Message | null)[] = decisions.map((d, i) => {
    if (d.kind !== "new") return null;
    const r = reqs[i];
    const a = r.attachmentId ? snap.atts.get(r.attachmentId) : undefined;
    return {
      id: randomUUID(), conversationId: r.conversationId, seq: d.seq, clientMsgId: r.clientMsgId,
      sender: { type: r.sender.type, id: r.sender.id, name: r.sender.name },
      type: r.type as Message["type"], body: r.body,
      ...(a ? { attachment: toAttachment({ id: r.attachmentId!, ...a }, attachmentUrl) } : {}),
      createdAt: now.toISOString(),
    };
  });
  const fresh = created.filter((m): m is Message => m !== null);
  const woken = new Set(fresh.filter((m) => m.sender.type === "visitor" && rows.get(m.conversationId)!.snoozed).map((m) => m.conversationId));
  const hadVisitor = new Set(snap.convs.filter((r) => r.had_visitor).map((r) => r.id));
  const marks = responseMarks(fresh.map((m) => ({ conversationId: m.conversationId, senderType: m.sender.type })), hadVisitor);
  // In id order, like the lock: two statements then take their row locks in the same order.
  const seqs = [...lastSeq.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const col = <T>(f: (m: Message) => T) => fresh.map(f);
  const seen = seqs.map(([id]) => rows.get(id)!);
  const params = fresh.length ? [
    col((m) => m.id), col((m) => m.conversationId), col((m) => m.seq), col((m) => m.sender.type),
    col((m) => m.sender.id), col((m) => m.sender.name), col((m) => m.clientMsgId), col((m) => m.type),
    col((m) => m.body), col((m) => m.attachment?.id ?? null), now.toISOString(),
    seqs.map(([id]) => id), seqs.map(([, seq]) => seq),
    seqs.map(([id]) => marks.get(id)?.visitor ?? false), seqs.map(([id]) => marks.get(id)?.responded ?? false),
    [...woken],
    seen.map((r) => Number(r.last_seq)), seen.map((r) => r.status), seen.map((r) => r.agent_id), seen.map((r) => r.snoozed),
    ...(withEvents ? [col((m) => JSON.stringify({ message: m }))] : []),
  ] : null;

  return {
    /** The conversations the write advances (those with new messages). */
    conversations: new Set(lastSeq.keys()),
    /** Some send is refused by the rules (not theirs, resolved, unknown attachment...). */
    refuses: decisions.some((d) => d.kind === "refused"),
    params,
    withEvents,
    /** The batch's answers, in order, once the write took every conversation. */
    outcomes(): SendOutcome[] {
      const wake = new Set(woken);
      return decisions.map((d, i): SendOutcome => {
        switch (d.kind) {
          case "new": {
            const m = created[i]!;
            const woke = m.sender.type === "visitor" && wake.delete(m.conversationId); // once per conversation
            return { ok: true, message: m, duplicate: false, ...(woke ? { woke } : {}) };
          }
          case "duplicate-stored":
            return { ok: true, message: snap.stored.get(d.key)!, duplicate: true };
          case "duplicate-in-batch":
            return { ok: true, message: created[d.index]!, duplicate: true };
          case "refused":
            return { ok: false, error: d.error };
        }
      });
    },
    /** The sends whose answers depend on these conversations' writes: their own, and the
     *  in-batch duplicates of those. Indexes into the batch, in order. */
    dependingOn(missed: Set<string>): number[] {
      return reqs.flatMap((r, i) => {
        const d = decisions[i];
        return missed.has(r.conversationId) || (d.kind === "duplicate-in-batch" && missed.has(reqs[d.index].conversationId)) ? [i] : [];
      });
    },
  };
}
