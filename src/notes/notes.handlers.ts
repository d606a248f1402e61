// Agent-only note events (src/events.ts documents them).
import { actorOf, type On } from "../realtime/handlers.js";
import type { AppSocket } from "../realtime/types.js";
import { NoteAddSchema, NoteListSchema } from "./notes.schemas.js";
import type { NotesService } from "./notes.service.js";

export function createNotesHandlers(on: On, notes: NotesService) {
  return function register(socket: AppSocket) {
    on(socket, "note:add", NoteAddSchema, async (p) => ({ note: await notes.add(actorOf(socket), p.conversationId, p.body) }));
    on(socket, "note:list", NoteListSchema, async (p) => ({ notes: await notes.list(actorOf(socket), p.conversationId) }));
  };
}
