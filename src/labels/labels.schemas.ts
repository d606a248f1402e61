// Payloads and forms of labels (strict: unknown keys are junk, refused with VALIDATION).
import { z } from "zod";
import { IdSchema as id } from "../conversations/conversations.schemas.js";
import { MAX_LABELS_PER_CONVERSATION } from "../events.js";
import { isColour, LABEL_NAME_MAX, normaliseName } from "./labels.rules.js";

const name = z
  .string()
  .transform(normaliseName)
  .pipe(z.string().min(1, "name is required").max(LABEL_NAME_MAX, `name at most ${LABEL_NAME_MAX} characters`));
const colour = z.string().trim().toLowerCase().refine(isColour, "colour must be #rrggbb");

/** The admin page's form (create, and rename/recolour). */
export const LabelFormSchema = z.strictObject({ name, colour });

/** `conversation:labels`: the whole set the conversation carries from now on. */
export const SetLabelsSchema = z.strictObject({
  conversationId: id,
  labelIds: z.array(id).max(MAX_LABELS_PER_CONVERSATION * 2, "too many labels"),
});
