// Payloads of the note events (strict: unknown keys are junk, refused with VALIDATION).
import { z } from "zod";
import { IdSchema as id } from "../conversations/conversations.schemas.js";
import { MAX_BODY_CHARS } from "../events.js";

export const NoteAddSchema = z.strictObject({
  conversationId: id,
  body: z.string().max(MAX_BODY_CHARS).refine((b) => b.trim().length > 0, "note is empty"),
});
export const NoteListSchema = z.strictObject({ conversationId: id });
