// The OpenAPI 3.1 document of the REST API, built from the zod schemas the handlers
// validate with (rest.schemas.ts) and the answer schemas the tests check real answers
// against (rest.views.ts): z.toJSONSchema writes JSON Schema 2020-12, OpenAPI 3.1's
// dialect, so nothing is written twice. Built once at start; served by docs.routes.ts.
import { z } from "zod";
import * as req from "./rest.schemas.js";
import * as out from "./rest.views.js";

type Json = Record<string, unknown>;
const input = (s: z.ZodType): Json => {
  const { $schema: _drop, ...schema } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
  return schema;
};
const output = (s: z.ZodType): Json => {
  const { $schema: _drop, ...schema } = z.toJSONSchema(s, { io: "output", unrepresentable: "any" }) as Json;
  return schema;
};

/** One parameter per field of a strict object schema, where `in` says. */
function params(schema: z.ZodObject, where: "query" | "path"): Json[] {
  return Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: where,
    required: where === "path" || !(field as z.ZodType).safeParse(undefined).success,
    ...((field as z.ZodType).description ? { description: (field as z.ZodType).description } : {}),
    schema: input(field as z.ZodType),
  }));
}
const json = (schema: Json) => ({ content: { "application/json": { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, ...json(ref("Error")) });
const ERRORS = {
  400: error("VALIDATION: a malformed query, path or body; nothing changed"),
  401: error("AUTH_INVALID: no, a bad or a revoked credential"),
  403: error("FORBIDDEN: not this caller's conversation or endpoint"),
  404: error("NOT_FOUND"),
  429: error("RATE_LIMITED, with retryAfterMs (and Retry-After)"),
  503: error("UNAVAILABLE, with retryAfterMs: nothing was stored, retry later"),
};

interface Op { summary: string; query?: z.ZodObject; path?: z.ZodObject; body?: z.ZodType; ok: [number, string, Json | null]; extra?: Json; admin?: boolean }
function op(o: Op): Json {
  return {
    summary: o.summary,
    security: o.admin ? [{ adminToken: [] }] : [{ apiKey: [] }, { agentToken: [] }],
    parameters: [...(o.path ? params(o.path, "path") : []), ...(o.query ? params(o.query, "query") : [])],
    ...(o.body ? { requestBody: { required: true, ...json(input(o.body)) } } : {}),
    responses: { [o.ok[0]]: { description: o.ok[1], ...(o.ok[2] ? json(o.ok[2]) : {}) }, ...ERRORS, ...o.extra },
  };
}
const conflict = { 409: error("CONFLICT: resolved, or another agent has it") };
const action = (summary: string) => op({ summary, path: req.ConversationParams, body: req.EmptyBody, ok: [200, "the conversation now", output(out.OneConversation)], extra: conflict });

/** The REST API's own version: it changes by additions only, as the contract does. */
const API_VERSION = "1.0.0";

export function buildOpenApi(): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "Holdfast REST API",
      version: API_VERSION,
      description: "Conversations and messages over HTTP, with the same data, rules, seq and idempotency as the Socket.IO events (PROTOCOL.md section 6). Errors are `{ error: { code, message } }`.",
    },
    paths: {
      "/api/conversations": {
        get: op({ summary: "List conversations, oldest first, a page at a time (cursor `after`)", query: req.ConversationListQuery, ok: [200, "a page", output(out.ConversationPage)] }),
      },
      "/api/conversations/{id}/messages": {
        get: op({ summary: "Messages after a seq, in seq order (as the `sync` event)", path: req.ConversationParams, query: req.MessagesQuery, ok: [200, "a page", output(out.MessagePage)] }),
        post: op({
          summary: "Send a message: stored before the answer, the next seq, idempotent by clientMsgId (as `message:send`)",
          path: req.ConversationParams, body: req.PostMessageBody, ok: [201, "stored (or, duplicate: true, stored before)", output(out.PostedMessage)],
          extra: { ...conflict, 422: error("CONTENT_BLOCKED") },
        }),
      },
      "/api/conversations/{id}/claim": { post: action("Claim a waiting conversation (agent tokens; an API key cannot hold one)") },
      "/api/conversations/{id}/transfer": {
        post: op({ summary: "Hand the conversation to an agent", path: req.ConversationParams, body: req.TransferBody, ok: [200, "the conversation now", output(out.OneConversation)], extra: conflict }),
      },
      "/api/conversations/{id}/resolve": { post: action("Resolve the conversation") },
      "/api/conversations/labels": {
        get: op({ summary: "The labels an admin defined, to filter by (`label`) and to set", ok: [200, "the labels", output(out.LabelList)] }),
      },
      "/api/conversations/{id}/labels": {
        put: op({ summary: "Set the conversation's labels (exactly these ids; at most 10)", path: req.ConversationParams, body: req.LabelsBody, ok: [200, "its labels now", output(out.ConversationLabels)] }),
      },
      "/api/api-keys": {
        get: op({ summary: "List the working API keys (admins)", admin: true, ok: [200, "the keys", output(out.ApiKeyList)] }),
        post: op({ summary: "Create an API key (admins); the key is in this answer only", admin: true, body: req.CreateApiKeyBody, ok: [201, "created", output(out.CreatedApiKey)] }),
      },
      "/api/api-keys/{id}": {
        delete: op({ summary: "Revoke an API key (admins): refused at once after", admin: true, path: req.ApiKeyParams, ok: [204, "revoked", null] }),
      },
    },
    components: {
      schemas: { Error: output(out.ErrorView), Message: output(out.MessageView), Conversation: output(out.ConversationView) },
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "an API key (`hfk_...`) an admin created on /admin/api-keys" },
        agentToken: { type: "http", scheme: "bearer", description: "an agent's token from POST /api/agent/token" },
        adminToken: { type: "http", scheme: "bearer", description: "an admin's token from POST /api/agent/token" },
      },
    },
  };
}
