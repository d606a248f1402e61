// Pure rule of the write path: given the locked conversations, the messages already
// stored for the batch's (sender, clientMsgId) keys and the batch itself, decide for each
// send whether it is a duplicate, refused, or new, and give new ones the next seqs.
// Refusals are the AppError that the sender's ack carries.
// No I/O here, so the gapless/idempotent rules are testable on their own.
import { AppError, forbidden, notFound } from "../lib/errors.js";

export interface SendRequest {
  conversationId: string;
  sender: { type: "visitor" | "agent" | "system"; id: string; name: string; admin?: boolean };
  clientMsgId: string;
  type: string;
  body: string;
  attachmentId?: string;
}
export interface LockedConversation {
  id: string;
  visitorId: string;
  agentId: string | null;
  status: string;
  lastSeq: number;
}
export interface AttachmentInfo {
  ownerType: string;
  ownerId: string;
}

/** The visitor's conversation was resolved meanwhile: the caller opens a new one and
 *  writes again; should that fail too, the sender is answered CONFLICT. */
export class StaleConversation extends AppError {
  constructor() {
    super("CONFLICT", "conversation resolved");
  }
}

/** The conversation named by a send does not exist (or is not the visitor's): NOT_FOUND.
 *  Its own class so that a visitor's send to a remembered conversation that is gone can be
 *  told apart from a missing attachment (conversations.service.ts). */
export class MissingConversation extends AppError {
  constructor() {
    super("NOT_FOUND", "conversation not found");
  }
}

export type Decision =
  | { kind: "new"; seq: number }
  | { kind: "duplicate-stored"; key: string }
  | { kind: "duplicate-in-batch"; index: number }
  | { kind: "refused"; error: AppError };

export const sendKey = (s: Pick<SendRequest, "sender" | "clientMsgId">) =>
  `${s.sender.type}\u0000${s.sender.id}\u0000${s.clientMsgId}`;

function refuse(req: SendRequest, conv: LockedConversation | undefined, att: Map<string, AttachmentInfo>): AppError | null {
  if (!conv) return new MissingConversation();
  const s = req.sender;
  if (s.type === "visitor") {
    if (conv.visitorId !== s.id) return new MissingConversation();
    if (conv.status === "resolved") return new StaleConversation();
  } else if (s.type === "agent") {
    if (conv.agentId !== s.id && !s.admin) return forbidden("not your conversation");
    if (conv.status === "resolved") return new AppError("CONFLICT", "conversation is resolved");
  }
  if (req.attachmentId) {
    const a = att.get(req.attachmentId);
    if (!a || a.ownerType !== s.type || a.ownerId !== s.id) return notFound("attachment not found");
  }
  return null;
}

export function planBatch(
  reqs: SendRequest[],
  convs: Map<string, LockedConversation>,
  stored: Set<string>,
  attachments: Map<string, AttachmentInfo> = new Map(),
): { decisions: Decision[]; lastSeq: Map<string, number> } {
  const lastSeq = new Map<string, number>();
  const firstInBatch = new Map<string, number>();
  const decisions = reqs.map((req, i): Decision => {
    const key = sendKey(req);
    if (stored.has(key)) return { kind: "duplicate-stored", key };
    const earlier = firstInBatch.get(key);
    if (earlier !== undefined) return { kind: "duplicate-in-batch", index: earlier };
    const conv = convs.get(req.conversationId);
    const error = refuse(req, conv, attachments);
    if (error) return { kind: "refused", error };
    const seq = (lastSeq.get(conv!.id) ?? conv!.lastSeq) + 1;
    lastSeq.set(conv!.id, seq);
    firstInBatch.set(key, i);
    return { kind: "new", seq };
  });
  return { decisions, lastSeq };
}
