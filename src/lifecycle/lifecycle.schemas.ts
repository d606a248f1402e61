// Payloads of the snooze events (strict: unknown keys are junk, refused with VALIDATION).
// `until` is judged by lifecycle.rules (a time with a zone, ahead, within a year).
import { z } from "zod";
import { IdSchema as id } from "../conversations/conversations.schemas.js";

export const SnoozeSchema = z.strictObject({ conversationId: id, until: z.string().max(40).nullable().optional() });
export const UnsnoozeSchema = z.strictObject({ conversationId: id });
