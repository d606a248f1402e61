// The `csat:submit` payload: a whole-star rating and an optional comment. Strict: junk
// keys are VALIDATION, as for every other event.
import { z } from "zod";
import { CSAT_COMMENT_MAX } from "../events.js";
import { IdSchema } from "../conversations/conversations.schemas.js";

export const CsatSubmitSchema = z.strictObject({
  conversationId: IdSchema,
  rating: z.number().int().min(1).max(5),
  comment: z.string().max(CSAT_COMMENT_MAX).optional(),
});
