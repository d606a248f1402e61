// Pages of conversations for the REST API: one query (conversation-list.rules.ts), in
// the columns every other conversation read uses, so views.ts shows them the same.
import { CONVERSATION_COLUMNS, type ConversationRow } from "../conversations/conversations.repository.js";
import type { Prisma } from "../lib/db.js";
import { encodeCursor, listQuery, type ListFilter } from "./conversation-list.rules.js";

const SELECT = `SELECT ${CONVERSATION_COLUMNS}
  FROM conversation c JOIN visitor v ON v.id = c.visitor_id LEFT JOIN agent a ON a.id = c.agent_id`;

export function createConversationListRepository(prisma: Prisma) {
  return {
    async page(f: ListFilter): Promise<{ rows: ConversationRow[]; next: string | null }> {
      const { where, params } = listQuery(f);
      const rows = await prisma.$queryRawUnsafe<ConversationRow[]>(`${SELECT} WHERE ${where}`, ...params);
      if (rows.length <= f.limit) return { rows, next: null };
      const page = rows.slice(0, f.limit);
      const last = page.at(-1)!;
      return { rows: page, next: encodeCursor({ createdAt: new Date(last.created_at).toISOString(), id: last.id }) };
    },
  };
}
export type ConversationListRepository = ReturnType<typeof createConversationListRepository>;
