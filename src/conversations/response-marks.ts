// Pure rule of the write path for the reports' precomputed marks (src/reports): for each
// conversation a batch writes to, whether it now holds a visitor message (first_visitor_at)
// and whether an agent answered after one (first_response_at: the first agent message
// after the first visitor message). The columns only ever move from null to a time, so the
// marks say "set it if unset" and the SQL keeps the earlier time.

export interface MarkInput {
  conversationId: string;
  senderType: string;
}
export interface Marks {
  visitor: boolean;
  responded: boolean;
}

/** `fresh`: the batch's new messages in seq order; `hadVisitor`: conversations that already
 *  had a visitor message before this batch (first_visitor_at set, read under the row lock). */
export function responseMarks(fresh: MarkInput[], hadVisitor: ReadonlySet<string>): Map<string, Marks> {
  const out = new Map<string, Marks>();
  for (const m of fresh) {
    const mark = out.get(m.conversationId) ?? { visitor: false, responded: false };
    out.set(m.conversationId, mark);
    if (m.senderType === "visitor") mark.visitor = true;
    else if (m.senderType === "agent" && (mark.visitor || hadVisitor.has(m.conversationId))) mark.responded = true;
  }
  return out;
}
