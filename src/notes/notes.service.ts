// Private notes on a conversation (issue 13): written by agents, read by the agents who
// may read the conversation, pushed to the agents following it (never to its visitor).
import type { Actor } from "../accounts/actor.js";
import type { ConversationsRepository } from "../conversations/conversations.repository.js";
import type { Note } from "../events.js";
import { forbidden, notFound } from "../lib/errors.js";
import type { NotesRepository } from "./notes.repository.js";
import { mayAnnotate } from "./notes.rules.js";

export function createNotesService(d: {
  repo: NotesRepository;
  conversations: Pick<ConversationsRepository, "byId">;
  /** To the agents following the conversation, and admins. */
  announce: (n: Note) => void;
}) {
  async function allowed(actor: Actor, conversationId: string) {
    const row = await d.conversations.byId(conversationId);
    if (!row) throw notFound("conversation not found");
    if (!mayAnnotate(actor, row)) throw forbidden("not your conversation");
  }
  return {
    async add(actor: Actor, conversationId: string, body: string): Promise<Note> {
      await allowed(actor, conversationId);
      const note = await d.repo.add(conversationId, actor.id, body.trim());
      d.announce(note);
      return note;
    },
    async list(actor: Actor, conversationId: string): Promise<Note[]> {
      await allowed(actor, conversationId);
      return d.repo.list(conversationId);
    },
  };
}
export type NotesService = ReturnType<typeof createNotesService>;
