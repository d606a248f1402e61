// The REST API's request schemas (PROTOCOL.md section 6): the handlers validate with
// these, and openapi.ts documents them, so the document cannot drift from what is
// accepted. Strict objects, as on the sockets: unknown keys and query parameters are
// junk, refused with VALIDATION. Query values arrive as text, hence the coercions.
import { z } from "zod";
import { IdSchema, MessageFields, withMessageRules } from "../conversations/conversations.schemas.js";

const count = (max: number) => z.coerce.number().int().min(1).max(max);

export const ConversationListQuery = z.strictObject({
  status: z.enum(["waiting", "open", "resolved"]).optional().describe("only conversations in this status"),
  after: z.string().min(1).max(200).optional().describe("the `next` cursor of the previous page"),
  limit: count(100).optional().describe("page size, default 50, max 100"),
  label: IdSchema.optional().describe("only conversations carrying this label (its id, GET /api/conversations/labels)"),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

export const MessagesQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).max(2_147_483_647).optional().describe("messages with a greater seq (default 0)"),
  limit: count(500).optional().describe("page size, default 100, max 500"),
});

export const ConversationParams = z.strictObject({ id: IdSchema });

/** `POST /api/conversations/:id/messages`: `message:send` without the conversation (the
 *  path names it) and without attachments (an integration cannot upload). */
export const PostMessageBody = withMessageRules(z.strictObject(MessageFields));
export const TransferBody = z.strictObject({ toAgentId: IdSchema });
/** `PUT /api/conversations/:id/labels`: the conversation's labels become exactly these. */
export const LabelsBody = z.strictObject({ labelIds: z.array(IdSchema).max(50) });
/** Claim and resolve carry nothing but the path; an empty object (or no body) is fine. */
export const EmptyBody = z.strictObject({});

export const CreateApiKeyBody = z.strictObject({ name: z.string().trim().min(1, "name is required").max(80, "name at most 80 characters") });
export const ApiKeyParams = z.strictObject({ id: IdSchema });
