// Payload schemas for every conversation event. Strict objects: unknown keys are junk
// and refused with VALIDATION, as the contract asks.
import { z } from "zod";
import { MAX_BODY_CHARS } from "../events.js";

/** Conversation, agent and attachment ids as the contract carries them. */
export const IdSchema = z.string().min(1).max(64);
const id = IdSchema;
const seq = z.number().int().min(0).max(2_147_483_647);

/** A message's fields, shared by `message:send` and the REST API's POST (src/integrations). */
export const MessageFields = {
  clientMsgId: z.string().min(1).max(64),
  type: z.enum(["text", "image", "file", "card"]),
  body: z.string().max(MAX_BODY_CHARS),
};
/** The rules across a message's fields, for every schema that carries one. */
export const withMessageRules = <S extends z.ZodType<{ type: string; body: string; attachmentId?: string }>>(schema: S) =>
  schema
    .refine((p) => p.type !== "text" || p.body.trim().length > 0, { message: "text body is empty", path: ["body"] })
    .refine((p) => p.type === "text" || p.type === "card" || !!p.attachmentId, {
      message: "image and file messages need an attachmentId",
      path: ["attachmentId"],
    });

export const SendSchema = withMessageRules(z.strictObject({
  conversationId: id.optional(),
  ...MessageFields,
  attachmentId: id.optional(),
}));

export const SyncSchema = z.strictObject({
  conversationId: id.optional(),
  afterSeq: seq,
  limit: z.number().int().min(1).max(500).optional(),
});

export const ReadSchema = z.strictObject({ conversationId: id.optional(), upToSeq: seq });
export const TypingSchema = z.strictObject({ conversationId: id.optional(), isTyping: z.boolean() });
export const HbSchema = z.strictObject({
  t: z.number().finite(),
  rtt: z.number().finite().min(0).max(600_000).optional(),
});
