// Private notes: their own table, outside the messages' seq, so a visitor's transcript
// never shows a gap where a note was written.
import { randomUUID } from "node:crypto";
import type { Database } from "../lib/db.js";
import type { Note } from "../events.js";

interface NoteRow {
  id: string;
  conversation_id: string;
  agent_id: string;
  agent_name: string;
  body: string;
  created_at: string;
}
const toNote = (r: NoteRow): Note => ({
  id: r.id,
  conversationId: r.conversation_id,
  author: { id: r.agent_id, name: r.agent_name },
  body: r.body,
  createdAt: r.created_at,
});
// The wire's ISO time, made by the database (as messages.mapper does).
const COLUMNS = `n.id, n.conversation_id, n.agent_id, a.name AS agent_name, n.body,
  to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;

/** Notes of one conversation listed at most: its newest, oldest of them first. */
const MAX_NOTES = 500;

export function createNotesRepository(db: Pick<Database, "query">) {
  return {
    async add(conversationId: string, agentId: string, body: string): Promise<Note> {
      const rows = await db.query<NoteRow>(
        `WITH n AS (INSERT INTO conversation_note (id, conversation_id, agent_id, body) VALUES ($1, $2, $3, $4) RETURNING *)
         SELECT ${COLUMNS} FROM n JOIN agent a ON a.id = n.agent_id`,
        [randomUUID(), conversationId, agentId, body],
      );
      return toNote(rows[0]!);
    },
    async list(conversationId: string): Promise<Note[]> {
      // The newest MAX_NOTES (a long thread's latest are the ones that matter), shown in order.
      const rows = await db.query<NoteRow>(
        `SELECT * FROM (SELECT ${COLUMNS}, n.created_at AS at FROM conversation_note n JOIN agent a ON a.id = n.agent_id
           WHERE n.conversation_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT ${MAX_NOTES}) newest
         ORDER BY at, id`,
        [conversationId],
      );
      return rows.map(toNote);
    },
  };
}
export type NotesRepository = ReturnType<typeof createNotesRepository>;
