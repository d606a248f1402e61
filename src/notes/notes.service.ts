// Private notes on a conversation (issue 13): written by agents, read by the agents who
// may read the conversation, pushed to the agents following it (never to its visitor).
import type { Actor } from "../accounts/actor.js";
import type { ConversationsService } from "../conversations/conversations.service.js";
import type { Note } from "../events.js";
import type { NotesRepository } from "./notes.repository.js";

export function createNotesService(d: {
  repo: NotesRepository;
  /** The conversation if the agent may read it (NOT_FOUND, FORBIDDEN): the rule of `sync`. */
  conversations: Pick<ConversationsService, "agentReadable">;
  /** To the agents following the conversation, and admins. */
  announce: (n: Note) => void;
}) {
  return {
    async add(actor: Actor, conversationId: string, body: string): Promise<Note> {
      await d.conversations.agentReadable(actor, conversationId);
      const note = await d.repo.add(conversationId, actor.id, body.trim());
      d.announce(note);
      return note;
    },
    async list(actor: Actor, conversationId: string): Promise<Note[]> {
      // Read as the transcript is: an earlier conversation of the visitor they serve too.
      await d.conversations.agentReadable(actor, conversationId, true);
      return d.repo.list(conversationId);
    },
  };
}
export type NotesService = ReturnType<typeof createNotesService>;
