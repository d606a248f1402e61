// Labels and the labels of conversations, on the raw driver: the conversation views read
// the labels of a whole list in one grouped query.
import { randomUUID } from "node:crypto";
import type { Label } from "../events.js";
import type { Database } from "../lib/db.js";
import { conflict, isUniqueViolation, notFound } from "../lib/errors.js";

export interface LabelRow extends Label {
  /** Conversations carrying it, whenever. */
  uses: number;
}

const LABEL = "l.id, l.name, l.colour";
const ORDER = "lower(l.name), l.id";

export function createLabelsRepository(db: Pick<Database, "query" | "transaction">) {
  // The lower(name) index makes a second "billing" a CONFLICT, whatever its case.
  const guard = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict("a label with this name exists");
      throw err;
    }
  };
  const one = (rows: Label[]) => {
    if (!rows[0]) throw notFound("label not found");
    return rows[0];
  };
  return {
    list: () =>
      db.query<LabelRow>(`SELECT ${LABEL}, (SELECT count(*) FROM conversation_label cl WHERE cl.label_id = l.id)::int AS uses
        FROM label l ORDER BY ${ORDER}`),
    create: async (l: Omit<Label, "id">) =>
      one(await guard(db.query<Label>("INSERT INTO label (id, name, colour) VALUES ($1, $2, $3) RETURNING id, name, colour", [randomUUID(), l.name, l.colour]))),
    update: async (id: string, l: Omit<Label, "id">) =>
      one(await guard(db.query<Label>("UPDATE label SET name = $2, colour = $3 WHERE id = $1 RETURNING id, name, colour", [id, l.name, l.colour]))),
    /** Takes the label off every conversation too (ON DELETE CASCADE). */
    remove: async (id: string) => void one(await db.query<Label>("DELETE FROM label WHERE id = $1 RETURNING id, name, colour", [id])),

    /** The labels of each conversation (absent: none), by name. */
    async forConversations(ids: string[]): Promise<Map<string, Label[]>> {
      const out = new Map<string, Label[]>();
      if (!ids.length) return out;
      const rows = await db.query<Label & { conversation_id: string }>(
        `SELECT cl.conversation_id, ${LABEL} FROM conversation_label cl JOIN label l ON l.id = cl.label_id
         WHERE cl.conversation_id = ANY($1::text[]) ORDER BY ${ORDER}`,
        [ids],
      );
      for (const { conversation_id, ...l } of rows) out.set(conversation_id, [...(out.get(conversation_id) ?? []), l]);
      return out;
    },

    /** Read-modify-write of one conversation's labels, the conversation's row locked so
     *  that two agents adding at once both count. `plan` answers the wanted ids (it may
     *  throw: nothing is written); an id that is no label is reported, nothing written. */
    async change(conversationId: string, by: string | null, plan: (current: string[]) => string[]): Promise<{ unknown: string[] }> {
      return db.transaction(async (q) => {
        const locked = await q("SELECT id FROM conversation WHERE id = $1 FOR UPDATE", [conversationId]);
        if (!locked.length) throw notFound("conversation not found");
        const current = await q<{ label_id: string }>(
          "SELECT label_id FROM conversation_label WHERE conversation_id = $1 ORDER BY added_at, label_id", [conversationId]);
        const wanted = plan(current.map((r) => r.label_id));
        const known = await q<{ id: string }>("SELECT id FROM label WHERE id = ANY($1::text[])", [wanted]);
        const unknown = wanted.filter((id) => !known.some((k) => k.id === id));
        if (unknown.length) return { unknown };
        await q("DELETE FROM conversation_label WHERE conversation_id = $1 AND NOT (label_id = ANY($2::text[]))", [conversationId, wanted]);
        await q(
          `INSERT INTO conversation_label (conversation_id, label_id, added_by) SELECT $1, unnest($2::text[]), $3
           ON CONFLICT DO NOTHING`,
          [conversationId, wanted, by],
        );
        return { unknown: [] };
      });
    },
  };
}
export type LabelsRepository = ReturnType<typeof createLabelsRepository>;
